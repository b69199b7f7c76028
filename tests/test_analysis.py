"""The analyzer chain: code names, CJK pairs, accent folding, stop words, emoji."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

from tilbase.index import analysis
from tilbase.index.analysis import MAX_TOKEN, WORD_PART_WEIGHT, fold, text_analyzer, tokens_of
from tilbase.query.weighting import FIELD_MARK, weighted_text


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


def test_a_part_of_a_camel_or_snake_word_counts_half() -> None:
    # JSON keys in command output ("UnhealthyThresholdCount") matched "unhealthy" as
    # fully as a sentence saying it; the parts of dotted or hyphenated names count in full.
    def boosts(text: str) -> list[tuple[str, float]]:
        return [(t.text, t.boost) for t in text_analyzer()(text, boosts=True)]

    assert boosts("UnhealthyCount") == [
        ("unhealthycount", 1.0),
        ("unhealthi", WORD_PART_WEIGHT),
        ("count", WORD_PART_WEIGHT),
    ]
    assert boosts("add_typer") == [
        ("add_typer", 1.0),
        ("add", WORD_PART_WEIGHT),
        ("typer", WORD_PART_WEIGHT),
    ]
    assert boosts("os.replace") == [("os.replac", 1.0), ("os", 1.0), ("replac", 1.0)]
    # A camelCase word inside a dotted name: its parts are parts of a word.
    assert boosts("ix.getValue")[-2:] == [("get", WORD_PART_WEIGHT), ("valu", WORD_PART_WEIGHT)]
    assert WORD_PART_WEIGHT < 1.0


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


def test_a_possessive_is_its_word() -> None:
    # Regression (issue 10): "what's" was the words "what" and "s", and the "s" of every
    # possessive in every note matched it.
    assert tokens_of("the user's file, Hatch’s config, users' files") == [
        "user",
        "file",
        "hatch",
        "config",
        "user",
        "file",
    ]
    assert tokens_of("what's typed") == ["what", "type"]


def test_common_contractions_are_stop_words_not_stray_pieces() -> None:
    # Was "doesn" and "t", "we" and "ve": pieces that matched other notes on their own.
    assert tokens_of("it doesn't capture; we've won’t I'm can't") == ["captur"]
    assert {"doesn't", "won't", "we've", "i'm", "they'll", "you'd"} <= analysis.CONTRACTIONS


def test_an_apostrophe_that_is_no_english_contraction_still_splits() -> None:
    assert tokens_of("l'homme O'Reilly foldl' print('s')") == [
        "l",
        "homm",
        "o",
        "reilli",
        "foldl",
        "print",
        "s",
    ]


def test_a_very_long_word_is_cut() -> None:
    (term,) = tokens_of("x" * 5000)
    assert len(term) == MAX_TOKEN


def test_weighted_text_boosts_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    import tilbase.query.weighting

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


# -- the fused analyzer against the Whoosh filter chain it replaces ---------------------
#
# TextAnalyzer does in one pass what this chain of Whoosh filters does token by token
# (it was the analyzer until the chain's per-token cost made reindexing slow). The chain
# stays here as the oracle: same terms, positions, boosts, spans and stop marks.


class _ReferenceTokenizer(Tokenizer):  # type: ignore[misc]
    def __call__(  # type: ignore[no-untyped-def]
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        boost, pos = 1.0, start_pos - 1
        words: list[tuple[int, int]] = []
        for text, start, end, new in analysis._pieces(value):
            if text.startswith(FIELD_MARK):
                boost = float(text.strip(FIELD_MARK) or 1)
                continue
            if new or pos < start_pos:
                pos += 1
            inside = [
                (s, e) for s, e in words if s <= start and end <= e and (s, e) != (start, end)
            ]
            if re.fullmatch(r"\w+", text):
                words.append((start, end))
            token.text = text[:MAX_TOKEN]
            token.boost = boost * (analysis.WORD_PART_WEIGHT if inside else 1.0)
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class _ReferenceFold(Filter):  # type: ignore[misc]
    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            text = token.text
            if not text.isascii() and fold(text) != text:
                token.text = fold(text)
                yield token
                token.text = text
            yield token


def _reference_chain() -> Any:
    return (
        _ReferenceTokenizer()
        | LowercaseFilter()
        | _ReferenceFold()
        | StopFilter(stoplist=analysis._STOP_WORDS, minsize=1)
        | StemFilter(stemfn=analysis.STEM)
    )


def _stream(analyzer: Any, text: str, **options: Any) -> list[tuple[Any, ...]]:
    return [
        (t.text, t.stopped, getattr(t, "pos", None), t.boost, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, boosts=True, **options)
    ]


_MIXED = (
    "The café's Straße doesn’t we've l'homme: naïve os.replace, add_typer and getHTTPValue; c++ c# --dry-run "
    "pm2.5 東京の天気は晴れです。日本語の全文検索を試す 🎉 the THE Über über x"
)


@pytest.mark.parametrize("removestops", [True, False])
def test_the_fused_analyzer_matches_the_filter_chain(removestops: bool) -> None:
    weighted = weighted_text("Café notes", "lang/python", ["git", "ünïcode"], _MIXED)
    for text in (_MIXED, weighted, "the", "", "a b the c"):
        assert _stream(text_analyzer(), text, removestops=removestops) == _stream(
            _reference_chain(), text, removestops=removestops
        )


@given(st.text(max_size=120), st.booleans(), st.integers(0, 5))
def test_the_fused_analyzer_matches_the_filter_chain_on_any_text(
    text: str, removestops: bool, start_pos: int
) -> None:
    analyzer = text_analyzer()
    for _ in range(2):  # the second pass reads the memo
        assert _stream(analyzer, text, removestops=removestops, start_pos=start_pos) == (
            _stream(_reference_chain(), text, removestops=removestops, start_pos=start_pos)
        )


def test_no_morph_gives_unstemmed_words() -> None:
    words = [t.text for t in text_analyzer()("Running trees", no_morph=True)]
    assert words == ["running", "trees"]
