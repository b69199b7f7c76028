"""Search in any language, code names, and the bounded typo search (issue 10)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import Run
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase
from tilbase.model import slugify


def titles(kb: KnowledgeBase, query: str) -> list[str]:
    return [hit.note.title for hit in kb.search(NoteFilter(query=query), limit=10).hits]


@pytest.fixture
def world_kb(kb: KnowledgeBase) -> KnowledgeBase:
    kb.add("Ordered at the café on the corner.", title="Café au lait")
    kb.add("A cafe racer is a motorcycle.", title="Cafe racer")
    kb.add("Die Straße ist lang.", title="Straße names")
    kb.add("Written in a naïve way.", title="A naïve résumé")
    kb.add("東京の天気は晴れです。日本語の全文検索を試す", title="Wetter")
    kb.add("Call os.replace after fsync; add_typer mounts apps.", title="Atomic writes")
    kb.add("🎉 a party note", title="Party")
    return kb


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("cafe", "Café au lait"),
        ("strasse", "Straße names"),
        ("naive", "A naïve résumé"),
        ("resume", "A naïve résumé"),
        ("東京", "Wetter"),
        ("検索", "Wetter"),
        ("replace", "Atomic writes"),
        ("os.replace", "Atomic writes"),
        ("typer", "Atomic writes"),
    ],
)
def test_words_are_found_across_accents_scripts_and_code_names(
    world_kb: KnowledgeBase, query: str, title: str
) -> None:
    assert title in titles(world_kb, query)


def test_the_exact_accented_form_ranks_first(world_kb: KnowledgeBase) -> None:
    assert titles(world_kb, "café")[0] == "Café au lait"
    assert set(titles(world_kb, "cafe")[:2]) == {"Café au lait", "Cafe racer"}


def test_emoji_neither_crash_nor_match_everything(world_kb: KnowledgeBase) -> None:
    assert titles(world_kb, "🎉") == []
    assert titles(world_kb, "party 🎉") == ["Party"]


def test_slugs_spell_out_sharp_s() -> None:
    assert slugify("Straße") == "strasse"


@pytest.mark.parametrize(
    "query",
    [
        "date:[2022-13-01 to 2022-14-01]",
        "date:[2023-02-30 to 2023-03-05]",
        "date:[2023-01-01 to 2023-02-30]",
        "date:2022-13",
        "date:bogus",
    ],
)
def test_a_bad_date_in_the_query_is_a_one_line_error(run: Run, query: str) -> None:
    run("add", "a note", "--date", "2022-11-25")
    result = run("search", query)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: date:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_date_yesterday_finds_yesterdays_note(run: Run) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    run("add", "yesterday's note", "--date", yesterday)
    run("add", "an old note", "--date", "2020-01-01")
    hits = json.loads(run("search", "date:yesterday", "--json").stdout)
    assert [h["title"] for h in hits] == ["yesterday's note"]


def test_a_very_long_word_gets_no_typo_search(
    world_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.index.spelling

    looked_up: list[str] = []
    closest = tilbase.index.spelling._closest_word

    def spy(reader: object, word: str, *, lenient: bool, swaps_only: bool = False) -> str | None:
        looked_up.append(word)
        return closest(reader, word, lenient=lenient, swaps_only=swaps_only)

    monkeypatch.setattr(tilbase.index.spelling, "_closest_word", spy)
    result = world_kb.search(NoteFilter(query="q" * 5000), limit=10)
    assert result.hits == []
    assert looked_up == []
    world_kb.search(NoteFilter(query="cafx"), limit=10)
    assert looked_up == ["cafx"]
