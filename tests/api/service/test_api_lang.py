"""A request's language: precedence, 422, Content-Language, thread pool, cache, saved choice."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from fastapi import Request, Response

from api.service.auth import MAP_COOKIE
from api.service.page_messages import ATTRS_ATTR, TEXT_ATTR
from api.service.routes.common import cached
from api.service.routes.i18n import CONTEXT_SEPARATOR
from api.service.users import Role, UserStore
from geo.i18n import _, current_lang, devanagari_share
from geo.i18n.catalog import EXTRA_KEYWORDS
from tests.api.conftest import Env, make_env

STATIC = Path(__file__).resolve().parents[3] / "api" / "service" / "static"
HTML_METHOD = "api.service.page_messages:extract_html"
#: A text the page shows and the catalogue translates (the probes below show it too).
PROBE_TEXT = "Log in"
HINDI_PROBE = "लॉग इन"


def _add_probes(env: Env) -> None:
    """Routes that show the language a sync route, an async route and a cached result see."""
    app: Any = env.client.app

    def sync_probe() -> dict[str, str]:  # run in the thread pool
        return {"lang": current_lang(), "text": _(PROBE_TEXT)}

    async def async_probe() -> dict[str, str]:
        return {"lang": current_lang(), "text": _(PROBE_TEXT)}

    async def cached_probe(request: Request) -> Response:
        state = app.state.service
        key = state.key("probe", {}, None)
        return await cached(
            request, state, key, lambda: _(PROBE_TEXT).encode("utf-8"), "text/plain"
        )

    app.router.add_api_route("/probe/sync", sync_probe)
    app.router.add_api_route("/probe/async", async_probe)
    app.router.add_api_route("/probe/cached", cached_probe)


@pytest.fixture(scope="module")
def lang_env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    environment = make_env(demo_store_file, tmp_path_factory.mktemp("lang"))
    _add_probes(environment)
    yield environment
    environment.client.close()


@pytest.fixture(scope="module")
def hindi_env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """A deployment whose setting is Hindi (SHAKTI_LANG=hi)."""
    environment = make_env(demo_store_file, tmp_path_factory.mktemp("lang-hi"), lang="hi")
    _add_probes(environment)
    yield environment
    environment.client.close()


@pytest.mark.parametrize("path", ["/probe/sync", "/probe/async"])
def test_the_request_language_holds_in_sync_and_async_routes(lang_env: Env, path: str) -> None:
    hindi = lang_env.client.get(path, headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
    assert hindi.json() == {"lang": "hi", "text": HINDI_PROBE}
    assert hindi.headers["content-language"] == "hi"
    english = lang_env.client.get(path)
    assert english.json() == {"lang": "en", "text": PROBE_TEXT}
    assert english.headers["content-language"] == "en"


def test_query_beats_saved_beats_header_beats_setting(lang_env: Env, hindi_env: Env) -> None:
    def lang_of(env: Env, user: str | None, **kwargs: Any) -> str:
        headers = {**(env.headers(user) if user else {}), **kwargs.pop("headers", {})}
        response = env.client.get("/probe/sync", headers=headers, **kwargs)
        assert response.status_code == 200, response.text
        assert response.json()["lang"] == response.headers["content-language"]
        return str(response.json()["lang"])

    assert lang_of(hindi_env, None) == "hi"  # the setting
    assert lang_of(hindi_env, None, headers={"Accept-Language": "en-IN"}) == "en"  # header
    assert lang_of(hindi_env, None, headers={"Accept-Language": "fr, de"}) == "hi"  # neither
    env = lang_env
    assert lang_of(env, "planner") == "en"
    saved = env.client.patch("/auth/me", json={"lang": "hi"}, headers=env.headers("planner"))
    assert saved.status_code == 200, saved.text
    try:
        assert lang_of(env, "planner", headers={"Accept-Language": "en"}) == "hi"  # saved
        assert lang_of(env, "planner", params={"lang": "en"}) == "en"  # the query first
        assert lang_of(env, "analyst", headers={"Accept-Language": "en"}) == "en"  # theirs only
        cookie = {"Cookie": f"{MAP_COOKIE}={env.tokens['planner']}"}  # a map in its iframe
        assert lang_of(env, None, headers={**cookie, "Accept-Language": "en"}) == "hi"
    finally:
        env.client.patch("/auth/me", json={"lang": None}, headers=env.headers("planner"))
    assert lang_of(env, "planner", headers={"Accept-Language": "hi"}) == "hi"


def test_a_bad_lang_is_a_422_naming_the_allowed_values(lang_env: Env) -> None:
    response = lang_env.client.get(
        "/hotspots", params={"lang": "fr"}, headers=lang_env.headers("planner")
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:shakti:problem:request-validation-error"
    assert body["field"] == "lang"
    assert "'hi'" in body["detail"] and "'en'" in body["detail"]


def test_responses_say_their_language(lang_env: Env) -> None:
    for path, lang in (("/healthz?lang=hi", "hi"), ("/healthz", "en"), ("/", "en")):
        response = lang_env.client.get(path)
        assert response.headers["content-language"] == lang, path
    problem = lang_env.client.get("/hotspots?lang=hi")  # not logged in: 401, still in Hindi
    assert problem.status_code == 401
    assert problem.headers["content-language"] == "hi"


def test_results_are_cached_per_language(lang_env: Env) -> None:
    client = lang_env.client
    assert client.get("/probe/cached", params={"lang": "hi"}).text == HINDI_PROBE
    assert client.get("/probe/cached", params={"lang": "en"}).text == PROBE_TEXT
    assert client.get("/probe/cached", params={"lang": "hi"}).text == HINDI_PROBE  # a hit
    cache = client.app.state.service.cache  # type: ignore[attr-defined]
    params = {"eps_m": 170, "min_samples": 9}
    misses = cache.misses
    first = client.get(
        "/hotspots", params={**params, "lang": "hi"}, headers=lang_env.headers("planner")
    )
    again = client.get(
        "/hotspots", params={**params, "lang": "hi"}, headers=lang_env.headers("planner")
    )
    assert first.status_code == again.status_code == 200
    assert cache.misses == misses + 1
    english = client.get(
        "/hotspots", params={**params, "lang": "en"}, headers=lang_env.headers("planner")
    )
    assert english.status_code == 200
    assert cache.misses == misses + 2  # computed again, in English
    assert english.headers["content-language"] == "en"


def test_the_saved_language_round_trips_and_keeps_the_session(lang_env: Env) -> None:
    env = lang_env
    assert env.get("/auth/me", "analyst").json()["lang"] is None
    changed = env.client.patch("/auth/me", json={"lang": "hi"}, headers=env.headers("analyst"))
    assert changed.status_code == 200 and changed.json()["lang"] == "hi"
    me = env.get("/auth/me", "analyst")  # the same token still works: no session ended
    assert me.status_code == 200 and me.json()["lang"] == "hi"
    bad = env.client.patch("/auth/me", json={"lang": "fr"}, headers=env.headers("analyst"))
    assert bad.status_code == 422
    forgotten = env.client.patch("/auth/me", json={"lang": None}, headers=env.headers("analyst"))
    assert forgotten.json()["lang"] is None
    assert env.client.patch("/auth/me", json={"lang": "hi"}).status_code == 401


def test_an_older_users_file_gets_the_lang_column(tmp_path: Path) -> None:
    path = tmp_path / "old.users.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, thana TEXT, "
            "password_hash TEXT NOT NULL, created_at TEXT NOT NULL);"
            "INSERT INTO users VALUES ('old', 'analyst', NULL, 'x', '2024-01-01T00:00:00+00:00');"
        )
    users = UserStore(path)
    try:
        old = users.get("old")
        assert old is not None and old.lang is None and old.role is Role.ANALYST
        assert users.set_lang("old", "hi-IN").lang == "hi"
        assert users.get("old").lang == "hi"  # type: ignore[union-attr]
    finally:
        users.close()
    with sqlite3.connect(path) as conn:
        assert "lang" in {row[1] for row in conn.execute("PRAGMA table_info(users)")}


def _page_messages() -> set[str]:
    """Every msgid of the page (its scripts and index.html), context-keyed as the catalogue does."""
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    found: set[str] = set()
    pages = (("javascript", "page.js"), ("javascript", "app.js"), (HTML_METHOD, "index.html"))
    for method, name in pages:
        for _line, message, _comments, context in extract_from_file(
            method, STATIC / name, keywords=keywords
        ):
            msgid = message if isinstance(message, str) else message[0]
            found.add(msgid if context is None else context + CONTEXT_SEPARATOR + msgid)
    return found


def test_the_catalogue_has_every_page_text_in_hindi(lang_env: Env) -> None:
    response = lang_env.client.get("/i18n/hi.json")
    assert response.status_code == 200
    assert response.headers["content-language"] == "hi"
    assert response.headers["cache-control"].startswith("public")
    body = response.json()
    assert body["lang"] == "hi" and body["plural"] == "(n > 1)"
    messages = body["messages"]
    wanted = _page_messages()
    assert len(wanted) > 80
    missing = sorted(m for m in wanted if m not in messages)
    assert missing == [], "page texts with no Hindi in /i18n/hi.json (run make messages)"
    for msgid in wanted:
        forms = messages[msgid] if isinstance(messages[msgid], list) else [messages[msgid]]
        for text in forms:
            words = re.sub(r"\{[^{}]*\}", "", text)
            assert devanagari_share(words, ignore=["Gi*", "eps"]) > 0.6, (msgid, text)
    assert messages["category" + CONTEXT_SEPARATOR + "stalking"] == "पीछा करना"  # vocabularies
    assert lang_env.client.get("/i18n/en.json").json()["messages"] == {}
    assert lang_env.client.get("/i18n/fr.json").status_code == 422


class _Unmarked(HTMLParser):
    """Text of the page outside any data-i18n element (scripts, styles and comments aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.unmarked: list[str] = []
        self.attrs_unmarked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        marked = TEXT_ATTR in values or any(flag for _t, flag in self.stack)
        translated = set((values.get(ATTRS_ATTR) or "").split())
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name) and name not in translated:
                self.attrs_unmarked.append(f"{tag}[{name}]")
        if tag not in ("input", "meta", "link", "br", "img"):
            self.stack.append((tag, marked or "lang" in values))

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        inside = self.stack[-1][0] if self.stack else ""
        marked = any(flag for _t, flag in self.stack)
        if data.strip() and not marked and inside not in ("script", "style"):
            self.unmarked.append(data.strip())


def test_every_text_of_the_page_html_is_marked() -> None:
    parser = _Unmarked()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    assert parser.unmarked == [], "mark these with data-i18n (the page translates them)"
    assert parser.attrs_unmarked == [], "name these in data-i18n-attrs"
