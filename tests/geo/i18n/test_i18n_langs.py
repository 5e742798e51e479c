"""Choosing the language: parsing a choice, Accept-Language, the setting, per-thread context."""

from __future__ import annotations

import asyncio
import threading

import pytest

from geo.errors import ParameterError
from geo.i18n import DEFAULT_LANG, LANGS, current_lang, negotiate, parse_lang, use_lang
from geo.i18n.vocab import category_name
from geo.settings import Settings, get_settings


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("hi", "hi"), ("en", "en"), ("HI", "hi"), (" en ", "en"), ("hi-IN", "hi"),
        ("hi_IN", "hi"), ("en_IN", "en"), ("en-GB", "en"), ("EN-in", "en"), ("हिन्दी", "hi"),
        ("हिंदी", "hi"), ("Hindi", "hi"), ("english", "en"), (None, DEFAULT_LANG),
        ("", DEFAULT_LANG),
    ],
)  # fmt: skip
def test_parse_lang_reads_codes_regions_and_names(value: str | None, lang: str) -> None:
    assert parse_lang(value) == lang


@pytest.mark.parametrize("value", ["fr", "hindustani", "x-y-z", "12", "en;q=1", "*"])
def test_parse_lang_names_the_value_and_the_allowed_ones(value: str) -> None:
    with pytest.raises(ParameterError, match=rf"unknown language '{value}'.*hi, en.*Fix: use hi"):
        parse_lang(value)


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("hi", "hi"), ("en-US,en;q=0.9", "en"), ("hi-IN,hi;q=0.9,en;q=0.8", "hi"),
        ("en;q=0.8, hi;q=0.9", "hi"), ("en-GB;q=0.5, hi-IN;q=0.9", "hi"),
        ("fr-FR, en;q=0.1", "en"), ("hi;q=0, en;q=0.2", "en"), ("en;q=0.5,hi;q=0.5", "en"),
        ("fr, de", None), ("", None), (None, None), ("*", None), ("hi;q=zero", None),
    ],
)  # fmt: skip
def test_negotiate_honours_quality_values(header: str | None, lang: str | None) -> None:
    assert negotiate(header) == lang


def test_the_default_language_is_english_and_the_setting_chooses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert DEFAULT_LANG == "en" and LANGS == ("hi", "en")
    assert Settings().lang == "en" and Settings().time_format == "24h"
    monkeypatch.setenv("SHAKTI_LANG", "hi-IN")
    assert Settings().lang == "hi"
    get_settings.cache_clear()
    try:
        assert current_lang() == "hi"
        with use_lang("en"):
            assert current_lang() == "en"
        assert category_name("stalking") == "पीछा करना"
    finally:
        get_settings.cache_clear()
    monkeypatch.setenv("SHAKTI_LANG", "fr")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Settings()


def test_use_lang_nests_and_restores() -> None:
    before = current_lang()
    with use_lang("hi") as outer:
        assert outer == "hi" == current_lang()
        with use_lang("en"):
            assert current_lang() == "en"
        with use_lang(None) as kept:
            assert kept == "hi"
        assert current_lang() == "hi"
    assert current_lang() == before
    with pytest.raises(ParameterError), use_lang("xx"):
        pass  # pragma: no cover


def test_each_thread_has_its_own_language() -> None:
    barrier = threading.Barrier(4)
    seen: dict[str, list[str]] = {}

    def work(lang: str | None, name: str) -> None:
        with use_lang(lang):
            barrier.wait()  # every thread has set its language before any reads
            seen[name] = [current_lang(), category_name("eve-teasing")]
            barrier.wait()

    threads = [
        threading.Thread(target=work, args=(lang, name))
        for lang, name in [("hi", "a"), ("en", "b"), ("hi-IN", "c"), (None, "d")]
    ]
    with use_lang("hi"):  # the main thread's choice does not leak into new threads
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert seen == {
        "a": ["hi", "छेड़छाड़"],
        "b": ["en", "eve-teasing"],
        "c": ["hi", "छेड़छाड़"],
        "d": ["en", "eve-teasing"],
    }


def test_each_asyncio_task_has_its_own_language() -> None:
    async def task(lang: str) -> str:
        with use_lang(lang):
            await asyncio.sleep(0.01)
            return category_name("other")

    async def main() -> list[str]:
        return list(await asyncio.gather(task("hi"), task("en"), task("hi")))

    assert asyncio.run(main()) == ["अन्य", "other", "अन्य"]
