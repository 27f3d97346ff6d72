"""Rendering a dashboard page: the layout, the organiser's language, the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.domain.organisers import SignedIn
from bot.i18n import translations
from bot.models import Language

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
LANG_COOKIE = "relais_lang"


def language(request: Request) -> Language:
    """?lang=bm or fr switches (and is remembered in a cookie); French by default."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return Language.BM if chosen == "bm" else Language.FR


def translations_for(request: Request) -> Any:
    """The organiser's gettext function, for messages built in a route."""
    return translations(language(request)).gettext


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    organiser: SignedIn | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    gettext = translations(lang)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "_": gettext.gettext,
            "ngettext": gettext.ngettext,
            "lang": lang.value,
            "organiser": organiser,
            "csrf": organiser.csrf if organiser else "",
            "path": request.url.path,
            **(context or {}),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in ("fr", "bm"):
        response.set_cookie(
            LANG_COOKIE, lang.value, max_age=365 * 86400, httponly=True, samesite="lax"
        )
    return response
