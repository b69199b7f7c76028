"""Stand-ins that keep importing Whoosh from importing what tilbase never uses.

Called by ``tilbase.index`` and ``tilbase.query`` (the only packages that import
Whoosh) before any Whoosh module loads; importing this module imports nothing heavy.

* Whoosh's reader takes ``cached_property`` from the PyPI package of that name,
  which imports asyncio (~30% of importing ``whoosh.index`` and ``whoosh.qparser``).
  The standard library's has the same behaviour for how Whoosh uses it.
* ``whoosh.compat`` does ``from urllib.request import urlretrieve`` at import time,
  which loads ``http.client``, ``ssl`` and ``email`` (about 20 ms of every search)
  for a function tilbase never calls; ``whoosh.query`` loads the English
  morphology tables of ``whoosh.lang.morph_en`` (8 ms) for ``Variations``
  queries, which tilbase does not make. Until something asks for them, these
  modules are stand-ins: the names Whoosh imports from them, and any other
  attribute, load the real module on first use, which then takes its place.
"""

from __future__ import annotations

import importlib
import sys
import types
from functools import cached_property
from typing import Any

__all__ = ["install"]

#: Modules loaded on first use, and the functions Whoosh imports from each at import time.
_DEFERRED = {
    "urllib.request": ("urlretrieve",),
    "whoosh.lang.morph_en": ("variations",),
}


class _StandIn(types.ModuleType):
    """A module that is not loaded yet; any use loads the real one."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(_load(self.__name__), name)


def _load(module: str) -> types.ModuleType:
    """The real module (loaded now if only its stand-in is there)."""
    if isinstance(sys.modules.get(module), _StandIn):
        del sys.modules[module]
    return importlib.import_module(module)


def _deferred_function(module: str, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_load(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


def _stand_in(module: str, names: tuple[str, ...]) -> None:
    parent_name, _, child = module.rpartition(".")
    parent = importlib.import_module(parent_name)  # urllib, whoosh.lang: tiny packages
    stand_in = _StandIn(module)
    for name in names:
        setattr(stand_in, name, _deferred_function(module, name))
    sys.modules[module] = stand_in
    setattr(parent, child, stand_in)  # so that ``urllib.request.x`` finds it


def install() -> None:
    """Put the stand-ins in place (idempotent; never replaces a module already loaded)."""
    if "cached_property" not in sys.modules:
        shim = types.ModuleType("cached_property")
        shim.cached_property = cached_property  # type: ignore[attr-defined]
        sys.modules["cached_property"] = shim
    if "whoosh.compat" in sys.modules:
        return  # Whoosh is loaded already: too late to matter
    for module, names in _DEFERRED.items():
        if module not in sys.modules:
            _stand_in(module, names)
