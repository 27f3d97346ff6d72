"""The booklet's checklist "Êtes-vous prêts à lancer votre campagne ?", judged on a loaded
campaign: each item says, in French, why it is not met yet."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import pairwise

from content.model import Campaign, Post
from content.validation import LANGUAGE_NAMES, LANGUAGES, channel_limit

KIT_PLATFORMS = ("whatsapp", "facebook", "twitter")  # the kit's ready-to-forward messages
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
SHOWN = 5  # reasons listed in a detail; the rest are counted


@dataclass(frozen=True)
class Item:
    key: str
    title_fr: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    items: tuple[Item, ...]

    @property
    def ready(self) -> bool:
        return all(item.ok for item in self.items)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict: {"ready": bool, "items": [{key, title_fr, ok, detail}]}."""
        return {"ready": self.ready, "items": [asdict(item) for item in self.items]}


def _day(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"


def _listed(reasons: list[str]) -> str:
    more = len(reasons) - SHOWN
    return " ; ".join(reasons[:SHOWN]) + (f" ; et {more} autre(s)" if more > 0 else "") + "."


def _missing(label: str, texts: dict[str, str]) -> str | None:
    absent = [LANGUAGE_NAMES[language] for language in LANGUAGES if not texts.get(language)]
    return f"{label} ({', '.join(absent)})" if absent else None


def objectives(campaign: Campaign) -> Item:
    missing = [
        reason
        for label, texts in (
            ("objectifs", campaign.objectives),
            ("publics cibles", campaign.audiences),
        )
        if (reason := _missing(label, texts))
    ]
    detail = "Objectifs et publics cibles en français et en bambara."
    if missing:
        detail = "Manque : " + _listed(missing)
    title = "Les objectifs et les publics cibles sont définis"
    return Item("objectives", title, not missing, detail)


def channels(campaign: Campaign) -> Item:
    ready = [post for post in campaign.posts if post.status == "ready"]
    reasons = [
        f"{post.id} ({language}, {channel}) : {reason}"
        for post in ready
        for language, text in post.text.items()
        for channel in campaign.channels
        if (reason := channel_limit(channel, text, post.sms.get(language), language in post.media))
    ]
    names = ", ".join(campaign.channels)
    detail = f"Les {len(ready)} publications prêtes tiennent sur {names}."
    if not ready:
        detail = "Aucune publication prête pour l'instant : rien à vérifier."
    elif reasons:
        detail = _listed(reasons)
    return Item("channels", "Les messages sont adaptés à chaque canal", not reasons, detail)


def _ranks(campaign: Campaign) -> defaultdict[str, int]:
    # A phase the campaign does not declare (only a hand-built Campaign has one) ranks last.
    ranks: defaultdict[str, int] = defaultdict(lambda: len(campaign.phases))
    ranks.update((phase.id, index) for index, phase in enumerate(campaign.phases))
    return ranks


def _phase_order(campaign: Campaign, posts: list[Post]) -> list[str]:
    order = _ranks(campaign)
    names = {phase.id: phase.name.get("fr", phase.id) for phase in campaign.phases}
    reasons, latest = [], None  # latest: the first post of the furthest phase begun so far
    for post in posts:
        if latest and order[post.phase] < order[latest.phase] and post.day > latest.day:
            earlier, later = names.get(post.phase, post.phase), names.get(latest.phase, "")
            reasons.append(
                f"« {post.id} » ({earlier}, {_day(post.day)}) vient après le début"
                f" de « {later} » ({_day(latest.day)})"
            )
        if latest is None or order[post.phase] > order[latest.phase]:
            latest = post
    return reasons


def _gaps(campaign: Campaign, posts: list[Post]) -> list[str]:
    # The days just outside the campaign stand in for its edges, so silence at the start
    # or the end counts like silence between two posts.
    days = [campaign.start - timedelta(1), *sorted({post.day for post in posts})]
    reasons = []
    for before, after in pairwise([*days, campaign.end + timedelta(1)]):
        silent = (after - before).days - 1
        if silent > campaign.max_gap_days:
            first, last = before + timedelta(1), after - timedelta(1)
            reasons.append(f"{silent} jours sans publication du {_day(first)} au {_day(last)}")
    return reasons


def _weeks(campaign: Campaign, posts: list[Post]) -> list[str]:
    covered: Counter[tuple[int, int]] = Counter()
    day = campaign.start
    while day <= campaign.end:
        covered[day.isocalendar()[:2]] += 1
        day += timedelta(1)
    counts = Counter(post.day.isocalendar()[:2] for post in posts)
    low, high = campaign.posts_per_week
    reasons = []
    for (year, week), days in covered.items():
        # A week the campaign only partly covers is held to its share of the bounds, the
        # minimum rounded down and the maximum up: 2 days of a 3-to-10 week need 0
        # posts and allow 3.
        need, allow = low * days // 7, math.ceil(high * days / 7)
        count = counts[(year, week)]
        monday = date.fromisocalendar(year, week, 1)
        if not need <= count <= allow:
            bound = f"au moins {need}" if count < need else f"au plus {allow}"
            reasons.append(f"semaine du {_day(monday)} : {count} publication(s), {bound}")
    return reasons


def calendar(campaign: Campaign, today: date | None) -> Item:
    order = _ranks(campaign)
    posts = sorted(campaign.posts, key=lambda post: (post.day, post.at, order[post.phase]))
    reasons = ["aucune publication planifiée"] if not posts else []
    reasons += _phase_order(campaign, posts) + _gaps(campaign, posts) + _weeks(campaign, posts)
    if today is not None and campaign.end < today:
        reasons.append(f"la campagne s'est terminée le {_day(campaign.end)}")
    low, high = campaign.posts_per_week
    detail = (
        f"Phases dans l'ordre, pas plus de {campaign.max_gap_days} jours sans publication,"
        f" de {low} à {high} publications par semaine."
    )
    title = "Le calendrier est cohérent et équilibré"
    if reasons:
        detail = _listed(reasons)
        detail = detail[0].upper() + detail[1:]
    return Item("calendar", title, not reasons, detail)


def produced(post: Post, campaign: Campaign) -> bool:
    """Ready, with its final text in each of its languages and its media on disk."""
    languages = (post.single_language,) if post.single_language else LANGUAGES
    return (
        post.status == "ready"
        and all(post.text.get(language) for language in languages)
        and all((campaign.folder / path).is_file() for path in post.media.values())
    )


def content(campaign: Campaign, today: date | None) -> Item:
    total = len(campaign.posts)
    done = sum(produced(post, campaign) for post in campaign.posts)
    ok = total > 0 and done * 2 >= total
    detail = f"{done} publication(s) prête(s) sur {total} ({done * 100 // max(total, 1)} %)"
    detail += "." if ok else " : il en faut au moins la moitié."
    late = [
        post.id
        for post in campaign.posts
        if today and post.day < today and not produced(post, campaign)
    ]
    if late:
        detail += f" Date passée, pas prête : {', '.join(late[:SHOWN])}."
    return Item("content", "Au moins la moitié des contenus est produite", ok, detail)


def kit(campaign: Campaign) -> Item:
    kit = campaign.kit
    parts = (("quoi", kit.what), ("qui", kit.who), ("quand", kit.when), ("pourquoi", kit.why))
    platforms = sorted({*KIT_PLATFORMS, *kit.messages})
    messages = [(f"message {name}", kit.messages.get(name, {})) for name in platforms]
    missing = [reason for label, texts in (*parts, *messages) if (reason := _missing(label, texts))]
    if not kit.hashtags:
        missing.append("hashtags")
    detail = "Quoi, qui, quand, pourquoi, messages à transférer et hashtags, dans les deux langues."
    if missing:
        detail = "Manque : " + _listed(missing)
    return Item("kit", "Le kit de mobilisation est complet", not missing, detail)


def check_readiness(campaign: Campaign, today: date | None = None) -> Readiness:
    """`today`, when given, also flags a campaign already over and past posts not ready."""
    return Readiness(
        (
            objectives(campaign),
            channels(campaign),
            calendar(campaign, today),
            content(campaign, today),
            kit(campaign),
        )
    )
