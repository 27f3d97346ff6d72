"""GET /: where to go from here — the simulator and the API's documentation, until the
organisers' dashboard lives here. `?lang=bm` shows it in Bambara. GET /favicon.ico: the
icon browsers ask for on every page that names none."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from bot.i18n import translations
from bot.web.page_templates import templates
from bot.web.ui_language import remember_language, ui_language

router = APIRouter()
FAVICON = Path(__file__).parent / "static" / "favicon.svg"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> Response:
    """Links to what this Relais serves."""
    language = ui_language(request)
    response = templates().TemplateResponse(
        request, "home.html", {"_": translations(language).gettext, "lang": language.value}
    )
    remember_language(request, response)
    return response


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The app's icon (an SVG: every current browser takes one at this address too)."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )
