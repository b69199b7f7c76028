"""Nothing semantic (numpy, tokenizers, safetensors) is imported unless semantic search runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "tokenizers", "safetensors")


@pytest.mark.parametrize("module", ["tilbase.cli", "tilbase.semantic", "tilbase.semantic.store"])
def test_importing_does_not_import_numpy(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_til_help_does_not_import_numpy() -> None:
    code = (
        "import sys\n"
        "from tilbase.cli import main\n"
        "sys.argv = ['til', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"sys.stderr.write(','.join(n for n in {HEAVY!r} if n in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip() == ""


def test_blas_is_single_threaded_only_while_numpy_loads() -> None:
    code = (
        "import os\n"
        "from tilbase.semantic.deps import require_extra\n"
        "require_extra()\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("_NUM_THREADS")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split() == ["None", "None"]
