"""User query syntax -> Whoosh queries, and how matches are scored.

- ``syntax``: what a person typed -> a Whoosh query (``parse_query``, ``filter_query``);
- ``keys``: the index-side keys of tags and topics (``tag_keys``, ``topic_keys``);
- ``scoring``: queries and matchers that score every match (``BestField``, ``Unpruned``).

The names below load lazily, so importing ``tilbase.query`` does not import Whoosh.
"""

from __future__ import annotations

import importlib
from typing import Any

from tilbase import whooshshims

whooshshims.install()  # before any Whoosh module loads (see tilbase.whooshshims)

_WHERE = {
    "DEFAULT_FIELDS": "syntax",
    "FIELD_BOOSTS": "syntax",
    "KEY_SEPARATOR": "keys",
    "USER_FIELDS": "syntax",
    "BestField": "scoring",
    "AnyWords": "scoring",
    "ParsedQuery": "syntax",
    "QueryWord": "syntax",
    "Unpruned": "scoring",
    "filter_query": "syntax",
    "find_problem": "syntax",
    "parse_query": "syntax",
    "plain_words": "syntax",
    "query_words": "syntax",
    "tag_analyzer": "keys",
    "tag_keys": "keys",
    "topic_keys": "keys",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tilbase.query' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tilbase.query.{module}"), name)
