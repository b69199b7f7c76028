"""Shared fixtures. Every test runs with its own home, so none can touch a real KB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tilbase.cli import app
from tilbase.config import init_kb, load_config
from tilbase.kb import KnowledgeBase

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA = REPO_ROOT.parent / "shared" / "corpora"


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point the default KB at a temp folder, clear editor and config variables, leave the repo."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TILBASE_HOME", str(home / "default-kb"))
    monkeypatch.setenv("HOME", str(home))
    for name in ("TILBASE_CONFIG", "TILBASE_EDITOR", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    workdir = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(workdir)
    return


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A fresh, empty knowledge base folder."""
    folder = tmp_path / "kb"
    init_kb(folder)
    return folder


@pytest.fixture
def kb(kb_dir: Path) -> KnowledgeBase:
    """The library facade on a fresh KB."""
    return KnowledgeBase(load_config(kb_dir / "config.yaml"))


@dataclass
class Result:
    """What a CLI run gave back."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


Run = Callable[..., Result]


@pytest.fixture
def run(kb_dir: Path) -> Run:
    """Run ``til --config <fresh KB> ARGS...`` through Typer's CliRunner."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, config: bool = True) -> Result:
        full = ["--config", str(kb_dir / "config.yaml"), *args] if config else list(args)
        result = runner.invoke(app, full, input=input)
        return Result(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


def requires_corpora() -> pytest.MarkDecorator:
    """Skip a test when ../shared/corpora is not there (the corpora are not redistributed)."""
    return pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
