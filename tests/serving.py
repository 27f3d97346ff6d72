"""`relais serve` as a subprocess, the way an operator starts it, for end-to-end tests;
what those tests post to it as the platforms would, and `relais` commands beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio, signed_form
from tests.waiting import eventually

RELAIS = Path(sys.executable).with_name("relais")
SECRET = "e2e-secret"  # the Telegram webhook's, given to every served Relais
WHATSAPP_FROM = "whatsapp:+22370000000"


@dataclass(frozen=True)
class Served:
    url: str
    database: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def relais_env(**settings: str) -> dict[str, str]:
    """This process's environment without the developer's RELAIS_* variables, and these
    settings as RELAIS_* variables (`database_url` is RELAIS_DATABASE_URL)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("RELAIS_")}
    env.update({f"RELAIS_{name.upper()}": value for name, value in settings.items()})
    return env


def fake_settings(
    telegram: FakeTelegram | None = None, twilio: FakeTwilio | None = None
) -> dict[str, str]:
    """The settings that give Relais these fakes as its platforms."""
    settings: dict[str, str] = {}
    if telegram is not None:
        settings.update(
            telegram_token=telegram.token,
            telegram_secret=SECRET,
            telegram_api_url=telegram.api_url,
        )
    if twilio is not None:
        settings.update(
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_whatsapp_from=WHATSAPP_FROM,
            twilio_api_url=twilio.api_url,
        )
    return settings


@contextmanager
def relais_serve(tmp_path: Path, **settings: str) -> Iterator[Served]:
    """`relais db upgrade` then `relais serve` on a free port with these RELAIS_* settings."""
    database = tmp_path / "relais.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = relais_env(database_url=f"sqlite:///{database}", public_url=url, **settings)
    subprocess.run([RELAIS, "db", "upgrade"], cwd=tmp_path, env=env, check=True, timeout=60)
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [RELAIS, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=log, stderr=log
        )

        def healthy() -> bool:
            with suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    return True
            assert process.poll() is None, log_path.read_text()
            return False

        try:
            eventually(
                healthy,
                awaiting="relais serve to answer /healthz",
                timeout=30,
                interval=0.2,
                context=log_path.read_text,
            )
            yield Served(url, database, log_path)
        finally:
            process.terminate()
            process.wait(timeout=15)


def query(database: Path, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """Rows of a served SQLite database, read from outside as an operator would."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def relais(served: Served, *args: str) -> subprocess.CompletedProcess[str]:
    """`relais ARGS` on the served database, as an organiser runs it beside the server."""
    env = relais_env(database_url=f"sqlite:///{served.database}")
    return subprocess.run(
        [RELAIS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def post_update(url: str, update: Mapping[str, Any]) -> None:
    """A Telegram update posted to the webhook of the Relais at `url`, as Telegram does."""
    response = httpx.post(
        f"{url}/webhooks/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def post_whatsapp(url: str, twilio: FakeTwilio, params: Mapping[str, str]) -> httpx.Response:
    """An incoming message (tests.fakes.twilio's inbound_params) posted, signed, to the
    webhook of the Relais at `url`, as Twilio does."""
    hook = f"{url}/webhooks/twilio"
    headers, form = signed_form(hook, params, twilio.auth_token)
    response = httpx.post(hook, data=form, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response
