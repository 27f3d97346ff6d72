"""End to end: a contest with `relais serve` as a subprocess, on every channel at once.

An organiser creates a contest with `relais quiz create`; it opens at once. A Telegram
relay answers with buttons (and taps one twice, concurrently), a WhatsApp relay types
"B" then "2" (and Twilio replays a webhook), a relay in the simulator answers after the
contest closed. The leaderboard, the draw, the winner's message and the audit come out
right, from the command line, as an organiser would run them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.factories import callback_update, telegram_update
from tests.fakes.telegram import Call, FakeTelegram
from tests.fakes.twilio import FakeTwilio, inbound_params
from tests.serving import (
    WHATSAPP_FROM,
    Served,
    fake_settings,
    post_update,
    post_whatsapp,
    query,
    relais,
    relais_serve,
)
from tests.test_quiz_draw import reference_draw
from tests.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHAT = 770077
WHATSAPP = "whatsapp:+22376000111"
PHONE = "sim-quiz"
ZONE = ZoneInfo("Africa/Bamako")
QUIZ = """\
contests:
  - id: quiz-e2e
    title: {{fr: "Quiz des communes", bm: "Komini ɲininkaliw"}}
    prize: {{fr: "Du crédit", bm: "Telefɔni wari"}}
    opens: {opens}
    closes: {closes}
    points: 10
    questions:
      - text: {{fr: "Qui élit le maire ?", bm: "Jɔn bɛ mɛri sugandi?"}}
        choices:
          - {{fr: "Le préfet", bm: "Perefɛ"}}
          - {{fr: "Le conseil communal", bm: "Komini ladilikɛlaw"}}
        answer: 2
      - text: {{fr: "Combien de femmes au moins sur les listes ?", bm: "Musow hakɛ jumɛn?"}}
        choices:
          - {{fr: "10 %", bm: "10 %"}}
          - {{fr: "30 %", bm: "30 %"}}
          - {{fr: "50 %", bm: "50 %"}}
        answer: 2
"""


@pytest.fixture
def served(tmp_path: Path, telegram: FakeTelegram, twilio: FakeTwilio) -> Iterator[Served]:
    with relais_serve(tmp_path, **fake_settings(telegram, twilio)) as served:
        yield served
    log = served.log.read_text()
    assert telegram.token not in log
    assert "76000111" not in log


def tg(served: Served, update: dict[str, Any]) -> None:
    post_update(served.url, update)


def wa(served: Served, twilio: FakeTwilio, body: str, *, twice: bool = False) -> None:
    params = inbound_params(
        from_=WHATSAPP, to=WHATSAPP_FROM, body=body, account_sid=twilio.account_sid
    )
    for _ in range(2 if twice else 1):  # Twilio retries with the same MessageSid
        post_whatsapp(served.url, twilio, params)


def sim(served: Served, message_id: str, **body: str) -> None:
    response = httpx.post(
        f"{served.url}/simulator/api/phones/{PHONE}/send",
        json={"id": message_id, **body},
        timeout=10,
    )
    assert response.status_code == 202, response.text


def sim_messages(served: Served, containing: str, count: int = 1) -> list[str]:
    def shown() -> list[str]:
        page = httpx.get(f"{served.url}/simulator/api/phones/{PHONE}/messages", timeout=10)
        return [m["text"] for m in page.json()["messages"] if m["direction"] == "out"]

    def arrived(texts: list[str]) -> bool:
        return len([t for t in texts if containing in t.replace("\xa0", " ")]) >= count

    awaiting = f"{count} simulator message(s) containing {containing!r}"
    return eventually(shown, until=arrived, awaiting=awaiting, timeout=20, interval=0.2)


def tg_message(telegram: FakeTelegram, containing: str) -> Call:
    def matches(call: Call) -> bool:
        return containing in str(call.params.get("text", "")).replace("\xa0", " ")

    return telegram.wait_for(matches, method="sendMessage", timeout=20)[-1]


def wa_message(twilio: FakeTwilio, containing: str) -> str:
    sent = twilio.wait_for(
        lambda s: containing in s.body.replace("\xa0", " "), to=WHATSAPP, timeout=20
    )
    return sent[-1].body


def buttons(call: Call) -> list[str]:
    rows = call.params["reply_markup"]["inline_keyboard"]
    return [button["callback_data"] for row in rows for button in row]


def message_id(telegram: FakeTelegram, call: Call) -> int:
    return int(
        next(
            m["message_id"]
            for m in reversed(telegram.messages(CHAT))
            if m.get("text") == call.params["text"]
        )
    )


def test_a_contest_on_telegram_whatsapp_and_the_simulator(
    served: Served, telegram: FakeTelegram, twilio: FakeTwilio, tmp_path: Path
) -> None:
    # Three relays join: Telegram in French, WhatsApp in Bambara, the simulator in French.
    tg(served, telegram_update("/start", chat_id=CHAT, first_name="Fatoumata Diarra"))
    tg(served, callback_update("lang:fr", chat_id=CHAT))
    tg(served, callback_update("place:kayes", chat_id=CHAT))
    tg_message(telegram, "Bienvenue")
    wa(served, twilio, "/start")
    wa(served, twilio, "1")
    wa(served, twilio, "Kayes")
    wa_message(twilio, "I bisimila")
    sim(served, "1", text="/start")
    sim(served, "2", choice="lang:fr", label="Français")
    sim(served, "3", choice="place:kita", label="Kita")
    sim_messages(served, "Bienvenue")

    now = datetime.now(ZONE)
    quiz = tmp_path / "quiz.yaml"
    quiz.write_text(
        QUIZ.format(
            opens=(now - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M"),
            closes=(now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        ),
        encoding="utf-8",
    )
    created = relais(served, "quiz", "create", str(quiz))
    assert created.returncode == 0, created.stderr
    assert "quiz-e2e" in created.stdout

    # Telegram: buttons; the right answer tapped twice at the same moment counts once.
    first = tg_message(telegram, "question 1 sur 2")
    assert len(buttons(first)) == 2
    right = buttons(first)[1]
    taps = [callback_update(right, chat_id=CHAT, message_id=message_id(telegram, first))]
    taps.append(callback_update(right, chat_id=CHAT, message_id=message_id(telegram, first)))
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda update: tg(served, update), taps))
    tg_message(telegram, "Bonne réponse")
    second = tg_message(telegram, "question 2 sur 2")
    tg(
        served,
        callback_update(buttons(second)[1], chat_id=CHAT, message_id=message_id(telegram, second)),
    )
    tg_message(telegram, "toutes les questions")

    # WhatsApp: a numbered list in Bambara; "B", then "2" replayed by Twilio.
    asked = wa_message(twilio, "ɲininkali 1 2 la")
    assert asked.endswith("1 Perefɛ\n2 Komini ladilikɛlaw")
    wa(served, twilio, "sigi")  # not an answer: a hint, not silence
    wa_message(twilio, "1 ka se 2 ma")
    wa(served, twilio, "B")
    wa_message(twilio, "ɲininkali 2 2 la")
    wa(served, twilio, "2", twice=True)
    wa_message(twilio, "ɲininkaliw bɛɛ jaabi")

    # The simulator's relay answers after the contest closed: kept, late, worth nothing.
    sim_messages(served, "question 1 sur 2")
    query(served.database, "SELECT 1")  # the file is there
    engine = create_engine(f"sqlite:///{served.database}")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE contest SET closes_at = :t WHERE slug = 'quiz-e2e'"),
            {"t": datetime.now(ZONE) - timedelta(seconds=1)},
        )
    engine.dispose()
    sim(served, "4", text="2")
    sim_messages(served, "est fermé")

    answers = query(
        served.database,
        "SELECT r.channel, a.correct, a.late, a.points FROM answer a "
        "JOIN relay r ON r.id = a.relay_id ORDER BY r.channel, a.id",
    )
    assert answers == [
        ("console", 1, 1, 0),
        ("telegram", 1, 0, 10),
        ("telegram", 1, 0, 10),
        ("whatsapp", 1, 0, 10),
        ("whatsapp", 1, 0, 10),
    ]

    board = relais(served, "quiz", "leaderboard", "quiz-e2e")
    assert board.returncode == 0, board.stderr
    lines = [line for line in board.stdout.splitlines() if "#" in line]
    assert [line.split("│")[1].strip() for line in lines] == ["1", "1", "3"]
    assert "F.D. #" in board.stdout
    assert "76000111" not in board.stdout

    ids = dict(query(served.database, "SELECT channel, id FROM relay"))
    eligible = sorted([str(ids["telegram"]), str(ids["whatsapp"])])
    drawn = relais(served, "quiz", "draw", "quiz-e2e", "--winners", "1", "--seed", "e2e-2026")
    assert drawn.returncode == 0, drawn.stderr
    [winner] = reference_draw(eligible, 1, "e2e-2026")
    assert query(served.database, "SELECT winners, eligible FROM contest_draw") == [
        (f'["{winner}"]', f'["{eligible[0]}", "{eligible[1]}"]')
    ]
    if winner == str(ids["telegram"]):
        tg_message(telegram, "Félicitations")
    else:
        wa_message(twilio, "I ni ce! I bɛ tirazi sebagaw cɛma")
    audit = relais(served, "quiz", "audit", "quiz-e2e")
    assert audit.returncode == 0, audit.stderr
    assert "e2e-2026" in audit.stdout
