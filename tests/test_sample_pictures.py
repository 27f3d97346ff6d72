"""The sample campaigns' pictures: small PNGs, every word drawn in a font that has the
real Bambara letters (a missing letter would come out as the font's empty box)."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.campaigns.draw_pictures import BOLD, PICTURES, REGULAR, draw_all

CAMPAIGNS = Path(__file__).resolve().parent.parent / "content" / "campaigns"
PIL = pytest.importorskip("PIL.Image")
ImageFont = pytest.importorskip("PIL.ImageFont")
ImageDraw = pytest.importorskip("PIL.ImageDraw")


def test_each_picture_is_a_small_800_by_450_png_in_both_languages() -> None:
    for stem in PICTURES:
        for language in ("fr", "bm"):
            path = CAMPAIGNS / f"{stem}-{language}.png"
            with PIL.open(path) as image:
                assert (image.format, image.size) == ("PNG", (800, 450)), path
            assert path.stat().st_size < 20_000, path


@pytest.mark.skipif(not BOLD.exists(), reason="needs Debian's fonts-dejavu-core")
def test_the_font_has_every_letter_the_pictures_write() -> None:
    words = "".join(
        text
        for _draw, languages in PICTURES.values()
        for w in languages.values()
        for text in w.values()
    )
    assert {"ɛ", "ɔ", "ɲ", "Ɲ"} <= set(words)
    for path in (BOLD, REGULAR):
        font = ImageFont.truetype(str(path), 40)
        missing = drawn(font, "中")  # not in DejaVu: the box of a missing letter
        absent = [
            c
            for c in set(words)
            if not c.isspace() and (drawn(font, c) == missing or not any(drawn(font, c)))
        ]
        assert absent == [], path


def drawn(font: object, letter: str) -> bytes:
    image = PIL.new("L", (60, 60))
    ImageDraw.Draw(image).text((10, 5), letter, font=font, fill=255)
    data: bytes = image.tobytes()
    return data


@pytest.mark.skipif(not BOLD.exists(), reason="needs Debian's fonts-dejavu-core")
def test_the_pictures_can_be_drawn_again(tmp_path: Path) -> None:
    for stem in PICTURES:
        (tmp_path / stem).parent.mkdir(parents=True, exist_ok=True)
    written = draw_all(tmp_path)
    assert len(written) == 2 * len(PICTURES)
    assert all(path.stat().st_size > 3_000 for path in written)
