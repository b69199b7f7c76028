"""Daily files: ``2023-01-05.md``, ``2023_01_05.md``, ``2023/01/05.md`` — one note per day.

The date comes from the name; so does the title when the file has no title of
its own. Copies such as ``2023-12-11_BASE_277894.md`` (git mergetool) or
``2024-07-20.conflicted.1721431903785.md`` (sync conflicts) are daily files of
that date too: each is its own note, so no text is lost.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tilbase.model import Note
from tilbase.notemeta import DAILY_DATE, date_from_path
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.page import build_page

__all__ = ["STYLE", "is_daily_name"]

_DAILY_STEM = re.compile(DAILY_DATE.pattern + r"(?P<rest>.*)")
_NESTED = re.compile(r"(?:^|/)\d{4}/\d{2}/\d{2}\.[^/]+$")


def is_daily_name(rel_path: str) -> bool:
    """True for ``YYYY-MM-DD.md`` (also ``_``-separated, or with a copy suffix) and ``Y/M/D.md``."""
    path = PurePosixPath(rel_path)
    if _NESTED.search(path.as_posix()):
        return date_from_path(rel_path) is not None
    match = _DAILY_STEM.fullmatch(path.stem)
    if not match or date_from_path(rel_path) is None:
        return False
    rest = match["rest"]
    return not rest or rest[0] in "_. ~("


def _daily_title(path: PurePosixPath) -> str:
    date = date_from_path(path.as_posix())
    match = _DAILY_STEM.fullmatch(path.stem)
    if date is not None and (match is None or not match["rest"]):
        return date.isoformat()
    return path.stem


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """One note for the day, dated from the file name."""
    return build_page(doc, ctx, _daily_title)


STYLE = Style(
    name="daily",
    summary="a daily note named by its date (2023-01-05.md, 2023_01_05.md, 2023/01/05.md)",
    parse=parse,
    one_note=True,
)
