"""Where the clerk has been in the window (pages and the records shown on them), for Back and Forward."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

LIMIT = 100  # places kept each way; the oldest are forgotten first


SEARCH = "search"  # the search results, a place of their own: Back from a result found returns to them


@dataclass(frozen=True)
class Place:
    """A page of the window, and the record it showed (None: the page alone, or a record not yet saved); for the
    search results, the words searched."""

    page: str
    record_id: int | None = None
    words: str = ""


class NavigationHistory(QObject):
    """Back and Forward as in a web browser: going somewhere new remembers where the clerk was and forgets Forward.

    The window tells it each record it opens on a page (``opened``), so a page is remembered with the record last
    opened there, and Back returns to that record.
    """

    moved = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._records: dict[str, int | None] = {}

    def opened(self, place: Place) -> None:
        """The window shows ``place``: a record opened on its page, or (with no record) a new one started there."""
        self._records[place.page] = place.record_id

    def chose(self, here: Place | None, chosen: Place) -> None:
        """The clerk chose another record on the page shown (clicked its row, or opened it with Enter): a step Back
        returns from. Rows passed with the arrow keys are not steps (see RecordListPage)."""
        if here is not None and (here.page, here.record_id) != (chosen.page, None):
            self.left(here, chosen)  # else the page had nothing open: this is still the same visit
        self.opened(chosen)

    def place_on(self, page: str) -> Place:
        """A page with the record last opened there (if any)."""
        return Place(page, self._records.get(page))

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def left(self, here: Place | None, going_to: Place) -> None:
        """The clerk goes from ``here`` to ``going_to``: ``here`` becomes the place Back returns to."""
        if here is None or here == going_to:
            return
        if self._back and self._back[-1] == here:
            self._forward.clear()
        else:
            self._back.append(here)
            del self._back[:-LIMIT]
            self._forward.clear()
        self.moved.emit()

    def back(self, here: Place | None) -> Place | None:
        """The place to return to (``here`` becomes Forward's), or None when there is none."""
        return self._step(self._back, self._forward, here)

    def forward(self, here: Place | None) -> Place | None:
        """The place Back left (``here`` becomes Back's again), or None when there is none."""
        return self._step(self._forward, self._back, here)

    def _step(self, source: list[Place], target: list[Place], here: Place | None) -> Place | None:
        while source:
            place = source.pop()
            if place != here:
                if here is not None:
                    target.append(here)
                    del target[:-LIMIT]
                self.moved.emit()
                return place
        self.moved.emit()
        return None
