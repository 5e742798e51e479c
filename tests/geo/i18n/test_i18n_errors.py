"""An error's fix label follows an explicitly chosen language, and never reads the settings."""

from __future__ import annotations

import pytest

from geo.errors import ParameterError
from geo.i18n import use_lang


def test_the_fix_label_is_english_by_default_and_hindi_when_chosen() -> None:
    assert str(ParameterError("x", fix="y")) == "x. Fix: y."
    with use_lang("hi"):
        assert str(ParameterError("x", fix="y")) == "x. सुधार: y."
    with use_lang("en"):
        assert str(ParameterError("x", fix="y")) == "x. Fix: y."


def test_a_bad_language_setting_still_raises_a_readable_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from geo.settings import get_settings

    monkeypatch.setenv("SHAKTI_LANG", "xx")
    get_settings.cache_clear()
    try:
        with pytest.raises(Exception, match="xx"):
            get_settings()
    finally:
        monkeypatch.delenv("SHAKTI_LANG")
        get_settings.cache_clear()
