"""report.html read as text: self-contained, a summary written from the figures, the six
charts as inline SVG, and the small-group rule in every people-facing table."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.indicators.figures import Filters
from bot.enums import Language
from bot.report.page import render_page
from bot.report.summary import best_post, summary
from tests.indicator_values import empty, indicators, post

ZONE = ZoneInfo("Africa/Bamako")
MADE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
CHART_CAPTIONS = (
    "Relais pouvant recevoir les publications, par canal",
    "Inscriptions et départs par jour",
    "Portée et engagement par publication",
    "Taux d'engagement par phase",
    "Taux d'engagement par format",
    "Hashtags les plus utilisés",
    "Participation aux concours",
)


class Tables(HTMLParser):
    """Each table's caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in: str | None = None
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("caption", "td", "th"):
            self._in, self._text = tag, ""
        if tag == "tr":
            self._row = []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._caption = self._text
            self.tables[self._caption] = []
        elif tag in ("td", "th"):
            self._row.append(self._text.strip())
        elif tag == "tr" and self._caption is not None:
            self.tables[self._caption].append(self._row)
        if tag == self._in:
            self._in = None


def page(language: Language = Language.FR, **overrides: Any) -> str:
    return render_page(
        replace(indicators(), **overrides), language=language, zone=ZONE, generated=MADE
    )


def escaped(text: str) -> str:
    """As Jinja writes text into the page."""
    return text.replace("'", "&#39;")


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_the_page_asks_for_nothing_outside_itself() -> None:
    html = page()
    assert "<script" not in html
    assert "@import" not in html
    assert "url(" not in html
    assert not re.search(r"""(src|href)\s*=""", html)
    # The SVG namespace is a name, never fetched; it is the only address in the file.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "@media print" in html
    assert "@page" in html


def test_the_summary_is_written_from_the_figures_in_french() -> None:
    lines = [line.render(Language.FR) for line in summary(indicators(), Language.FR)]
    assert lines[0] == (
        "La communauté a grandi de 50,6\u00a0% cette semaine (relais pouvant recevoir les "
        "publications\u00a0: 134)."
    )
    assert "Telegram réunit 67,2\u00a0% de la communauté." in lines
    assert lines[3].startswith("La publication la plus engageante est «\u00a0j02-etude\u00a0»")
    growth = "Interactions sur la période\u00a0: 117 (+30\u00a0% par rapport à la précédente)"
    assert growth in lines[4]
    assert any("A.T. #4F2A" in line for line in lines)
    html = page()
    assert all(escaped(line) in html for line in lines)


def test_the_best_post_reached_a_group_not_one_relay() -> None:
    # j06-test engaged 2 of the 2 relays it reached: 100 %, but a group under min_group.
    best = best_post(indicators())
    assert best is not None
    assert best.post_id == "j02-etude"
    few = (post("a", 0, reached=3, engaged=3, engagement_rate=1.0),)
    only = best_post(replace(indicators(), posts=few))
    assert only is not None
    assert only.post_id == "a"


def test_a_shrinking_community_and_a_longer_period_say_so() -> None:
    figures = indicators()
    shrinking = replace(
        figures,
        period=replace(figures.period, end=figures.period.start.replace(day=10)),
        community=replace(figures.community, growth_rate=-0.125),
    )
    first = summary(shrinking, Language.FR)[0].render(Language.FR)
    assert first.startswith("La communauté a diminué de 12,5\u00a0% sur ces 10 jours")


def test_every_chart_is_inline_svg_with_its_caption() -> None:
    html = page()
    for caption in CHART_CAPTIONS:
        assert f"<figcaption>{escaped(caption)}</figcaption><svg" in html, caption
    assert html.count("<svg") == len(CHART_CAPTIONS)


def test_a_place_under_five_relays_is_hidden_but_totals_are_shown() -> None:
    found = tables(page())
    places = {row[0]: row[1:] for row in found["Par lieu"][1:]}
    assert places["kita"] == ["<5"] * 6  # 3 relays at the end
    assert places["kayes"][:2] == ["128", "50"]
    assert places["total"] == ["134", "52", "2", "6", "0", "1"]
    channels = {row[0]: row[1:] for row in found["Part de chaque canal"][1:]}
    assert channels == {
        "Telegram": ["90", "67,2\u00a0%"],
        "WhatsApp": ["41", "30,6\u00a0%"],
        "SMS": ["<5", "<5"],
    }


def test_the_chart_per_channel_leaves_out_a_channel_under_five() -> None:
    html = page()
    sms_points = re.findall(r"<title>[^<]*· SMS: [^<]*</title>", html)
    assert sms_points == []
    assert re.findall(r"<title>7 déc\. · Telegram: 90</title>", html)


def test_figures_narrowed_to_a_small_place_hide_their_totals_too() -> None:
    figures = indicators()
    kita = tuple(row for row in figures.community_daily if row.place == "kita")
    html = page(
        filters=Filters(campaign="engageonsnous", place="kita"),
        community_daily=kita,
        community=replace(figures.community, active_end=3),
    )
    assert tables(html)["Par lieu"][-1][0:2] == ["total", "<5"]
    assert "lieu\u00a0: kita" in html


def test_the_page_reads_in_bambara() -> None:
    html = page(Language.BM)
    assert '<html lang="bm">' in html
    assert "Kampaɲi jateminɛ" in html
    assert "Jɛkulu bonyara 50.6% nin dɔgɔkun in na" in html


def test_a_period_with_nothing_says_so_instead_of_drawing() -> None:
    html = render_page(empty(), language=Language.FR, zone=ZONE, generated=MADE)
    assert "<svg" not in html
    assert "Rien à signaler pour cette période pour l&#39;instant." in html
    assert html.count("rien à montrer pour cette période") == len(CHART_CAPTIONS)
