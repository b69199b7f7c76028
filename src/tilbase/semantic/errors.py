"""The semantic layer's user-facing errors: each is one line with a hint (``TilError``)."""

from __future__ import annotations

from tilbase.errors import TilError

INSTALL_HINT = "install the optional extra: pip install 'tilbase[semantic]'"


class SemanticUnavailable(TilError):
    """The ``semantic`` extra (numpy, tokenizers, safetensors) is not installed."""


class ModelMissing(TilError):
    """The sentence model is neither in ``$TILBASE_MODEL_DIR``, nor cached, nor downloadable."""


class ModelMismatch(TilError):
    """The model file's sha256 is not the pinned one (a damaged or different model)."""
