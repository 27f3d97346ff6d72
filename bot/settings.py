"""Relais configuration: one typed class, read once at start from RELAIS_* variables and .env."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "RELAIS_"
MAX_RATE = 1000.0  # messages/s: the most either platform sells (see Settings)
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret_token.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_PLACEHOLDERS = {"changeme", "change-me", "secret", "xxx", "todo", "token"}


class SettingsError(Exception):
    """Configuration that cannot start Relais; the message names the variable."""


class Settings(BaseSettings):
    """Everything Relais reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        frozen=True,
    )

    database_url: str = "sqlite:///relais.db"
    timezone: str = "Africa/Bamako"
    public_url: str = "http://127.0.0.1:8000"
    admin_token: SecretStr | None = None

    telegram_token: SecretStr | None = None
    telegram_secret: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # At most what the platforms sell: Telegram's paid broadcasts, 1,000/s; WhatsApp
    # Cloud's highest throughput, 1,000 messages/s per sender.
    telegram_rate: float = Field(default=25.0, gt=0, le=MAX_RATE)

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    twilio_sms_from: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    whatsapp_rate: float = Field(default=60.0, gt=0, le=MAX_RATE)
    # WhatsApp's messaging tier: unique relays a business may start a conversation with in
    # 24 hours (250, 1,000, 10,000, 100,000). Beyond it, template sends wait.
    whatsapp_daily_limit: int = Field(default=1000, ge=1)
    # "Reply to keep receiving": an approved template (ContentSid) per language, sent once
    # a day to a relay whose messages are held outside the 24-hour window.
    whatsapp_nudge_template_fr: str | None = None
    whatsapp_nudge_template_bm: str | None = None
    # Quick-reply templates for the bot's questions, {"language": {"fr": "HX…", "bm": "HX…"}};
    # each button's id must be the option's data (lang:bm, place:kayes, erase:yes).
    whatsapp_prompt_templates: dict[str, dict[str, str]] = Field(default_factory=dict)

    # The delivery engine (scheduler/): a worker's claim on a delivery lasts this long
    # unless it renews it; the clock gives an expired claim (a dead worker's) back.
    delivery_lease_seconds: float = Field(default=60.0, ge=2, le=3600)
    # Timeouts and 5xx are retried with backoff until this many attempts, then failed.
    delivery_max_attempts: int = Field(default=6, ge=1, le=50)
    # Deliveries a worker claims at once: at most this many may go twice after a crash.
    # None: 50, or a tenth of a second at the fastest channel's pace (scheduler/worker.py).
    delivery_batch_size: int | None = Field(default=None, ge=1, le=1000)
    # The indicators' small-group rule: a breakdown cell with fewer relays than this shows
    # "<N" to people (bot/domain/indicators/DEFINITIONS.md).
    min_group: int = Field(default=5, ge=1, le=100)
    # Where voice notes organisers upload from the dashboard are kept (served at
    # /media/_uploads/…); several web replicas and workers must share it.
    uploads_dir: str = "uploads"

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # psycopg 3 is the PostgreSQL driver we ship; plain postgresql:// would pick psycopg2.
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value.removeprefix(prefix)
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError("use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Africa/Bamako)") from exc
        return value

    @field_validator("public_url", "telegram_api_url", "twilio_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("admin_token", "telegram_token", "telegram_secret", "twilio_auth_token")
    @classmethod
    def _no_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDERS:
            raise ValueError("is a placeholder; set a real secret or leave it unset")
        if value is not None and not value.get_secret_value():
            return None
        return value

    @field_validator("telegram_secret")
    @classmethod
    def _telegram_secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TELEGRAM_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("Telegram allows only 1-256 characters A-Z a-z 0-9 _ -")
        return value

    @field_validator("whatsapp_nudge_template_fr", "whatsapp_nudge_template_bm")
    @classmethod
    def _content_sid(cls, value: str | None) -> str | None:
        if value is not None and not _CONTENT_SID.fullmatch(value):
            raise ValueError("a Twilio Content SID looks like HX followed by 32 hex digits")
        return value or None

    @field_validator("whatsapp_prompt_templates")
    @classmethod
    def _prompt_templates(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for prompt, by_language in value.items():
            for language, sid in by_language.items():
                if language not in ("fr", "bm") or not _CONTENT_SID.fullmatch(sid):
                    raise ValueError(f"{prompt}.{language}: want fr/bm → HX… Content SIDs")
        return value

    @field_validator("twilio_whatsapp_from")
    @classmethod
    def _whatsapp_sender(cls, value: str | None) -> str | None:
        if value is not None and not _E164.fullmatch(value.removeprefix("whatsapp:")):
            raise ValueError("use whatsapp:+ and the number in E.164, e.g. whatsapp:+22370000000")
        if value is not None and not value.startswith("whatsapp:"):
            value = "whatsapp:" + value
        return value

    @field_validator("twilio_sms_from")
    @classmethod
    def _sms_sender(cls, value: str | None) -> str | None:
        if value is not None and not _E164.fullmatch(value):
            raise ValueError("use the number in E.164, e.g. +22370000000")
        return value

    @property
    def twilio_senders(self) -> set[str]:
        """Our Twilio senders (WhatsApp, SMS): a message must be addressed to one of them."""
        return {sender for sender in (self.twilio_whatsapp_from, self.twilio_sms_from) if sender}

    @model_validator(mode="after")
    def _twilio_complete(self) -> Settings:
        if (self.twilio_account_sid is None) != (self.twilio_auth_token is None):
            raise ValueError(
                "RELAIS_TWILIO_ACCOUNT_SID and RELAIS_TWILIO_AUTH_TOKEN go together: set both"
            )
        if self.twilio_enabled and not (self.twilio_whatsapp_from or self.twilio_sms_from):
            raise ValueError(
                "Twilio needs a sender: set RELAIS_TWILIO_WHATSAPP_FROM or RELAIS_TWILIO_SMS_FROM"
            )
        return self

    @model_validator(mode="after")
    def _telegram_needs_secret(self) -> Settings:
        if self.telegram_token is not None and self.telegram_secret is None:
            raise ValueError(
                "RELAIS_TELEGRAM_SECRET must be set when RELAIS_TELEGRAM_TOKEN is: "
                "without it anyone could post forged updates to /webhooks/telegram"
            )
        return self

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    @property
    def twilio_enabled(self) -> bool:
        return self.twilio_account_sid is not None and self.twilio_auth_token is not None

    @property
    def nudge_templates(self) -> dict[str, str]:
        """The "reply to keep receiving" template of each language that has one."""
        templates = {"fr": self.whatsapp_nudge_template_fr, "bm": self.whatsapp_nudge_template_bm}
        return {language: sid for language, sid in templates.items() if sid}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _unknown_variables(environ: Mapping[str, str]) -> list[str]:
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    messages = []
    for name in sorted(environ):
        if name.startswith(PREFIX) and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            messages.append(f"{name}: unknown setting{hint}")
    return messages


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        name = PREFIX + field.upper() if field else "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown setting"
        lines.append(f"{name}: {message}")
    return lines


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read the settings once, failing with every problem named by its variable."""
    problems = _unknown_variables(os.environ if environ is None else environ)
    settings: Settings | None = None
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems.extend(_describe(exc))
    if problems or settings is None:
        raise SettingsError("Invalid configuration:\n  " + "\n  ".join(problems))
    return settings
