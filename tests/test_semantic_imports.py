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
