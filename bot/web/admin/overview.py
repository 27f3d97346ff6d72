"""GET /admin: the overview of the campaign."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.web.admin import pages
from bot.web.admin.auth import Organiser

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, organiser: Organiser) -> Response:
    return pages.render(request, "admin/overview.html", organiser=organiser)
