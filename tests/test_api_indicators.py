"""GET /api/indicators: guarded like every /api route, described in /docs, refusing an
unknown campaign or a period backwards, and the figures as JSON for machines (small
groups keep their figures and are marked)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient

from bot.domain.indicators.figures import Filters
from bot.web.api.indicators import indicators_out
from bot.web.app import create_app
from tests.conftest import AUTH, SettingsFactory
from tests.indicator_values import indicators


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_a_missing_or_wrong_token_is_refused(api: TestClient, headers: dict[str, str]) -> None:
    answer = api.get("/api/indicators", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_without_a_token_set_only_this_machine_may_ask(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings()), client=("203.0.113.7", 4000)) as client:
        assert client.get("/api/indicators").status_code == 403


def test_an_unknown_campaign_is_not_found(api: TestClient) -> None:
    answer = api.get("/api/indicators", params={"campaign": "nope"}, headers=AUTH)
    assert (answer.status_code, answer.json()) == (404, {"detail": "no such campaign"})


def test_a_period_backwards_or_a_bad_date_is_refused(api: TestClient) -> None:
    backwards = api.get(
        "/api/indicators", params={"from": "2026-12-08", "to": "2026-12-01"}, headers=AUTH
    )
    assert backwards.status_code == 422
    assert backwards.json() == {"detail": "the period ends before it starts"}
    bad = api.get("/api/indicators", params={"from": "8 December"}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "from"]
    channel = api.get("/api/indicators", params={"channel": "fax"}, headers=AUTH)
    assert channel.status_code == 422


def test_a_period_of_centuries_is_refused_at_once(api: TestClient) -> None:
    # Worked out day by day, it kept the request busy for minutes (found by schemathesis).
    for period in ({"from": "0001-01-01", "to": "9999-12-31"}, {"from": "1900-01-01"}):
        answer = api.get("/api/indicators", params=period, headers=AUTH)
        assert answer.status_code == 422
        assert answer.json() == {"detail": "the period is longer than 1098 days"}
    two_years = {"from": "2025-01-01", "to": "2026-12-31"}
    assert api.get("/api/indicators", params=two_years, headers=AUTH).status_code == 200


def test_the_route_and_its_answer_are_described(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    operation = spec["paths"]["/api/indicators"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"from", "to", "campaign", "channel", "language", "place"}
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/IndicatorsOut"}
    fields = spec["components"]["schemas"]["IndicatorsOut"]["properties"]
    assert {"community", "community_daily", "posts", "hashtags", "ambassadors"} <= set(fields)


def test_the_figures_as_json_keep_small_groups_and_mark_them() -> None:
    found = indicators_out(indicators()).model_dump(mode="json")
    assert found["period"] == {"start": "2026-12-01", "end": "2026-12-07"}
    assert found["small_group"] is False
    assert found["community"]["channel_share"]["sms"] == 0.0224
    kita = [row for row in found["community_daily"] if row["place"] == "kita"]
    assert [row["active_end"] for row in kita][-1] == 3
    assert {row["small_group"] for row in kita} == {True}
    assert found["hashtags"][0]["weekly_uses"] == {"2026-W49": 7, "2026-W50": 2}
    assert found["posts"][2]["hashtags"] == ["#EngageonsNous", "#JeunesseMali"]
    assert found["broadcasts"][1]["time_to_reach"] is None
    assert found["contests"][0]["questions"][0]["answers_per_hour"] == [30, 12, 8]
    assert found["ambassadors"]["top"][0] == {
        "pseudonym": "A.T. #4F2A",
        "recruits": 7,
        "second_generation": 3,
    }


def test_figures_narrowed_to_a_small_place_are_marked() -> None:
    figures = indicators()
    kita = replace(
        figures,
        filters=Filters(place="kita"),
        community=replace(figures.community, active_end=3),
        period=replace(figures.period, end=date(2026, 12, 7)),
    )
    assert indicators_out(kita).model_dump()["small_group"] is True
    everyone = replace(kita, filters=Filters())
    assert indicators_out(everyone).model_dump()["small_group"] is False  # whole-campaign totals
