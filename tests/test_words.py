from __future__ import annotations

import pytest

from bot.conversation.words import Command, fold, match_command


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Arrêt !", "arret"),
        ("  STOP. ", "stop"),
        ("Dɛmɛ", "deme"),
        ("JƆSI", "josi"),
        ("Yɔrɔ", "yoro"),
        ("Ɲɔgɔn", "nyogon"),
        ("Kéniéba", "kenieba"),
    ],
)
def test_fold_drops_case_accents_and_outer_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "command", "argument"),
    [
        ("/start", Command.JOIN, ""),
        ("/start K7P2QX", Command.JOIN, "K7P2QX"),
        ("/start@relais_bot", Command.JOIN, ""),
        ("INSCRIPTION", Command.JOIN, ""),
        ("don", Command.JOIN, ""),
        ("Stop", Command.STOP, ""),
        ("ARRÊT", Command.STOP, ""),
        ("/stop", Command.STOP, ""),
        ("jɔ", Command.STOP, ""),
        ("/langue", Command.LANGUAGE, ""),
        ("Kan", Command.LANGUAGE, ""),
        ("AIDE", Command.HELP, ""),
        ("dɛmɛ", Command.HELP, ""),
        ("?", Command.HELP, ""),
        ("/supprimer", Command.ERASE, ""),
        ("JƆSI", Command.ERASE, ""),
        ("/lieu", Command.PLACE, ""),
    ],
)
def test_commands_in_both_languages(text: str, command: Command, argument: str) -> None:
    assert match_command(text) == (command, argument)


@pytest.mark.parametrize("text", ["stop the violence", "arrêt de bus", "bonjour", "", "aide moi"])
def test_only_whole_messages_are_commands(text: str) -> None:
    assert match_command(text) is None
