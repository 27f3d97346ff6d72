"""The language of the simulator's and the home page's own words: `?lang=fr|bm` switches
it, and a cookie keeps the choice for the next pages."""

from __future__ import annotations

from fastapi import Request, Response

from bot.models import Language

COOKIE = "relais_lang"
ONE_YEAR = 365 * 24 * 3600


def ui_language(request: Request) -> Language:
    """?lang= first, then the remembered choice, then French."""
    for value in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if value in (Language.FR.value, Language.BM.value):
            return Language(value)
    return Language.FR


def remember_language(request: Request, response: Response) -> None:
    """Keep a switch made with ?lang= for the next visits."""
    wanted = request.query_params.get("lang")
    if wanted in (Language.FR.value, Language.BM.value) and wanted != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, wanted, max_age=ONE_YEAR, samesite="lax")
