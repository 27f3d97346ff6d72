from __future__ import annotations

import pytest

from content.sms import count_segments, fit_gsm


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("Bonne journée à tous, élus et citoyens !", "GSM-7", 1),
        ("€" * 80, "GSM-7", 1),  # two septets each: 160
        ("€" * 81, "GSM-7", 2),
        ("ɛ" + "a" * 69, "UCS-2", 1),
        ("ɛ" + "a" * 70, "UCS-2", 2),
        ("ɔ" * 134, "UCS-2", 2),
        ("ɔ" * 135, "UCS-2", 3),
        ("Ç" * 70 + "ç", "UCS-2", 2),  # ç (lower case) is not in GSM 03.38
        ("✊🏾" * 35, "UCS-2", 2),  # fist + skin tone: 3 UTF-16 units, 105 in all
    ],
)
def test_segments(text: str, encoding: str, count: int) -> None:
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == (encoding, count)


def test_a_bambara_welcome_costs_more_than_its_french_twin() -> None:
    french = count_segments("Bienvenue parmi les relais de la campagne !")
    bambara = count_segments("I bisimila kampaɲi ka relaw cɛma!")
    assert french.encoding == "GSM-7"
    assert bambara.encoding == "UCS-2"
    assert count_segments("ɛ" * 300).costly


def test_french_fits_gsm_with_stand_ins_but_bambara_keeps_its_letters() -> None:
    french = "Ça commence\u00a0: êtes-vous prêts\u00a0? «\u00a0Oui\u00a0»…"
    assert fit_gsm(french) == 'Ça commence : etes-vous prets ? " Oui "...'  # Ç is GSM
    assert count_segments(fit_gsm(french)).encoding == "GSM-7"
    bambara = "Ça bɛ daminɛ: i labɛnnen don wa?"
    assert fit_gsm(bambara) == bambara  # ɛ is not e: the text goes as written, in UCS-2
    assert fit_gsm("Déjà à Kéniéba") == "Déjà à Kéniéba"  # é, à are GSM already
