"""How letters write dates: US style ("December 2, 2026") by default or day first, a setting kept with the records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..db import models
from ..db.engine import Database
from ..errors import UserError

DATE_STYLE_SETTING = "letter_date_style"
DATE_STYLES = {"us": "December 2, 2026 (United States)", "day_first": "2 December 2026 (day first)"}
DEFAULT_DATE_STYLE = "us"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: dt.date | None, style: str = DEFAULT_DATE_STYLE) -> str:
    """'December 2, 2026', or '2 December 2026' in the day-first style; empty for no date."""
    if value is None:
        return ""
    month = MONTHS[value.month - 1]
    return f"{value.day} {month} {value.year}" if style == "day_first" else f"{month} {value.day}, {value.year}"


def short_date(value: dt.date | None, style: str = DEFAULT_DATE_STYLE) -> str:
    """'Dec 2, 2026' or '2 Dec 2026', for tables; a dash for no date."""
    if value is None:
        return "–"
    month = MONTHS[value.month - 1][:3]
    return f"{value.day} {month} {value.year}" if style == "day_first" else f"{month} {value.day}, {value.year}"


def date_style_in(session: Session) -> str:
    """The date style the records keep; US style when none was chosen."""
    setting = session.get(models.Setting, DATE_STYLE_SETTING)
    return setting.value if setting is not None and setting.value in DATE_STYLES else DEFAULT_DATE_STYLE


def set_date_style_in(session: Session, style: str) -> None:
    if style not in DATE_STYLES:
        choices = ", ".join(DATE_STYLES)
        raise UserError(f"{style!r} is not a date style; the styles are: {choices}.")
    setting = session.get(models.Setting, DATE_STYLE_SETTING)
    if setting is None:
        session.add(models.Setting(key=DATE_STYLE_SETTING, value=style))
    else:
        setting.value = style


def date_style(db: Database) -> str:
    """How letters write dates now: "us" or "day_first"."""
    with db.reading() as session:
        return date_style_in(session)


def set_date_style(db: Database, style: str) -> None:
    """Chooses how letters write dates: "us" (December 2, 2026) or "day_first" (2 December 2026)."""
    with db.writing() as session:
        set_date_style_in(session, style)
