"""SemanticRanker: the integration surface (sync, forget, rank with a pool, related)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.semantic_helpers import WordsEncoder, needs_extra
from tilbase.semantic.ranker import SemanticRanker

pytestmark = needs_extra


@dataclass(frozen=True)
class FakeNote:
    id: str
    title: str
    body: str


NOTES = [
    FakeNote("transfer", "Transfer an issue", "move an issue to another repository on github"),
    FakeNote("rebase", "Interactive rebase", "reorder commits with git rebase"),
    FakeNote("tally", "Keep a tally", "count things with collections counter in python"),
    FakeNote("fzf", "Preview files", "show a file preview when searching with fzf and bat"),
]


@pytest.fixture
def ranker(tmp_path: Path) -> SemanticRanker:
    ranker = SemanticRanker(tmp_path / ".tilbase" / "embeddings", WordsEncoder())
    ranker.sync(NOTES)
    return ranker


def test_cosine_alone_finds_the_paraphrase(ranker: SemanticRanker) -> None:
    scores = ranker.cosine("move issue between repository")
    assert max(scores, key=scores.__getitem__) == "transfer"


def test_rank_adds_dense_candidates_to_the_lexical_hits(ranker: SemanticRanker) -> None:
    ranked = ranker.rank("move issue to repository", {"rebase": 3.0}, alpha=0.5)
    order = [key for key, _ in ranked]
    assert set(order[:2]) == {"transfer", "rebase"}, "the paraphrase joins the lexical hit"


def test_rank_keeps_to_the_pool_and_can_only_rerank(ranker: SemanticRanker) -> None:
    pooled = ranker.rank("move issue to repository", {"rebase": 3.0}, pool={"rebase", "tally"})
    assert {key for key, _ in pooled} <= {"rebase", "tally"}
    only = ranker.rank("issue", {"rebase": 3.0, "tally": 1.0}, dense_candidates=0)
    assert {key for key, _ in only} == {"rebase", "tally"}


def test_sync_follows_edits_and_forget_removes(ranker: SemanticRanker) -> None:
    edited = FakeNote("tally", "Keep a tally", "rewrite history with git rebase and fixup")
    assert ranker.pending([edited]) == 1
    stats = ranker.sync([edited], complete=False)
    assert stats.embedded == 1
    assert ranker.related("rebase", limit=1)[0][0] == "tally"
    assert ranker.forget(["tally"]) == 1
    assert "tally" not in dict(ranker.related("rebase"))
    assert ranker.related("missing") == []


def test_full_sync_drops_deleted_notes(ranker: SemanticRanker) -> None:
    stats = ranker.sync(NOTES[:2])
    assert (stats.embedded, stats.removed) == (0, 2)
    assert ranker.store.keys() == {"transfer", "rebase"}


def test_open_reports_a_missing_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tilbase.semantic.errors import ModelMissing

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ModelMissing, match="TILBASE_MODEL_DIR"):
        SemanticRanker.open(tmp_path / ".tilbase")
