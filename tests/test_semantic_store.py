"""The embedding store: incremental updates, pruning, rebuilds, interrupts, queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.semantic_helpers import FakeEncoder, needs_extra
from tilbase.semantic.store import STORE_FILE, EmbeddingStore
from tilbase.semantic.texts import embedding_text

pytestmark = needs_extra

NOTES = {f"note-{i}": f"Title {i}\n\nBody of note number {i}." for i in range(10)}


def store_at(folder: Path, model_id: str = FakeEncoder.model_id) -> EmbeddingStore:
    return EmbeddingStore(folder / "embeddings", model_id)


def test_first_update_embeds_everything_then_nothing(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    stats = store_at(tmp_path).update(NOTES.items(), encoder.encode, batch_size=4)
    assert (stats.embedded, stats.reused, stats.rebuilt) == (10, 0, "missing")
    assert len(encoder.calls) == 3
    again = FakeEncoder()
    reopened = store_at(tmp_path)
    assert reopened.pending(NOTES.items()) == 0
    stats = reopened.update(NOTES.items(), again.encode)
    assert (stats.embedded, stats.reused, stats.removed, stats.rebuilt) == (0, 10, 0, None)
    assert again.calls == []
    assert reopened.keys() == set(NOTES)


def test_changed_note_is_reembedded_and_removed_note_dropped(tmp_path: Path) -> None:
    store_at(tmp_path).update(NOTES.items(), FakeEncoder().encode)
    changed = dict(NOTES)
    changed["note-3"] = "Title 3\n\nRewritten in an editor."
    del changed["note-7"]
    encoder = FakeEncoder()
    store = store_at(tmp_path)
    stats = store.update(changed.items(), encoder.encode)
    assert encoder.embedded == ["Title 3\n\nRewritten in an editor."]
    assert (stats.embedded, stats.removed) == (1, 1)
    reopened = store_at(tmp_path)
    assert reopened.keys() == set(changed)
    keys, rows = reopened.vectors(["note-3", "note-7", "note-1"])
    assert keys == ["note-3", "note-1"]
    assert rows.shape == (2, FakeEncoder.dimension)
    expected = FakeEncoder().encode([changed["note-3"], changed["note-1"]])
    assert rows.ravel().tolist() == pytest.approx(expected.ravel().tolist())


def test_rows_no_longer_used_are_pruned_from_the_file(tmp_path: Path) -> None:
    import numpy as np

    store_at(tmp_path).update(NOTES.items(), FakeEncoder().encode)
    store_at(tmp_path).update(list(NOTES.items())[:2], FakeEncoder().encode)
    with np.load(tmp_path / "embeddings" / STORE_FILE) as data:
        assert data["vectors"].shape == (2, FakeEncoder.dimension)
        assert len(data["hashes"]) == 2


def test_partial_update_keeps_other_notes_and_remove_forgets(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.update(NOTES.items(), FakeEncoder().encode)
    encoder = FakeEncoder()
    store.update([("new", "A brand new note")], encoder.encode, complete=False)
    assert encoder.embedded == ["A brand new note"]
    assert store_at(tmp_path).keys() == {*NOTES, "new"}
    assert store.remove(["new", "never-there"]) == 1
    assert store_at(tmp_path).keys() == set(NOTES)


def test_identical_texts_share_one_row(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    store = store_at(tmp_path)
    store.update([("a", "same"), ("b", "same")], encoder.encode)
    assert encoder.embedded == ["same"]
    store.update([("b", "same")], encoder.encode)
    assert store_at(tmp_path).keys() == {"b"}


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage, not a zip", b"PK\x03\x04 truncated zip header"],
)
def test_corrupt_file_is_rebuilt_silently(tmp_path: Path, damage: bytes) -> None:
    store_at(tmp_path).update(NOTES.items(), FakeEncoder().encode)
    (tmp_path / "embeddings" / STORE_FILE).write_bytes(damage)
    store = store_at(tmp_path)
    assert store.keys() == set()
    assert store.query(FakeEncoder().encode(["x"])[0]) == {}
    encoder = FakeEncoder()
    stats = store.update(NOTES.items(), encoder.encode)
    assert stats.embedded == 10
    assert stats.rebuilt is not None
    assert stats.rebuilt.startswith("corrupt")
    assert store_at(tmp_path).keys() == set(NOTES)


def test_vectors_of_another_model_are_discarded(tmp_path: Path) -> None:
    store_at(tmp_path, "old-model").update(NOTES.items(), FakeEncoder().encode)
    store = store_at(tmp_path, "new-model")
    assert store.keys() == set()
    stats = store.update(NOTES.items(), FakeEncoder().encode)
    assert (stats.embedded, stats.rebuilt) == (10, "made by another model")
    assert store_at(tmp_path, "new-model").keys() == set(NOTES)
    assert store_at(tmp_path, "old-model").keys() == set()


def test_interrupt_leaves_a_usable_partial_store_that_resumes(tmp_path: Path) -> None:
    progress: list[tuple[int, int]] = []
    interrupted = FakeEncoder(fail_after=2)
    with pytest.raises(KeyboardInterrupt):
        store_at(tmp_path).update(
            NOTES.items(),
            interrupted.encode,
            batch_size=3,
            progress=lambda done, total: progress.append((done, total)),
        )
    assert progress == [(3, 10), (6, 10)]
    partial = store_at(tmp_path)
    assert len(partial) == 6
    assert partial.pending(NOTES.items()) == 4
    resumed = FakeEncoder()
    stats = partial.update(NOTES.items(), resumed.encode)
    assert (stats.embedded, stats.reused) == (4, 6)
    assert store_at(tmp_path).keys() == set(NOTES)


def test_query_scores_cosine_against_chosen_keys(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    store = store_at(tmp_path)
    store.update(NOTES.items(), encoder.encode)
    probe = encoder.encode([NOTES["note-4"]])[0]
    scores = store.query(probe)
    assert set(scores) == set(NOTES)
    assert max(scores, key=scores.__getitem__) == "note-4"
    assert scores["note-4"] == pytest.approx(1.0, abs=1e-6)
    assert set(store.query(probe, ["note-1", "note-4", "missing"])) == {"note-1", "note-4"}


def test_empty_store_queries_and_updates(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    assert store.query(FakeEncoder().encode(["x"])[0]) == {}
    keys, rows = store.vectors(["a"])
    assert keys == []
    assert rows.shape[0] == 0
    assert store.update([], FakeEncoder().encode).embedded == 0
    assert not (tmp_path / "embeddings").exists()


def test_embedding_text_joins_title_and_body() -> None:
    assert embedding_text(" Title ", "Body\n") == "Title\n\nBody"
    assert embedding_text("", "Body") == "Body"
    assert embedding_text("Title", "  ") == "Title"


def test_embedding_text_does_not_repeat_a_title_the_body_opens_with() -> None:
    assert embedding_text("Check nginx", "# Check nginx\n\nnginx -t\n") == "Check nginx\n\nnginx -t"
    assert embedding_text("Tea is hot", "Tea is hot\n") == "Tea is hot"
    assert embedding_text("Tea", "# Coffee\n\nhot") == "Tea\n\n# Coffee\n\nhot"
