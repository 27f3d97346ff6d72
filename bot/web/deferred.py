"""The dashboard's and the API's routers, included on the first request that needs them.

They import most of what the web app is made of (the dashboard's pages, the indicators,
the broadcast composer and its upload checks, httpx for relay media), and `relais serve`
does not need any of it to answer a webhook or /healthz. A request that none of the
routers already included answers (any /admin or /api page, or an unknown path, which then
gets its 404 from the full app) includes them first, off the event loop; /openapi.json and
app.openapi() do too, so the schema always lists every route.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib import import_module
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

SERVED_KEPT = 256  # requests (method and path) known to be served, remembered at most

# In the order the app lists them.
DEFERRED: tuple[str, ...] = (
    "bot.web.admin.login",
    "bot.web.admin.overview",
    "bot.web.admin.contests",
    "bot.web.admin.relays",
    "bot.web.admin.inbox",
    "bot.web.admin.posts",
    "bot.web.admin.composer",
    "bot.web.admin.broadcasts",
    "bot.web.api.broadcasts",
    "bot.web.api.contests",
    "bot.web.api.indicators",
)


class DeferredRouters:
    """Includes DEFERRED into `app` once, from whichever thread asks first."""

    def __init__(self, app: FastAPI, modules: tuple[str, ...] = DEFERRED) -> None:
        self.app, self.modules = app, modules
        self.included = False
        self._lock = threading.Lock()
        # What the included routes were found to take whole: a webhook's path then costs a
        # set look-up instead of matching every route (4 % of a webhook's CPU). Routes are
        # only ever added, so what is served stays served; bounded, as paths carry ids.
        self._served: set[tuple[str, str, str, str]] = set()
        schema: Callable[[], dict[str, Any]] = app.openapi

        def openapi() -> dict[str, Any]:
            self.include()
            return schema()

        app.openapi = openapi  # type: ignore[method-assign]

    def include(self) -> None:
        if self.included:
            return
        with self._lock:
            if self.included:
                return
            for name in self.modules:
                self.app.include_router(import_module(name).router)
            self.app.openapi_schema = None  # made again, with every route
            self.included = True

    def needed_for(self, scope: Scope) -> bool:
        """Whether answering `scope` needs the deferred routers: none of the routes
        included so far takes it whole, or it asks for the schema."""
        if self.included:
            return False
        if scope["path"] == self.app.openapi_url:
            return True
        key = (scope["type"], scope.get("method", ""), scope.get("root_path", ""), scope["path"])
        if key in self._served:
            return False
        if not any(route.matches(scope)[0] is Match.FULL for route in self.app.router.routes):
            return True
        if len(self._served) < SERVED_KEPT:
            self._served.add(key)
        return False


class IncludeDeferred:
    """ASGI middleware: includes the deferred routers before a request that needs them."""

    def __init__(self, app: ASGIApp, deferred: DeferredRouters) -> None:
        self.app, self.deferred = app, deferred

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.deferred.needed_for(scope):
            await run_in_threadpool(self.deferred.include)
        await self.app(scope, receive, send)
