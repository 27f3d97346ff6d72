"""/openapi.json describes every /api body and answer; the contest and poll bodies it
describes are those the campaign-file checks accept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from bot.web.api.contest_bodies import (
    CONTEST_EXAMPLE,
    POLL_EXAMPLE,
    ContestIn,
    Participants,
    PollIn,
    QuestionIn,
    SpeedBonus,
)
from bot.web.app import create_app
from content.quizzes import poll_from_data, quiz_from_data
from content.validation_quizzes import (
    AUDIENCE_RULES,
    CONTEST_REQUIRED,
    CONTEST_RULES,
    ELIGIBILITIES,
    FEEDBACKS,
    MODES,
    POLL_REQUIRED,
    POLL_RULES,
    QUESTION_REQUIRED,
    QUESTION_RULES,
    SPEED_RULES,
)
from tests.conftest import SettingsFactory

Spec = dict[str, Any]
TYPED = ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")


@pytest.fixture
def spec(make_settings: SettingsFactory) -> Spec:
    with TestClient(create_app(make_settings())) as client:
        found: Spec = client.get("/openapi.json").json()
    return found


def resolve(spec: Spec, schema: Spec) -> Spec:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = spec["components"]["schemas"][name]
    return schema


def untyped(spec: Spec, schema: Spec, where: str, seen: set[str]) -> Iterator[str]:
    """Where, inside `schema`, a value has no type or is an object of unknown keys."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    if ref:
        seen.add(ref)
    schema = resolve(spec, schema)
    if not any(key in schema for key in TYPED):
        yield f"{where}: no schema"
    more = schema.get("additionalProperties")
    typed_values = isinstance(more, dict) and any(key in more for key in TYPED)
    if schema.get("type") == "object" and not schema.get("properties") and not typed_values:
        yield f"{where}: a free-form object"
    for name, inner in schema.get("properties", {}).items():
        yield from untyped(spec, inner, f"{where}.{name}", seen)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for index, inner in enumerate(schema.get(key, [])):
            yield from untyped(spec, inner, f"{where}<{key}[{index}]>", seen)
    if isinstance(schema.get("items"), dict):
        yield from untyped(spec, schema["items"], f"{where}[]", seen)
    if isinstance(more, dict):
        yield from untyped(spec, more, f"{where}{{}}", seen)


def api_operations(spec: Spec) -> Iterator[tuple[str, Spec]]:
    for path, operations in spec["paths"].items():
        if path.startswith("/api/"):
            for method, operation in operations.items():
                yield f"{method.upper()} {path}", operation


def json_schema(content: Spec | None) -> Spec | None:
    found = (content or {}).get("application/json", {}).get("schema")
    return found if isinstance(found, dict) else None


def test_every_api_body_and_answer_has_a_typed_schema(spec: Spec) -> None:
    problems: list[str] = []
    bodies = answers = 0
    for name, operation in api_operations(spec):
        if "requestBody" in operation:
            bodies += 1
            body = json_schema(operation["requestBody"].get("content"))
            if body is None:
                problems.append(f"{name} body: no schema")
            else:
                problems += untyped(spec, body, f"{name} body", set())
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                continue
            answers += 1
            answer = json_schema(response.get("content"))
            if answer is None:
                problems.append(f"{name} {code}: no schema")
            else:
                problems += untyped(spec, answer, f"{name} {code}", set())
    assert problems == []
    assert (bodies, answers) == (4, 13)  # every route of bot/web/api was walked


def test_a_contest_or_poll_that_is_refused_is_described(spec: Spec) -> None:
    for path in ("/api/contests", "/api/polls"):
        refused = spec["paths"][path]["post"]["responses"]["422"]
        problems = resolve(spec, json_schema(refused["content"]) or {})
        item = resolve(spec, problems["properties"]["detail"]["items"])
        assert set(item["properties"]) == {"field", "severity", "message"}


@pytest.mark.parametrize(
    ("model", "rules", "required"),
    [
        (ContestIn, CONTEST_RULES, CONTEST_REQUIRED),
        (PollIn, POLL_RULES, POLL_REQUIRED),
        # Media need a campaign folder: a request body cannot carry them.
        (QuestionIn, QUESTION_RULES.keys() - {"media"}, QUESTION_REQUIRED),
        (SpeedBonus, SPEED_RULES, ("points", "minutes")),
        (Participants, AUDIENCE_RULES, ()),
    ],
)
def test_the_documented_keys_are_those_the_checks_know(
    model: type[BaseModel], rules: Any, required: tuple[str, ...]
) -> None:
    assert set(model.model_fields) == set(rules)
    needed = {name for name, field in model.model_fields.items() if field.is_required()}
    assert needed == set(required)


def test_the_documented_choices_are_those_the_checks_accept() -> None:
    fields = ContestIn.model_fields
    assert get_args(fields["mode"].annotation) == MODES
    assert get_args(fields["feedback"].annotation) == FEEDBACKS
    assert get_args(fields["eligible"].annotation) == ELIGIBILITIES


def test_the_examples_are_good_items() -> None:
    ContestIn.model_validate(CONTEST_EXAMPLE)
    PollIn.model_validate(POLL_EXAMPLE)
    assert quiz_from_data(CONTEST_EXAMPLE).id == "quiz-nos-droits"
    assert poll_from_data(POLL_EXAMPLE).id == "sondage-femmes-conseil"
