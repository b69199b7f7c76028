"""The index-side keys of tags and topics, shared by the index and the filters so they agree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer

from tilbase.model import normalize_tag

KEY_SEPARATOR = "\x1f"


# -- keys shared by the index and the filters ------------------------------------


def tag_keys(tags: Iterable[str]) -> list[str]:
    """Every tag and each of its ancestors: ``lang/python`` -> ``lang``, ``lang/python``."""
    keys: dict[str, None] = {}
    for tag in tags:
        parts = normalize_tag(tag).split("/")
        for depth in range(1, len(parts) + 1):
            if parts[depth - 1]:
                keys.setdefault("/".join(parts[:depth]), None)
    return list(keys)


def topic_keys(topic: str | None) -> list[str]:
    """A topic and its ancestors, case-folded: ``Vision Model/Pretraining`` -> 2 keys.

    Matches ``tilbase.filters.topic_matches``: a filter value ``v`` matches
    when ``v.strip().strip("/").casefold()`` is one of these keys.
    """
    if not topic:
        return []
    folded = topic.casefold()
    keys = [folded[:i] for i, char in enumerate(folded) if char == "/" and i > 0]
    keys.append(folded)
    return list(dict.fromkeys(k for k in keys if k))


class _NormalizeTags(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Turns each token into a normalised tag (``#Machine_Learning`` -> ``machine-learning``)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NormalizeTags)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = normalize_tag(token.text)
            if text:
                token.text = text
                yield token


def tag_analyzer() -> Any:
    """The analyser of the ``tags`` field: keys separated by ``KEY_SEPARATOR``, normalised."""
    return RegexTokenizer(f"[^{KEY_SEPARATOR}]+") | _NormalizeTags()


# -- filters -----------------------------------------------------------------------
