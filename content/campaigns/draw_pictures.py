"""Draw the sample campaigns' pictures (media/*-fr.png and *-bm.png) again.

Simple infographics: shapes, and words in DejaVu Sans, a font with the real Bambara
letters (ɛ ɔ ɲ ŋ, Ɛ Ɔ Ɲ Ŋ), so they never look like backwards Latin letters. Run by hand
from the project root, with Pillow and Debian's fonts-dejavu-core installed:

    python content/campaigns/draw_pictures.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from math import cos, radians, sin
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
SIZE = (800, 450)
CREAM, INK, MUTED = "#faf6ee", "#1f2a36", "#4a5563"
GREEN, YELLOW, RED = "#1fa84a", "#fcd116", "#ce1126"
TEAL, ORANGE, GREY, BROWN = "#1f8a70", "#e8743b", "#d9d4c7", "#8a5a3c"

Draw = ImageDraw.ImageDraw
Words = dict[str, str]


def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def text(d: Draw, xy: tuple[float, float], words: str, size: int, **style: object) -> None:
    """Words anchored as asked ("mm": centred, "lm": from the left), in ink by default."""
    fill = str(style.get("fill", INK))
    anchor = str(style.get("anchor", "mm"))
    d.text(xy, words, font=font(size, bool(style.get("bold", True))), fill=fill, anchor=anchor)


def frame(d: Draw, top: str, hashtag: str) -> None:
    """The top stripe, Mali's three colours at the bottom, the hashtag in a corner."""
    d.rectangle((0, 0, SIZE[0], 9), fill=top)
    third = SIZE[0] / 3
    for index, colour in enumerate((GREEN, YELLOW, RED)):
        d.rectangle((index * third, SIZE[1] - 9, (index + 1) * third, SIZE[1]), fill=colour)
    text(d, (SIZE[0] - 24, SIZE[1] - 26), hashtag, 16, anchor="rm", fill=INK, bold=False)


def person(d: Draw, x: float, y: float, scale: float, colour: str) -> None:
    """A head and shoulders, (x, y) the top of the head."""
    r = 16 * scale
    d.ellipse((x - r, y, x + r, y + 2 * r), fill=colour)
    d.rounded_rectangle(
        (x - 30 * scale, y + 2.4 * r, x + 30 * scale, y + 2.4 * r + 40 * scale),
        radius=int(22 * scale),
        fill=colour,
    )


def values(d: Draw, w: Words) -> None:
    """Horonya, Ɲɔgɔndɛmɛ, Sinankuya: three circles and their names."""
    frame(d, GREEN, "#PaixauMali")
    text(d, (400, 52), w["title"], 40)
    for index, (colour, name, meaning) in enumerate(
        (
            (GREEN, "Horonya", w["dignity"]),
            (YELLOW, w["mutual_aid"], w["help"]),
            (RED, "Sinankuya", w["joking"]),
        )
    ):
        x = 150 + index * 250
        d.ellipse((x - 82, 108, x + 82, 272), fill=colour)
        if index == 0:  # a star: dignity
            points = []
            for k in range(10):
                radius = 52 if k % 2 == 0 else 22
                angle = -90 + 36 * k
                points.append(
                    (x + radius * cos(radians(angle)), 192 + radius * sin(radians(angle)))
                )
            d.polygon(points, fill="white")
        elif index == 1:  # two people: mutual aid
            person(d, x - 22, 150, 1.0, "white")
            person(d, x + 24, 140, 1.0, INK)
        else:  # a smile: the joking cousinhood
            d.ellipse((x - 52, 138, x + 52, 242), outline="white", width=9)
            d.ellipse((x - 26, 165, x - 10, 181), fill="white")
            d.ellipse((x + 10, 165, x + 26, 181), fill="white")
            d.arc((x - 32, 160, x + 32, 222), 20, 160, fill="white", width=8)
        text(d, (x, 318), name, 30)
        text(d, (x, 358), meaning, 22, fill=MUTED, bold=False)


def computer(d: Draw, w: Words) -> None:
    """Who can use a computer in the Kayes region: 20 % of women, 30 % of men."""
    frame(d, ORANGE, "#EngageonsNous")
    text(d, (400, 48), w["title"], 38)
    text(d, (400, 92), w["subtitle"], 22, fill=MUTED, bold=False)
    for x, share, colour, label in ((290, 20, ORANGE, w["women"]), (510, 30, TEAL, w["men"])):
        top = 375 - share * 6
        d.rounded_rectangle((x - 75, top, x + 75, 382), radius=10, fill=colour)
        person(d, x, top + 22, 1.1, "white")
        text(d, (x, top - 32), f"{share} %", 38, fill=colour)
        text(d, (x, 408), label, 26)
    d.line((140, 376, 660, 376), fill=INK, width=3)


def quota(d: Draw, w: Words) -> None:
    """Law 2015-052: at least 3 women in 10 candidates."""
    frame(d, ORANGE, "#EngageonsNous")
    text(d, (56, 62), w["title"], 44, anchor="lm")
    d.ellipse((632, 28, 752, 148), fill=ORANGE)
    text(d, (692, 88), "30 %", 32, fill="white")
    for index in range(10):
        person(d, 85 + index * 70, 172, 0.95, ORANGE if index < 3 else GREY)
    d.rounded_rectangle((55, 280, 255, 287), radius=3, fill=ORANGE)
    text(d, (400, 346), w["line1"], 24, fill=MUTED, bold=False)
    text(d, (400, 386), w["line2"], 32)


def session(d: Draw, w: Words) -> None:
    """The communal council's sessions are public."""
    frame(d, TEAL, "#EngageonsNous")
    d.polygon(((50, 172), (190, 96), (330, 172)), fill=TEAL)
    d.rectangle((60, 172, 320, 192), fill=TEAL)
    d.ellipse((176, 132, 204, 160), fill=YELLOW)
    for x in (80, 135, 245, 300):
        d.rectangle((x - 10, 196, x + 10, 316), fill=GREY)
    d.rounded_rectangle((162, 204, 218, 318), radius=28, fill=INK)
    d.polygon(((218, 212), (240, 222), (240, 316), (218, 318)), fill=BROWN)
    d.rectangle((50, 316, 330, 330), fill=TEAL)
    d.rectangle((38, 330, 342, 344), fill=TEAL)
    for x in (120, 254):
        person(d, x, 290, 0.7, ORANGE)
    text(d, (390, 120), w["line1"], 22, anchor="lm", fill=MUTED, bold=False)
    text(d, (390, 182), w["line2"], 44, anchor="lm")
    text(d, (390, 244), w["line3"], 44, anchor="lm")
    text(d, (390, 306), w["line4"], 34, anchor="lm", fill=ORANGE)


def testimony(d: Draw, w: Words) -> None:
    """Answer with a voice note of a minute."""
    frame(d, RED, "#PaixauMali")
    d.rounded_rectangle((140, 80, 240, 250), radius=50, fill=RED)
    for y in (135, 160, 185):
        d.rectangle((162, y - 3, 218, y + 3), fill=CREAM)
    d.arc((110, 150, 270, 300), 0, 180, fill=RED, width=12)
    d.rectangle((184, 298, 196, 330), fill=RED)
    d.rounded_rectangle((135, 326, 245, 340), radius=7, fill=RED)
    d.arc((200, 100, 300, 240), -60, 60, fill=ORANGE, width=8)
    d.arc((200, 70, 340, 270), -60, 60, fill=ORANGE, width=8)
    text(d, (385, 104), w["line1"], 24, anchor="lm", fill=MUTED, bold=False)
    text(d, (385, 168), w["line2"], 44, anchor="lm")
    text(d, (385, 230), w["line3"], 44, anchor="lm")
    text(d, (385, 292), w["line4"], 30, anchor="lm", fill=ORANGE)
    text(d, (385, 342), w["line5"], 22, anchor="lm", fill=MUTED, bold=False)


def neighbour(d: Draw, w: Words) -> None:
    """Greet your neighbour from another community."""
    frame(d, YELLOW, "#PaixauMali")
    text(d, (400, 56), w["title"], 38)
    text(d, (400, 100), w["subtitle"], 22, fill=MUTED, bold=False)
    d.rectangle((230, 318, 570, 330), fill=GREY)
    for x, roof, wall in ((145, "#187a5f", TEAL), (655, "#b8552a", ORANGE)):
        d.polygon(((x - 100, 210), (x, 140), (x + 100, 210)), fill=roof)
        d.rectangle((x - 85, 210, x + 85, 330), fill=wall)
        d.rectangle((x - 66, 234, x - 36, 264), fill=CREAM)
        d.rectangle((x + 36, 234, x + 66, 264), fill=CREAM)
        d.rounded_rectangle((x - 23, 250, x + 23, 330), radius=22, fill=INK)
    d.ellipse((345, 170, 405, 230), fill=RED)
    d.ellipse((395, 170, 455, 230), fill=RED)
    d.polygon(((349, 213), (451, 213), (400, 276)), fill=RED)


PICTURES: dict[str, tuple[Callable[[Draw, Words], None], dict[str, Words]]] = {
    "paixaumali/media/p01-valeurs": (
        values,
        {
            "fr": {
                "title": "#PaixauMali",
                "mutual_aid": "Nyɔgɔndɛmɛ",
                "dignity": "dignité",
                "help": "entraide",
                "joking": "cousinage",
            },
            "bm": {
                "title": "Hɛrɛ Mali kɔnɔ",
                "mutual_aid": "Ɲɔgɔndɛmɛ",
                "dignity": "danbe",
                "help": "dɛmɛ",
                "joking": "tulon",
            },
        },
    ),
    "paixaumali/media/p06-temoignage": (
        testimony,
        {
            "fr": {
                "line1": "À vous la parole",
                "line2": "Une note",
                "line3": "vocale",
                "line4": "1 minute",
                "line5": "en réponse au message",
            },
            "bm": {
                "line1": "Aw ka kuma",
                "line2": "Vocal dɔ",
                "line3": "ci an ma",
                "line4": "miniti 1",
                "line5": "nin cikan jaabi",
            },
        },
    ),
    "paixaumali/media/p10-voisin": (
        neighbour,
        {
            "fr": {"title": "Saluez votre voisin", "subtitle": "d'une autre communauté"},
            "bm": {"title": "Aw ka sigiɲɔgɔn fo", "subtitle": "min ye siya wɛrɛ ye"},
        },
    ),
    "engageonsnous/media/j02-ordinateur": (
        computer,
        {
            "fr": {
                "title": "Région de Kayes",
                "subtitle": "savent utiliser un ordinateur",
                "women": "Femmes",
                "men": "Hommes",
            },
            "bm": {
                "title": "Kayes mara",
                "subtitle": "bɛ se ka baara kɛ ni ɔrdinatɛri ye",
                "women": "Musow",
                "men": "Cɛw",
            },
        },
    ),
    "engageonsnous/media/j05-quota": (
        quota,
        {
            "fr": {
                "title": "Loi 2015-052",
                "line1": "Sur 10 candidats :",
                "line2": "au moins 3 femmes",
            },
            "bm": {
                "title": "Sariya 2015-052",
                "line1": "Kandida 10 o 10 la:",
                "line2": "muso 3 walima ka tɛmɛ",
            },
        },
    ),
    "engageonsnous/media/j15-session": (
        session,
        {
            "fr": {
                "line1": "Conseil communal",
                "line2": "Session",
                "line3": "publique",
                "line4": "Entrée libre",
            },
            "bm": {
                "line1": "Komini ladilikɛlaw ka",
                "line2": "lajɛ da",
                "line3": "bɛ wuli",
                "line4": "bɛɛ ye",
            },
        },
    ),
}


def draw_all(root: Path = HERE) -> list[Path]:
    """Draw every picture in both languages under `root`; the files written."""
    written = []
    for stem, (draw, languages) in PICTURES.items():
        for language, words in languages.items():
            image = Image.new("RGB", SIZE, CREAM)
            draw(ImageDraw.Draw(image), words)
            path = root / f"{stem}-{language}.png"
            # 64 colours keep the anti-aliased letters and keep each file small.
            image.quantize(64, dither=Image.Dither.NONE).save(path, optimize=True)
            written.append(path)
    return written


if __name__ == "__main__":
    sys.stdout.write("".join(f"{path.relative_to(HERE)}\n" for path in draw_all()))
