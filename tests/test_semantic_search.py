"""Semantic search wired into the KB (issue 14): config, facade, CLI, derived embeddings.

The fused ranking itself is tested with the real model (skipped with a reason
when ``$TILBASE_MODEL_DIR`` is unusable); the plumbing (outside edits, rm,
reindex interrupted and resumed, flags) uses a bag-of-words stand-in encoder
so it runs everywhere the extra is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.semantic_helpers import (
    MODEL_SKIP_REASON,
    FakeEncoder,
    WordsEncoder,
    needs_extra,
    usable_model_dir,
)
from tilbase.config import DEFAULT_SEMANTIC_ALPHA, load_config, parse_config
from tilbase.errors import ConfigError
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase
from tilbase.semantic_search import is_strict_syntax, query_words

NOTES = {
    "transfer": (
        "Transfer an issue to another repository",
        "`gh issue transfer 42 owner/other` hands the ticket over, comments and all.",
        ["github"],
    ),
    "rebase": (
        "Interactive rebase reorders commits",
        "`git rebase -i HEAD~3` lets you reorder, squash and reword the last commits.",
        ["git"],
    ),
    "tally": (
        "Counting things with collections.Counter",
        "`Counter(words).most_common(3)` gives the three most frequent words.",
        ["python"],
    ),
    "fzf": (
        "Preview files while fuzzy finding",
        "`fzf --preview 'bat {}'` shows the file next to the list as you type.",
        ["shell"],
    ),
    "worktree": (
        "git worktree checks out a second branch",
        "`git worktree add ../hotfix -b hotfix` gives a second working folder on a new branch.",
        ["git"],
    ),
}


def write_notes(notes_dir: Path) -> None:
    for key, (title, body, tags) in NOTES.items():
        text = f"---\nid: {key}\ntitle: {title}\ndate: 2024-01-0{len(key) % 9 + 1}\n"
        text += f"tags: [{', '.join(tags)}]\n---\n{body}\n"
        (notes_dir / f"{key}.md").write_text(text, encoding="utf-8")


def enable(kb_dir: Path, extra: str = "") -> None:
    with (kb_dir / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"semantic: true\n{extra}")


def ids(result: Any) -> list[str]:
    return [hit.note.id for hit in result.hits]


@pytest.fixture
def notes_kb(kb_dir: Path) -> Path:
    write_notes(kb_dir / "notes")
    return kb_dir


@pytest.fixture
def words_model(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replace the sentence model with a bag-of-words encoder; returns the rankers opened."""
    from tilbase import semantic_search
    from tilbase.semantic.ranker import EMBEDDINGS_DIR, SemanticRanker

    opened: list[Any] = []

    def open_ranker(state_dir: Path, progress: Any) -> SemanticRanker:
        ranker = SemanticRanker(state_dir / EMBEDDINGS_DIR, WordsEncoder())
        opened.append(ranker)
        return ranker

    monkeypatch.setattr(semantic_search, "_open_ranker", open_ranker)
    return opened


# -- config ------------------------------------------------------------------------------


def test_config_keys_default_off_and_validate(kb_dir: Path) -> None:
    config = load_config(kb_dir / "config.yaml")
    assert (config.semantic, config.semantic_alpha) == (False, DEFAULT_SEMANTIC_ALPHA)
    assert parse_config("semantic: true\nsemantic_alpha: 1\n") == {
        "semantic": True,
        "semantic_alpha": 1.0,
    }
    for text, message in [
        ("semantic: maybe\n", "'semantic' must be true or false"),
        ("semantic_alpha: 1.5\n", "'semantic_alpha' must be between 0 and 1, not 1.5"),
        ("semantic_alpha: true\n", "'semantic_alpha' must be a number"),
        ("semantic_alpha: .nan\n", "'semantic_alpha' must be between 0 and 1"),
        ("semantik: true\n", "did you mean 'semantic'"),
    ]:
        with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
            parse_config(text)


@needs_extra
def test_config_default_alpha_is_the_fusion_default() -> None:
    from tilbase.semantic.fusion import DEFAULT_ALPHA

    assert DEFAULT_SEMANTIC_ALPHA == DEFAULT_ALPHA


@pytest.mark.parametrize(
    ("query", "strict"),
    [
        ("move issue between repos", False),
        ("how do I reorder commits?", False),
        ("git OR hg", False),
        ("rebase AND squash", True),
        ("rebase NOT merge", True),
        ('"second branch"', True),
        ("title:git", True),
        ("work*", True),
        ("git -merge", True),
    ],
)
def test_strict_syntax_only_reranks(query: str, strict: bool) -> None:
    assert is_strict_syntax(query) is strict


def test_query_words_drop_the_syntax() -> None:
    assert query_words('title:git AND "second branch"') == "git second branch"


# -- the fused ranking with the real model -------------------------------------------------

MODEL = usable_model_dir()
needs_model = pytest.mark.skipif(MODEL is None, reason=MODEL_SKIP_REASON)


@needs_model
def test_fusion_on_a_small_kb_through_the_facade(notes_kb: Path) -> None:
    enable(notes_kb)
    kb = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    paraphrase = NoteFilter(query="move a bug report into a different project")
    lexical = kb.search(paraphrase, semantic=False)
    fused = kb.search(paraphrase)
    assert "transfer" not in ids(lexical), "no word of it is in the note"
    assert ids(fused)[0] == "transfer", "the paraphrase finds the note in other words"
    assert all(hit.score is not None and 0 <= hit.score <= 1 for hit in fused.hits)
    # An exact word still wins.
    assert ids(kb.search(NoteFilter(query="Counter most_common")))[0] == "tally"
    # Filters bound the pool: a dense candidate never comes from outside it.
    assert set(ids(kb.search(NoteFilter(query="move ticket", tags=("git",))))) <= {
        "rebase",
        "worktree",
    }
    # Strict syntax only re-ranks what Whoosh found.
    strict = kb.search(NoteFilter(query="title:git"))
    assert set(ids(strict)) == set(ids(kb.search(NoteFilter(query="title:git"), semantic=False)))
    # related: fused, never the note itself.
    related = ids(kb.related("rebase", limit=3))
    assert "rebase" not in related
    assert related[0] == "worktree"


# -- embeddings are derived data -------------------------------------------------------------


@needs_extra
def test_embeddings_follow_an_outside_edit(notes_kb: Path, words_model: list[Any]) -> None:
    from tilbase.semantic.texts import content_hash, embedding_text

    enable(notes_kb)
    kb = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    kb.search(NoteFilter(query="fuzzy preview"))
    store = words_model[0].store
    before = store._loaded().keys["fzf"]
    path = notes_kb / "notes" / "fzf.md"
    path.write_text(path.read_text().replace("shows the file", "squash commits quietly"))
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    fresh = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    result = fresh.search(NoteFilter(query="squash quietly"))
    edited = fresh.get("fzf")
    after = words_model[-1].store._loaded().keys["fzf"]
    assert after != before
    assert after == content_hash(embedding_text(edited.title, edited.body))
    assert ids(result)[0] == "fzf"


@needs_extra
def test_a_search_with_nothing_changed_reads_only_the_notes_it_shows(
    notes_kb: Path, words_model: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbase.store.notes import NoteStore

    enable(notes_kb)
    KnowledgeBase(load_config(notes_kb / "config.yaml")).search(NoteFilter(query="git"))
    read: list[Path] = []
    real_read_file = NoteStore.read_file

    def counting(self: NoteStore, path: Path) -> Any:
        read.append(path)
        return real_read_file(self, path)

    monkeypatch.setattr(NoteStore, "read_file", counting)
    kb = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    result = kb.search(NoteFilter(query="git"), limit=1)
    assert len(result.hits) == 1
    assert read == [result.hits[0].note.path]


@needs_extra
def test_add_does_not_embed_and_the_next_search_does(
    notes_kb: Path, words_model: list[Any]
) -> None:
    enable(notes_kb)
    kb = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    kb.search(NoteFilter(query="rebase"))
    opened = len(words_model)
    note = kb.add("Undo a commit with git reset --soft HEAD~1\n")
    assert len(words_model) == opened, "add loads no model"
    store = words_model[0].store
    assert note.id not in set(store.keys())
    kb.search(NoteFilter(query="undo"))
    assert note.id in set(store.keys())


@needs_extra
def test_rm_forgets_the_vector(notes_kb: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    from tilbase import semantic_search
    from tilbase.semantic.modelfiles import MODEL_SHA256
    from tilbase.semantic.ranker import EMBEDDINGS_DIR, SemanticRanker
    from tilbase.semantic.store import EmbeddingStore

    encoder = WordsEncoder()
    encoder.model_id = MODEL_SHA256  # rm opens the store as the pinned model's, without it

    def open_ranker(state_dir: Path, progress: Any) -> SemanticRanker:
        return SemanticRanker(state_dir / EMBEDDINGS_DIR, encoder)

    monkeypatch.setattr(semantic_search, "_open_ranker", open_ranker)
    enable(notes_kb)
    assert run("search", "rebase").exit_code == 0
    folder = notes_kb / ".tilbase" / EMBEDDINGS_DIR
    assert "rebase" in set(EmbeddingStore(folder, MODEL_SHA256).keys())
    assert run("rm", "rebase").exit_code == 0
    assert "rebase" not in set(EmbeddingStore(folder, MODEL_SHA256).keys())


@needs_extra
def test_reindex_embeds_and_resumes_after_ctrl_c(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    from tilbase import semantic_search
    from tilbase.semantic.ranker import EMBEDDINGS_DIR, SemanticRanker

    enable(kb_dir)
    for number in range(40):
        (kb_dir / "notes" / f"n{number}.md").write_text(f"# Note {number}\n\nword{number}\n")
    encoders = [FakeEncoder(fail_after=1), FakeEncoder()]
    second = encoders[1]

    def open_ranker(state_dir: Path, progress: Any) -> SemanticRanker:
        return SemanticRanker(state_dir / EMBEDDINGS_DIR, encoders.pop(0))

    monkeypatch.setattr(semantic_search, "_open_ranker", open_ranker)
    interrupted = run("reindex")
    assert interrupted.exit_code == 130
    assert interrupted.stderr.strip().splitlines()[-1] == "interrupted"
    resumed = run("reindex")
    assert resumed.exit_code == 0, resumed.stderr
    assert len(second.embedded) == 40 - 32, "the second run embeds only what was left"
    store = SemanticRanker(kb_dir / ".tilbase" / EMBEDDINGS_DIR, FakeEncoder()).store
    assert len(store) == 40


@needs_extra
def test_import_embeds_the_new_notes(kb_dir: Path, words_model: list[Any], run: Run) -> None:
    enable(kb_dir)
    source = kb_dir.parent / "old.md"
    source.write_text(
        "# 14.02.2023 Git: Rebase onto main\n\nrebase it\n\n# 15.02.2023 Tea\n\nhot\n"
    )
    result = run("import", str(source))
    assert result.exit_code == 0, result.stderr
    assert len(words_model[0].store) == 2


# -- the command line --------------------------------------------------------------------------


@needs_extra
def test_semantic_and_lexical_flags_override_the_config(
    notes_kb: Path, words_model: list[Any], run: Run
) -> None:
    assert run("search", "rebase", "--lexical").exit_code == 0
    assert words_model == [], "semantic is off by default"
    searched = run("search", "issue between repository", "--semantic", "--json")
    assert searched.exit_code == 0, searched.stderr
    assert len(words_model) == 1
    enable(notes_kb)
    words_model.clear()
    assert run("search", "rebase", "--lexical").exit_code == 0
    assert words_model == []
    assert run("search", "rebase").exit_code == 0
    assert len(words_model) == 1
    assert run("related", "rebase").exit_code == 0


def test_extra_missing_is_a_one_line_cli_error(
    notes_kb: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    enable(notes_kb)
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # `import tokenizers` fails
    result = run("search", "rebase")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "pip install 'tilbase[semantic]'" in lines[0]
    assert "--lexical" in lines[0]
    assert run("search", "rebase", "--lexical").exit_code == 0


@needs_extra
def test_model_missing_is_a_one_line_cli_error(
    notes_kb: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run: Run
) -> None:
    enable(notes_kb)
    empty = tmp_path / "no-model"
    empty.mkdir()
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(empty))
    result = run("search", "rebase")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "$TILBASE_MODEL_DIR" in lines[0]
    assert "download" in lines[0]


def _imported_after(config: Path, args: Sequence[str]) -> list[str]:
    code = (
        "import sys\n"
        "from tilbase.cli import main\n"
        f"sys.argv = ['til', '--config', {str(config)!r}, *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('numpy', 'tokenizers', 'safetensors', 'tilbase.semantic', "
        "'tilbase.semantic_search')\n"
        "sys.stderr.write('\\nLOADED:' + ','.join(n for n in heavy if n in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = result.stderr.rsplit("LOADED:", 1)[1].strip()
    return [name for name in loaded.split(",") if name]


def test_semantic_off_never_imports_numpy(notes_kb: Path) -> None:
    config = notes_kb / "config.yaml"
    assert _imported_after(config, ["search", "rebase"]) == []
    assert _imported_after(config, ["related", "rebase"]) == []
    assert _imported_after(config, ["rm", "fzf"]) == []
    enable(notes_kb)
    assert _imported_after(config, ["search", "rebase", "--lexical"]) == []
    assert _imported_after(config, ["search", "rebase", "--sort", "date"]) == []
    # `til add` stays cheap with semantic on: it loads nothing of it (the next search embeds).
    assert _imported_after(config, ["add", "a new note about tea"]) == []


@needs_extra
def test_vectors_that_cannot_be_saved_still_serve_the_search(
    notes_kb: Path, words_model: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from tilbase.semantic.store import EmbeddingStore

    def read_only(self: EmbeddingStore, *, prune: bool) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(EmbeddingStore, "_save", read_only)
    enable(notes_kb)
    kb = KnowledgeBase(load_config(notes_kb / "config.yaml"))
    result = kb.search(NoteFilter(query="issue between repository"))
    assert ids(result)[0] == "transfer"
    assert any("could not be saved (Read-only file system)" in w for w in kb.warnings)
