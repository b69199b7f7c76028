"""Prefix expansion: a free word also finds the longer words it begins.

People shorten words (``config`` for configuration, ``diag`` for diagnostics)
and notes join them (``uppercase``, ``lowercase``, ``platformdirs``): the
stemmer cannot bring those together, and a note that says ``titlecase`` was
never found by ``upper and lower``. Each free word of the weighted field whose
stem is ``PREFIX_MIN`` letters or more also matches the indexed words of
letters that start with it, each counting ``PREFIX_WEIGHT`` as much as the
word itself; a note is scored by the best of them (``BestField``), so the
word never counts twice. Shorter stems (``mode`` -> ``model``, ``check`` ->
``checkout``) are left alone: those are mostly other words. Words with digits,
dots, dashes or underscores (code names, paths, URLs) are not expansions:
the analyzer indexes such names split into their words already.

The coordination bonus (``scoring.AnyWords``) counts an expanded word by the
IDF of the word itself, not of its rarer expansions.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from whoosh import query as wq

from tilbase.query.scoring import BestField
from tilbase.query.syntax import ParsedQuery
from tilbase.query.weighting import SEARCH_FIELD

__all__ = [
    "PREFIX_MAX",
    "PREFIX_MIN",
    "PREFIX_WEIGHT",
    "Expanded",
    "expand_prefixes",
    "with_prefixes",
]

#: How much an indexed word that starts with a free word counts (0: not searched).
#: Measured with 0.25, 0.3, 0.4 and 0.5 (docs/search.md): the same gains up to 0.4.
PREFIX_WEIGHT = 0.3
#: The shortest stem that is expanded (4 measured: ``mode`` found ``model``, -1 top-1).
PREFIX_MIN = 5
#: At most this many expansions per word, the ones in the most notes first.
PREFIX_MAX = 8


class Expanded(BestField):
    """A free word (the first subquery) or the longer indexed words it begins, scored by the best.

    Whoosh rebuilds compound queries from their subqueries and boost alone
    (``normalize``, ``apply``), so the word is read from the subqueries.
    """

    @property
    def word(self) -> wq.Query:
        """The word as typed (analysed): what counts for coordination."""
        return self.subqueries[0]


def _longer_words(reader: Any, stem: str) -> list[str]:
    """The indexed words of letters that start with ``stem``, in most notes first."""
    found = []
    for text in reader.expand_prefix(SEARCH_FIELD, stem):
        word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        if word != stem and word.isalpha():
            found.append(word)
    found.sort(key=lambda word: (-reader.doc_frequency(SEARCH_FIELD, word), word))
    return found[:PREFIX_MAX]


def _has_free_terms(query: wq.Query) -> bool:
    return any(
        isinstance(leaf, wq.Term)
        and leaf.fieldname == SEARCH_FIELD
        and len(leaf.text) >= PREFIX_MIN
        for leaf in query.leaves()
    )


def expand_prefixes(query: wq.Query, reader: Any) -> wq.Query:
    """``query`` with each free word also matching the longer words it begins.

    Only terms of the weighted field are expanded (named fields, phrases and
    prefixes typed with ``*`` are left as written); ``query`` is not changed.
    """
    if not PREFIX_WEIGHT or not _has_free_terms(query):
        return query

    def expand(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Term):
            if node.fieldname != SEARCH_FIELD or len(node.text) < PREFIX_MIN:
                return node
            longer = _longer_words(reader, node.text)
            if not longer:
                return node
            weight = node.boost * PREFIX_WEIGHT
            return Expanded([node, *(wq.Term(SEARCH_FIELD, word, boost=weight) for word in longer)])
        if isinstance(node, wq.BinaryQuery):  # AndNot, AndMaybe, Require: .a and .b
            changed = copy.copy(node)
            changed.a = expand(node.a)
            changed.b = node.b if isinstance(node, wq.AndNot) else expand(node.b)
            changed.subqueries = (changed.a, changed.b)
            return changed
        if isinstance(node, wq.CompoundQuery):
            # Not ``apply``: it makes a new node from the subqueries and boost alone,
            # which drops AnyWords' coordination scale.
            changed = copy.copy(node)
            changed.subqueries = [expand(sub) for sub in node.subqueries]
            return changed
        if isinstance(node, wq.WrappingQuery):
            changed = copy.copy(node)
            changed.child = expand(node.child)
            return changed
        return node  # a Not, phrase, prefix, range or other leaf: as written

    return expand(query)


def with_prefixes(parsed: ParsedQuery, reader: Any) -> ParsedQuery:
    """``parsed`` with its free words expanded (``expand_prefixes``) against ``reader``'s words."""
    query = expand_prefixes(parsed.query, reader)
    return parsed if query is parsed.query else dataclasses.replace(parsed, query=query)
