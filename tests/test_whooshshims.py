"""The stand-ins that keep Whoosh from importing what tilbase never uses."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.search_fixtures import write_notes


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_importing_the_index_leaves_http_unloaded_and_urllib_request_still_works() -> None:
    result = run_python(
        """
        import sys
        import tilbase.index, tilbase.query
        import whoosh.compat, whoosh.query
        assert "http.client" not in sys.modules, "urllib.request loaded eagerly"
        assert "whoosh.lang.morph_en" in sys.modules  # the stand-in
        import urllib.request
        request = urllib.request.Request("http://example.invalid/x")  # loads the real one
        assert request.full_url == "http://example.invalid/x"
        assert "http.client" in sys.modules
        assert callable(urllib.request.urlopen)
        from whoosh.lang.morph_en import variations
        assert "rendered" in variations("render")
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_whoosh_uses_the_standard_librarys_cached_property() -> None:
    result = run_python(
        """
        import functools, sys
        import tilbase.index
        import cached_property
        assert cached_property.cached_property is functools.cached_property
        assert "asyncio" not in sys.modules
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr


def test_a_piped_search_imports_neither_http_nor_asyncio(kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    write_notes(kb_dir / "notes")
    code = f"""
        import sys
        from tilbase.cli import app
        try:
            app(["--config", {str(config)!r}, "search", "kedro"])
        except SystemExit as stop:
            assert stop.code in (0, None), stop.code
        heavy = [m for m in ("http.client", "ssl", "asyncio", "email.parser") if m in sys.modules]
        sys.stderr.write("HEAVY=" + ",".join(heavy))
    """
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "kedro" in result.stdout.lower()
    assert result.stderr.strip().endswith("HEAVY="), result.stderr
