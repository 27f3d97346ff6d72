"""The code's shape: which layer may pull in what, checked by importing each in a fresh
interpreter, and the size of every source file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_NAMES = re.compile(r"\b(telegram|whatsapp|sms|twilio|console)\b", re.IGNORECASE)


def loaded_by(module: str) -> set[str]:
    """The top-level packages and Relais modules importing `module` brings in."""
    script = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        # The engine drives channels through bot/channels/base.py only: no platform SDK.
        ("scheduler.worker", {"telegram", "twilio"}),
        ("scheduler.background", {"telegram", "twilio", "fastapi"}),
        ("scheduler.clock", {"telegram", "twilio", "fastapi"}),
        # Campaign files are read and checked without the SQL model or a database.
        ("content.loaders", {"bot.models", "sqlalchemy"}),
        ("content.readiness", {"bot.models", "sqlalchemy"}),
        # The conversation knows no platform, no web framework and no campaign loader.
        ("bot.conversation.handlers", {"telegram", "twilio", "fastapi", "yaml"}),
        ("bot.conversation.inbound", {"telegram", "twilio", "fastapi", "yaml"}),
        ("bot.domain.broadcasts", {"telegram", "twilio", "fastapi"}),
        ("bot.domain.contests.tick", {"telegram", "twilio", "fastapi"}),
        # The shared vocabulary and the outbound message are leaves.
        ("bot.enums", {"sqlalchemy", "bot.models"}),
        ("bot.outbound", {"sqlalchemy", "bot.models"}),
    ],
)
def test_a_layer_does_not_pull_in_what_it_must_not_know(module: str, forbidden: set[str]) -> None:
    loaded = loaded_by(module)
    assert module in loaded
    assert forbidden & loaded == set()


def test_the_worker_names_no_channel() -> None:
    for path in sorted((ROOT / "scheduler").glob("*.py")):
        found = CHANNEL_NAMES.findall(path.read_text(encoding="utf-8"))
        assert found == [], f"{path.name} names {sorted(set(found))}"


def test_no_source_file_is_over_400_lines() -> None:
    sources = [
        path
        for folder in ("bot", "scheduler", "content", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
    ]
    assert len(sources) > 150
    long = {
        str(path.relative_to(ROOT)): count
        for path in sources
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
