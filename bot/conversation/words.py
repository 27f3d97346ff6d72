"""The words relays type, in French, Bambara and English, matched case- and accent-free.

Bambara words: DON (enter) joins, JƆ (stop) leaves, KAN (language), YƆRƆ (place), DƐMƐ (help),
JƆSI (erase), BI (today's post), JƐNSƐN (an organiser's broadcast), JATƐ (one's contest score),
JATƐW (the leaderboard), KƆLƆLƆ (a poll's results), N Y'A CI (I passed it on: a post
shared); AWƆ / AYI answer yes / no.
"""

from __future__ import annotations

import enum
import re
import unicodedata

# Bambara letters with no decomposition, folded to what a phone without them would type.
_LETTERS = str.maketrans({"ɛ": "e", "ɔ": "o", "ɲ": "ny", "ŋ": "ng", "Ɛ": "e", "Ɔ": "o"})
_EDGES = re.compile(r"^[\s\W_]+|[\s\W_]+$")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, drop accents and outer punctuation: "Arrêt !" and "arret" are one word."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _SPACES.sub(" ", text.translate(_LETTERS))
    return _EDGES.sub("", text)


class Command(enum.StrEnum):
    JOIN = "join"
    STOP = "stop"
    LANGUAGE = "language"
    PLACE = "place"
    HELP = "help"
    ERASE = "erase"
    KIT = "kit"
    TODAY = "today"
    BROADCAST = "broadcast"
    SCORE = "score"
    LEADERBOARD = "leaderboard"
    RESULTS = "results"
    SHARED = "shared"


WORDS: dict[Command, frozenset[str]] = {
    Command.JOIN: frozenset({"start", "join", "inscription", "rejoindre", "don"}),
    Command.STOP: frozenset({"stop", "arret", "arreter", "desinscription", "jo", "unsubscribe"}),
    Command.LANGUAGE: frozenset({"langue", "language", "kan"}),
    Command.PLACE: frozenset({"lieu", "place", "yoro"}),
    Command.HELP: frozenset({"aide", "help", "deme"}),
    Command.ERASE: frozenset({"supprimer", "delete", "josi"}),
    Command.KIT: frozenset({"kit"}),
    Command.TODAY: frozenset({"aujourdhui", "aujourd'hui", "today", "bi"}),
    Command.BROADCAST: frozenset({"diffuser", "broadcast", "jensen"}),
    Command.SCORE: frozenset({"score", "points", "jate"}),
    Command.LEADERBOARD: frozenset({"classement", "leaderboard", "palmares", "jatew"}),
    Command.RESULTS: frozenset({"resultats", "results", "resultat", "kololo"}),
    Command.SHARED: frozenset({"partage", "partager", "shared", "nyaci"}),
}
# Commands of several words, matched whole ("J'ai partagé", "N y'a ci").
PHRASES: dict[str, Command] = {
    phrase: Command.SHARED
    for phrase in ("j'ai partage", "jai partage", "i shared", "i shared it", "n y'a ci", "n ya ci")
}
YES = frozenset({"oui", "yes", "awo"})
NO = frozenset({"non", "no", "ayi"})

_BY_WORD = {word: command for command, words in WORDS.items() for word in words}
# Numbers written as words, folded as fold() leaves them (wɔɔrɔ → wooro).
NUMBER_WORDS = {
    "kelen": 1,
    "fila": 2,
    "saba": 3,
    "naani": 4,
    "duuru": 5,
    "wooro": 6,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
}


def number(text: str) -> int | None:
    """The number a message is, in digits or in words: "2", "2.", "deux", "fila" → 2.

    The one reader of typed numbers, so that a number goes to the same place however it
    is written (router.py says where)."""
    folded = fold(text)
    if folded.isdigit():
        return int(folded)
    return NUMBER_WORDS.get(folded)


def match_command(text: str) -> tuple[Command, str] | None:
    """The command a message is, with what follows it ("/start K7P2QX" → JOIN, "K7P2QX").

    Only JOIN takes an argument (a referral code); any other command must be the whole
    message, so "stop the violence" is not a STOP.
    """
    stripped = text.strip()
    if stripped == "?":
        return Command.HELP, ""
    if (phrase := PHRASES.get(fold(stripped))) is not None:
        return phrase, ""
    head, _, rest = stripped.partition(" ")
    head = head.split("@", 1)[0] if head.startswith("/") else head  # /start@relais_bot
    command = _BY_WORD.get(fold(head))
    if command is None:
        return None
    rest = rest.strip()
    if rest and command is not Command.JOIN:
        return None
    return command, rest
