"""Translation: English msgids in the code, French and Bambara in locales/*/LC_MESSAGES.

Texts are built lazily (`_("…", name=…)`) and rendered in the relay's stored language
when a reply is queued, so one handler serves both languages and can speak both at once
to someone whose language is not known yet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from bot.enums import Language

if TYPE_CHECKING:  # Babel itself is imported on the first text rendered, not at start
    from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@cache
def translations(language: Language) -> Translations:
    """The catalogue of one language, read from its .po file (no compiled .mo to go stale)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = LOCALES_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language.value, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@runtime_checkable
class Renderable(Protocol):
    """A value whose words depend on the reader's language (a Text, a date)."""

    def render(self, language: Language) -> str: ...


def _renders(value: object) -> bool:
    # A protocol's isinstance costs microseconds, and most arguments are plain numbers and
    # strings: they are let through first (every reply renders its arguments).
    return not isinstance(value, str | int) and isinstance(value, Renderable)


@dataclass(frozen=True)
class Text:
    """A user-facing text not yet rendered: a msgid (with a plural form) and its arguments."""

    msgid: str
    plural: str | None = None
    count: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: Language) -> str:
        catalogue = translations(language)
        if self.plural is None:
            template = catalogue.gettext(self.msgid)
        else:
            template = catalogue.ngettext(self.msgid, self.plural, self.count or 0)
        params = {
            key: value.render(language) if _renders(value) else value
            for key, value in self.params.items()
        }
        return template.format(**params) if params else template


def _(msgid: str, /, **params: Any) -> Text:
    """Mark a user-facing text; {name} placeholders are filled from params after translation."""
    return Text(msgid, params=params)


def _n(singular: str, plural: str, count: int, /, **params: Any) -> Text:
    """Mark a text with plural forms; {count} is available to the template."""
    return Text(singular, plural=plural, count=count, params={"count": count, **params})


def bilingual(text: Text) -> str:
    """Both languages, Bambara first: for someone whose language we do not know yet."""
    return f"{text.render(Language.BM)}\n\n{text.render(Language.FR)}"


@dataclass(frozen=True)
class Day:
    """A date as the reader writes it ("21 novembre 2026", "21 nowanburu 2026"), in the
    campaign's time zone."""

    moment: datetime
    zone: ZoneInfo

    def render(self, language: Language) -> str:
        from babel.dates import format_date

        return format_date(self.moment.astimezone(self.zone), format="long", locale=language.value)
