"""What every command shares: its context (arguments, data location, database), exit codes, output, the parser."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ..core.errors import UserError
from ..core.records.limits import LARGEST_RECORD_NUMBER, LARGEST_WHOLE_NUMBER, has_lone_surrogate

if TYPE_CHECKING:
    from ..core.db.engine import Database
    from ..core.host.paths import DataLocation

PROGRAM = "sister-city-records"


EXIT_OK = 0


EXIT_PROBLEMS = 1


EXIT_BAD_INPUT = 2


class CheckFailed(Exception):
    """A check (such as verify) found problems: exit status 1."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one plain sentence and exit status 2.

    `fill_in` adds arguments only when this parser is used or asked for its help: a command whose arguments need
    heavy imports to define (such as each record kind's fields) costs the other commands nothing.
    """

    def __init__(self, *args: Any, fill_in: Callable[[Parser], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_in = fill_in

    def _filled_in(self) -> None:
        fill_in, self._fill_in = self._fill_in, None
        if fill_in is not None:
            fill_in(self)

    def error(self, message: str) -> NoReturn:
        advice = "its options" if " " in self.prog else "the commands"
        raise UserError(f"{message[0].upper()}{message[1:]}. Run '{self.prog} --help' for {advice}.")

    def format_usage(self) -> str:
        self._filled_in()
        return super().format_usage()

    def format_help(self) -> str:
        self._filled_in()
        return super().format_help()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Also refuses text holding bytes that were not UTF-8 (Python hands them on as lone surrogates)."""
        self._filled_in()
        parsed, extras = super().parse_known_args(args, namespace)
        for action in self._actions:
            value = getattr(parsed, action.dest, None)
            items = list(value) if isinstance(value, list | tuple) else [value]
            for position, item in enumerate(items):
                # File names (Path values) are left alone: the system opens them, whatever their bytes.
                if isinstance(item, str) and has_lone_surrogate(item):
                    before = items[position - 1] if position else None
                    self.error(f"{_argument_name(action, before)} holds bytes that are not text (not valid UTF-8)")
        return parsed, extras


class Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The commands, each one's parser made only when that command is run or asked for its help.

    Making the parsers of every command and subcommand (some sixty, with their options) costs more than all the
    rest of `version`; the list of commands in --help and in a mistyped command's error needs only their names and
    help.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parsers = _ParsersMadeWhenAsked()
        self._name_parser_map = self.choices = self._parsers

    def add_command(
        self,
        name: str,
        handler: CommandFunction | None,
        arguments: Callable[[Parser], None] | None = None,
        *,
        writes_log: bool = True,
        **kwargs: Any,
    ) -> None:
        """A command run by handler, its arguments added by `arguments`; kwargs as for add_parser.

        A command that writes nothing to the log (such as `version`, or a read that needs nothing done to the
        records first) does not load the logging machinery: the log is started when it opens the records the
        ordinary way, or fails.
        """
        aliases = tuple(kwargs.pop("aliases", ()))
        self._choices_actions.append(self._ChoicesPseudoAction(name, aliases, kwargs.pop("help", None)))

        def made() -> Parser:
            parser = Parser(prog=f"{self._prog_prefix} {name}", fill_in=arguments, **kwargs)
            parser.set_defaults(writes_log=writes_log)
            if handler is not None:
                parser.set_defaults(handler=handler)
            return parser

        self._parsers.add_later((name, *aliases), _Later(made))


class _Later:
    """A parser made the first time it is asked for, the same one under each of a command's names."""

    def __init__(self, make: Callable[[], Parser]) -> None:
        self._make = make
        self._parser: Parser | None = None

    def parser(self) -> Parser:
        if self._parser is None:
            self._parser = self._make()
        return self._parser


class _ParsersMadeWhenAsked(dict[str, Any]):
    """Command names mapped to their parsers, each parser made the first time it is looked up."""

    def add_later(self, names: tuple[str, ...], later: _Later) -> None:
        for name in names:
            if name in self:
                raise ValueError(f"two commands are named {name!r}")
            super().__setitem__(name, later)

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if isinstance(value, _Later):
            value = value.parser()
            super().__setitem__(name, value)  # in its place: the commands stay in the order --help lists them
        return value


def _argument_name(action: argparse.Action, before: Any) -> str:
    """The option or argument a value was given to; in a list of '--FIELD VALUE' pairs, that --FIELD."""
    if isinstance(before, str) and before.startswith("--") and not has_lone_surrogate(before):
        return f"the value of {before}"
    long_options = [option for option in action.option_strings if option.startswith("--")]
    if long_options or action.option_strings:
        return f"the value of {(long_options or action.option_strings)[0]}"
    return f"the argument {action.metavar or action.dest.upper()}"


class Context:
    """What a command gets: its arguments, where the data lives (worked out when first asked), the database once
    opened."""

    def __init__(self, args: argparse.Namespace, out: TextIO | None = None) -> None:
        self.args = args
        self.out = out or sys.stdout
        self._location: DataLocation | None = None
        self._db: Database | None = None
        # Called once before the records are first opened the ordinary way (which may migrate or back them up).
        self.before_opening: Callable[[], None] | None = None

    @property
    def location(self) -> DataLocation:
        """The data folder and database the command line names (--data-dir, --database), or the default ones."""
        if self._location is None:
            from ..core.host.paths import resolve_location

            self._location = resolve_location(self.args.data_dir, self.args.database)
        return self._location

    def database(self, *, create: bool = False) -> Database:
        if self._db is None:
            from ..core.safekeeping.opening import open_database

            if self.before_opening is not None:
                self.before_opening()
                self.before_opening = None
            self._db, _ = open_database(self.location, create=create)
        return self._db

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def say_lines(self, lines: Iterable[str]) -> None:
        """Each text on a line of its own, as `say` writes one; written in one piece, since a text stream encodes
        and flushes each write on its own."""
        self.out.write("".join(f"{line}\n" for line in lines))

    def print_json(self, value: Any) -> None:
        import json

        json.dump(value, self.out, ensure_ascii=False, indent=2, default=json_default)
        self.out.write("\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


_TARGET = re.compile(r"^\s*([A-Za-z_-]+)\s*:\s*(\d+)\s*$")


def parse_target(value: str) -> tuple[str, int]:
    """'partnership:12' as ('partnership', 12); a plain sentence when it is not of that form."""
    match = _TARGET.match(value)
    if not match:
        raise UserError(f"Name the record as KIND:NUMBER, for example partnership:12 (not {value!r}).")
    try:
        return match.group(1).lower(), record_number(match.group(2))
    except argparse.ArgumentTypeError as error:
        raise UserError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None


def record_number(text: str) -> int:
    """A record's number as typed; one no record can have is refused before the database is asked."""
    number = _whole_number(text, LARGEST_RECORD_NUMBER)
    if number is None or number < 1:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not the number of a record (records are numbered 1 to {LARGEST_RECORD_NUMBER:,})"
        )
    return number


def counting_number(text: str) -> int:
    """A count or a place in a list as typed (1, 2, 3 ...), refused when no list could be that long."""
    number = _whole_number(text, LARGEST_WHOLE_NUMBER)
    if number is None or number < 1:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number from 1 to {LARGEST_WHOLE_NUMBER:,}")
    return number


def _whole_number(text: str, largest: int) -> int | None:
    digits = text.strip()
    if not digits.isascii() or not digits.isdecimal() or len(digits.lstrip("0")) > len(str(largest)):
        return None
    number = int(digits)
    return number if number <= largest else None


def json_default(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON")


CommandFunction = Callable[[Context], int]


Registrar = Callable[[Commands], None]
