"""How many SMS a text costs: GSM-7 when every character is in the GSM 03.38 alphabet,
UCS-2 otherwise — and Bambara's ɛ ɔ ɲ ŋ are not in it, so a Bambara text is UCS-2 and a
segment holds 70 characters instead of 160."""

from __future__ import annotations

import math
from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")  # each takes two septets (escape + character)
# Close GSM stand-ins for French typography and letters the alphabet lacks; Bambara's
# ɛ ɔ ɲ ŋ have none (ɛ is not e), so a text that keeps one of them stays as written.
_STAND_INS = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "ç": "c",
        "â": "a",
        "ê": "e",
        "î": "i",
        "ô": "o",
        "û": "u",
        "ë": "e",
        "ï": "i",
        "œ": "oe",
        "Œ": "OE",
        "’": "'",
        "‘": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "…": "...",
        "–": "-",
        "—": "-",
    }
)
WARN_ABOVE = 3  # segments: beyond this a post is costly and often arrives cut up


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int

    @property
    def costly(self) -> bool:
        return self.count > WARN_ABOVE


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def fit_gsm(text: str) -> str:
    """The text with GSM stand-ins when that makes all of it GSM-7 (160 a segment, not 70);
    otherwise the text as written, since it goes as UCS-2 anyway."""
    plain = text.translate(_STAND_INS)
    return plain if is_gsm(plain) else text


def count_segments(text: str) -> Segments:
    if is_gsm(text):
        units = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    count = 1 if units <= single else math.ceil(units / multi)
    return Segments(encoding, units, count)
