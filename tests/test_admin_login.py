"""Logging in to the dashboard: accounts, the session cookie, CSRF, the rate limit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import LoginFailure, OrganiserSession
from bot.web.app import create_app
from tests.dashboard import PASSWORD, Dashboard, SettingsFactory, add_account, form_token, log_in

LOCAL = ("127.0.0.1", 5000)


def test_every_admin_page_wants_a_login_even_from_this_machine(
    make_settings: SettingsFactory,
) -> None:
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        response = client.get("/admin?period=week", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin%3Fperiod%3Dweek"


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    settings = make_settings(public_url="https://relais.example.org")
    with TestClient(create_app(settings), client=LOCAL, base_url="https://testserver") as client:
        page = client.get("/admin/login")
        assert 'name="login"' in page.text
        assert 'name="password"' in page.text
        response = client.post(
            "/admin/login",
            data={"login": "AWA ", "password": PASSWORD, "csrf": form_token(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "relais_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" in cookie
        overview = client.get("/admin")
        assert overview.status_code == 200
        assert "awa" in overview.text
        client.post("/admin/logout", data={"csrf": form_token(overview.text)})
        assert client.get("/admin", follow_redirects=False).status_code == 303
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OrganiserSession)) == 0


def test_cookie_is_not_secure_on_plain_http(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        page = client.get("/admin/login")
        response = client.post(
            "/admin/login",
            data={"login": "awa", "password": PASSWORD, "csrf": form_token(page.text)},
            follow_redirects=False,
        )
    assert "relais_session=" in response.headers["set-cookie"]
    assert "Secure" not in response.headers["set-cookie"]


def test_a_form_without_its_csrf_token_is_refused_and_does_nothing(
    dashboard: Dashboard, factory: sessionmaker[Session]
) -> None:
    refused = dashboard.client.post("/admin/logout", data={})
    wrong = dashboard.client.post("/admin/logout", data={"csrf": "forged"})
    assert (refused.status_code, wrong.status_code) == (403, 403)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OrganiserSession)) == 1
    assert dashboard.client.get("/admin").status_code == 200


def test_the_login_form_itself_needs_its_token(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        response = client.post(
            "/admin/login", data={"login": "awa", "password": PASSWORD}, follow_redirects=False
        )
    assert response.status_code == 403


def test_failed_logins_are_limited_per_login_and_the_right_password_then_waits(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        token = form_token(client.get("/admin/login").text)
        codes = [
            client.post(
                "/admin/login", data={"login": "awa", "password": "wrong", "csrf": token}
            ).status_code
            for _attempt in range(6)
        ]
        blocked = client.post(
            "/admin/login", data={"login": "awa", "password": PASSWORD, "csrf": token}
        )
    assert codes == [401] * 5 + [429]
    assert blocked.status_code == 429
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 5


def test_failed_logins_are_limited_per_address_across_logins(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        token = form_token(client.get("/admin/login").text)
        codes = [
            client.post(
                "/admin/login",
                data={"login": f"guess{number}", "password": "wrong", "csrf": token},
            ).status_code
            for number in range(21)
        ]
        other = TestClient(create_app(make_settings()), client=("192.0.2.1", 1))
        with other:
            assert log_in(other)
    assert codes[:20] == [401] * 20
    assert codes[20] == 429


def test_next_never_leaves_the_dashboard(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    add_account(factory)
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        token = form_token(client.get("/admin/login").text)
        response = client.post(
            "/admin/login",
            data={
                "login": "awa",
                "password": PASSWORD,
                "csrf": token,
                "next": "https://evil.example/",
            },
            follow_redirects=False,
        )
    assert response.headers["location"] == "/admin"


def test_the_api_token_still_opens_the_api_but_not_the_dashboard(api: TestClient) -> None:
    from tests.conftest import AUTH

    assert api.get("/api/broadcasts", headers=AUTH).status_code == 200
    assert api.get("/admin", headers=AUTH, follow_redirects=False).status_code == 303
