"""GET /: where to go from here — the simulator and the API's documentation, until the
organisers' dashboard lives here. `?lang=bm` shows it in Bambara."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from bot.i18n import translations
from bot.models import Language

router = APIRouter()
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> Response:
    """Links to what this Relais serves."""
    language = Language.BM if request.query_params.get("lang") == "bm" else Language.FR
    return TEMPLATES.TemplateResponse(
        request, "home.html", {"_": translations(language).gettext, "lang": language.value}
    )
