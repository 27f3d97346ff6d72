"""Who may use /admin, /api and /simulator.

With RELAIS_ADMIN_TOKEN set: a bearer token, or the cookie a browser gets from
?token=… once. Without it: only this machine (loopback, not through a proxy).
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import HTTPException, Request, status

from bot.web.services import Services

COOKIE = "relais_admin"
_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _is_loopback(request: Request) -> bool:
    if any(header in request.headers for header in _PROXY_HEADERS):
        return False  # behind a proxy every client looks local
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE) or request.query_params.get("token")


def require_operator(request: Request, services: Services) -> None:
    token = services.settings.admin_token
    if token is None:
        if not _is_loopback(request):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "only reachable from this machine; set RELAIS_ADMIN_TOKEN to open it",
            )
        return
    given = presented_token(request) or ""
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or wrong admin token",
            headers={"WWW-Authenticate": "Bearer"},
        )
