"""The largest numbers a record holds, and the text no file or database can store: checked before anything else."""

from __future__ import annotations

# The largest whole number or record number a field takes: an INTEGER column of SQLite and PostgreSQL alike.
LARGEST_WHOLE_NUMBER = 2**31 - 1
LARGEST_RECORD_NUMBER = LARGEST_WHOLE_NUMBER
# The largest amount in cents: exact in JSON and in a double, within a BIGINT column.
LARGEST_CENTS = 2**53


def has_lone_surrogate(text: str) -> bool:
    """Whether the text holds a character no file or database can store (a lone UTF-16 surrogate).

    Half of a UTF-16 pair standing alone is what undecodable bytes, or a JSON escape such as "\\udc80", leave in a
    str; it is the one character UTF-8 cannot write (and testing so needs no pattern compiled at start).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
