"""The analyzer chain: code names, CJK pairs, accent folding, stop words, emoji."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.index.analysis import MAX_TOKEN, fold, tokens_of
from tilbase.query.weighting import weighted_text


def test_fold_removes_accents_and_spells_out_sharp_s() -> None:
    assert fold("Café") == "cafe"
    assert fold("Straße") == "strasse"
    assert fold("naïve") == "naive"
    assert fold("résumé") == "resume"
    assert fold("Øresund") == "oresund"


def test_fold_leaves_cjk_alone() -> None:
    # NFKD would take the voicing mark off で and turn it into て.
    assert fold("です") == "です"


def test_an_accented_word_is_indexed_folded_and_as_written() -> None:
    assert tokens_of("café") == ["cafe", "café"]
    assert tokens_of("cafe") == ["cafe"]


def test_code_names_are_kept_whole_and_split() -> None:
    assert tokens_of("os.replace") == ["os.replac", "os", "replac"]
    assert tokens_of("add_typer") == ["add_typer", "add", "typer"]
    assert "http" in tokens_of("getHTTPValue")
    assert tokens_of("c++")[0] == "c++"
    assert tokens_of("--dry-run")[:3] == ["--dry-run", "dry", "run"]
    assert tokens_of("pm2.5")[0] == "pm2.5"


def test_cjk_runs_become_character_pairs() -> None:
    terms = tokens_of("東京の天気は晴れです。日本語の全文検索を試す")
    assert "東京" in terms
    assert "検索" in terms
    assert tokens_of("猫") == ["猫"]


def test_emoji_make_no_terms() -> None:
    assert tokens_of("🎉🙂") == []
    assert tokens_of("party 🎉 time") == ["parti", "time"]


def test_english_stop_words_are_dropped() -> None:
    assert tokens_of("undo the last commit") == ["undo", "last", "commit"]


def test_a_very_long_word_is_cut() -> None:
    (term,) = tokens_of("x" * 5000)
    assert len(term) == MAX_TOKEN


def test_weighted_text_boosts_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    import tilbase.query.weighting
    from tilbase.index.analysis import text_analyzer

    # Short parts would gain weight; here only the analyzer's reading of the markers counts.
    monkeypatch.setattr(tilbase.query.weighting, "SHORTEST_NORM", 1.0)
    text = weighted_text("Casefold", "python", ["lang/python"], "casefold body")
    boosts = [(t.text, t.boost) for t in text_analyzer()(text, boosts=True)]
    assert boosts == [
        ("casefold", 2.0),
        ("python", 1.5),
        ("lang", 1.5),
        ("python", 1.5),
        ("casefold", 1.0),
        ("bodi", 1.0),
    ]


@given(st.text(max_size=200))
def test_any_text_analyses_without_error(text: str) -> None:
    for term in tokens_of(text):
        assert term
        assert len(term) <= MAX_TOKEN + 4
