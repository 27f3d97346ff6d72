"""A webhook's POST route, registered as a plain Starlette route.

A platform's request needs the request itself and the app's services, nothing FastAPI's
dependency injection adds: solving the dependencies and FastAPI's own request handling
around the endpoint cost about a tenth of a webhook's time on the event loop. The route
is still the app's: its errors (HTTPException included) go through the same handlers,
and it stays out of the OpenAPI schema, as a webhook route always was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response

from bot.web.services import Services

Endpoint = Callable[[Request, Services], Awaitable[Response]]


def webhook(router: APIRouter, path: str) -> Callable[[Endpoint], Endpoint]:
    """Register `endpoint(request, services)` as POST `path` on `router`."""

    def register(endpoint: Endpoint) -> Endpoint:
        async def handle(request: Request) -> Response:
            return await endpoint(request, request.app.state.services)

        handle.__name__ = handle.__qualname__ = endpoint.__name__
        handle.__doc__ = endpoint.__doc__
        router.add_route(path, handle, methods=["POST"], include_in_schema=False)
        return endpoint

    return register
