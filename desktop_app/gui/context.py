"""What every view shares: the open database, the background worker, the undo history and the log file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.errors import UserError
from ..core.host.paths import DataLocation
from .tasks import SynchronousRunner, TaskControl, TaskRunner

if TYPE_CHECKING:
    from ..core.db.engine import Database


class ChangeBus(QObject):
    """Announces that records of a kind changed, so every list and the dashboard can refresh."""

    changed = Signal(str)  # the record kind's name, or "" for anything


@dataclass
class AppContext:
    """Handed to each view so it needs nothing global."""

    location: DataLocation
    runner: TaskRunner | SynchronousRunner
    log_path: Path | None = None
    db: Database | None = None
    undo_stack: QUndoStack = field(default_factory=QUndoStack)
    bus: ChangeBus = field(default_factory=ChangeBus)

    def database(self) -> Database:
        if self.db is None:
            raise UserError("The records are not open yet; please wait a moment.")
        return self.db

    def call(
        self,
        function: Callable[..., Any],
        *args: Any,
        label: str,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> TaskControl:
        """Runs ``function(db, *args, **kwargs)`` on the worker."""

        def work(_control: TaskControl) -> Any:
            return function(self.database(), *args, **kwargs)

        return self.runner.run(work, label=label, on_done=on_done, on_error=on_error)
