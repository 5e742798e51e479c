"""A thana typed as a person's name or phone is refused (422), not repeated in the answer."""

from __future__ import annotations

import pytest

from tests.api.conftest import Env


@pytest.mark.parametrize("user", ["lanka", "analyst"])
def test_a_thana_typed_as_a_person_is_not_repeated(env: Env, user: str) -> None:
    # an in-charge's 403 repeated the thana as typed ("may not see thana 'Ravi Kumar …'")
    response = env.get("/hotspots?thana=Ravi%20Kumar%209876543210", user)
    assert response.status_code in (403, 422)
    assert "9876543210" not in response.text and "Ravi" not in response.text


def test_a_plan_for_a_thana_typed_as_a_person_is_refused_unrepeated(env: Env) -> None:
    response = env.client.post(
        "/patrol/plans",
        json={"thana": "Sunita Devi", "days": 1},
        headers=env.headers("planner"),
    )
    assert response.status_code == 422 and "Sunita" not in response.text
    assert response.json()["detail"].startswith("thana holds a phone")


def test_an_unknown_thana_not_personal_is_still_named(env: Env) -> None:
    response = env.get("/hotspots?thana=Atlantis", "analyst")
    assert response.status_code == 422 and "'Atlantis'" in response.text


def test_a_scorecard_of_a_thana_typed_as_a_person_is_refused_unrepeated(env: Env) -> None:
    response = env.get("/thanas/Sunita%20Devi/scorecard", "analyst")
    assert response.status_code == 422 and "Sunita" not in response.text
    assert response.json()["field"] == "name"
