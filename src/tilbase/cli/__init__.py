"""The ``til`` command line: Typer commands that turn arguments into library calls.

Errors are translated to messages and exit codes in exactly one place,
``TilGroup.invoke``. Heavy modules (Rich, markdown-it, Whoosh) are imported
inside the commands that need them, so ``til --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer  # noqa: TID251 - the CLI is where Typer lives
from typer.core import TyperGroup  # noqa: TID251

from tilbase.argv import command_name, completing, global_options_first
from tilbase.cli import export, ingest, notes, search, sync, tags
from tilbase.cli.common import CliState
from tilbase.errors import ExitCode, TilError

__all__ = ["app", "main"]


_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class TilGroup(TyperGroup):
    """The top-level command group: maps every ``TilError`` to a one-line message and exit 1."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        _completion_for_named_shell(ctx, args)
        return super().parse_args(ctx, global_options_first(args))

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # a narrower Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except TilError as exc:
            if _debugging(ctx):
                raise
            from tilbase.render import error

            error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _say_interrupted()
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(ExitCode.OK) from None
        except Exception as exc:
            if _debugging(ctx):
                raise
            import traceback

            from tilbase.render import error

            where = traceback.extract_tb(exc.__traceback__)[-1]
            error(
                f"unexpected {type(exc).__name__}: {exc} (at {Path(where.filename).name}:"
                f"{where.lineno})",
                "this is a bug in tilbase; run again with --debug for the traceback",
            )
            raise typer.Exit(ExitCode.USER_ERROR) from None


def _completion_for_named_shell(ctx: typer.Context, args: list[str]) -> None:
    """``--install-completion zsh`` / ``--show-completion fish``: use the shell that is named.

    Typer's options are plain flags that detect the running shell, so the
    name after them was ignored (zsh users got bash completion installed).
    Without a name, Typer's own detection still runs.
    """
    for flag in ("--install-completion", "--show-completion"):
        if flag not in args:
            continue
        position = args.index(flag)
        shell = args[position + 1] if position + 1 < len(args) else None
        if shell not in _SHELLS:
            continue
        from typer._completion_shared import (  # noqa: TID251
            get_completion_script,
            install,
        )

        prog_name = ctx.info_name or "til"
        complete_var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
        if flag == "--show-completion":
            script = get_completion_script(
                prog_name=prog_name, complete_var=complete_var, shell=shell
            )
            sys.stdout.write(script + "\n")
        else:
            installed, path = install(shell=shell, prog_name=prog_name, complete_var=complete_var)
            sys.stdout.write(
                f"{installed} completion installed in {path}\n"
                "Completion will take effect once you restart the terminal\n"
            )
        ctx.exit(0)


def _say_interrupted() -> None:
    """The one line a Ctrl-C (or SIGTERM) ends with; the work was stopped and cleaned up."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()


def _interrupt_on_sigterm() -> None:
    """Make SIGTERM stop ``til`` the way Ctrl-C does: cleanup, one line, exit 130."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGTERM, interrupt)


def _debugging(ctx: typer.Context) -> bool:
    state = ctx.find_object(CliState)
    return bool(state and state.debug)


def _silence_stdout() -> None:
    """After the reader of a pipe went away, stop Python complaining at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


#: What ``til`` alone prints: the commands people use most, and where to read more.
OVERVIEW = """\
til: capture what you learn, find it again, keep it in plain Markdown.

  til add "what I learned" -t TAG   capture a note (text, a pipe, or $EDITOR)
  til search "words"                find notes: ranked, with snippets
  til log --since "last monday"     list notes, newest first
  til show ID                       show one note (ids complete with Tab)
  til tag list                      every tag and how many notes have it

Every command: til --help.  One command, with examples: til COMMAND --help.
"""


def _new_app() -> typer.Typer:
    """The top-level Typer app, without commands."""
    return typer.Typer(
        cls=TilGroup,
        name="til",
        help=_HELP,
        invoke_without_command=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


_HELP = """tilbase: capture what you learn, find it again, keep it in plain Markdown.

\b
Examples:
  til add "git worktree checks out a second branch in another folder" -t git
  til search "worktree"
  til --config ~/til/config.yaml log -n 5
"""

app = _new_app()


def _version(value: bool) -> None:
    if value:
        from tilbase import __version__

        sys.stdout.write(f"til {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="KB config file (else $TILBASE_CONFIG, a config.yaml above, the default KB).",
            dir_okay=True,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colours (as does $NO_COLOR).")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (log, show, stats...).")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print results and errors only, no messages.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = CliState(config_path=config, debug=debug, no_pager=no_pager, quiet=quiet)
    if ctx.invoked_subcommand is not None:
        from tilbase import render

        render.set_color(False if no_color else None)  # reset: one process may run many
        render.set_quiet(quiet)
    if ctx.invoked_subcommand is None:
        sys.stdout.write(OVERVIEW)
        raise typer.Exit(0)


notes.register(app)
search.register(app)
ingest.register(app)
tags.register(app)
export.register(app)
sync.register(app)


def _name_of(info: typer.models.CommandInfo | typer.models.TyperInfo) -> str:
    """The name Typer gives a registered command or group."""
    if isinstance(info, typer.models.TyperInfo):
        if isinstance(info.name, str):
            return info.name
        instance = info.typer_instance
        return str(instance.info.name) if instance is not None else ""
    if info.name:
        return str(info.name)
    return getattr(info.callback, "__name__", "").lower().replace("_", "-")


def app_for(args: list[str]) -> typer.Typer:
    """The app to run ``args`` with: only the command they name, when they name one.

    Typer turns every command into a Click command (signatures, type hints,
    parameters) before it parses anything: 20-25 ms of each ``til`` run for 22
    commands, most never used. A command line that names a command gets an app
    holding just that command (and the global options); anything else (help,
    completion, an unknown name, which needs the full list for its message)
    gets the whole app, so what users see is the same.
    """
    name = command_name(args)
    if name is None or completing():
        return app
    commands = [info for info in app.registered_commands if _name_of(info) == name]
    groups = [info for info in app.registered_groups if _name_of(info) == name]
    if not commands and not groups:
        return app
    one = _new_app()
    one.registered_callback = app.registered_callback
    one.registered_commands = commands
    one.registered_groups = groups
    return one


def main() -> None:
    """Entry point of the ``til`` console script.

    SIGTERM is turned into ``KeyboardInterrupt``; an interrupt inside a command
    is handled by ``TilGroup.invoke``, one outside any command here.
    """
    _interrupt_on_sigterm()
    try:
        app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        _say_interrupted()
        sys.exit(ExitCode.INTERRUPTED)
