"""Which relays a figure counts: never the organisers' test relays (tagged `test`), and
only those the filters name (channel, language, place; `unknown` is no place)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select,
    SQLColumnExpression,
    String,
    Text,
    and_,
    cast,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.indicators.figures import Filters
from bot.models import CampaignRow, Relay

TEST_TAG = "test"
UNKNOWN_PLACE = "unknown"


def is_test() -> ColumnElement[bool]:
    # As audiences match tags: a JSON text match, the same on both databases (tags are
    # few and short; a relay is tagged by organisers, case aside).
    tags = func.lower(func.coalesce(cast(Relay.tags, Text), ""))
    return tags.contains(f'"{TEST_TAG}"')


def test_relays() -> Select[int]:
    return select(Relay.id).where(is_test())


def place_of(place: SQLColumnExpression[Any]) -> ColumnElement[str]:
    # Inline, not a bound value: PostgreSQL then sees one expression where it is both
    # selected and grouped by.
    return func.coalesce(place, literal_column(f"'{UNKNOWN_PLACE}'", String))


@dataclass(frozen=True)
class Scope:
    filters: Filters

    @property
    def narrowed(self) -> bool:
        """Whether the filters narrow relays (a campaign does not: relays are shared)."""
        f = self.filters
        return any(value is not None for value in (f.channel, f.language, f.place))

    def matches(
        self,
        channel: SQLColumnExpression[Any],
        language: SQLColumnExpression[Any],
        place: SQLColumnExpression[Any],
    ) -> ColumnElement[bool]:
        """The filters on these columns (a relay's, or an event's snapshot of them)."""
        f = self.filters
        conditions: list[ColumnElement[bool]] = []
        if f.channel is not None:
            conditions.append(channel == f.channel)
        if f.language is not None:
            conditions.append(language == f.language)
        if f.place is not None:
            conditions.append(place_of(place) == f.place)
        return and_(true(), *conditions)

    def of_campaign(self, campaign_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """A post's, contest's or poll's campaign is the one named (if one is)."""
        slug = self.filters.campaign
        if slug is None:
            return true()
        return campaign_id.in_(select(CampaignRow.id).where(CampaignRow.slug == slug))

    def relays(self) -> Select[int]:
        """The counted relays' ids, for `column IN (…)`."""
        return select(Relay.id).where(
            ~is_test(), self.matches(Relay.channel, Relay.language, Relay.place)
        )

    def counts(self, relay_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """Whether a row's relay is counted. Without filters the test relays, few, are
        the ones looked up; with filters, the matching relays."""
        if self.narrowed:
            return relay_id.in_(self.relays())
        return relay_id.not_in(test_relays())
