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
WARN_ABOVE = 3  # segments: beyond this a post is costly and often arrives cut up


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int

    @property
    def costly(self) -> bool:
        return self.count > WARN_ABOVE


def count_segments(text: str) -> Segments:
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        units = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    count = 1 if units <= single else math.ceil(units / multi)
    return Segments(encoding, units, count)
