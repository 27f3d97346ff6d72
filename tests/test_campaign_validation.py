"""Every rule of FORMAT.md's "What validation checks" for the campaign and its kit: each a
failing case naming the file, the line and the field; and every problem at once, said
in French and in Bambara."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.i18n import translations
from bot.models import Language
from tests.campaign_files import (
    DELETE,
    Case,
    Change,
    check,
    document,
    french,
    invalid,
    problem_cases,
    said,
    setting,
    write_campaign,
)

C = ("campaign",)
CAMPAIGN_CASES: list[Case] = [
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


@problem_cases(CAMPAIGN_CASES)
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
