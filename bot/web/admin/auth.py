"""Who is logged in to the dashboard, and the CSRF check on every form that changes
something.

Every /admin page needs a session, from this machine too; /api keeps its bearer token.
A form sends its token in the field `csrf`; the page's scripts send it in the
X-CSRF-Token header.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from bot.domain import organisers
from bot.domain.organisers import SignedIn
from bot.web.admin.login_required import LoginRequired
from bot.web.services import Services, ServicesDep

SESSION_COOKIE = "relais_session"
LOGIN_CSRF_COOKIE = "relais_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def safe_next(value: str | None) -> str:
    """Only a path inside the dashboard: no open redirect to another site."""
    if value and value.startswith("/admin") and not value.startswith("//"):
        return value
    return "/admin"


def cookie_secure(services: Services) -> bool:
    return services.settings.public_url.startswith("https://")


async def current(request: Request, services: ServicesDep) -> SignedIn:
    token = request.cookies.get(SESSION_COOKIE)
    if token:

        def lookup() -> SignedIn | None:
            with services.factory() as session:
                return organisers.signed_in(session, token)

        found = await run_in_threadpool(lookup)
        if found is not None:
            return found
    back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequired(back_to if request.method == "GET" else "/admin")


Organiser = Annotated[SignedIn, Depends(current)]


async def checked(request: Request, organiser: Organiser) -> SignedIn:
    """The signed-in organiser, once the request's CSRF token matches their session's."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given.encode(), organiser.csrf.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
    return organiser


# For POST routes: logged in, and the form really comes from our page.
Checked = Annotated[SignedIn, Depends(checked)]
