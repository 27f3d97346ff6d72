"""/docs (Swagger UI) and /redoc, from files the fastapi-offline package ships.

FastAPI's own pages load their scripts from a CDN, so with no internet they stay blank;
these load nothing from outside the app.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/docs"
router = APIRouter(include_in_schema=False)


def _urls(request: Request) -> tuple[str, str]:
    """The schema's address and the assets' folder, behind a proxy's root path too."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{root}{request.app.openapi_url}", f"{root}{ASSETS}"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    openapi, assets = _urls(request)
    return get_swagger_ui_html(
        openapi_url=openapi,
        title=f"{request.app.title} API",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
        oauth2_redirect_url=None,
        # Its default shows a badge fetched from validator.swagger.io, with our schema's URL.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    openapi, assets = _urls(request)
    return get_redoc_html(
        openapi_url=openapi,
        title=f"{request.app.title} API",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )


def assets() -> StaticFiles:
    """Swagger UI's and ReDoc's scripts and styles, to mount at ASSETS."""
    return StaticFiles(packages=[("fastapi_offline", "static")])
