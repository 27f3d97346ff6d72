"""A post's media: paths that stay inside the campaign folder, files that exist, kinds
and sizes the platforms take."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from content.loaders import load_campaign
from content.validation import media_kind
from tests.campaign_files import document, found, invalid, line_of, write_campaign


def link_outside(folder: Path) -> None:
    (folder.parent / "secret.png").write_bytes(b"x")
    os.symlink(folder.parent / "secret.png", folder / "media" / "lien.png")


MEDIA_CASES = [
    ("absolute", "/etc/passwd", "chemin absolu refusé"),
    ("windows-absolute", "C:\\media\\a.png", "chemin absolu refusé"),
    ("dot-dot", "media/../../etc/passwd", "« .. » refusé"),
    ("dot-dot-inside", "media/../media/j01.png", "« .. » refusé"),
    ("symlink-out", "media/lien.png", "hors du dossier de la campagne"),
    ("missing", "media/absent.png", "fichier introuvable : media/absent.png"),
    ("type", "media/anim.gif", "type de fichier non pris en charge"),
    ("photo-size", "media/lourde.jpg", "trop lourd (5.0 Mo) : 5 Mo au plus pour une image"),
    ("voice-size", "media/longue.ogg", "trop lourd (16.0 Mo) : 16 Mo au plus pour un fichier"),
]


@pytest.mark.parametrize(
    ("path", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in MEDIA_CASES]
)
def test_media_rules(tmp_path: Path, path: str, fragment: str) -> None:
    data = document()
    data["posts"][1]["media"] = {"bm": path}
    folder = write_campaign(tmp_path / "c", data, {"media/anim.gif": b"GIF89a"})
    link_outside(folder)
    with (folder / "media" / "lourde.jpg").open("wb") as handle:
        handle.truncate(5_000_001)
    with (folder / "media" / "longue.ogg").open("wb") as handle:
        handle.truncate(16_000_001)
    problem = found(invalid(folder), "posts[1].media.bm", fragment)
    assert problem.where == line_of(folder / "campaign.yaml", path[:12])


def test_media_that_fit_pass(tmp_path: Path) -> None:
    data = document()
    data["posts"][1]["media"] = {"fr": "media/note.ogg", "bm": "media/autre-nom.png"}
    folder = write_campaign(tmp_path / "c", data)
    with (folder / "media" / "note.ogg").open("wb") as handle:
        handle.truncate(6_000_000)  # too big for a picture, fine for a voice note
    os.symlink(folder / "media" / "j01.png", folder / "media" / "autre-nom.png")
    load_campaign(folder)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        *[("a.JPG", "photo"), ("b.png", "photo"), ("c.opus", "voice"), ("d.amr", "voice")],
        *[("e.m4a", "voice"), ("f.3gp", "video"), ("g.mp4", "video"), ("h.pdf", "document")],
    ],
)
def test_media_kind(name: str, kind: str) -> None:
    assert media_kind(name) == kind


def test_media_kind_refuses_other_files() -> None:
    with pytest.raises(ValueError, match="not a campaign media type"):
        media_kind("x.gif")
