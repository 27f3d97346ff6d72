"""The templates of the pages served from the start (home, simulator), loaded on the first
page asked for: answering a webhook or /healthz needs no Jinja."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates

FOLDER = Path(__file__).parent / "templates"


@cache
def templates() -> Jinja2Templates:
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(directory=FOLDER)
