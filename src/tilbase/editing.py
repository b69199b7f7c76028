"""Notes written in an editor or handed over as a document: ``til edit``, ``til add`` in
$EDITOR, and text piped into ``til add`` that starts with frontmatter.

The ``KnowledgeBase`` methods ``edit_note``, ``add_with_editor`` and ``add_document``
call these; nothing typed is ever lost: a draft that cannot be saved is kept and named.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.errors import EditorError, InvalidInput, TilError
from tilbase.model import Note
from tilbase.text import decode_bytes

if TYPE_CHECKING:
    from tilbase.kb import KnowledgeBase

__all__ = ["EditOutcome", "EditorRunner", "add_document", "edit_note", "editor_draft"]

#: Opens a path in an editor and waits (``tilbase.editor.open_in_editor``).
EditorRunner = Callable[[Path, str | None], None]


@dataclass(frozen=True)
class EditOutcome:
    """What ``til edit`` did: the note as it is now, and how it got there."""

    note: Note
    changed: bool
    merged: bool = False
    old_id: str = ""


def _point_at_draft(error: TilError, path: Path) -> None:
    """Tell the person where the text they wrote is kept, and how to save it later."""
    error.message = f"{error.message}; what you wrote is kept in {path}"
    error.hint = f"save it with: til add - < {shlex.quote(str(path))}"


def _has_text(path: Path) -> bool:
    try:
        return bool(path.read_bytes().strip())
    except OSError:
        return False


@contextlib.contextmanager
def editor_draft(kb: KnowledgeBase, open_editor: EditorRunner) -> Iterator[str]:
    """The text a person writes in their editor for a new note (kept if saving it fails)."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix="til-", suffix=".md")
    os.close(fd)
    path = Path(name)
    keep = False
    try:
        try:
            open_editor(path, kb.config.editor)
        except EditorError as exc:
            keep = _has_text(path)
            if keep:
                _point_at_draft(exc, path)
            raise
        decoded = decode_bytes(path.read_bytes())
        if decoded is None:
            keep = True
            raise InvalidInput(f"{path}: the editor saved a binary file; it is kept there")
        if decoded.warning:
            kb.warnings.append(f"{path}:1: {decoded.warning}")
        try:
            yield decoded.text
        except TilError as exc:
            keep = bool(decoded.text.strip())
            if keep:
                _point_at_draft(exc, path)
            raise
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def add_document(
    kb: KnowledgeBase,
    text: str,
    *,
    title: str | None = None,
    topic: str | None = None,
    tags: Iterable[str] = (),
    date: dt.date | None = None,
) -> Note:
    """``add`` for text that may start with frontmatter (piped into ``til add``).

    ``title``, ``topic``, ``date`` and ``tags`` from the frontmatter are used
    unless given here (given values win; tags are combined); the body is
    the text after the frontmatter.
    """
    from tilbase.notefile import load_frontmatter, split_frontmatter
    from tilbase.notemeta import coerce_date, coerce_topic, frontmatter_tags

    split = split_frontmatter(text)
    if split.frontmatter is None:
        return kb.add(text, title=title, topic=topic, tags=tags, date=date)
    try:
        metadata = load_frontmatter(split)
    except ValueError as exc:
        raise InvalidInput(
            f"the text starts with frontmatter that cannot be read ({exc}); nothing was saved",
            "fix the frontmatter, or remove it and use --title/--tag/--topic/--date",
        ) from None
    given_title = metadata.get("title")
    return kb.add(
        split.body,
        title=title or (str(given_title) if given_title not in (None, "") else None),
        topic=topic or coerce_topic(metadata.get("topic")),
        tags=(*frontmatter_tags(metadata), *tags),
        date=date or coerce_date(metadata.get("date"), kb.config.date_order),
    )


def edit_note(kb: KnowledgeBase, id_or_prefix: str, open_editor: EditorRunner) -> EditOutcome:
    """Edit a note on a temporary copy; save it atomically only when it changed.

    The copy lives in ``.tilbase/drafts/``. Nothing is written when the
    editor fails (the changed copy is kept and the error names it), when
    nothing changed, or when the result is empty. If the note's file
    changed on disk meanwhile, the two changes are merged when they touch
    different lines; otherwise the edit is kept as a draft and the error
    says how to merge it. The returned note has its final id.
    """
    from tilbase.textmerge import merge3

    note = kb.get(id_or_prefix)
    if note.path is None:
        raise InvalidInput(f"note '{note.id}' has no file to edit")
    path = note.path
    original = kb.store.read_editable(note)
    draft = _new_draft(kb, note.id, original)
    try:
        open_editor(draft, kb.config.editor)
    except EditorError as exc:
        if _draft_text(draft) not in (None, original):
            exc.message = f"{exc.message}; your changes were not applied"
            exc.hint = f"they are kept in {draft}; copy what you need with `til edit {note.id}`"
        else:
            draft.unlink(missing_ok=True)
        raise
    edited = _draft_text(draft)
    if edited is None:
        raise InvalidInput(
            f"the editor saved a file that is not UTF-8 text; nothing was changed "
            f"(it is kept in {draft})"
        )
    if edited == original:
        draft.unlink(missing_ok=True)
        return EditOutcome(note, changed=False, old_id=note.id)
    if not edited.strip():
        draft.unlink(missing_ok=True)
        raise InvalidInput(
            f"the edited note is empty; '{note.id}' was kept as it was",
            f"to remove a note: til rm {note.id}",
        )
    merged = False
    with kb.store.write_lock():
        current = kb.store.read_editable(note)
        result = edited
        if current != original:
            combined = merge3(original, edited, current)
            if combined is None:
                raise InvalidInput(
                    f"{kb.store.shown(path)} changed on disk while you were editing; "
                    f"nothing was overwritten and your edit is kept in {draft}",
                    f"merge by hand: diff {shlex.quote(str(draft))} "
                    f"{shlex.quote(str(path))}, then `til edit {note.id}`",
                )
            result, merged = combined, True
        kb.store.write_text(note, result)
    draft.unlink(missing_ok=True)
    kb.notes_changed()
    kb._look_again()
    row = kb.catalogs.fresh().get(kb.store.relpath(path))
    final = None if row is None else kb.catalogs.load(row.path, row.id)
    if final is None:
        updated, warnings = kb.store.read_file(path)
        kb.warnings.extend(warnings)
        final = updated
    return EditOutcome(final, changed=True, merged=merged, old_id=note.id)


def _new_draft(kb: KnowledgeBase, note_id: str, text: str) -> Path:
    folder = kb.config.state_dir / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{note_id}-", suffix=".md", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return Path(name)


def _draft_text(path: Path) -> str | None:
    """The text of an edited draft; ``None`` when it is gone or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None
