"""What every command shares: its context (arguments, data location, database), exit codes, output, the parser."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TextIO

from ..core.db.engine import Database
from ..core.errors import UserError
from ..core.host.paths import DataLocation
from ..core.records.fields import LARGEST_WHOLE_NUMBER

PROGRAM = "sister-city-records"


EXIT_OK = 0


EXIT_PROBLEMS = 1


EXIT_BAD_INPUT = 2


class CheckFailed(Exception):
    """A check (such as verify) found problems: exit status 1."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one plain sentence and exit status 2."""

    def error(self, message: str) -> NoReturn:
        advice = "its options" if " " in self.prog else "the commands"
        raise UserError(f"{message[0].upper()}{message[1:]}. Run '{self.prog} --help' for {advice}.")


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
    digits = text.strip()
    if not digits.isdecimal() or len(digits) > len(str(LARGEST_WHOLE_NUMBER)) or int(digits) > LARGEST_WHOLE_NUMBER:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not the number of a record")
    return int(digits)


def json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON")


CommandFunction = Callable[[Context], int]


Registrar = Callable[["argparse._SubParsersAction[Parser]"], None]
