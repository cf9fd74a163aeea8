"""The current time and date in one place, as UTC ISO text and local dates, so tests can pin them."""

from __future__ import annotations

import datetime as dt
import getpass
import os


def utc_now_text() -> str:
    """The current UTC time as ISO text with microseconds, e.g. ``2026-11-28T22:30:00.123456Z``."""
    fixed = os.environ.get("SISTER_CITY_RECORDS_NOW")
    if fixed:
        return fixed
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def today() -> dt.date:
    """Today's local date (letters and status changes are dated in the clerk's own calendar)."""
    fixed = os.environ.get("SISTER_CITY_RECORDS_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    return dt.date.today()


def current_actor() -> str:
    """Who is acting: the operating system's user name, for the audit trail."""
    try:
        return getpass.getuser() or "unknown user"
    except Exception:  # getpass raises various errors when no user name can be found
        return "unknown user"
