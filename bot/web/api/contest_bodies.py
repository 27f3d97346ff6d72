"""What /api/contests and /api/polls take: one item of a campaign file's `contests:` or
`polls:` section (content/FORMAT.md), described for the OpenAPI schema.

The campaign-file checks judge a posted item, not these models: the API then names every
problem by its field as `relais campaign check` does, in the organiser's language. These
models say what those checks accept; tests/test_api_schema.py keeps them in step.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from bot.web.ids import INT_MAX
from content.problems import Severity
from content.validation_values import DATE_TIME, SLUG

LanguageCode = Literal["fr", "bm"]
Lines = str | list[str]
Identifier = Annotated[
    str,
    Field(
        pattern=rf"^{SLUG.pattern}$",
        description="Lowercase letters, digits and hyphens; unique among contests and polls.",
    ),
]
LocalTime = Annotated[
    str,
    Field(
        pattern=rf"^{DATE_TIME.pattern}$",
        description="Local time in the campaign's zone, without offset: YYYY-MM-DD HH:MM.",
        examples=["2026-12-02 18:00"],
    ),
]


class DocumentedAs:
    """Takes a body as any JSON object, and describes it in the schema as `model`."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def __get_pydantic_json_schema__(
        self, _schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(self.model.__pydantic_core_schema__)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")  # the checks refuse an unknown key


class Localized(Item):
    """One text per language (a text, or a list of lines): both, unless the audience
    names one language."""

    fr: Lines | None = None
    bm: Lines | None = None


class Participants(Item):
    """Who takes part (default everyone); every field narrows."""

    languages: list[LanguageCode] = []
    places: list[str] = Field(default=[], description="Place slugs, e.g. kayes.")
    roles: list[Literal["relay", "organiser"]] = []
    tags: list[str] = []


class SpeedBonus(Item):
    points: int = Field(ge=0, le=INT_MAX, description="Added to a right answer given soon enough.")
    minutes: int = Field(ge=1, le=INT_MAX, description="How soon after opening.")


class QuestionIn(Item):
    """One question; no media through the API (media need a campaign folder)."""

    text: Localized
    choices: list[Localized] = Field(min_length=2, max_length=6, description="Each a button.")
    answer: int = Field(ge=1, le=INT_MAX, description="The right choice, counted from 1.")


class ContestIn(Item):
    """A contest (quiz), as an item of a campaign file's `contests:`."""

    id: Identifier
    title: Localized
    prize: Localized
    opens: LocalTime
    closes: LocalTime = Field(description="After opens; local time, YYYY-MM-DD HH:MM.")
    mode: Literal["sequential", "all_at_once"] = "sequential"
    feedback: Literal["at_once", "after_close"] = "at_once"
    points: int = Field(default=1, ge=0, le=INT_MAX, description="For a right answer in time.")
    speed_bonus: SpeedBonus | None = None
    eligible: Literal["all_correct", "any_correct", "participated"] = Field(
        default="all_correct", description="Who may win the draw."
    )
    audience: Participants | None = None
    questions: list[QuestionIn] = Field(min_length=1)


class PollIn(Item):
    """An anonymous poll, as an item of a campaign file's `polls:`."""

    id: Identifier
    question: Localized
    choices: list[Localized] = Field(min_length=2, max_length=6)
    opens: LocalTime
    closes: LocalTime = Field(description="After opens; local time, YYYY-MM-DD HH:MM.")
    changeable: bool = Field(default=False, description="May a vote change until closing.")
    threshold: int = Field(
        default=10, ge=1, le=INT_MAX, description="No result shown under this many."
    )
    audience: Participants | None = None


class ProblemOut(BaseModel):
    field: str = Field(description='Where, e.g. "questions[0].answer".')
    severity: Severity
    message: str = Field(description="In the language asked for (lang).")


class ProblemsOut(BaseModel):
    """The item was refused: every problem found, each with its field."""

    detail: list[ProblemOut]


# From the #EngageonsNous sample campaign (content/campaigns/engageonsnous).
CONTEST_EXAMPLE: dict[str, Any] = {
    "id": "quiz-nos-droits",
    "title": {
        "fr": "Quiz : nos droits dans la commune",
        "bm": "Ɲininkaliw: an ka josiraw komini kɔnɔ",
    },
    "prize": {
        "fr": "Un crédit de communication de 1 000 F CFA pour trois gagnants, "
        "tirés au sort parmi ceux qui ont tout juste",
        "bm": "Mɔgɔ saba bɛna sugandi jaabi ɲumanw bɛɛ tigiw cɛma, "
        "u kelen kelen bɛ telefɔni wari 1 000 F CFA sɔrɔ",
    },
    "opens": "2026-12-01 08:30",
    "closes": "2026-12-03 20:00",
    "speed_bonus": {"points": 1, "minutes": 60},
    "questions": [
        {
            "text": {
                "fr": "Qui peut assister à une session du conseil communal ?",
                "bm": "Jɔn bɛ se ka taga komini ladilikɛlaw ka lajɛ la?",
            },
            "choices": [
                {"fr": "Seulement les conseillers", "bm": "Ladilikɛlaw dama"},
                {"fr": "Seulement les anciens du village", "bm": "Dugu mɔgɔkɔrɔbaw dama"},
                {
                    "fr": "Tout le monde : les sessions sont publiques",
                    "bm": "Mɔgɔ bɛɛ: lajɛw da bɛ wuli bɛɛ ye",
                },
            ],
            "answer": 3,
        }
    ],
}
POLL_EXAMPLE: dict[str, Any] = {
    "id": "sondage-femmes-conseil",
    "question": {
        "fr": "Selon vous, qu'est-ce qui aiderait le plus les femmes et les jeunes "
        "à siéger au conseil communal ?",
        "bm": "Aw hakili la, mun de bɛna musow ni kamalenw dɛmɛ kosɛbɛ, "
        "u ka se ka kɛ komini ladilikɛlaw ye?",
    },
    "choices": [
        {"fr": "L'éducation et la formation", "bm": "Kalan ni degeli"},
        {"fr": "Un emploi et des revenus", "bm": "Baara ni sɔrɔ"},
        {"fr": "Le soutien de la famille", "bm": "Denbaya ka dɛmɛ"},
    ],
    "opens": "2026-12-01 09:00",
    "closes": "2026-12-05 20:00",
    "threshold": 10,
}
