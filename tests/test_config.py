"""Finding the KB and validating its config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.config import find_config, init_kb, load_config, parse_config
from tilbase.errors import ConfigError


def test_parse_config_accepts_known_keys() -> None:
    text = "notes_dir: notes\nindex_dir: /tmp/idx\neditor: code --wait\ndate_order: mdy\n"
    assert parse_config(text) == {
        "notes_dir": "notes",
        "index_dir": "/tmp/idx",
        "editor": "code --wait",
        "date_order": "mdy",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "notes_dir: notes\nnote_dir: x\n",
            "config.yaml:2: unknown key 'note_dir' (did you mean 'notes_dir'?)",
        ),
        ("notes_dir: [a, b]\n", "config.yaml:1: 'notes_dir' must be a non-empty str"),
        ("notes_dir: ''\n", "config.yaml:1: 'notes_dir' must be a non-empty str"),
        ("date_order: ymd\n", "config.yaml:1: 'date_order' must be dmy or mdy, not 'ymd'"),
        ("- just\n- a list\n", "config.yaml:1: expected 'key: value' settings"),
        ("notes_dir: [unclosed\n", "config.yaml:2:"),
    ],
)
def test_parse_config_errors_name_the_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.yaml")
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message


def test_load_config_resolves_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("notes_dir: my-notes\nindex_dir: ~/idx\n")
    config = load_config(tmp_path / "config.yaml")
    assert config.root == tmp_path.resolve()
    assert config.notes_dir == tmp_path.resolve() / "my-notes"
    assert config.index_dir == Path("~/idx").expanduser()
    assert config.state_dir == tmp_path.resolve() / ".tilbase"
    assert config.trash_dir == config.state_dir / "trash"


def test_index_dir_defaults_to_the_state_folder(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("notes_dir: notes\n")
    config = load_config(tmp_path / "config.yaml")
    assert config.index_dir == tmp_path.resolve() / ".tilbase" / "index"


def test_discovery_order(tmp_path: Path) -> None:
    explicit = tmp_path / "explicit" / "config.yaml"
    from_env = tmp_path / "env" / "config.yaml"
    walked = tmp_path / "walked" / "config.yaml"
    for path in (explicit, from_env, walked):
        path.parent.mkdir()
        path.write_text("notes_dir: notes\n")
    deep = tmp_path / "walked" / "a" / "b"
    deep.mkdir(parents=True)
    env = {"TILBASE_CONFIG": str(from_env), "TILBASE_HOME": str(tmp_path / "home")}
    assert find_config(explicit, env, deep) == explicit
    assert find_config(None, env, deep) == from_env
    assert find_config(None, {"TILBASE_HOME": str(tmp_path / "home")}, deep) == walked.resolve()


def test_walking_up_skips_a_config_yaml_without_notes_dir(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("notes_dir: notes\n")
    other = tmp_path / "project"
    other.mkdir()
    (other / "config.yaml").write_text("some_other_tool: true\n")
    env = {"TILBASE_HOME": str(tmp_path / "home")}
    assert find_config(None, env, other) == (tmp_path / "config.yaml").resolve()


def test_default_kb_is_created_on_first_use(tmp_path: Path) -> None:
    env = {"TILBASE_HOME": str(tmp_path / "home")}
    found = find_config(None, env, Path("/"))
    assert found == tmp_path / "home" / "config.yaml"
    assert (tmp_path / "home" / "notes").is_dir()
    assert load_config(found).notes_dir == (tmp_path / "home" / "notes").resolve()


def test_explicit_config_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        find_config(tmp_path / "missing.yaml", {}, tmp_path)


def test_explicit_config_may_name_the_kb_folder(tmp_path: Path) -> None:
    init_kb(tmp_path / "kb")
    assert find_config(tmp_path / "kb", {}, tmp_path) == tmp_path / "kb" / "config.yaml"


def test_init_refuses_an_existing_kb(tmp_path: Path) -> None:
    init_kb(tmp_path)
    assert (tmp_path / ".gitignore").read_text() == ".tilbase/\n"
    with pytest.raises(ConfigError, match="already there"):
        init_kb(tmp_path)


# -- review finding #1: an index_dir that would delete the KB's folders -----------------


@pytest.mark.parametrize(
    ("index_dir", "problem"),
    [
        ("notes", "is the notes folder"),
        ("./notes/", "is the notes folder"),
        (".", "is the knowledge base folder"),
        ("notes/..", "is the knowledge base folder"),
        ("..", "contains the knowledge base folder"),
        ("/", "contains the knowledge base folder"),
        (".tilbase", "is the .tilbase state folder"),
        (".tilbase/trash", "is the trash folder"),
    ],
)
def test_index_dir_deleting_kb_folders_is_a_config_error(
    tmp_path: Path, index_dir: str, problem: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"# my KB\nnotes_dir: notes\nindex_dir: {index_dir}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    message = caught.value.message
    assert message.startswith(f"{config}:3: 'index_dir' ({index_dir}) {problem};")
    assert "\n" not in message


def test_index_dir_containing_a_notes_folder_elsewhere_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    config = tmp_path / "kb" / "config.yaml"
    config.write_text(f"index_dir: {tmp_path}\nnotes_dir: {tmp_path / 'data' / 'notes'}\n")
    with pytest.raises(ConfigError, match=r"config.yaml:1: 'index_dir' .* contains the"):
        load_config(config)


def test_default_index_dir_containing_the_notes_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("notes_dir: .tilbase/index/notes\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.message.startswith(
        f"{config}: 'index_dir' (.tilbase/index, the default) contains the notes folder"
    )


@pytest.mark.parametrize("index_dir", [".tilbase/index", ".tilbase/search", "index", "../idx"])
def test_index_dir_of_its_own_is_accepted_also_inside_the_state_folder(
    tmp_path: Path, index_dir: str
) -> None:
    (tmp_path / "kb").mkdir()
    config = tmp_path / "kb" / "config.yaml"
    config.write_text(f"notes_dir: notes\nindex_dir: {index_dir}\n")
    assert load_config(config).index_dir == (tmp_path / "kb").resolve() / index_dir


# -- review finding #17: a key written twice ---------------------------------------------


def test_key_written_twice_is_a_config_error_naming_the_second_line() -> None:
    text = "notes_dir: notes\neditor: vim\n# later\nnotes_dir: other\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.yaml")
    assert caught.value.message == (
        "config.yaml:4: 'notes_dir' is set twice (also on line 1); keep one of them"
    )


def test_key_written_twice_stops_the_cli(run: Run, kb_dir: Path) -> None:
    (kb_dir / "config.yaml").write_text("notes_dir: notes\ndate_order: dmy\ndate_order: mdy\n")
    result = run("log")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().startswith("error: ")
    assert "config.yaml:3: 'date_order' is set twice (also on line 2)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
