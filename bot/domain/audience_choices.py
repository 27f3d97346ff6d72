"""What an organiser may pick when building an audience: the places and tags that exist
(the default places, those campaigns name, those relays are at; the tags relays carry)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import CampaignRow, Relay
from content.places import DEFAULT_PLACES, OTHER, Place, find_place


def known_places(*, session: Session) -> tuple[Place, ...]:
    """The default places first, then any other a campaign or a relay names, by slug."""
    slugs: dict[str, None] = dict.fromkeys(place.slug for place in DEFAULT_PLACES)
    for settings in session.scalars(select(CampaignRow.settings)):
        slugs.update(dict.fromkeys((settings or {}).get("places") or ()))
    relayed = select(Relay.place).where(Relay.place.is_not(None)).distinct()
    slugs.update(dict.fromkeys(sorted(place for place in session.scalars(relayed) if place)))
    slugs.pop(OTHER, None)
    slugs[OTHER] = None  # the catch-all last
    return tuple(find_place(slug) or Place(slug, slug) for slug in slugs)


def known_tags(*, session: Session) -> tuple[str, ...]:
    """Every tag a relay carries, once whatever its case, in alphabetical order."""
    found: dict[str, str] = {}
    for tags in session.scalars(select(Relay.tags).where(Relay.tags.is_not(None))):
        for tag in tags or ():
            found.setdefault(str(tag).casefold(), str(tag))
    return tuple(found[key] for key in sorted(found))
