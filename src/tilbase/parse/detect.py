"""Choosing a file's style when ``--style`` does not say.

In order: a tilbase JSON export (a ``.json`` file, or a text that is a JSON
array of note records) · a tilbase export (a ``<!-- til {...} -->`` marker line
outside code fences) · a daily or
Jekyll file name (one note, whatever the content) · ``Day N: <date>`` headings
or lines · dated headings (two or more, or one that opens the file) · YAML
frontmatter (one page) · two or more headings at the shallowest level
(questions) · otherwise one page.
"""

from __future__ import annotations

from tilbase.dates import DateOrder
from tilbase.parse.daily import is_daily_name
from tilbase.parse.dated import dated_headings
from tilbase.parse.daylog import has_day_entries
from tilbase.parse.document import Document
from tilbase.parse.jekyll import is_jekyll_name
from tilbase.parse.json_export import is_json_export, looks_like_json
from tilbase.parse.questions import section_headings

__all__ = ["detect_style"]


def detect_style(doc: Document, rel_path: str, order: DateOrder = "dmy") -> str:
    """The name of the style that fits ``doc`` (named ``rel_path``) best."""
    if looks_like_json(doc.text, rel_path) and (
        rel_path.lower().endswith(".json") or is_json_export(doc.text)
    ):
        return "json"
    if doc.has_export_marker:
        return "export"
    if is_daily_name(rel_path):
        return "daily"
    if is_jekyll_name(rel_path):
        return "jekyll"
    if has_day_entries(doc, order):
        return "day-log"
    dated = dated_headings(doc, order)
    if len(dated) >= 2 or (dated and dated[0] == doc.headings[0]):
        return "dated-headings"
    if doc.has_frontmatter:
        return "page"
    if len(section_headings(doc)) >= 2:
        return "questions"
    return "page"
