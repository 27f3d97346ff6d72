"""Every rule of FORMAT.md's "What validation checks" for a post in campaign.yaml: each a
failing case naming the file, the line and the field; and the channels' length limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.models import Language
from content.loaders import load_campaign
from tests.campaign_files import (
    DELETE,
    SID,
    Case,
    Change,
    check,
    document,
    french,
    line_of,
    problem_cases,
    said,
    setting,
    write_campaign,
)

P = ("posts", 1)  # the second post, so a wrong index would show


POST_CASES: list[Case] = [
    # id, change, field, message fragment, needle on the expected line, offset from it
    ("id-shape", setting(*P, "id", "J02 Chiffres"), "id", "identifiant invalide", "J02", 0),
    ("id-length", setting(*P, "id", "a" * 41), "id", "40 au plus", "a" * 41, 0),
    ("id-missing", setting(*P, "id", DELETE), "id", "champ obligatoire", "2026-12-09", 0),
    ("date-shape", setting(*P, "date", "2026-13-01"), "date", "date invalide", "2026-13-01", 0),
    (
        "date-range",
        setting(*P, "date", date(2026, 12, 25)),
        "date",
        "hors de la campagne",
        "12-25",
        0,
    ),
    ("date-missing", setting(*P, "date", DELETE), "date", "champ obligatoire", "id: j02", 0),
    ("time", setting(*P, "time", "25:00"), "time", "heure invalide « 25:00 »", "25:00", 0),
    ("phase-unknown", setting(*P, "phase", "agir"), "phase", "phase inconnue « agir »", "agir", 0),
    ("phase-missing", setting(*P, "phase", DELETE), "phase", "champ obligatoire", "id: j02", 0),
    (
        "place",
        setting(*P, "audience", {"places": ["tombouctou"]}),
        "audience.places",
        "lieu inconnu « tombouctou »",
        "tombouctou",
        -1,
    ),
    (
        "role",
        setting(*P, "audience", {"roles": ["chef"]}),
        "audience.roles",
        "rôle inconnu « chef » : relay, organiser",
        "chef",
        -1,
    ),
    (
        "audience-language",
        setting(*P, "audience", {"languages": ["en"]}),
        "audience.languages",
        "langue inconnue « en » : fr, bm",
        "- en",
        -1,
    ),
    ("audience-shape", setting(*P, "audience", "tous"), "audience", "table attendue", "tous", 0),
    (
        "text-missing",
        setting(*P, "text", "bm", DELETE),
        "text.bm",
        "texte bambara manquant (ou indiquez single_language)",
        "Message 2",
        -1,
    ),
    (
        "single-text-missing",
        lambda data: data["posts"][1].update(single_language="bm", text={"fr": "Seul"}),
        "text.bm",
        "texte bambara manquant",
        "Seul",
        -1,
    ),
    ("text-shape", setting(*P, "text", "Bonjour"), "text", "une valeur par langue", "Bonjour", 0),
    ("text-language", setting(*P, "text", "en", "Hello"), "text.en", "langue inconnue", "Hello", 0),
    ("text-type", setting(*P, "text", "fr", ["a"]), "text.fr", "texte attendu", "- a", -1),
    (
        "single-language",
        setting(*P, "single_language", "en"),
        "single_language",
        "langue inconnue « en »",
        "single_language",
        0,
    ),
    (
        "hashtags-count",
        setting(*P, "hashtags", ["#A", "#B", "#C", "#D"]),
        "hashtags",
        "4 hashtags : trois au plus",
        "'#A'",
        -1,
    ),
    (
        "hashtag-shape",
        setting(*P, "hashtags", ["SansDiese"]),
        "hashtags",
        "« SansDiese » n'est pas un hashtag",
        "- SansDiese",
        -1,
    ),
    ("status", setting(*P, "status", "prete"), "status", "statut inconnu « prete »", "prete", 0),
    (
        "sid",
        setting(*P, "whatsapp_template", {"fr": {"sid": "HX123"}}),
        "whatsapp_template.fr.sid",
        "Content SID invalide « HX123 »",
        "HX123",
        0,
    ),
    (
        "sid-alone",
        setting(*P, "whatsapp_template", {"bm": "MG" + "0" * 32}),
        "whatsapp_template.bm",
        "Content SID invalide",
        "MG000",
        0,
    ),
    (
        "template-variables",
        setting(*P, "whatsapp_template", {"fr": {"sid": SID, "variables": ["Kayes"]}}),
        "whatsapp_template.fr.variables",
        "variables : une table",
        "variables:",
        0,
    ),
    (
        "template-key",
        setting(*P, "whatsapp_template", {"fr": {"sid": SID, "vars": {}}}),
        "whatsapp_template.fr.vars",
        "clé inconnue",
        "vars:",
        0,
    ),
    ("post-key", setting(*P, "statut", "ready"), "statut", "« status » ?", "statut:", 0),
]


@problem_cases(POST_CASES)
def test_post_rules(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, offset: int
) -> None:
    check(tmp_path, change, f"posts[1].{field}", fragment, needle, offset=offset)


def test_a_duplicate_id_names_the_first_one(tmp_path: Path) -> None:
    problem = check(
        tmp_path, setting(*P, "id", "j01"), "posts[1].id", "déjà utilisé", "id: j01", nth=2
    )
    first = line_of(tmp_path / "c" / "campaign.yaml", "id: j01").removeprefix("line ")
    expected = f"identifiant « j01 » déjà utilisé (campaign.yaml ligne {first})"
    assert said(problem) == french(expected)
    bambara = f"id “j01” tun bɛ yen ka ban (campaign.yaml sira {first})"
    assert said(problem, Language.BM) == bambara


@pytest.mark.parametrize(
    ("channels", "length", "with_media", "fragment"),
    [
        (["telegram"], 4097, False, "Telegram en accepte 4096"),
        (["telegram"], 1025, True, "Telegram n'en montre que 1024"),
        (["whatsapp"], 1601, False, "WhatsApp (Twilio) en accepte 1600"),
    ],
)
def test_texts_within_each_channel_limit(
    tmp_path: Path, channels: list[str], length: int, with_media: bool, fragment: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["campaign"]["channels"] = channels
        data["posts"][1]["text"]["fr"] = "x" * length
        if with_media:
            data["posts"][1]["media"] = {"fr": "media/j01.png"}

    problem = check(tmp_path, change, "posts[1].text.fr", fragment, "x" * 100)
    assert said(problem).startswith(french(f"{length} caractères :"))


def test_texts_at_the_limits_pass_and_unused_channels_are_not_held_to_theirs(
    tmp_path: Path,
) -> None:
    data = document(channels=["telegram", "whatsapp"])
    data["posts"][0]["text"]["fr"] = "x" * 1024  # a caption: it has media
    data["posts"][1]["text"]["fr"] = "x" * 1600
    load_campaign(write_campaign(tmp_path / "a", data))
    data = document(channels=["telegram"])
    data["posts"][1]["text"]["fr"] = "x" * 4096
    load_campaign(write_campaign(tmp_path / "b", data))


@pytest.mark.parametrize(
    ("text", "sms", "warned"),
    [
        ("ɛ" * 201, None, None),  # UCS-2: three segments of 67 hold 201
        ("ɛ" * 202, None, "posts[1].text.bm"),
        ("ɛ" * 1000, "ɛ" * 202, "posts[1].sms.bm"),
        ("ɛ" * 1000, "Court", None),  # the SMS version is what goes by SMS
        ("é" * 459, None, None),  # GSM-7: three segments of 153
    ],
)
def test_sms_past_three_segments_is_a_warning(
    tmp_path: Path, text: str, sms: str | None, warned: str | None
) -> None:
    data = document(channels=["telegram", "sms"])
    data["posts"][1]["text"]["bm"] = text
    if sms:
        data["posts"][1]["sms"] = {"bm": sms}
    folder = write_campaign(tmp_path / "c", data)
    _, warnings = load_campaign(folder)
    if warned is None:
        assert warnings == []
        return
    [warning] = warnings
    assert (warning.field, warning.severity) == (warned, "warning")
    assert said(warning).startswith(french("SMS de 4 segments (UCS-2) : au-delà de 3"))
    assert warning.where == line_of(folder / "campaign.yaml", "ɛɛɛ", nth=2 if sms else 1)
