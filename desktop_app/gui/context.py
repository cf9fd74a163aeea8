"""What every view shares: the open database, the background worker, its operations, the undo history and the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack

from ..core.errors import UserError
from ..core.host.paths import DataLocation
from .operations import Operations
from .tasks import SynchronousRunner, TaskRunner

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..core.db.engine import Database
    from ..core.summary.first_count import Counted


@dataclass
class AppContext:
    """Handed to each view so it needs nothing global; its database calls go through ``ops``."""

    location: DataLocation
    runner: TaskRunner | SynchronousRunner
    log_path: Path | None = None
    db: Database | None = None
    # The home figures counted while the window was being built (see core.summary.first_count), when started.
    first_count: Future[Counted] | None = None
    undo_stack: QUndoStack = field(default_factory=QUndoStack)
    ops: Operations = field(init=False)

    def __post_init__(self) -> None:
        self.ops = Operations(self)

    def database(self) -> Database:
        if self.db is None:
            raise UserError("The records are not open yet; please wait a moment.")
        return self.db
