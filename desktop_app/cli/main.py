"""The command line over core: parses arguments, runs one command, prints plain sentences, sets the exit status."""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO, cast

from ..core.errors import UserError
from .base import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, PROGRAM, CheckFailed, Commands, Context, Parser, Registrar

if TYPE_CHECKING:
    import logging

    from ..core.host.paths import DataLocation


def build_parser() -> Parser:
    parser = Parser(
        prog=PROGRAM,
        description="Sister City Records: the records of a city's sister-city partnerships, their oversight, "
        "and responses to oversight inquiries. With no command it opens the window.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", metavar="DIR", help="the folder holding the records, backups and logs")
    where.add_argument(
        "--database",
        metavar="URL",
        help="a database address (sqlite:///FILE or postgresql+psycopg://...) or a SQLite file",
    )
    # Each command's parser is made only when it is run: the modules register their commands without loading
    # what the commands need (that is imported when one runs), so `version` costs little more than Python's start.
    commands = cast(
        Commands, parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser, action=Commands)
    )
    for register in _registrars():
        register(commands)
    return parser


def _registrars() -> list[Registrar]:
    from .audit_key import register as register_audit_key
    from .edit import register as register_edit
    from .files import register as register_files
    from .laws import register as register_laws
    from .preservation import register as register_preservation
    from .received import register as register_received
    from .records import register as register_records
    from .reports import register as register_reports
    from .safekeeping import register as register_backup
    from .server import register as register_server

    return [
        register_records,
        register_edit,
        register_files,
        register_reports,
        register_preservation,
        register_received,
        register_laws,
        register_backup,
        register_audit_key,
        register_server,
    ]


def run(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Runs one command; returns the exit status. Never lets a traceback reach the user."""
    out = out or sys.stdout
    err = err or sys.stderr
    context: Context | None = None
    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(list(argv) if argv is not None else None)
        except SystemExit as exc:  # --help has printed the help; errors raise UserError instead
            return EXIT_OK if not exc.code else EXIT_BAD_INPUT
        context = Context(args, out)
        if _writes_log(args):
            _start_log(context.location)
        else:
            _prepare_log(context.location)
            context.before_opening = functools.partial(_start_log, context.location)
        if not getattr(args, "handler", None):
            parser.print_help(out)
            return EXIT_OK
        return int(args.handler(context))
    except UserError as exc:
        # A refused option repeats what was typed, and a --database address there may carry its password.
        print(_hide_passwords(exc.message), file=err)
        return EXIT_BAD_INPUT
    except CheckFailed as exc:
        if str(exc):
            print(_hide_passwords(str(exc)), file=err)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("Stopped; nothing half-done was saved.", file=err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file or folder the system refused (a name too long, no room, no right to write)
        log = _log(context)
        log.warning("command %s: file system error errno %s", getattr(args, "command", None), exc.errno)
        what = f"{exc.filename}" if exc.filename else "A file or folder"
        print(f"{what} could not be used: {exc.strerror or 'the system refused it'}; nothing was changed.", file=err)
        return EXIT_BAD_INPUT
    except Exception as exc:
        import traceback

        from ..core.host.crash import describe_for_log

        log = _log(context)
        log_path = _log_path()
        # The command's name only: its arguments and the error's text may hold personal data.
        log.error(
            "unexpected error in command %s: %s\n%s",
            getattr(args, "command", None),
            describe_for_log(type(exc), exc),
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        print(
            "Something unexpected went wrong and the command stopped; nothing half-done was saved. "
            f"The details are in the log file {log_path}.",
            file=err,
        )
        return EXIT_BAD_INPUT
    finally:
        if context is not None:
            context.close()


_log_file: str | None = None


def _start_log(location: DataLocation) -> None:
    """Every command that uses the data folder logs there, so that what goes wrong unexpectedly is kept."""
    global _log_file
    from ..core.host.logs import configure_logging

    _log_file = str(configure_logging(location.logs_dir))


def _writes_log(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "writes_log", True))


def _prepare_log(location: DataLocation) -> None:
    """A command that writes nothing to the log makes its file all the same, without loading the logging machinery:
    the data folder holds the same files whatever the command."""
    global _log_file
    from ..core.host.logs import prepare_log_file

    _log_file = str(prepare_log_file(location.logs_dir))


def _log(context: Context | None) -> logging.Logger:
    """The command line's log, started now if the command did not start it (it writes nothing to the log)."""
    import logging

    if context is not None and not _writes_log(context.args):
        with contextlib.suppress(Exception):  # a data folder that cannot be used leaves the error unlogged
            _start_log(context.location)
    return logging.getLogger("desktop_app.cli")


def _hide_passwords(text: str) -> str:
    from ..core.host.paths import hide_passwords

    return hide_passwords(text)


def _log_path() -> str:
    return _log_file or "in the data folder's logs folder"


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv)
