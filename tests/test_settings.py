from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    monkeypatch.chdir(tmp_path)  # no developer .env
    for name in list(os.environ):
        if name.startswith("RELAIS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_defaults_need_no_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(tmp_path, monkeypatch)
    assert settings.database_url == "sqlite:///relais.db"
    assert settings.timezone == "Africa/Bamako"
    assert settings.telegram_enabled is False


def test_unknown_variable_is_named_with_a_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError) as error:
        load(tmp_path, monkeypatch, RELAIS_TELEGRAM_TOKN="1:x")
    assert "RELAIS_TELEGRAM_TOKN: unknown setting (did you mean RELAIS_TELEGRAM_TOKEN?)" in str(
        error.value
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RELAIS_TIMEZONE": "Africa/Kayes"}, "RELAIS_TIMEZONE: unknown time zone"),
        ({"RELAIS_TELEGRAM_RATE": "fast"}, "RELAIS_TELEGRAM_RATE:"),
        ({"RELAIS_PUBLIC_URL": "relais.example"}, "RELAIS_PUBLIC_URL: must start with http"),
        ({"RELAIS_DATABASE_URL": "mysql://x"}, "RELAIS_DATABASE_URL: use sqlite"),
        ({"RELAIS_TELEGRAM_TOKEN": "123:abc"}, "RELAIS_TELEGRAM_SECRET must be set"),
        (
            {"RELAIS_TELEGRAM_TOKEN": "123:abc", "RELAIS_TELEGRAM_SECRET": "not ok!"},
            "RELAIS_TELEGRAM_SECRET: Telegram allows only",
        ),
        ({"RELAIS_ADMIN_TOKEN": "changeme"}, "RELAIS_ADMIN_TOKEN: is a placeholder"),
    ],
)
def test_invalid_values_fail_naming_the_variable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    expected: str,
) -> None:
    with pytest.raises(SettingsError) as error:
        load(tmp_path, monkeypatch, **env)
    assert expected in str(error.value)


def test_dotenv_is_read_and_postgres_urls_get_the_psycopg_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "RELAIS_DATABASE_URL=postgresql://relais@db/relais\nRELAIS_TELEGRAM_RATE=10\n"
    )
    settings = load(tmp_path, monkeypatch)
    assert settings.database_url == "postgresql+psycopg://relais@db/relais"
    assert settings.telegram_rate == 10


def test_secrets_never_show_in_repr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        tmp_path,
        monkeypatch,
        RELAIS_TELEGRAM_TOKEN="123:very-secret",
        RELAIS_TELEGRAM_SECRET="hook-secret",
    )
    assert "very-secret" not in repr(settings)
    assert "hook-secret" not in repr(settings)


@pytest.mark.parametrize("variable", ["RELAIS_TELEGRAM_RATE", "RELAIS_WHATSAPP_RATE"])
def test_rates_go_up_to_what_the_platforms_sell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    settings = load(tmp_path, monkeypatch, **{variable: "1000"})
    assert settings.telegram_rate == 1000 or settings.whatsapp_rate == 1000
    with pytest.raises(SettingsError) as error:
        load(tmp_path, monkeypatch, **{variable: "1001"})
    assert variable in str(error.value)
