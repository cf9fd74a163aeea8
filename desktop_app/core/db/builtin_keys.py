"""Keys of the inquiries the program ships (the 2020 letter), and whether a database holds them, without the ORM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .row_source import row_source

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from .row_source import RowSource

BLACKBURN_HAWLEY_KEY = "blackburn-hawley-2020-10-08"
BUILTIN_INQUIRY_KEYS = (BLACKBURN_HAWLEY_KEY,)


def builtin_inquiries_missing(connection: Connection | RowSource) -> bool:
    """True when the database does not hold every inquiry the program ships yet."""
    rows = row_source(connection).rows("SELECT builtin_key FROM inquiry WHERE builtin_key IS NOT NULL")
    present = {str(row[0]) for row in rows}
    return not present.issuperset(BUILTIN_INQUIRY_KEYS)
