"""A US city or county as the clerk writes it, "NAME, ST": read the same way by the window and the command line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from ..db import models
from ..db.engine import Database
from ..errors import UserError
from .parties import split_city

# How many places a sentence offers when a city is written without its state.
OFFERED = 5


def parse_place(text: str, known: Iterable[str] = ()) -> tuple[str, str]:
    """'Kansas City, MO' -> ('Kansas City', 'MO'); without its state, the sentence offers the ``known`` places
    ("NAME, ST") of that name."""
    try:
        return split_city(text)
    except UserError as error:
        offered = places_named(text, known)[:OFFERED]
        if not offered:
            raise
        raise UserError(f"{error.message} Did you mean {_either(offered)}?") from None


def places_named(text: str, known: Iterable[str]) -> list[str]:
    """The known places ("NAME, ST") whose name begins with the text (a city typed without its state), sorted;
    the places named exactly so come first."""
    wanted = _plain(text.split(",")[0])
    if not wanted:
        return []
    named = sorted({place for place in known if _plain(place.rpartition(",")[0]).startswith(wanted)})
    return sorted(named, key=lambda place: _plain(place.rpartition(",")[0]) != wanted)


def jurisdiction_places(db: Database) -> list[str]:
    """The cities and counties on record, as "NAME, ST"."""
    statement = (
        select(models.Jurisdiction.name, models.Jurisdiction.state)
        .where(models.Jurisdiction.deleted_at.is_(None), models.Jurisdiction.state != "")
        .distinct()
    )
    with db.reading() as session:
        return sorted(f"{name}, {state}" for name, state in session.execute(statement))


def _plain(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _either(places: list[str]) -> str:
    quoted = [f'"{place}"' for place in places]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
