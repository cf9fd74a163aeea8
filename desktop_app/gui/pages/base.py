"""What the main window asks of every page, and the answers of a page that edits no records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Page(Protocol):
    """The only way the main window speaks to the page it shows, whatever the page holds."""

    def activate(self) -> None:
        """The page is shown and the records are open: it reads what it shows, the first time."""

    def edits_records(self) -> bool:
        """True when New, Save and Move to trash act on this page."""

    def record_chosen(self) -> tuple[bool, bool]:
        """Whether Save has something to save (a record shown, or a new one begun), and Move to trash something to
        move (a record shown)."""

    def follow_choice(self, changed: Callable[[], None]) -> None:
        """Calls ``changed()`` whenever what ``record_chosen`` answers may have changed."""

    def may_discard_changes(self) -> bool:
        """True when leaving loses nothing unsaved, or the clerk agrees to lose it."""

    def open_record(self, record_id: int) -> None:
        """Shows one record."""

    def new_record(self, defaults: dict[str, Any]) -> None:
        """Starts a new record with these values filled in."""

    def save_current(self) -> None:
        """Saves the record shown."""

    def trash_current(self) -> None:
        """Moves the record shown to the trash."""


class RecordlessPage:
    """A Page's answers for a page that edits no records; mixed in after its Qt class."""

    def activate(self) -> None:
        """Nothing to read: such a page shows what it has, or reads it when asked."""

    def edits_records(self) -> bool:
        return False

    def record_chosen(self) -> tuple[bool, bool]:
        return False, False

    def follow_choice(self, changed: Callable[[], None]) -> None:
        """Nothing is ever chosen here."""

    def may_discard_changes(self) -> bool:
        return True

    def open_record(self, record_id: int) -> None:
        """Being shown is all: such a page has no record to pick."""

    def new_record(self, defaults: dict[str, Any]) -> None:
        """Nothing to start: New is not offered here."""

    def save_current(self) -> None:
        """Nothing to save: Save is not offered here."""

    def trash_current(self) -> None:
        """Nothing to move: Move to trash is not offered here."""
