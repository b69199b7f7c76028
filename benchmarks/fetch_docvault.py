"""Make the held-out documentation vault that the ``docvault`` query set is judged on.

    python benchmarks/fetch_docvault.py              # -> ../heldout/docvault
    python benchmarks/eval_search.py --set docvault

The vault is 156 Markdown pages of four projects' documentation, taken unchanged
from their source distributions on PyPI (pinned below); which pages is listed in
``benchmarks/queries/docvault-files.txt`` (changelogs, generated API pages, lists
and pages under 300 bytes were left out). The queries
(``benchmarks/queries/docvault.tsv``) were written from reading the pages, before
any search was run on them; the pages are not copied into this repository.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = REPO / "benchmarks" / "queries" / "docvault-files.txt"
#: vault folder -> (distribution, version, the docs folder inside the sdist)
SOURCES = {
    "click": ("click", "8.5.1", "docs"),
    "starlette": ("starlette", "1.10.0", "docs"),
    "hatch": ("hatch", "1.18.2", "docs"),
    "pip": ("pip", "26.3", "docs/html"),
}


def sdist(name: str, version: str, into: Path) -> Path:
    """The source distribution of ``name==version`` (downloaded with pip unless there)."""
    found = sorted(into.glob(f"{name}-{version}.tar.gz"))
    if not found:
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:"]
        subprocess.run([*pip, "--no-deps", f"{name}=={version}", "-d", str(into)], check=True)
        found = sorted(into.glob(f"{name}-{version}.tar.gz"))
    if not found:
        raise SystemExit(f"no sdist of {name} {version} in {into}")
    return found[0]


def main() -> None:
    """Unpack the listed pages into the vault folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", type=Path, default=REPO.parent / "heldout/docvault")
    parser.add_argument("--downloads", type=Path, help="where sdists are (or go)")
    args = parser.parse_args()
    wanted = [line for line in FILES.read_text(encoding="utf-8").splitlines() if line]
    downloads = args.downloads or Path(tempfile.mkdtemp(prefix="docvault-"))
    downloads.mkdir(parents=True, exist_ok=True)
    by_project: dict[str, list[str]] = {}
    for path in wanted:
        project, _, rest = path.partition("/")
        by_project.setdefault(project, []).append(rest)
    for project, pages in by_project.items():
        name, version, docs = SOURCES[project]
        with tarfile.open(sdist(name, version, downloads)) as archive:
            for page in pages:
                member = archive.extractfile(f"{name}-{version}/{docs}/{page}")
                if member is None:
                    raise SystemExit(f"{name} {version} has no {docs}/{page}")
                target = args.target / project / page
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(member.read())
    print(f"{len(wanted)} pages in {args.target}")


if __name__ == "__main__":
    main()
