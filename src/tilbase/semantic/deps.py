"""Checking that the optional ``semantic`` extra is installed, without importing it eagerly."""

from __future__ import annotations

import importlib
import os
import sys

from tilbase.semantic.errors import INSTALL_HINT, SemanticUnavailable

EXTRA_MODULES = ("numpy", "tokenizers", "safetensors")
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def require_extra() -> None:
    """Import numpy, tokenizers and safetensors, or raise a one-line ``SemanticUnavailable``.

    numpy's BLAS is made single-threaded unless the user set a thread count:
    a query is a handful of tokens, and on a busy 2-core machine OpenBLAS's
    spinning threads made one query embedding 5x slower (45 ms → 240 ms).
    The variables are read once, when numpy loads, and restored right after.
    """
    if "numpy" not in sys.modules:
        _import_numpy_single_threaded()
    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise SemanticUnavailable(
                f"semantic search needs the Python package {name!r}, which is not installed",
                INSTALL_HINT,
            ) from None


def _import_numpy_single_threaded() -> None:
    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES}
    if all(value is None for value in saved.values()):
        for name in BLAS_THREAD_VARIABLES:
            os.environ[name] = "1"
    try:
        importlib.import_module("numpy")
    except ImportError:
        pass  # reported by require_extra's loop
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def extra_installed() -> bool:
    """True when every package of the ``semantic`` extra can be imported."""
    try:
        require_extra()
    except SemanticUnavailable:
        return False
    return True
