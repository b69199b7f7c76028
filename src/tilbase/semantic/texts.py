"""What a note is embedded from, and the content key its vector is stored under."""

from __future__ import annotations

import hashlib


def embedding_text(title: str, body: str) -> str:
    """The text embedded for a note: its title, a blank line, its body (stripped).

    A body that opens with the title (``# Title`` in a one-file-per-TIL repository,
    the first line ``til add`` took the title from) does not repeat it: the model
    reads 256 tokens, and on the jbranchaud set the repeated title cost 2-4 top-3 hits.
    """
    title, body = title.strip(), body.strip()
    first, _, rest = body.partition("\n")
    if title and first.lstrip("#").strip() == title:
        body = rest.strip()
    return f"{title}\n\n{body}" if title and body else title or body


def content_hash(text: str) -> str:
    """A stable key for a text's vector: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
