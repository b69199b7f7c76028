"""Note embeddings as derived data: one ``vectors.npz`` in a folder under ``.tilbase/``.

Rows are keyed by the content hash of the embedded text and the whole file
is tagged with the model's id, so an edit re-embeds exactly the notes whose
text changed, identical texts share a row, and vectors from another model are
never mixed in. A file that is missing, unreadable, corrupt or made by
another model is treated as empty (the next ``update`` rebuilds it). Writes
are atomic (temp file, fsync, ``os.replace``), made every few seconds while
embedding and on ``KeyboardInterrupt``, so an interrupted update leaves a
usable store that the next update resumes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tilbase.semantic.deps import require_extra
from tilbase.semantic.texts import content_hash

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

STORE_FILE = "vectors.npz"
FORMAT_VERSION = 2

Encode = Callable[[Sequence[str]], "Matrix"]
"""Texts → one unit row per text (``Encoder.encode``)."""

EmbedProgress = Callable[[int, int], None]
"""``progress(texts embedded, texts to embed)``, called after every batch."""


@dataclass
class UpdateStats:
    """What an ``update`` did."""

    embedded: int = 0
    reused: int = 0
    removed: int = 0
    rebuilt: str | None = None
    """Why the existing file was discarded (missing, corrupt, other model), if it was."""


@dataclass
class _State:
    hashes: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # 2-d float32 blocks, in ``hashes`` order
    keys: dict[str, str] = field(default_factory=dict)  # note key -> content hash


class EmbeddingStore:
    """The vectors of a KB's notes for one model, in ``folder``."""

    def __init__(self, folder: Path, model_id: str) -> None:
        """Open (lazily) the store in ``folder`` for vectors made by ``model_id``."""
        self.folder = folder
        self.model_id = model_id
        self.path = folder / STORE_FILE
        self._state: _State | None = None
        self._matrix: Any = None
        self._row_of: dict[str, int] = {}
        self.load_problem: str | None = None

    # reading -------------------------------------------------------------------------------

    def keys(self) -> set[str]:
        """The note keys that have a vector."""
        return set(self._loaded().keys)

    def __len__(self) -> int:
        return len(self._loaded().keys)

    def pending(self, items: Iterable[tuple[str, str]]) -> int:
        """How many distinct texts among ``(key, text)`` items ``update`` would embed."""
        state = self._loaded()
        known = set(state.hashes)
        return len({h for _, text in items if (h := content_hash(text)) not in known})

    def vectors(self, keys: Iterable[str]) -> tuple[list[str], Matrix]:
        """The keys that have a vector (in the given order) and their rows."""
        np = _numpy()
        state, matrix = self._loaded(), self._rows()
        found = [key for key in keys if key in state.keys]
        rows = [self._row_of[state.keys[key]] for key in found]
        result: Matrix = matrix[rows] if rows else np.zeros((0, _width(matrix)), np.float32)
        return found, result

    def query(self, vector: Matrix, keys: Iterable[str] | None = None) -> dict[str, float]:
        """Cosine of ``vector`` (a unit vector) with each stored note (or each of ``keys``)."""
        state = self._loaded()
        found, rows = self.vectors(state.keys if keys is None else keys)
        if not found:
            return {}
        scores = rows @ vector.reshape(-1).astype(rows.dtype)
        return {key: float(score) for key, score in zip(found, scores, strict=True)}

    # writing -------------------------------------------------------------------------------

    def update(
        self,
        items: Iterable[tuple[str, str]],
        encode: Encode,
        *,
        progress: EmbedProgress | None = None,
        complete: bool = True,
        batch_size: int = 32,
        checkpoint_seconds: float = 5.0,
    ) -> UpdateStats:
        """Bring the store up to date with ``(key, text)`` items, embedding only new texts.

        ``complete=True`` means the items are every note: keys not among them
        are dropped (a full sync, ``reindex``). ``complete=False`` adds or
        replaces just these keys (``add``, an edit). Interrupting (Ctrl-C)
        keeps everything embedded so far; the next call continues from there.
        """
        state = self._loaded()
        stats = UpdateStats(rebuilt=self.load_problem)
        wanted: dict[str, str] = {}
        texts: dict[str, str] = {}
        for key, text in items:
            digest = content_hash(text)
            wanted[key] = digest
            texts.setdefault(digest, text)
        known = set(state.hashes)
        todo = [digest for digest in texts if digest not in known]
        stats.reused = sum(1 for digest in wanted.values() if digest in known)
        dirty = self.load_problem not in (None, "missing")  # replace a damaged file
        if complete:
            for key in set(state.keys) - set(wanted):
                del state.keys[key]
                stats.removed += 1
                dirty = True
        for key, digest in wanted.items():
            if digest in known and state.keys.get(key) != digest:
                state.keys[key] = digest
                dirty = True
        last_save = time.monotonic()
        try:
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                block = _numpy().asarray(encode([texts[d] for d in batch]), dtype="float32")
                if block.ndim != 2 or block.shape[0] != len(batch):
                    raise ValueError(f"encoder returned shape {block.shape} for {len(batch)} texts")
                state.hashes.extend(batch)
                state.rows.append(block)
                self._matrix = None
                done = set(batch)
                for key, digest in wanted.items():
                    if digest in done:
                        state.keys[key] = digest
                stats.embedded += len(batch)
                dirty = True
                if progress is not None:
                    progress(stats.embedded, len(todo))
                if time.monotonic() - last_save >= checkpoint_seconds:
                    self._save(prune=False)
                    last_save, dirty = time.monotonic(), False
        finally:
            if dirty:
                self._save(prune=True)
        self.load_problem = None
        return stats

    def remove(self, keys: Iterable[str]) -> int:
        """Forget the vectors of ``keys`` (deleted notes); returns how many were stored."""
        state = self._loaded()
        gone = [key for key in keys if state.keys.pop(key, None) is not None]
        if gone:
            self._save(prune=True)
        return len(gone)

    # internals -----------------------------------------------------------------------------

    def _loaded(self) -> _State:
        if self._state is None:
            self._state, self.load_problem = self._read()
        return self._state

    def _rows(self) -> Any:
        state = self._loaded()
        if self._matrix is None:
            np = _numpy()
            blocks = [block for block in state.rows if len(block)]
            self._matrix = np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
            state.rows = [self._matrix] if len(self._matrix) else []
            self._row_of = {digest: row for row, digest in enumerate(state.hashes)}
        return self._matrix

    def _read(self) -> tuple[_State, str | None]:
        np = _numpy()
        if not self.path.exists():
            return _State(), "missing"
        try:
            with self.path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                version = int(data["version"])
                model = str(data["model"])
                vectors = np.asarray(data["vectors"], dtype=np.float32)
                hashes = [h.decode("ascii") for h in data["hashes"].tolist()]
                keys = [str(k) for k in data["keys"]]
                key_rows = [int(r) for r in data["key_rows"]]
        except Exception as exc:  # any damage means "rebuild"
            return _State(), f"corrupt ({type(exc).__name__})"
        if version != FORMAT_VERSION:
            return _State(), f"format {version}"
        if model != self.model_id:
            return _State(), "made by another model"
        if (
            vectors.ndim != 2
            or vectors.shape[0] != len(hashes)
            or len(keys) != len(key_rows)
            or not all(0 <= row < len(hashes) for row in key_rows)
            or not np.isfinite(vectors).all()
        ):
            return _State(), "corrupt (inconsistent arrays)"
        key_hashes = [hashes[row] for row in key_rows]
        return _State(hashes, [vectors], dict(zip(keys, key_hashes, strict=True))), None

    def _save(self, *, prune: bool) -> None:
        np = _numpy()
        state = self._loaded()
        matrix = self._rows()
        hashes = state.hashes
        if prune:
            used = set(state.keys.values())
            keep = [row for row, digest in enumerate(hashes) if digest in used]
            if len(keep) != len(hashes):
                matrix = matrix[keep] if keep else np.zeros((0, _width(matrix)), np.float32)
                state.hashes = [hashes[row] for row in keep]
                state.rows = [matrix] if len(matrix) else []
                self._matrix = None
                hashes = state.hashes
        row_of = {digest: row for row, digest in enumerate(hashes)}
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".vectors.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    version=np.array(FORMAT_VERSION),
                    model=np.array(self.model_id),
                    vectors=matrix.astype(np.float32),
                    hashes=np.array(hashes, dtype="S64"),
                    keys=np.array(list(state.keys), dtype=str),
                    key_rows=np.array(
                        [row_of[digest] for digest in state.keys.values()], dtype=np.int32
                    ),
                )
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)


def _width(matrix: Any) -> int:
    return int(matrix.shape[1]) if matrix.ndim == 2 else 0


def _numpy() -> Any:
    require_extra()
    import numpy

    return numpy
