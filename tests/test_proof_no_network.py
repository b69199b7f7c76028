"""Proof: no command opens a network connection (sockets are made to fail while each runs)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.proof


def test_no_command_touches_the_network(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    source = tmp_path / "log.md"
    source.write_text("# 2023-01-01 A\nsee https://example.com #web\n")
    note_id = run("add", "a note with https://example.org/x link", "--title", "Linked").stdout
    for args in (
        ("import", str(source)),
        ("search", "link"),
        ("show", note_id.strip()),
        ("log",),
        ("tag", "add", note_id.strip(), "t"),
        ("tag", "rename", "web", "www"),
        ("related", note_id.strip()),
        ("export", "--format", "json"),
        ("reindex",),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert attempts == []
