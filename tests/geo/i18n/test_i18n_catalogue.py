"""The Hindi catalogue is complete: every marked text translated, none fuzzy, none obsolete."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from geo.i18n import DOMAIN, LANGS, POT_PATH, po_path, translations
from geo.i18n.catalog import EXTRA_KEYWORDS, SOURCE_LANG

REPO = Path(__file__).resolve().parents[3]
#: (context, msgid) → whether it is a plural message.
Key = tuple[str | None, str]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def extracted() -> dict[Key, tuple[str, ...]]:
    """Run Babel's extraction over the tree in memory, with babel.cfg and make's keywords."""
    with (REPO / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    found: dict[Key, tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        REPO, method_map, options_map, keywords=keywords
    ):
        ids = (message,) if isinstance(message, str) else tuple(message)
        found[(context, ids[0])] = ids
    return found


@pytest.fixture(scope="module")
def source() -> dict[Key, tuple[str, ...]]:
    found = extracted()
    assert found, "no marked text at all: is babel.cfg right?"
    return found


def _catalog(path: Path, lang: str | None = None):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def _key(message) -> Key:  # type: ignore[no-untyped-def]
    return (message.context, message.id[0] if isinstance(message.id, tuple) else message.id)


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != SOURCE_LANG])
def test_every_text_is_translated_and_nothing_is_obsolete(
    lang: str, source: dict[Key, tuple[str, ...]]
) -> None:
    catalog = _catalog(po_path(lang), lang)  # type: ignore[arg-type]
    entries = {_key(m): m for m in list(catalog)[1:]}
    untranslated = sorted(
        f"{ctx or ''}|{msgid}"
        for (ctx, msgid) in source
        if (ctx, msgid) not in entries
        or not all(
            entries[ctx, msgid].string
            if isinstance(entries[ctx, msgid].string, tuple)
            else [entries[ctx, msgid].string]
        )
    )
    fuzzy = sorted(f"{k[0] or ''}|{k[1]}" for k, m in entries.items() if m.fuzzy)
    obsolete = sorted(f"{k[0] or ''}|{k[1]}" for k in entries if k not in source)
    obsolete += sorted(f"{k[0] or ''}|{k[1]} (#~)" for k in map(_key, catalog.obsolete.values()))
    assert untranslated == [], f"no {lang} translation (run `make messages`, then translate)"
    assert fuzzy == [], f"fuzzy {lang} entries (check the translation, remove the fuzzy flag)"
    assert obsolete == [], f"obsolete {lang} entries (run `make messages`)"


def test_the_template_is_up_to_date(source: dict[Key, tuple[str, ...]]) -> None:
    template = {_key(m): m for m in list(_catalog(POT_PATH))[1:]}
    assert sorted(map(str, set(source) ^ set(template))) == [], "run `make messages`"
    for key, ids in source.items():
        assert (template[key].id if template[key].pluralizable else (template[key].id,)) == ids


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != SOURCE_LANG])
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in list(_catalog(po_path(lang), lang))[1:]:  # type: ignore[arg-type]
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (message.id, text)


def test_hindi_plural_forms_are_cldr() -> None:
    catalog = _catalog(po_path("hi"), "hi")
    assert catalog.num_plurals == 2
    assert catalog.plural_expr == "(n > 1)"


def test_catalogues_compile_in_memory_and_no_mo_is_kept() -> None:
    assert translations("hi").pgettext("category", "eve-teasing") == "छेड़छाड़"
    assert translations("hi") is translations("hi")  # compiled once
    assert translations("en").gettext("anything") == "anything"
    tracked = subprocess.run(
        ["git", "ls-files", "*.mo"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout
    assert tracked == ""
    assert not list((REPO / "geo" / "i18n" / "locale").rglob("*.mo"))


def test_make_messages_uses_the_same_keywords() -> None:
    makefile = (REPO / "Makefile").read_text()
    extract = re.search(r"pybabel --quiet extract (.*?)\n\S", makefile, flags=re.S)
    assert extract, "make messages runs no extraction"
    flags = re.findall(r"-k (\S+)", extract.group(1))
    assert flags, "make messages passes no extra keyword"
    assert parse_keywords(flags) == EXTRA_KEYWORDS
