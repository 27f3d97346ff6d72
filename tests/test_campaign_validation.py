"""Every rule of FORMAT.md's "What validation checks": each a failing case naming the
file, the line (YAML) or row (spreadsheet), and the field."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import translations
from bot.models import Language
from content.loaders import load_campaign
from content.problems import Problem
from content.validation import media_kind
from tests.test_campaign_loading import (
    ROW,
    SID,
    document,
    french,
    invalid,
    line_of,
    said,
    with_sheet,
    write_campaign,
    write_rows,
)

Change = Callable[[dict[str, Any]], None]


def setting(*path_and_value: Any) -> Change:
    *path, key, value = path_and_value

    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path:
            target = target[step]
        if value is DELETE:
            del target[key]
        else:
            target[key] = value

    return change


DELETE = object()
P = ("posts", 1)  # the second post, so a wrong index would show


def found(problems: list[Problem], field: str, fragment: str) -> Problem:
    """The problem on `field` whose French message holds `fragment` (spelt with plain
    spaces: the French no-break ones are put in here)."""
    matching = [p for p in problems if p.field == field and french(fragment) in said(p)]
    assert matching, f"no {field!r} with {fragment!r} in {[str(p) for p in problems]}"
    return matching[0]


def check(
    tmp_path: Path,
    change: Change,
    field: str,
    fragment: str,
    needle: str,
    *,
    nth: int = 1,
    offset: int = 0,
    files: dict[str, bytes] | None = None,
) -> Problem:
    data = document()
    change(data)
    folder = write_campaign(tmp_path / "c", data, files)
    problem = found(invalid(folder), field, fragment)
    expected = int(line_of(folder / "campaign.yaml", needle, nth)[5:]) + offset
    assert (problem.file, problem.where, problem.severity) == (
        "campaign.yaml",
        f"line {expected}",
        "error",
    )
    return problem


POST_CASES: list[tuple[str, Change, str, str, str, int]] = [
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


@pytest.mark.parametrize(
    ("change", "field", "fragment", "needle", "offset"),
    [pytest.param(*case[1:], id=case[0]) for case in POST_CASES],
)
def test_post_rules(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, offset: int
) -> None:
    check(tmp_path, change, f"posts[1].{field}", fragment, needle, offset=offset)


def test_a_duplicate_id_names_the_first_one(tmp_path: Path) -> None:
    problem = check(
        tmp_path, setting(*P, "id", "j01"), "posts[1].id", "déjà utilisé", "id: j01", nth=2
    )
    first = line_of(tmp_path / "c" / "campaign.yaml", "id: j01")
    assert said(problem) == french(f"identifiant « j01 » déjà utilisé (campaign.yaml {first})")
    assert said(problem, Language.BM) == f"id “j01” tun bɛ yen ka ban (campaign.yaml {first})"


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


def link_outside(folder: Path) -> None:
    (folder.parent / "secret.png").write_bytes(b"x")
    os.symlink(folder.parent / "secret.png", folder / "media" / "lien.png")


MEDIA_CASES = [
    ("absolute", "/etc/passwd", "chemin absolu refusé"),
    ("windows-absolute", "C:\\media\\a.png", "chemin absolu refusé"),
    ("dot-dot", "media/../../etc/passwd", "« .. » refusé"),
    ("dot-dot-inside", "media/../media/j01.png", "« .. » refusé"),
    ("symlink-out", "media/lien.png", "hors du dossier de la campagne"),
    ("missing", "media/absent.png", "fichier introuvable : media/absent.png"),
    ("type", "media/anim.gif", "type de fichier non pris en charge"),
    ("photo-size", "media/lourde.jpg", "trop lourd (5.0 Mo) : 5 Mo au plus pour une image"),
    ("voice-size", "media/longue.ogg", "trop lourd (16.0 Mo) : 16 Mo au plus pour un fichier"),
]


@pytest.mark.parametrize(
    ("path", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in MEDIA_CASES]
)
def test_media_rules(tmp_path: Path, path: str, fragment: str) -> None:
    data = document()
    data["posts"][1]["media"] = {"bm": path}
    folder = write_campaign(tmp_path / "c", data, {"media/anim.gif": b"GIF89a"})
    link_outside(folder)
    with (folder / "media" / "lourde.jpg").open("wb") as handle:
        handle.truncate(5_000_001)
    with (folder / "media" / "longue.ogg").open("wb") as handle:
        handle.truncate(16_000_001)
    problem = found(invalid(folder), "posts[1].media.bm", fragment)
    assert problem.where == line_of(folder / "campaign.yaml", path[:12])


def test_media_that_fit_pass(tmp_path: Path) -> None:
    data = document()
    data["posts"][1]["media"] = {"fr": "media/note.ogg", "bm": "media/autre-nom.png"}
    folder = write_campaign(tmp_path / "c", data)
    with (folder / "media" / "note.ogg").open("wb") as handle:
        handle.truncate(6_000_000)  # too big for a picture, fine for a voice note
    os.symlink(folder / "media" / "j01.png", folder / "media" / "autre-nom.png")
    load_campaign(folder)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        *[("a.JPG", "photo"), ("b.png", "photo"), ("c.opus", "voice"), ("d.amr", "voice")],
        *[("e.m4a", "voice"), ("f.3gp", "video"), ("g.mp4", "video"), ("h.pdf", "document")],
    ],
)
def test_media_kind(name: str, kind: str) -> None:
    assert media_kind(name) == kind


def test_media_kind_refuses_other_files() -> None:
    with pytest.raises(ValueError, match="not a campaign media type"):
        media_kind("x.gif")


C = ("campaign",)
CAMPAIGN_CASES: list[tuple[str, Change, str, str, str, int]] = [
    ("slug", setting(*C, "slug", "Engageons Nous"), "campaign.slug", "identifiant", "Engageons", 0),
    ("name", setting(*C, "name", DELETE), "campaign.name", "champ obligatoire", "campaign:", 0),
    ("start", setting(*C, "start", "2026-12-32"), "campaign.start", "date invalide", "12-32", 0),
    ("end", setting(*C, "end", date(2026, 12, 1)), "campaign.end", "la fin précède", "end:", 0),
    (
        "zone",
        setting(*C, "timezone", "Africa/Kayes"),
        "campaign.timezone",
        "fuseau",
        "Africa/Kayes",
        0,
    ),
    ("channel", setting(*C, "channels", ["signal"]), "campaign.channels", "canal", "signal", -1),
    (
        "fallback",
        setting(*C, "fallback_language", "en"),
        "campaign.fallback_language",
        "",
        "fallback",
        0,
    ),
    ("post-time", setting(*C, "post_time", "8h"), "campaign.post_time", "heure", "8h", 0),
    ("quiet", setting(*C, "quiet_hours", "jamais"), "campaign.quiet_hours", "none", "jamais", 0),
    (
        "quiet-start",
        setting(*C, "quiet_hours", {"start": "21h", "end": "07:00"}),
        "campaign.quiet_hours.start",
        "heure invalide",
        "21h",
        0,
    ),
    ("gap", setting(*C, "max_gap_days", -1), "campaign.max_gap_days", "entier", "max_gap", 0),
    (
        "per-week",
        setting(*C, "posts_per_week", {"min": 5, "max": 2}),
        "campaign.posts_per_week.max",
        "max est plus petit que min",
        "max: 2",
        0,
    ),
    (
        "places",
        setting(*C, "places", ["Kayes Ville"]),
        "campaign.places",
        "identifiant",
        "Ville",
        -1,
    ),
    (
        "objectives",
        setting(*C, "objectives", {"fr": "x", "en": "y"}),
        "campaign.objectives",
        "langue inconnue « en »",
        "objectives:",
        0,
    ),
    ("phases", setting(*C, "phases", DELETE), "campaign.phases", "obligatoire", "campaign:", 0),
    (
        "phase-twice",
        setting(*C, "phases", 1, "id", "informer"),
        "campaign.phases[1].id",
        "« informer » déclarée deux fois",
        "  phases:",
        5,
    ),
    ("phase-id", setting(*C, "phases", 0, "id", "Info!"), "campaign.phases[0].id", "", "Info!", 0),
    (
        "phase-name",
        setting(*C, "phases", 0, "name", DELETE),
        "campaign.phases[0].name",
        "champ obligatoire",
        "id: informer",
        0,
    ),
    ("key", setting(*C, "titre", "x"), "campaign.titre", "clé inconnue", "titre:", 0),
    ("top-key", setting("post", []), "post", "« posts » ?", "post: []", 0),
    ("hashtags", setting(*C, "hashtags", ["Sans"]), "campaign.hashtags", "#", "- Sans", -1),
    (
        "posts-from-missing",
        setting(*C, "posts_from", "calendar.xlsx"),
        "campaign.posts_from",
        "fichier introuvable",
        "posts_from",
        0,
    ),
    (
        "posts-from-outside",
        setting(*C, "posts_from", "../calendar.xlsx"),
        "campaign.posts_from",
        "« .. » refusé",
        "posts_from",
        0,
    ),
    (
        "posts-from-type",
        setting(*C, "posts_from", "media/j01.png"),
        "campaign.posts_from",
        ".xlsx ou .csv",
        "posts_from",
        0,
    ),
    ("posts-shape", setting("posts", {"id": "x"}), "posts", "liste de publications", "posts:", 0),
    ("campaign-missing", setting("campaign", DELETE), "campaign", "section obligatoire", "kit", 0),
    ("kit-what", setting("kit", "what", "Texte"), "kit.what", "un texte par langue", "Texte", 0),
    ("kit-key", setting("kit", "quoi", "x"), "kit.quoi", "clé inconnue", "quoi:", 0),
    ("kit-hashtags", setting("kit", "hashtags", ["Diese"]), "kit.hashtags", "#", "- Diese", -1),
    (
        "kit-message",
        setting("kit", "messages", "whatsapp", "Partagez"),
        "kit.messages.whatsapp",
        "un texte par langue",
        "whatsapp: Partagez",
        0,
    ),
    (
        "kit-platform",
        setting("kit", "messages", "Face Book", {"fr": "x"}),
        "kit.messages.Face Book",
        "identifiant invalide",
        "Face Book",
        0,
    ),
    (
        "kit-link-url",
        setting("kit", "links", 0, "url", "example.org"),
        "kit.links[0].url",
        "adresse invalide",
        "url: example.org",
        0,
    ),
    (
        "kit-link-label",
        setting("kit", "links", 0, "label", DELETE),
        "kit.links[0].label",
        "champ obligatoire",
        "url: https",
        0,
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "fragment", "needle", "offset"),
    [pytest.param(*case[1:], id=case[0]) for case in CAMPAIGN_CASES],
)
def test_campaign_and_kit_rules(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, offset: int
) -> None:
    check(tmp_path, change, field, fragment, needle, offset=offset)


def test_every_problem_comes_at_once(tmp_path: Path) -> None:
    data = document(slug="Mauvais Slug")
    data["posts"][1]["date"] = "demain"
    data["posts"][2]["phase"] = "agir"
    del data["posts"][3]["text"]["bm"]
    data["kit"]["what"] = "Texte"
    problems = invalid(write_campaign(tmp_path / "c", data))
    assert [problem.field for problem in problems] == [
        "campaign.slug",
        "kit.what",
        "posts[1].date",
        "posts[2].phase",
        "posts[3].text.bm",
    ]


SHEET_CASES: list[tuple[str, dict[str, object], str, str]] = [
    ("date", {"date": "2026-13-01"}, "date", "date invalide"),
    ("date-range", {"date": "2027-01-01"}, "date", "hors de la campagne"),
    ("time", {"time": "8h"}, "time", "heure invalide"),
    ("id", {"id": "S 01"}, "id", "identifiant invalide"),
    ("id-empty", {"id": ""}, "id", "champ obligatoire"),
    ("id-twice", {"id": "s01"}, "id", "déjà utilisé (calendar"),
    ("phase", {"phase": "agir"}, "phase", "phase inconnue"),
    ("text-bm", {"text_bm": ""}, "text_bm", "texte bambara manquant (ou indiquez single_language)"),
    ("places", {"places": "kayes, tombouctou"}, "places", "lieu inconnu « tombouctou »"),
    ("roles", {"roles": "relay chef"}, "roles", "rôle inconnu « chef »"),
    ("languages", {"languages": "fr;en"}, "languages", "langue inconnue « en »"),
    ("hashtags", {"hashtags": "#A, #B #C #D"}, "hashtags", "4 hashtags"),
    ("template", {"template_fr": "HX12"}, "template_fr", "Content SID invalide « HX12 »"),
    ("media", {"media_bm": "../../etc/passwd"}, "media_bm", "« .. » refusé"),
    ("media-absolute", {"media_fr": "/etc/passwd"}, "media_fr", "chemin absolu refusé"),
    ("single", {"single_language": "en"}, "single_language", "langue inconnue"),
    ("status", {"status": "prête"}, "status", "statut inconnu « prête »"),
    ("long", {"text_fr": "x" * 1601}, "text_fr", "WhatsApp (Twilio) en accepte 1600"),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("values", "field", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in SHEET_CASES]
)
def test_spreadsheet_rules_name_row_and_column(
    tmp_path: Path, suffix: str, values: dict[str, object], field: str, fragment: str
) -> None:
    rows = [ROW, ROW | {"id": "s02"} | values]
    problem = found(invalid(with_sheet(tmp_path, f"calendar{suffix}", rows)), field, fragment)
    assert (problem.file, problem.where) == (f"calendar{suffix}", "row 3")


@pytest.mark.parametrize(
    ("columns", "field", "fragment"),
    [
        (["id", "date", "phase", "texte_fr"], "texte_fr", "(vouliez-vous dire « text_fr » ?)"),
        (["id", "date", "phase", "id"], "id", "colonne en double"),
        (["id", "date", "text_fr"], "phase", "colonne obligatoire absente"),
    ],
)
def test_spreadsheet_header_problems_are_on_row_one(
    tmp_path: Path, columns: list[str], field: str, fragment: str
) -> None:
    folder = with_sheet(tmp_path, "calendar.csv", [])
    (folder / "calendar.csv").write_text(",".join(columns) + "\n", encoding="utf-8")
    problem = found(invalid(folder), field, fragment)
    assert (problem.file, problem.where) == ("calendar.csv", "row 1")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("calendar.csv", "id,date\nj,é".encode("latin-1"), "pas en UTF-8"),
        ("calendar.csv", b"", "le tableur est vide"),
        ("calendar.xlsx", b"not a zip", "classeur illisible"),
    ],
)
def test_unreadable_spreadsheets(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    folder = with_sheet(tmp_path, name, [])
    (folder / name).write_bytes(content)
    [problem] = invalid(folder)
    assert problem.file == name
    assert fragment in said(problem)


def test_a_spreadsheet_row_may_be_single_language(tmp_path: Path) -> None:
    folder = with_sheet(tmp_path, "calendar.csv", [])
    write_rows(folder / "calendar.csv", [ROW | {"text_bm": "", "single_language": "fr"}])
    [post] = load_campaign(folder)[0].posts
    assert (post.text, post.single_language) == ({"fr": "Bonjour"}, "fr")


def test_an_id_used_in_campaign_yaml_and_the_spreadsheet(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c", document(posts_from="calendar.xlsx"))
    write_rows(folder / "calendar.xlsx", [ROW | {"id": "j02"}])
    [problem] = invalid(folder)
    first = line_of(folder / "campaign.yaml", "id: j02")
    assert (problem.file, problem.where, problem.field) == ("calendar.xlsx", "row 2", "id")
    assert said(problem) == french(f"identifiant « j02 » déjà utilisé (campaign.yaml {first})")


def test_every_problem_is_said_in_french_and_in_bambara(tmp_path: Path) -> None:
    data = document(slug="Mauvais Slug", channels=["telegram", "signal"], titre="x")
    data["campaign"]["posts_per_week"] = {"min": 5, "max": 2}
    data["posts"][0].update(id="j02", hashtags=["#A", "#B", "#C", "#D"], status="prete")
    data["posts"][1].update(date="demain", audience={"places": ["tombouctou"]})
    data["posts"][1]["whatsapp_template"] = {"fr": {"sid": "HX1", "vars": {}}}
    data["posts"][2].update(phase="agir", single_language="fr")
    data["posts"][3]["media"] = {"bm": "../secret.png"}
    del data["posts"][3]["text"]["bm"]
    data["kit"]["what"] = "Texte"
    problems = invalid(write_campaign(tmp_path / "c", data))
    assert len(problems) >= 12
    bambara = translations(Language.BM)
    for problem in problems:
        message = problem.message
        assert bambara.gettext(message.msgid) != message.msgid, message.msgid  # catalogued
        for language in Language:
            assert "{" not in problem.render(language), (language, problem)
    by_field = {problem.field: problem for problem in problems}
    assert said(by_field["posts[3].text.bm"], Language.BM) == (
        "bamanankan sɛbɛn tɛ yen (walima single_language sɛbɛn)"
    )
    assert said(by_field["posts[2].phase"], Language.BM) == (
        "dakun “agir” ma dɔn (dakunw: informer, action)"
    )
    assert said(by_field["posts[0].hashtags"], Language.BM).startswith("hashtag 4:")
    assert said(by_field["campaign.titre"]) == "clé inconnue"
    assert said(by_field["posts[2].text.bm"]) == french(
        "single_language vaut fr : le texte bambara ne sera pas utilisé"
    )
    assert by_field["posts[2].text.bm"].severity == "warning"
