"""A campaign as Relais understands it, once read and validated from its files.

Plain frozen values: the loaders build them, validation checks them, readiness judges
them, `relais campaign load` stores them. Texts are per language ("fr", "bm").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

MAX_CHOICES = 6  # a question or a poll offers 2 to 6 choices
Localized = dict[str, str]  # language → text; a missing language is simply absent


@dataclass(frozen=True)
class Phase:
    id: str
    name: Localized


@dataclass(frozen=True)
class PostAudience:
    """Who a post is for; an empty tuple means everyone."""

    languages: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Participants:
    """Who may take part in a contest or a poll (as a broadcast's audience); empty: all."""

    languages: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizQuestion:
    text: Localized
    choices: tuple[Localized, ...]  # 2 to 6
    correct: int  # index from 0 (the file's `answer:` counts from 1)
    media: Localized = field(default_factory=dict)  # language → path under the campaign folder


@dataclass(frozen=True)
class Quiz:
    """A contest (jeu concours) as the campaign file or the API describes it."""

    id: str
    title: Localized
    prize: Localized
    opens: datetime  # local, naive: in the campaign's time zone
    closes: datetime
    questions: tuple[QuizQuestion, ...]
    points: int = 1
    speed_bonus: int = 0  # added to a right answer given within speed_minutes of opening
    speed_minutes: int = 0
    feedback: str = "at_once"  # at_once | after_close
    mode: str = "sequential"  # sequential | all_at_once
    eligible: str = "all_correct"  # all_correct | any_correct | participated
    participants: Participants = Participants()
    source: str = ""


@dataclass(frozen=True)
class OpinionPoll:
    """An anonymous poll as the campaign file or the API describes it."""

    id: str
    question: Localized
    choices: tuple[Localized, ...]  # 2 to 6
    opens: datetime  # local, naive
    closes: datetime
    changeable: bool = False
    threshold: int = 10
    participants: Participants = Participants()
    source: str = ""


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template (Content SID) and its variables, for one language."""

    sid: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Post:
    id: str
    day: date
    at: time  # local time in the campaign's zone
    phase: str
    text: Localized
    audience: PostAudience = PostAudience()
    sms: Localized = field(default_factory=dict)  # shorter SMS versions
    media: Localized = field(default_factory=dict)  # language → path under the campaign folder
    hashtags: tuple[str, ...] = ()
    templates: dict[str, Template] = field(default_factory=dict)  # language → template
    single_language: str | None = None  # explicitly one language only
    status: str = "draft"  # draft | ready
    source: str = ""  # where it was read: "campaign.yaml:42" or "calendar.xlsx row 7"


@dataclass(frozen=True)
class Link:
    label: Localized
    url: str


@dataclass(frozen=True)
class Kit:
    """The mobilisation kit (booklet §3.1): what, who, when, why, and what to share."""

    what: Localized = field(default_factory=dict)
    who: Localized = field(default_factory=dict)
    when: Localized = field(default_factory=dict)
    why: Localized = field(default_factory=dict)
    accounts_to_follow: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    decision_makers: tuple[str, ...] = ()
    messages: dict[str, Localized] = field(default_factory=dict)  # platform → texts
    links: tuple[Link, ...] = ()
    media: Localized = field(default_factory=dict)  # language → a picture sent with the kit


@dataclass(frozen=True)
class QuietHours:
    start: time = time(21, 0)
    end: time = time(7, 0)


@dataclass(frozen=True)
class Campaign:
    slug: str
    name: str
    hashtags: tuple[str, ...]
    start: date
    end: date
    timezone: str
    phases: tuple[Phase, ...]
    posts: tuple[Post, ...]
    kit: Kit
    folder: Path  # the campaign folder; media paths are relative to it
    objectives: Localized = field(default_factory=dict)
    audiences: Localized = field(default_factory=dict)  # target audiences, described
    channels: tuple[str, ...] = ("telegram", "whatsapp")
    places: tuple[str, ...] = ()  # place slugs; empty means Relais's default list
    fallback_language: str | None = "fr"  # sent when a post lacks the relay's language
    post_time: time = time(8, 0)
    quiet_hours: QuietHours | None = QuietHours()
    max_gap_days: int = 2
    posts_per_week: tuple[int, int] = (3, 10)
    quizzes: tuple[Quiz, ...] = ()
    polls: tuple[OpinionPoll, ...] = ()
