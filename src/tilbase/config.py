"""Finding and validating a knowledge base's ``config.yaml``.

Discovery, first match wins: ``--config FILE`` · ``$TILBASE_CONFIG`` · the
first ``config.yaml`` with a ``notes_dir`` key found walking up from the
current folder · the default KB in the platform data folder (``$TILBASE_HOME``
overrides that folder), created on first use.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tilbase.errors import ConfigError

__all__ = [
    "CONFIG_NAME",
    "STATE_DIR_NAME",
    "Config",
    "default_kb_dir",
    "find_config",
    "init_kb",
    "load_config",
    "parse_config",
]

CONFIG_NAME = "config.yaml"
STATE_DIR_NAME = ".tilbase"
DEFAULT_CONFIG_TEXT = "# tilbase knowledge base\nnotes_dir: notes\n"

if TYPE_CHECKING:
    import yaml

    from tilbase.dates import DateOrder  # a type only: tilbase.dates compiles many patterns


def _loader() -> type[yaml.SafeLoader]:
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


#: A line of the simplest config (``notes_dir: notes``): a key and a plain word-like value
#: that YAML reads as that same string. Anything else goes through PyYAML.
_SIMPLE_LINE = re.compile(r"([a-z_]+):[ \t]+([A-Za-z_./~][\w./~ -]*?)[ \t]*")
_YAML_WORDS = frozenset(
    ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan"]
)  # read as booleans or null, not as strings


def _simple_settings(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The settings of a config of plain ``key: word`` lines, without importing PyYAML.

    None when any line is more than that (quotes, lists, comments after a
    value, a value YAML would not read as a string, an unknown or repeated
    key): PyYAML then reads it, and gives the precise errors.
    """
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        spec = _KEYS.get(key)
        if spec is None or key in settings or spec.kind is not str:
            return None
        if value.casefold() in _YAML_WORDS or (spec.choices and value not in spec.choices):
            return None
        settings[key] = value
        lines[key] = number
    return settings, lines


@dataclass(frozen=True)
class _Key:
    kind: type
    help: str
    choices: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None


_KEYS: dict[str, _Key] = {
    "notes_dir": _Key(str, "folder of the notes, relative to the config file"),
    "index_dir": _Key(str, "where the search index lives (default .tilbase/index)"),
    "editor": _Key(str, "command used by `til add` and `til edit`"),
    "date_order": _Key(str, "order of slashed dates such as 03/04/2022", ("dmy", "mdy")),
    "sync": _Key(str, "auto: `til sync` in the background after each write", ("auto", "manual")),
    "sync_name": _Key(str, "author name of the commits `til sync` makes"),
    "sync_email": _Key(str, "author email of the commits `til sync` makes"),
    # Semantic recall (issue 14; needs the `semantic` extra).
    "semantic": _Key(bool, "rank search and related by BM25 fused with a sentence model"),
    "semantic_alpha": _Key(float, "BM25's weight in the fused ranking (0..1)", bounds=(0.0, 1.0)),
}

#: BM25's weight in the fused ranking; tilbase.semantic.fusion.DEFAULT_ALPHA (not imported here).
DEFAULT_SEMANTIC_ALPHA = 0.3


@dataclass(frozen=True)
class Config:
    """A knowledge base's settings, with every path resolved."""

    root: Path
    config_path: Path
    notes_dir: Path
    state_dir: Path
    index_dir: Path
    editor: str | None = None
    date_order: DateOrder = "dmy"
    sync: str = "manual"
    sync_name: str | None = None
    sync_email: str | None = None
    semantic: bool = False
    semantic_alpha: float = DEFAULT_SEMANTIC_ALPHA

    @property
    def trash_dir(self) -> Path:
        """Where ``til rm`` moves notes."""
        return self.state_dir / "trash"


def parse_config(text: str, source: str = CONFIG_NAME) -> dict[str, Any]:
    """Validate a config file's text and return its settings.

    Raises ``ConfigError`` naming ``source``, the line and the key for an
    unknown key (with a "did you mean"), a key written twice, a value of the
    wrong type, or YAML that does not parse.
    """
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[dict[str, Any], dict[str, int]]:
    """``parse_config``, also giving the line of each key."""
    simple = _simple_settings(text)
    if simple is not None:
        return simple
    import yaml

    _Loader = _loader()
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{source}{line}: {problem}") from None
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{source}:1: expected 'key: value' settings such as 'notes_dir: notes'")
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        where = f"{source}:{line}"
        spec = _KEYS.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(_KEYS)
            raise ConfigError(f"{where}: unknown key '{key}'{hint}; known keys: {known}")
        if key in lines:
            # YAML would silently keep the last one.
            raise ConfigError(
                f"{where}: '{key}' is set twice (also on line {lines[key]}); keep one of them"
            )
        lines[key] = line
        value = yaml.load(yaml.serialize(value_node), Loader=_Loader)
        value = _number(value) if spec.kind is float else value
        if not isinstance(value, spec.kind) or (isinstance(value, str) and not value.strip()):
            raise ConfigError(f"{where}: '{key}' must be {_KIND_NAMES[spec.kind]}")
        if spec.bounds and not spec.bounds[0] <= cast(float, value) <= spec.bounds[1]:
            low, high = spec.bounds
            raise ConfigError(f"{where}: '{key}' must be between {low:g} and {high:g}, not {value}")
        if spec.choices and value not in spec.choices:
            choices = " or ".join(spec.choices)
            raise ConfigError(f"{where}: '{key}' must be {choices}, not '{value}'")
        settings[key] = value
    return settings, lines


_KIND_NAMES = {str: "a non-empty str", bool: "true or false", float: "a number"}


def _number(value: Any) -> Any:
    """An int setting read as a float (``semantic_alpha: 1``); anything else unchanged."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _resolve(root: Path, value: str) -> Path:
    path = Path(os.path.expandvars(value)).expanduser()
    return path if path.is_absolute() else root / path


def load_config(path: Path) -> Config:
    """Read, validate and resolve the config file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found", "create one with `til init`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    settings, lines = _parse(text, str(path))
    return config_from_settings(path, settings, lines)


def config_from_settings(
    path: Path, settings: Mapping[str, Any], lines: Mapping[str, int] | None = None
) -> Config:
    """Build a ``Config`` from validated settings of the file at ``path``.

    ``lines`` gives each key's line, for errors. Raises ``ConfigError`` when
    ``index_dir`` is, or contains, the KB folder, the notes, the state folder
    or the trash: every index rebuild replaces that folder's contents.
    """
    root = path.resolve().parent
    state_dir = root / STATE_DIR_NAME
    notes_dir = _resolve(root, settings.get("notes_dir", "notes"))
    index_setting = settings.get("index_dir")
    index_dir = _resolve(root, index_setting) if index_setting else state_dir / "index"
    config = Config(
        root=root,
        config_path=path.resolve(),
        notes_dir=notes_dir,
        state_dir=state_dir,
        index_dir=index_dir,
        editor=settings.get("editor"),
        date_order=cast("DateOrder", settings.get("date_order", "dmy")),
        sync=settings.get("sync", "manual"),
        sync_name=settings.get("sync_name"),
        sync_email=settings.get("sync_email"),
        semantic=settings.get("semantic", False),
        semantic_alpha=settings.get("semantic_alpha", DEFAULT_SEMANTIC_ALPHA),
    )
    problem = _index_dir_problem(config)
    if problem is not None:
        line = (lines or {}).get("index_dir")
        where = f"{path}:{line}" if line else f"{path}"
        shown = index_setting or f"{STATE_DIR_NAME}/index, the default"
        raise ConfigError(
            f"{where}: 'index_dir' ({shown}) {problem}; the search index needs a folder "
            "of its own (a rebuild replaces its contents)",
            "set index_dir to a new or empty folder, or remove it to use .tilbase/index",
        )
    return config


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Path(os.path.abspath(path))


def _index_dir_problem(config: Config) -> str | None:
    """Why ``config.index_dir`` must not be used, or ``None`` when it is a folder of its own."""
    index_dir = _real(config.index_dir)
    protected = (
        ("the knowledge base folder", config.root),
        ("the notes folder", config.notes_dir),
        (f"the {STATE_DIR_NAME} state folder", config.state_dir),
        ("the trash folder", config.trash_dir),
    )
    for name, folder in protected:
        if index_dir == _real(folder):
            return f"is {name}"
    for name, folder in protected:
        if index_dir in _real(folder).parents:
            return f"contains {name}"
    return None


def _has_notes_dir(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    simple = _simple_settings(text)
    if simple is not None:
        return "notes_dir" in simple[0]
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "notes_dir" in data


def default_kb_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the user's default KB: ``$TILBASE_HOME`` or the platform data folder."""
    env = os.environ if env is None else env
    if env.get("TILBASE_HOME"):
        return Path(env["TILBASE_HOME"]).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tilbase", appauthor=False)


def find_config(
    explicit: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """Find the config file of the KB to use (see the module docstring for the order)."""
    env = os.environ if env is None else env
    for given, origin in ((explicit, "--config"), (env.get("TILBASE_CONFIG"), "$TILBASE_CONFIG")):
        if not given:
            continue
        path = Path(given).expanduser()
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.is_file():
            raise ConfigError(
                f"{path}: config file not found (from {origin})",
                f"create a knowledge base there with `til init {path.parent}`, or fix {origin}",
            )
        return path
    found = _config_above(cwd)
    if found is not None:
        return found
    default = default_kb_dir(env) / CONFIG_NAME
    if not default.is_file():
        init_kb(default.parent)
    return default


def existing_config(
    explicit: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """The config file ``find_config`` would use, if it exists; never creates or raises.

    For work done ahead of the command (``tilbase.launch``): ``None`` where
    ``find_config`` would fail or create the default KB.
    """
    env = os.environ if env is None else env
    given = explicit or env.get("TILBASE_CONFIG")
    try:
        if given:
            path = Path(given).expanduser()
            path = path / CONFIG_NAME if path.is_dir() else path
            return path if path.is_file() else None
        found = _config_above(cwd)
        if found is not None:
            return found
        default = default_kb_dir(env) / CONFIG_NAME
        return default if default.is_file() else None
    except (OSError, RuntimeError, ValueError):
        return None


def _config_above(cwd: Path | None) -> Path | None:
    """The first ``config.yaml`` with a ``notes_dir`` key in ``cwd`` or a folder above it."""
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file() and _has_notes_dir(candidate):
            return candidate
    return None


def found_without_flag(config_path: Path, env: Mapping[str, str] | None = None) -> bool:
    """Whether ``til`` run here without ``--config`` would use ``config_path``."""
    env = os.environ if env is None else env
    if env.get("TILBASE_CONFIG"):
        return False
    found = _config_above(None)
    return found is not None and found.resolve() == config_path.resolve()


def enclosing_kb(folder: Path) -> Path | None:
    """The config file of a KB that ``folder`` would be nested in (in it or above it), if any."""
    start = folder.expanduser().resolve()
    for candidate_folder in (start, *start.parents):
        candidate = candidate_folder / CONFIG_NAME
        if candidate.is_file() and _has_notes_dir(candidate):
            return candidate
    return None


def init_kb(folder: Path) -> Path:
    """Create a KB in ``folder``: ``config.yaml``, ``notes/`` and a ``.gitignore`` for state.

    Raises ``ConfigError`` when the folder already holds a config file.
    """
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise ConfigError(f"{config_path}: a config file is already there; nothing was changed")
    try:
        (folder / "notes").mkdir(parents=True, exist_ok=True)
        with open(config_path, "x", encoding="utf-8") as handle:
            handle.write(DEFAULT_CONFIG_TEXT)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(f"{STATE_DIR_NAME}/\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{folder}: cannot create a knowledge base here ({exc})") from None
    return config_path
