"""A contest and a poll as campaign files write them, in a campaign that is ready to
launch, for the tests of contests and polls."""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from content.problems import Problem
from tests.campaign_files import Change, check, document, write_campaign

OGG = b"OggS" + b"\0" * 60
QUIZ: dict[str, Any] = {
    "id": "quiz-droits",
    "title": {"fr": "Quiz : nos droits", "bm": "Ɲininkaliw: an ka josiraw"},
    "prize": {"fr": "Du crédit de communication", "bm": "Telefɔni wari"},
    "opens": "2026-12-08 08:30",
    "closes": "2026-12-10 20:00",
    "mode": "all_at_once",
    "feedback": "after_close",
    "points": 2,
    "speed_bonus": {"points": 1, "minutes": 60},
    "eligible": "any_correct",
    "audience": {"places": ["kayes", "kita"], "roles": ["relay"], "tags": ["ambassadeur"]},
    "questions": [
        {
            "text": {
                "fr": "Qui élit le conseil communal ?",
                "bm": "Jɔn bɛ komini ladilikɛlaw sugandi?",
            },
            "choices": [
                {"fr": "Les habitants", "bm": "Mɔgɔw"},
                {"fr": "Le préfet", "bm": "Perefe"},
            ],
            "answer": 1,
        },
        {
            "text": {"fr": "Les sessions sont-elles publiques ?", "bm": "Lajɛw da bɛ wuli wa?"},
            "choices": [
                {"fr": "Non", "bm": "Ayi"},
                {"fr": "Parfois", "bm": "Tuma dɔw"},
                {"fr": "Oui", "bm": "Awɔ"},
            ],
            "answer": 3,
            "media": {"bm": "media/q2-bm.ogg"},
        },
    ],
}
POLL: dict[str, Any] = {
    "id": "sondage-conseil",
    "question": {"fr": "Qu'est-ce qui aiderait le plus ?", "bm": "Mun de bɛna dɛmɛ kosɛbɛ?"},
    "choices": [
        {"fr": "L'éducation", "bm": "Kalan"},
        {"fr": "Un emploi", "bm": "Baara"},
        {"fr": "La famille", "bm": "Denbaya"},
    ],
    "opens": "2026-12-09 09:00",
    "closes": "2026-12-12 20:00",
    "changeable": True,
    "threshold": 7,
    "audience": {"languages": ["bm"]},
}
FILES = {"media/q2-bm.ogg": OGG}
SEVEN = [{"fr": f"Choix {n}", "bm": f"Sugandili {n}"} for n in range(7)]


def local_time(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A local time as campaign files give it: naive, in the campaign's time zone."""
    return datetime.combine(date(year, month, day), time(hour, minute))


def with_quizzes(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid campaign (tests.campaign_files' document()) with a contest and a poll, or
    these sections instead."""
    data = document()
    data["contests"] = copy.deepcopy(sections.get("contests", [QUIZ]))
    data["polls"] = copy.deepcopy(sections.get("polls", [POLL]))
    return data


def write_quizzes(folder: Path, data: dict[str, Any]) -> Path:
    return write_campaign(folder, data, FILES)


def problem_on(problems: list[Problem], field: str, fragment: str) -> Problem:
    """The problem on `field` whose message (its English msgid) holds `fragment`."""
    matching = [p for p in problems if p.field == field and fragment in p.message.msgid]
    assert matching, f"no {field!r} with {fragment!r} in {[str(p) for p in problems]}"
    return matching[0]


def check_quizzes(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, *, offset: int = 0
) -> Problem:
    """tests.campaign_files' check(), on the campaign with a contest and a poll."""
    return check(
        tmp_path,
        change,
        field,
        fragment,
        needle,
        offset=offset,
        base=with_quizzes(),
        files=FILES,
        find=problem_on,
    )
