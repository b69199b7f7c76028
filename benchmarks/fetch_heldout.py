"""Make the held-out collections that the docvault, awsnotes and cheatnotes sets are judged on.

    python benchmarks/fetch_heldout.py    # -> ../heldout/{docvault,awsnotes,cheatnotes}
    python benchmarks/eval_search.py --set docvault --set awsnotes --set cheatnotes

All three are taken unchanged from source distributions on PyPI (pinned below) and
are not copied into this repository. Their queries were written by reading the
notes, before any search was run on them, and were never tuned on.

- ``docvault``: 156 Markdown pages of four projects' documentation (click,
  starlette, hatch, pip), listed in ``benchmarks/queries/docvault-files.txt``
  (changelogs, generated API pages, lists and pages under 300 bytes left out);
  queries in ``benchmarks/queries/docvault.tsv``.
- ``awsnotes``: the 1,974 example recipes of 29 services of the AWS CLI
  (``awscli/examples/SERVICE/*.rst``: one short how-to per command, a bold
  "To ..." line, the command, its output), each saved with a ``.md`` name so
  ``til import`` reads it as a note; queries in ``benchmarks/queries/awsnotes.tsv``.
- ``cheatnotes``: 193 of the command-line cheat sheets bundled with ``cheat``
  2.5.1 (``cheat/cheatsheets/TOOL``: terse tips, each a ``# To ...`` comment
  line followed by the command), listed in
  ``benchmarks/queries/cheatnotes-files.txt`` (only ``r2``, a 155 KB option
  reference rather than tips, left out), each saved unchanged as ``TOOL.md``.
  Its ``#`` comment lines read as headings, so ``til import`` splits most sheets
  into one note a tip; a query's answer ``TOOL.md`` matches any note of that
  sheet. Queries in ``benchmarks/queries/cheatnotes.tsv``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCVAULT_FILES = REPO / "benchmarks" / "queries" / "docvault-files.txt"
#: docvault folder -> (distribution, version, the docs folder inside the sdist)
DOCVAULT_SOURCES = {
    "click": ("click", "8.5.1", "docs"),
    "starlette": ("starlette", "1.10.0", "docs"),
    "hatch": ("hatch", "1.18.2", "docs"),
    "pip": ("pip", "26.3", "docs/html"),
}
AWSCLI = ("awscli", "1.46.3")
CHEAT = ("cheat", "2.5.1")
CHEAT_FILES = REPO / "benchmarks" / "queries" / "cheatnotes-files.txt"
AWS_SERVICES = [
    "acm",
    "autoscaling",
    "cloudformation",
    "cloudfront",
    "cloudtrail",
    "cloudwatch",
    "configure",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "eks",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "rds",
    "route53",
    "s3",
    "s3api",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sts",
]


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


def make_docvault(target: Path, downloads: Path) -> int:
    """Unpack the listed documentation pages into ``target``; returns how many."""
    wanted = [line for line in DOCVAULT_FILES.read_text(encoding="utf-8").splitlines() if line]
    by_project: dict[str, list[str]] = {}
    for path in wanted:
        project, _, rest = path.partition("/")
        by_project.setdefault(project, []).append(rest)
    for project, pages in by_project.items():
        name, version, docs = DOCVAULT_SOURCES[project]
        with tarfile.open(sdist(name, version, downloads)) as archive:
            for page in pages:
                member = archive.extractfile(f"{name}-{version}/{docs}/{page}")
                if member is None:
                    raise SystemExit(f"{name} {version} has no {docs}/{page}")
                out = target / project / page
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(member.read())
    return len(wanted)


def make_awsnotes(target: Path, downloads: Path) -> int:
    """Unpack the AWS CLI examples of ``AWS_SERVICES`` into ``target`` as .md files."""
    name, version = AWSCLI
    prefix = f"{name}-{version}/awscli/examples/"
    count = 0
    with tarfile.open(sdist(name, version, downloads)) as archive:
        for member in archive.getmembers():
            relative = member.name.removeprefix(prefix)
            service, _, page = relative.partition("/")
            if (
                not member.isfile()
                or relative == member.name
                or service not in AWS_SERVICES
                or not page.endswith(".rst")
            ):
                continue
            data = archive.extractfile(member)
            assert data is not None
            out = target / service / (page.removesuffix(".rst") + ".md")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data.read())
            count += 1
    return count


def make_cheatnotes(target: Path, downloads: Path) -> int:
    """Unpack the listed cheat sheets of ``cheat`` into ``target`` as .md files."""
    name, version = CHEAT
    wanted = [line for line in CHEAT_FILES.read_text(encoding="utf-8").splitlines() if line]
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist(name, version, downloads)) as archive:
        for sheet in wanted:
            member = archive.extractfile(f"{name}-{version}/cheat/cheatsheets/{sheet}")
            if member is None:
                raise SystemExit(f"{name} {version} has no cheat/cheatsheets/{sheet}")
            (target / f"{sheet}.md").write_bytes(member.read())
    return len(wanted)


def main() -> None:
    """Make all three collections (or the one named)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=REPO.parent / "heldout")
    parser.add_argument("--only", choices=("docvault", "awsnotes", "cheatnotes"))
    parser.add_argument("--downloads", type=Path, help="where sdists are (or go)")
    args = parser.parse_args()
    downloads = args.downloads or Path(tempfile.mkdtemp(prefix="heldout-"))
    downloads.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "docvault"):
        count = make_docvault(args.into / "docvault", downloads)
        print(f"{count} pages in {args.into / 'docvault'}")
    if args.only in (None, "awsnotes"):
        count = make_awsnotes(args.into / "awsnotes", downloads)
        print(f"{count} notes in {args.into / 'awsnotes'}")
    if args.only in (None, "cheatnotes"):
        count = make_cheatnotes(args.into / "cheatnotes", downloads)
        print(f"{count} sheets in {args.into / 'cheatnotes'}")


if __name__ == "__main__":
    main()
