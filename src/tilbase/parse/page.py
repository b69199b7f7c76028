"""One page, one note: a knowledge page, a mind map, a one-file-per-TIL repository.

The title comes from the frontmatter ``title``, else from a heading that opens
the file (then the body starts after it), else from the file name. The date
comes from ``date``/``created`` (ISO, epoch milliseconds...), else from a date
in the file name. The topic comes from ``topic``/``category``/``categories``,
else from the folders the file sits in (``git/rebase-onto.md`` -> ``git``).
Frontmatter keys the note model has no field for are handed to the importer in
``ParseContext.extra`` so the written note keeps them.

``daily`` and ``jekyll`` reuse this with their own title fallback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from tilbase.dates import InvalidDate
from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, Source, is_safe_id
from tilbase.notemeta import (
    DATE_KEYS,
    TAG_KEYS,
    TOPIC_KEYS,
    coerce_date,
    coerce_tags,
    coerce_topic,
    date_from_path,
)
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.headings import final_title, metadata_value
from tilbase.text import derive_title

__all__ = ["PAGE_KEY", "STYLE", "build_page", "folder_topic", "humanize"]

PAGE_KEY = "page"
_USED_KEYS = frozenset({"id", "title", "source", *DATE_KEYS, *TAG_KEYS, *TOPIC_KEYS})
_NOT_TOPICS = frozenset({"_posts", "_drafts"})

TitleFromName = Callable[[PurePosixPath], str]


def humanize(stem: str) -> str:
    """A file name as a title: ``rebase-onto`` -> ``rebase onto``; names with spaces are kept."""
    if " " in stem:
        return stem.strip()
    return re.sub(r"[-_]+", " ", stem).strip()


def folder_topic(rel_path: str) -> str | None:
    """The topic named by a file's folders, leaving out date folders and Jekyll's ``_posts``."""
    parts = [
        part
        for part in PurePosixPath(rel_path).parent.parts
        if part not in ("", ".", "/") and not part.isdigit() and part not in _NOT_TOPICS
    ]
    return "/".join(parts) or None


def _page_title(path: PurePosixPath) -> str:
    return humanize(path.stem if path.name not in (".md", ".markdown", ".txt") else "")


def _key_line(doc: Document, key: str) -> int:
    """The 1-based line of a frontmatter key (1 when it cannot be found)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for index in range(1, max(doc.body_line - 1, 1)):
        if pattern.match(doc.lines[index]):
            return index + 1
    return 1


def _read_date(doc: Document, ctx: ParseContext, metadata: dict[str, Any]) -> dt.date | None:
    name_date = date_from_path(ctx.rel_path)
    for key in DATE_KEYS:
        value = metadata.get(key)
        if value in (None, ""):
            continue
        try:
            return coerce_date(value, ctx.options.date_order)
        except InvalidDate as exc:
            fallback = f"; using {name_date.isoformat()} from the file name" if name_date else ""
            kept = "" if name_date else "; the note is kept undated"
            ctx.warn(_key_line(doc, key), f"{key}: {exc}{fallback}{kept}")
            return name_date
    return name_date


def build_page(doc: Document, ctx: ParseContext, title_from_name: TitleFromName) -> list[Note]:
    """Read the whole file as one note."""
    metadata = doc.metadata or {}
    if doc.frontmatter_error:
        ctx.warn(1, f"broken frontmatter ({doc.frontmatter_error}); kept in the body as text")
    path = PurePosixPath(ctx.rel_path)
    title = final_title(str(metadata["title"])) if metadata.get("title") not in (None, "") else ""
    body_start, line = doc.body_line, 1
    first = doc.first_block()
    if not title and first is not None and first.type == "heading_open" and doc.headings:
        heading = doc.headings[0]
        title = final_title(heading.text)
        if title:
            body_start, line = heading.end, heading.line
    body = doc.slice(body_start)
    if not title:
        title = final_title(title_from_name(path)) or final_title(derive_title(body)) or "Untitled"
    raw_id = metadata.get("id")
    note_id = str(raw_id).strip() if raw_id is not None and is_safe_id(str(raw_id).strip()) else ""
    topic = coerce_topic(metadata_value(metadata, TOPIC_KEYS)) or folder_topic(ctx.rel_path)
    tags = (*coerce_tags(metadata_value(metadata, TAG_KEYS)), *hashtag_tags(body))
    ctx.extra.update({k: v for k, v in metadata.items() if k not in _USED_KEYS})
    return [
        Note(
            id=note_id,
            title=title,
            date=_read_date(doc, ctx, metadata),
            topic=topic,
            tags=tags,
            body=body,
            source=Source(path=ctx.rel_path, line=line, key=PAGE_KEY),
        )
    ]


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """One note for the whole file, titled from its frontmatter, first heading or name."""
    return build_page(doc, ctx, _page_title)


STYLE = Style(
    name="page",
    summary="the whole file is one note (frontmatter and/or a '# Title'; the folder is the topic)",
    parse=parse,
    one_note=True,
)
