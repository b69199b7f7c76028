"""The ``til`` command line: Typer commands that turn arguments into library calls.

Errors are translated to messages and exit codes in exactly one place,
``TilGroup.invoke``. Heavy modules (Rich, markdown-it, Whoosh) are imported
inside the commands that need them, so ``til --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer  # noqa: TID251 - the CLI is where Typer lives
from typer.core import TyperGroup  # noqa: TID251

from tilbase.cli import export, ingest, notes, search, sync, tags
from tilbase.cli.common import CliState
from tilbase.errors import ExitCode, TilError

__all__ = ["app", "main"]


class TilGroup(TyperGroup):
    """The top-level command group: maps every ``TilError`` to a one-line message and exit 1."""

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
            sys.stderr.write("interrupted\n")
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


app = typer.Typer(
    cls=TilGroup,
    name="til",
    help="tilbase: capture what you learn, find it again, keep it in plain Markdown.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = CliState(config_path=config, debug=debug)


notes.register(app)
search.register(app)
ingest.register(app)
tags.register(app)
export.register(app)
sync.register(app)


def main() -> None:
    """Entry point of the ``til`` console script."""
    app()
