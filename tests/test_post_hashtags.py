"""A hashtag written twice is warned about: twice in a text, or ending a text when the
post's hashtags (added at the end anyway) hold it too. Inside a sentence it is fine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from content.loaders import load_campaign
from tests.campaign_files import document, write_campaign


def warnings_for(tmp_path: Path, text_fr: str) -> list[tuple[str, str]]:
    data: dict[str, Any] = document()
    data["posts"][0]["text"]["fr"] = text_fr
    data["posts"][0]["hashtags"] = ["#EngageonsNous", "#Kayes"]
    _campaign, warnings = load_campaign(write_campaign(tmp_path / "c", data))
    return [(warning.field, str(warning)) for warning in warnings]


def test_a_hashtag_ending_the_text_and_in_the_hashtags(tmp_path: Path) -> None:
    [(field, said)] = warnings_for(tmp_path, "Venez au conseil samedi. #EngageonsNous")
    assert field == "posts[0].text.fr"
    assert "#engageonsnous termine le texte" in said.lower()


def test_a_hashtag_twice_in_a_text(tmp_path: Path) -> None:
    [(_field, said)] = warnings_for(tmp_path, "#Paix ici, #paix là, et partout.")
    assert "#paix est écrit 2 fois" in said


def test_a_hashtag_inside_a_sentence_is_fine(tmp_path: Path) -> None:
    text = "Publiez votre phrase avec #EngageonsNous sur Facebook ou WhatsApp."
    assert warnings_for(tmp_path, text) == []
