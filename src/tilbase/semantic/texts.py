"""What a note is embedded from, and the content key its vector is stored under."""

from __future__ import annotations

import hashlib


def embedding_text(title: str, body: str) -> str:
    """The text embedded for a note: its title, a blank line, its body (stripped)."""
    title, body = title.strip(), body.strip()
    return f"{title}\n\n{body}" if title and body else title or body


def content_hash(text: str) -> str:
    """A stable key for a text's vector: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
