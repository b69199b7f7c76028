"""Jekyll posts: ``_posts/2012-10-17-model-choice.md`` with YAML frontmatter, one note each.

The date comes from the frontmatter or the name; a post without a ``title``
takes a heading that opens it, else the slug (``model choice``). The topic is
``category``/``categories``, else the folders above ``_posts``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tilbase.model import Note
from tilbase.notemeta import date_from_path
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.page import build_page, humanize

__all__ = ["STYLE", "is_jekyll_name"]

_POST_STEM = re.compile(r"\d{4}-\d{2}-\d{2}-(?P<slug>.+)")


def is_jekyll_name(rel_path: str) -> bool:
    """True for ``YYYY-MM-DD-slug.md`` names with a real date."""
    match = _POST_STEM.fullmatch(PurePosixPath(rel_path).stem)
    return bool(match and match["slug"].strip("-")) and date_from_path(rel_path) is not None


def _post_title(path: PurePosixPath) -> str:
    match = _POST_STEM.fullmatch(path.stem)
    return humanize(match["slug"]) if match else humanize(path.stem)


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """One note for the post."""
    return build_page(doc, ctx, _post_title)


STYLE = Style(
    name="jekyll",
    summary="a Jekyll post named YYYY-MM-DD-slug.md with frontmatter",
    parse=parse,
    one_note=True,
)
