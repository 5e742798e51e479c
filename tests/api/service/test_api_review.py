"""``/review`` and ``/maps/review-sheet``: the review on the service, scoped to the thana."""

from __future__ import annotations

from tests.api.conftest import OTHER_THANA, OWN_THANA, Env

PERIOD = "from=2026-10-01&to=2026-10-31"


def test_planner_gets_every_thana_and_the_commissionerate(env: Env) -> None:
    response = env.get(f"/review?{PERIOD}", "planner")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["thana"] is None and body["thanas"] == 29
    figures = body["tables"]["review_figures"]
    assert len(figures) == 30 and figures[-1]["thana"] == "(commissionerate)"
    assert sum(r["detentions"] for r in figures[:-1]) == body["totals"]["detentions"]
    assert body["period"] == {"from": "2026-10-01", "to": "2026-10-31", "days": 31}
    assert body["previous"] == {"from": "2026-08-31", "to": "2026-09-30"}
    assert len(body["league"]) == 29


def test_incharge_sees_only_their_thana(env: Env) -> None:
    body = env.get(f"/review?{PERIOD}", "lanka").json()
    assert body["thana"] == OWN_THANA
    assert [r["thana"] for r in body["tables"]["review_figures"]] == [OWN_THANA]
    assert [r["thana"] for r in body["league"]] == [OWN_THANA]
    assert env.get(f"/review?{PERIOD}&thana={OTHER_THANA}", "lanka").status_code == 403
    page = env.get(f"/maps/review-sheet?{PERIOD}&sheet_lang=en", "lanka")
    assert page.status_code == 200 and "Mission Shakti monthly review" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert OTHER_THANA not in page.text


def test_summary_sheet_for_planners(env: Env) -> None:
    page = env.get(f"/maps/review-sheet?{PERIOD}&sheet_lang=en", "planner")
    assert page.status_code == 200
    assert "commissionerate" in page.text and OTHER_THANA in page.text


def test_a_review_needs_its_period(env: Env) -> None:
    response = env.get("/review?from=2026-10-01", "planner")
    assert response.status_code == 422
    assert "a review needs a period" in response.json()["detail"]
    bad = env.get(f"/maps/review-sheet?{PERIOD}&sheet_lang=fr", "planner")
    assert bad.status_code == 422
