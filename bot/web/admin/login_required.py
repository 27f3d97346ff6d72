"""What the web app needs from the start to send a browser to the login page: the
dashboard's pages (and the password hashing they use) are loaded on first use."""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["LoginRequired", "login_url"]


class LoginRequired(Exception):
    """No open session: the browser is sent to the login page, then back here."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


def login_url(back_to: str = "/admin") -> str:
    return f"/admin/login?next={quote(back_to, safe='/')}"
