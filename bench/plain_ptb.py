"""The plain baseline for bench/inbound.py: the webhook bot a volunteer would write with
python-telegram-bot, recording each update in the same database, under the same uvicorn
settings as `relais web`. `python bench/plain_ptb.py PORT DATABASE_URL`

Telegram: a FastAPI route checks the secret header, turns the body into an `Update` and
awaits `Application.process_update`, whose one handler stores the update's text (or the
pressed button's data) through SQLAlchemy, one transaction per update; 200 after that, so
what it answers is stored, as Relais promises. WhatsApp (Twilio): the same route a
volunteer adds beside it, checking the signature with twilio's RequestValidator and
storing the Body (or ButtonPayload). Neither answers anyone: replies are not the point.

Its Bot never reaches api.telegram.org: `initialize()` asks getMe, answered here offline.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from fastapi import FastAPI, Request, Response
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData
from twilio.request_validator import RequestValidator

SECRET = os.environ.get("PLAIN_TELEGRAM_SECRET", "bench-secret")
TOKEN = os.environ.get("PLAIN_TELEGRAM_TOKEN", "123456:bench")
TWILIO_TOKEN = os.environ.get("PLAIN_TWILIO_AUTH_TOKEN", "")
PUBLIC_URL = os.environ.get("PLAIN_PUBLIC_URL", "")

metadata = MetaData()
updates = Table(
    "plain_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("update_id", String(64), nullable=False, unique=True),
    Column("chat_id", BigInteger),
    Column("sender", String(64)),
    Column("text", Text),
    Column("payload", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


class Offline(BaseRequest):
    """Answers getMe (all `initialize()` asks); the bench bot calls nothing else."""

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if url.endswith("/getMe"):
            me = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        return 400, json.dumps({"ok": False, "description": "offline"}).encode()


engine = create_engine(sys.argv[2] if len(sys.argv) > 2 else "sqlite:///plain.db")
if engine.dialect.name == "sqlite":
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA busy_timeout=5000")


metadata.create_all(engine)


async def record(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the update: who, what they typed or pressed, and the update itself."""
    query = update.callback_query
    message = update.effective_message
    chat = update.effective_chat
    text = query.data if query is not None else (message.text if message else None)
    with engine.begin() as connection:
        connection.execute(
            insert(updates).values(
                channel="telegram",
                update_id=str(update.update_id),
                chat_id=chat.id if chat else None,
                text=text,
                payload=update.to_dict(),
                received_at=datetime.now(UTC),
            )
        )


application = (
    Application.builder()
    .token(TOKEN)
    .request(Offline())
    .get_updates_request(Offline())
    .updater(None)
    .build()
)
application.add_handler(TypeHandler(Update, record))


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    async with application:
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/webhooks/telegram")
async def telegram(request: Request) -> Response:
    if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
        return Response(status_code=403)
    update = Update.de_json(await request.json(), application.bot)
    await application.process_update(update)
    return Response(status_code=200)


@app.post("/webhooks/twilio")
async def twilio(request: Request) -> Response:
    form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    validator = RequestValidator(TWILIO_TOKEN)
    url = PUBLIC_URL + request.url.path
    if not validator.validate(url, form, request.headers.get("X-Twilio-Signature", "")):
        return Response(status_code=403)
    with engine.begin() as connection:
        connection.execute(
            insert(updates).values(
                channel="whatsapp",
                update_id=form["MessageSid"],
                sender=form.get("From"),
                text=form.get("ButtonPayload") or form.get("Body"),
                payload=form,
                received_at=datetime.now(UTC),
            )
        )
    return Response("<Response></Response>", media_type="text/xml")


if __name__ == "__main__":
    config = uvicorn.Config(
        app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False, log_config=None
    )
    uvicorn.Server(config).run()
