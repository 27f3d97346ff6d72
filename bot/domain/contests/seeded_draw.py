"""A winner draw anyone can check: from a seed and the frozen list of eligible people.

The list is canonical (unique ids, sorted, one per line) and its SHA-256 is recorded with
the seed. Winner k is picked among those not yet picked at index
int(sha256(f"{seed}:{list_sha256}:{k}")) mod (how many remain), in list order: a few lines
of any language reproduce it, and the same seed and list always give the same winners.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Draw:
    seed: str
    eligible: tuple[str, ...]  # canonical: unique, sorted
    eligible_sha256: str
    winners: tuple[str, ...]


def canonical(eligible: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(eligible)))


def list_digest(eligible: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(eligible).encode()).hexdigest()


def draw(eligible: Iterable[str], winners: int, seed: str) -> Draw:
    """Draw `winners` people (all of them if fewer are eligible)."""
    if winners < 1:
        raise ValueError("draw at least one winner")
    if not seed:
        raise ValueError("a draw needs a seed, to be reproducible")
    people = canonical(eligible)
    digest = list_digest(people)
    remaining = list(people)
    picked = []
    for k in range(min(winners, len(people))):
        roll = int(hashlib.sha256(f"{seed}:{digest}:{k}".encode()).hexdigest(), 16)
        picked.append(remaining.pop(roll % len(remaining)))
    return Draw(seed=seed, eligible=people, eligible_sha256=digest, winners=tuple(picked))


def verify(result: Draw) -> bool:
    """True when the recorded winners follow from the recorded seed and list."""
    again = draw(result.eligible, len(result.winners) or 1, result.seed)
    return (
        list_digest(result.eligible) == result.eligible_sha256
        and again.winners == result.winners
        and again.eligible_sha256 == result.eligible_sha256
    )
