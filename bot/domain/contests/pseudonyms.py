"""How a participant appears to others: initials and a short tag, never a number or name.

"Awa Traoré" is "A.T. #4F2A"; someone with no name given is "Relais #9C01". The tag comes
from the relay's id through SHA-256, so it is stable, tells two "A.T." apart, and says
nothing about the phone number. Participants see their own pseudonym with their score.
"""

from __future__ import annotations

import hashlib

from bot.conversation.words import fold
from bot.models import Relay

ANONYMOUS = "Relais"


def initials(name: str | None) -> str:
    words = [word for word in fold(name or "").replace("-", " ").split() if word[:1].isalpha()]
    return "".join(f"{word[0].upper()}." for word in words[:3])


def tag(relay_id: int) -> str:
    return hashlib.sha256(f"relais-pseudonym:{relay_id}".encode()).hexdigest()[:4].upper()


def pseudonym(relay: Relay) -> str:
    return f"{initials(relay.display_name) or ANONYMOUS} #{tag(relay.id)}"
