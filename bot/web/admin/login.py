"""GET/POST /admin/login and POST /admin/logout."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain import organisers
from bot.web.admin import pages
from bot.web.admin.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Checked,
    cookie_secure,
    safe_next,
)
from bot.web.services import ServicesDep

router = APIRouter(prefix="/admin", include_in_schema=False)


def _form(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = pages.render(
        request,
        "admin/login.html",
        {
            "login_csrf": token,
            "next": safe_next(request.query_params.get("next")),
            "error": error,
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/admin/login"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _form(request)


@router.post("/login")
async def log_in(
    request: Request,
    services: ServicesDep,
    login: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/admin",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
    client = request.client.host if request.client else "unknown"
    _ = pages.translations_for(request)

    def check() -> tuple[organisers.SignedIn, str] | None:
        with unit_of_work(services.factory) as session:
            return organisers.log_in(session, login=login, password=password, client=client)

    try:
        result = await run_in_threadpool(check)
    except organisers.TooManyAttempts:
        return _form(
            request,
            error=_("Too many failed attempts. Wait a quarter of an hour and try again."),
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    if result is None:
        return _form(
            request,
            error=_("Wrong login or password."),
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    _signed, token = result
    response = RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(organisers.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(services),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


@router.post("/logout")
async def log_out(services: ServicesDep, organiser: Checked) -> Response:
    def end() -> None:
        with unit_of_work(services.factory) as session:
            organisers.log_out(session, session_id=organiser.session_id)

    await run_in_threadpool(end)
    response = RedirectResponse("/admin/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
