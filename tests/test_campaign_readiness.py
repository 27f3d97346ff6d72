"""The booklet's checklist "Êtes-vous prêts à lancer votre campagne ?"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from bot.models import Language
from content.loaders import load_campaign
from content.model import Campaign, Kit, Post
from content.readiness import Item, check_readiness
from tests.campaign_files import document, french, write_campaign


def loaded(tmp_path: Path, data: dict[str, Any] | None = None) -> Campaign:
    return load_campaign(write_campaign(tmp_path / "c", data))[0]


def item(campaign: Campaign, key: str, today: date | None = None) -> Item:
    [found] = [entry for entry in check_readiness(campaign, today).items if entry.key == key]
    return found


def detail(found: Item, language: Language = Language.FR) -> str:
    return found.detail.render(language)


def post(post_id: str, day: int, phase: str = "informer", status: str = "ready") -> Post:
    text = {"fr": "Bonjour", "bm": "I ni ce"}
    return Post(post_id, date(2026, 12, day), time(8, 0), phase, text, status=status)


def test_the_sample_campaign_is_ready(tmp_path: Path) -> None:
    readiness = check_readiness(loaded(tmp_path), date(2026, 11, 21))
    assert [(entry.key, entry.ok) for entry in readiness.items] == [
        ("objectives", True),
        ("channels", True),
        ("calendar", True),
        ("content", True),
        ("kit", True),
    ]
    assert readiness.ready
    assert detail(readiness.items[3]) == french("4 publication(s) prête(s) sur 4 (100 %).")
    assert [entry.title.render(Language.FR) for entry in readiness.items] == [
        "Les objectifs et les publics cibles sont définis",
        "Les messages sont adaptés à chaque canal",
        "Le calendrier est cohérent et équilibré",
        "Au moins la moitié des contenus est produite",
        "Le kit de mobilisation est complet",
    ]


@pytest.mark.parametrize("language", list(Language))
def test_to_json(tmp_path: Path, language: Language) -> None:
    document_ = check_readiness(loaded(tmp_path)).to_json(language)
    assert document_["ready"] is True
    assert document_["items"] == [
        {
            "key": entry.key,
            "title": entry.title.render(language),
            "ok": entry.ok,
            "detail": entry.detail.render(language),
        }
        for entry in check_readiness(loaded(tmp_path)).items
    ]


def test_objectives_and_audiences_in_both_languages(tmp_path: Path) -> None:
    campaign = replace(loaded(tmp_path), audiences={"fr": "Jeunes de Kayes"}, objectives={})
    found = item(campaign, "objectives")
    assert not found.ok
    assert detail(found) == french(
        "Manque : objectifs (français, bambara) ; publics cibles (bambara)."
    )
    assert detail(found, Language.BM) == (
        "Min tɛ yen: laɲiniw (faransikan, bamanankan); mɔgɔ minnu ka kan ka se u ma (bamanankan)."
    )


def test_messages_adapted_to_each_channel(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    long_sms = replace(campaign.posts[1], text={"fr": "Court", "bm": "ɛ" * 300})
    draft = replace(campaign.posts[2], text={"fr": "x" * 5000, "bm": "x"}, status="draft")
    campaign = replace(
        campaign,
        channels=("telegram", "whatsapp", "sms"),
        posts=(campaign.posts[0], long_sms, draft, campaign.posts[3]),
    )
    found = item(campaign, "channels")
    assert not found.ok
    assert detail(found).startswith(french("j02 (bm, sms) : SMS de 5 segments"))
    assert "j03" not in detail(found)  # drafts are judged by the content item
    fixed = replace(long_sms, sms={"bm": "Kura"})
    assert item(replace(campaign, posts=(fixed,)), "channels").ok


def test_a_caption_too_long_for_telegram(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    captioned = replace(campaign.posts[0], text={"fr": "x" * 1500, "bm": "x"})
    found = item(replace(campaign, posts=(captioned,)), "channels")
    assert french("j01 (fr, telegram) : 1500 caractères") in detail(found)
    assert not found.ok


@pytest.mark.parametrize(
    ("posts", "detail"),
    [
        (
            [post("a", 7), post("b", 9, "action"), post("c", 10), post("d", 12, "action")],
            "« c » (Informer, 10 décembre) vient après le début de « Agir » (9 décembre)",
        ),
        (
            [post("a", 7), post("b", 11), post("c", 12, "action"), post("d", 13, "action")],
            "3 jours sans publication du 8 décembre au 10 décembre",
        ),
        (
            [post("a", 10), post("b", 11), post("c", 12, "action"), post("d", 13, "action")],
            "3 jours sans publication du 7 décembre au 9 décembre",  # from the start
        ),
        (
            [post("a", 7), post("b", 8), post("c", 9, "action"), post("d", 10, "action")],
            "3 jours sans publication du 11 décembre au 13 décembre",  # until the end
        ),
        (
            [post("a", 7), post("b", 10, "action")],
            "semaine du 7 décembre : 2 publication(s), au moins 3",
        ),
        (
            [post(f"p{n}", 7 + n // 2) for n in range(11)] + [post("z", 13, "action")],
            "semaine du 7 décembre : 12 publication(s), au plus 10",
        ),
        ([], "Aucune publication planifiée"),
    ],
)
def test_calendar_coherent_and_balanced(tmp_path: Path, posts: list[Post], detail: str) -> None:
    found = item(replace(loaded(tmp_path), posts=tuple(posts)), "calendar")
    assert not found.ok
    assert french(detail).lower() in found.detail.render(Language.FR).lower()


def test_phases_may_overlap_on_the_day_a_new_one_starts(tmp_path: Path) -> None:
    posts = (post("a", 7), post("b", 9, "action"), post("c", 9), post("d", 11, "action"))
    assert item(replace(loaded(tmp_path), posts=posts), "calendar").ok


def test_partial_weeks_are_held_to_their_share(tmp_path: Path) -> None:
    # Saturday 5 to Tuesday 15 December: 2 days, a whole week, 2 days.
    campaign = replace(loaded(tmp_path), start=date(2026, 12, 5), end=date(2026, 12, 15))
    posts = [post("a", 6), post("b", 8), post("c", 10), post("d", 12, "action")]
    assert item(replace(campaign, posts=(*posts, post("e", 14, "action"))), "calendar").ok
    crowded = [post(f"x{n}", 5 + n % 2) for n in range(4)]  # 4 posts in 2 days: 3 at most
    found = item(replace(campaign, posts=(*crowded, *posts[1:])), "calendar")
    assert french("semaine du 30 novembre : 4 publication(s), au plus 3") in detail(found)


def test_a_campaign_already_over_is_not_ready(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    assert item(campaign, "calendar", date(2026, 12, 13)).ok
    found = item(campaign, "calendar", date(2026, 12, 14))
    assert not found.ok
    assert detail(found).startswith("La campagne s'est terminée le 13 décembre")
    assert detail(found, Language.BM).startswith("Kampaɲi banna 13 desanburu")


def test_half_the_content_must_be_produced(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    first, second, third, fourth = campaign.posts
    drafts = (replace(third, status="draft"), replace(fourth, status="draft"))
    assert item(replace(campaign, posts=(first, second, *drafts)), "content").ok
    missing_bm = replace(second, text={"fr": "Bonjour"})  # no text, no single_language
    found = item(replace(campaign, posts=(first, missing_bm, *drafts)), "content")
    assert not found.ok
    assert detail(found) == french(
        "1 publication(s) prête(s) sur 4 (25 %) : il en faut au moins la moitié."
    )
    single = replace(missing_bm, single_language="fr")
    assert item(replace(campaign, posts=(first, single, *drafts)), "content").ok


def test_declared_media_must_be_present(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    (campaign.folder / "media" / "j01.png").unlink()
    drafts = tuple(replace(entry, status="draft") for entry in campaign.posts[2:])
    found = item(replace(campaign, posts=(*campaign.posts[:2], *drafts)), "content")
    assert detail(found).startswith("1 publication(s) prête(s) sur 4")
    assert not found.ok


def test_past_posts_not_ready_are_named(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    late = replace(campaign.posts[0], status="draft")
    found = item(replace(campaign, posts=(late, *campaign.posts[1:])), "content", date(2026, 12, 8))
    assert detail(found).endswith(french("Date passée, pas prête : j01."))


def test_the_kit_is_complete_in_both_languages(tmp_path: Path) -> None:
    campaign = loaded(tmp_path)
    kit = campaign.kit
    messages = {"whatsapp": kit.messages["whatsapp"], "facebook": {"fr": "Partagez"}}
    partial = Kit(what=kit.what, who={"fr": "Les jeunes"}, messages=messages)
    found = item(replace(campaign, kit=partial), "kit")
    assert not found.ok
    assert detail(found) == french(
        "Manque : qui (bambara) ; quand (français, bambara) ; pourquoi (français, bambara) ;"
        " message facebook (bambara) ; message twitter (français, bambara) ; et 1 autre(s)."
    )
    assert item(campaign, "kit").ok
    assert detail(item(replace(campaign, kit=replace(kit, hashtags=())), "kit")) == french(
        "Manque : hashtags."
    )


def test_every_platform_in_the_kit_needs_both_languages(tmp_path: Path) -> None:
    data = document()
    data["kit"]["messages"]["tiktok"] = {"fr": "Partagez"}
    found = item(loaded(tmp_path, data), "kit")
    assert detail(found) == french("Manque : message tiktok (bambara).")
    assert detail(found, Language.BM) == "Min tɛ yen: tiktok cikan (bamanankan)."


def test_days_and_phase_names_are_said_in_the_readers_language(tmp_path: Path) -> None:
    posts = [post("a", 7), post("b", 9, "action"), post("c", 10), post("d", 12, "action")]
    found = item(replace(loaded(tmp_path), posts=tuple(posts)), "calendar")
    assert detail(found) == french(
        "« c » (Informer, 10 décembre) vient après le début de « Agir » (9 décembre)."
    )
    assert detail(found, Language.BM) == (
        "“c” (Kunnafoni, 10 desanburu) bɛ na “Baara” daminɛ kɔfɛ (9 desanburu)."
    )
    campaign = replace(loaded(tmp_path), start=date(2026, 12, 1), end=date(2026, 12, 13))
    found = item(replace(campaign, posts=tuple(posts)), "calendar")
    assert french("6 jours sans publication du 1er décembre au 6 décembre") in detail(found)
    assert "don 6 cikan tɛ: ka bɔ 1 desanburu ka se 6 desanburu ma" in detail(found, Language.BM)
