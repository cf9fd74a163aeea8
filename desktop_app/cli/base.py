"""What every command shares: its context (arguments, data location, database), exit codes, output, the parser."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ..core.errors import UserError
from ..core.host.paths import DataLocation
from ..core.records.fields import LARGEST_RECORD_NUMBER, LARGEST_WHOLE_NUMBER, has_lone_surrogate

if TYPE_CHECKING:
    from ..core.db.engine import Database

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


def _argument_name(action: argparse.Action, before: Any) -> str:
    """The option or argument a value was given to; in a list of '--FIELD VALUE' pairs, that --FIELD."""
    if isinstance(before, str) and before.startswith("--") and not has_lone_surrogate(before):
        return f"the value of {before}"
    long_options = [option for option in action.option_strings if option.startswith("--")]
    if long_options or action.option_strings:
        return f"the value of {(long_options or action.option_strings)[0]}"
    return f"the argument {action.metavar or action.dest.upper()}"


@dataclass
class Context:
    """What a command gets: its arguments, where the data lives, and the database once opened."""

    args: argparse.Namespace
    location: DataLocation
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _db: Database | None = None

    def database(self, *, create: bool = False) -> Database:
        if self._db is None:
            from ..core.safekeeping.opening import open_database

            self._db, _ = open_database(self.location, create=create)
        return self._db

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def print_json(self, value: Any) -> None:
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
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON")


CommandFunction = Callable[[Context], int]


Registrar = Callable[["argparse._SubParsersAction[Parser]"], None]
