"""Helpers the routes share (``api.service.routes.common``)."""

from __future__ import annotations

import json
import math

from fastapi import Response

from api.service.routes.common import PROBLEM_RESPONSES, json_response, json_route


def test_json_response_is_utf8_json_with_nan_as_null_and_the_status_given() -> None:
    response = json_response({"thana": "लंका", "share": math.nan, "n": 3}, status_code=201)
    assert response.status_code == 201
    assert response.media_type == "application/json"
    assert json.loads(response.body) == {"thana": "लंका", "share": None, "n": 3}
    assert "लंका".encode() in response.body  # not \\u-escaped
    assert json_response([]).status_code == 200


def test_json_route_documents_the_answer_and_the_problems() -> None:
    args = json_route("The plan.", {404: {"description": "No such plan."}}, status_code=201)
    assert args["status_code"] == 201 and args["response_class"] is Response
    responses = args["responses"]
    assert responses[201] == {"description": "The plan.", "content": {"application/json": {}}}
    assert responses[404] == {"description": "No such plan."}
    assert set(PROBLEM_RESPONSES) <= set(responses)
