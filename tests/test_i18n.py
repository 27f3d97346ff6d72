"""Catalogues: complete in French and Bambara, and not stale against the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Text, _, _n, bilingual
from bot.models import Language

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "_n": (1, 2), "gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("bot/**.py", "python"),
    ("scheduler/**.py", "python"),
    ("content/**.py", "python"),
    ("bot/web/templates/**.html", "jinja2"),
]


def catalogue(language: str | None) -> Catalog:
    path = LOCALES_DIR / (f"{language}/LC_MESSAGES/messages.po" if language else "messages.pot")
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(catalog: Catalog) -> set[str]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
    }


def extracted() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_template_is_not_stale_against_the_code() -> None:
    in_code, in_template = extracted(), msgids(catalogue(None))
    assert "Send" in in_code
    assert len(in_code) > 20
    assert in_code - in_template == set(), "run pybabel extract (README: translations)"
    assert in_template - in_code == set(), "messages.pot holds texts the code no longer uses"


@pytest.mark.parametrize("language", ["fr", "bm"])
def test_every_text_is_translated(language: str) -> None:
    template, translated = catalogue(None), catalogue(language)
    assert msgids(translated) == msgids(template), "run pybabel update (README: translations)"
    missing = [
        message.id
        for message in translated
        if message.id and (not message.string or message.fuzzy or not all(message.string))
    ]
    assert missing == [], f"{language} lacks a translation for {missing}"


@pytest.mark.parametrize("language", ["fr", "bm"])
def test_placeholders_survive_translation(language: str) -> None:
    for message in catalogue(language):
        if message.id and isinstance(message.id, str):
            for name in ("{code}", "{language}", "{count}", "{since}"):
                assert (name in message.id) == (name in str(message.string)), (language, message.id)


def test_bambara_header_asks_for_native_review_and_has_one_plural_form() -> None:
    text = (LOCALES_DIR / "bm/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert "reviewed by a native" in text
    assert "nplurals=1; plural=0;" in text
    assert catalogue("bm").num_plurals == 1


def test_texts_render_per_language_and_in_both() -> None:
    text = _("Nothing was deleted.")
    assert text.render(Language.FR) == "Rien n'a été supprimé."
    assert text.render(Language.BM) == "Foyi ma jɔsi."
    both = bilingual(text)
    assert both.index("Foyi") < both.index("Rien")


def test_an_untranslated_text_falls_back_to_its_msgid() -> None:
    assert Text("Not in any catalogue {x}", params={"x": 1}).render(Language.BM) == (
        "Not in any catalogue 1"
    )
    assert _n("{count} relay", "{count} relays", 3).render(Language.FR) == "3 relays"
