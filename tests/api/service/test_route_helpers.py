"""Helpers the routes share (``api.service.routes.common``)."""

from __future__ import annotations

import json
import math

from api.service.routes.common import json_response


def test_json_response_is_utf8_json_with_nan_as_null_and_the_status_given() -> None:
    response = json_response({"thana": "लंका", "share": math.nan, "n": 3}, status_code=201)
    assert response.status_code == 201
    assert response.media_type == "application/json"
    assert json.loads(response.body) == {"thana": "लंका", "share": None, "n": 3}
    assert "लंका".encode() in response.body  # not \\u-escaped
    assert json_response([]).status_code == 200
