"""Answers to contest questions, typed any way a phone sends them."""

from __future__ import annotations

import hashlib

import pytest

from bot.domain.contests.seeded_draw import Draw, draw, verify
from bot.domain.contests.typed_answers import read_choice

CHOICES = [
    {"fr": "20 %", "bm": "20 %"},
    {"fr": "Les sessions sont publiques", "bm": "Lajɛw ye bɛɛ ta ye"},
    {"fr": "Trente pour cent", "bm": "Kɛmɛ o kɛmɛ, bisaba"},
    {"fr": "Je ne sais pas", "bm": "N t'a dɔn"},
]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("2", 1),
        ("2.", 1),
        (" 2) ", 1),
        ("B", 1),
        ("b)", 1),
        ("fila", 1),
        ("Deux", 1),
        ("les sessions sont publiques", 1),
        ("LAJƐW YE BƐƐ TA YE", 1),
        ("lajew ye bee ta ye", 1),
        ("1", 0),
        ("a", 0),
        ("kelen", 0),
        ("naani", 3),
        ("D", 3),
        ("n t'a dɔn", 3),
    ],
)
def test_every_way_of_answering_is_understood(text: str, index: int) -> None:
    assert read_choice(text, CHOICES) == index


@pytest.mark.parametrize("text", ["5", "0", "E", "duuru", "peut-être", "", "2 ou 3", "bonjour"])
def test_anything_else_is_no_answer(text: str) -> None:
    assert read_choice(text, CHOICES) is None


def test_a_choice_that_is_a_number_is_still_reachable_by_its_text() -> None:
    years = ["2012", "2015", "2020"]
    assert read_choice("2015", years) == 1
    assert read_choice("2", years) == 1


@pytest.mark.parametrize("choices", [["seul"], ["1", "2", "3", "4", "5", "6", "7"]])
def test_a_question_has_two_to_six_choices(choices: list[str]) -> None:
    with pytest.raises(ValueError, match="2 to 6"):
        read_choice("1", choices)


def test_a_draw_is_reproducible_from_its_seed_and_list() -> None:
    people = [f"relay-{n}" for n in range(40)]
    first = draw(people, 3, seed="2026-12-22 tirage public")
    again = draw(reversed(people), 3, seed="2026-12-22 tirage public")  # order does not matter
    assert first == again
    assert len(set(first.winners)) == 3
    assert first.eligible_sha256 == hashlib.sha256("\n".join(sorted(people)).encode()).hexdigest()
    assert verify(first)
    other = draw(people, 3, seed="another seed")
    assert other.winners != first.winners


def test_a_tampered_draw_does_not_verify() -> None:
    result = draw([f"relay-{n}" for n in range(10)], 2, seed="s")
    swapped = Draw(result.seed, result.eligible, result.eligible_sha256, result.winners[::-1])
    shorter = Draw(result.seed, result.eligible[1:], result.eligible_sha256, result.winners)
    assert not verify(swapped)
    assert not verify(shorter)


def test_fewer_eligible_than_prizes_all_win_and_bad_draws_are_refused() -> None:
    assert set(draw(["a", "b"], 5, seed="s").winners) == {"a", "b"}
    with pytest.raises(ValueError, match="seed"):
        draw(["a"], 1, seed="")
    with pytest.raises(ValueError, match="at least one"):
        draw(["a"], 0, seed="s")
