"""python-frontmatter's format handlers, adapted to split exactly and read dates as text.

Imported only when a file with frontmatter is read (never by ``til --help``).
Each handler's ``split`` uses ``tilbase.notefile.split_frontmatter`` (slices,
so bodies stay byte for byte), and ``load`` returns a mapping or raises
``ValueError`` with one line saying what is wrong:

* ``YamlHandler``: ``---``, read with tilbase's YAML loader (timestamps as text);
* ``TomlHandler``: ``+++`` (Hugo, Zola), read with the standard library's ``tomllib``
  (python-frontmatter's own ``TOMLHandler`` needs the ``toml`` package);
* ``JsonHandler``: a ``{...}`` block (Hugo).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from tilbase.frontmatter_split import load_yaml_mapping, split_frontmatter

__all__ = ["JsonHandler", "TomlHandler", "YamlHandler", "handler_for"]


def _mapping(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("frontmatter is not a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


class _ExactSplit(BaseHandler):
    FORMAT = ""

    def detect(self, text: str) -> bool:
        """True when ``text`` opens with this handler's frontmatter."""
        return split_frontmatter(text).format == self.FORMAT

    def split(self, text: str) -> tuple[str, str]:
        """(frontmatter, body), cut with slices: the body is exact."""
        split = split_frontmatter(text)
        if split.format != self.FORMAT or split.frontmatter is None:
            raise ValueError(f"no {self.FORMAT} frontmatter")
        return split.frontmatter, split.body


class YamlHandler(_ExactSplit, YAMLHandler):
    """``---`` YAML frontmatter; dates stay text (``coerce_date`` reads them)."""

    FORMAT = "yaml"

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        """The block as a mapping (``ValueError`` when it is not one)."""
        return load_yaml_mapping(fm)


class TomlHandler(_ExactSplit):
    """``+++`` TOML frontmatter (Hugo, Zola), read with ``tomllib``."""

    FORMAT = "toml"
    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        """The block as a mapping (``ValueError`` when it is not TOML)."""
        try:
            import tomllib  # here: most KBs never hold a TOML frontmatter

            return _mapping(tomllib.loads(fm))
        except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
            raise ValueError(str(exc).splitlines()[0] if str(exc) else "invalid TOML") from None


class JsonHandler(_ExactSplit, JSONHandler):
    """A JSON object opening the file (Hugo)."""

    FORMAT = "json"

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        """The block as a mapping (``ValueError`` when it is not a JSON object)."""
        try:
            return _mapping(json.loads(fm))
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {exc.lineno}: {exc.msg}") from None


@cache
def handler_for(fmt: str) -> _ExactSplit:
    """The handler of a frontmatter format (``yaml``, ``toml``, ``json``)."""
    handlers: dict[str, type[_ExactSplit]] = {
        "yaml": YamlHandler,
        "toml": TomlHandler,
        "json": JsonHandler,
    }
    return handlers[fmt]()
