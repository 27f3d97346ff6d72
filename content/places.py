"""Where relays are. The default list is the Kayes region, where #EngageonsNous and
#PaixauMali ran, with Bamako and a catch-all; a campaign file may bring its own list."""

from __future__ import annotations

from dataclasses import dataclass

OTHER = "autre"


@dataclass(frozen=True)
class Place:
    slug: str  # stored on the relay and carried in buttons: short, ASCII, stable
    name: str  # a proper noun, the same in French and Bambara


DEFAULT_PLACES: tuple[Place, ...] = (
    Place("kayes", "Kayes"),
    Place("bafoulabe", "Bafoulabé"),
    Place("diema", "Diéma"),
    Place("kenieba", "Kéniéba"),
    Place("kita", "Kita"),
    Place("nioro", "Nioro du Sahel"),
    Place("yelimane", "Yélimané"),
    Place("bamako", "Bamako"),
)


def find_place(slug: str, places: tuple[Place, ...] = DEFAULT_PLACES) -> Place | None:
    return next((place for place in places if place.slug == slug), None)
