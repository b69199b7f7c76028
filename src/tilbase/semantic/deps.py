"""Checking that the optional ``semantic`` extra is installed, without importing it eagerly."""

from __future__ import annotations

import importlib

from tilbase.semantic.errors import INSTALL_HINT, SemanticUnavailable

EXTRA_MODULES = ("numpy", "tokenizers", "safetensors")


def require_extra() -> None:
    """Import numpy, tokenizers and safetensors, or raise a one-line ``SemanticUnavailable``."""
    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise SemanticUnavailable(
                f"semantic search needs the Python package {name!r}, which is not installed",
                INSTALL_HINT,
            ) from None


def extra_installed() -> bool:
    """True when every package of the ``semantic`` extra can be imported."""
    try:
        require_extra()
    except SemanticUnavailable:
        return False
    return True
