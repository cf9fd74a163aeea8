"""The File menu's safekeeping commands: back up now, restore a backup, check the records; and the start check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.safekeeping.backup import backups_folder, latest_good_backup
from .dialogs import messages

if TYPE_CHECKING:
    from ..core.db.engine import Database
    from .context import AppContext


class RecordsWindow(Protocol):
    """The window's part in a restore: it holds the records back from the clerk, then opens them again."""

    def setEnabled_for_records(self, enabled: bool) -> None: ...

    def stop_following_changes(self) -> None: ...

    def open_records(self) -> None: ...


BACKUP_FILTER = "Sister City Records backups (*.sqlite3);;All files (*)"


def check_at_start(parent: QWidget, context: AppContext) -> None:
    """Runs the quick integrity check on the worker; a damaged file gets a plain dialog naming the latest good copy."""
    location = context.location
    if location.sqlite_path is None:
        return

    def checked(problems: list[str]) -> None:
        if not problems:
            return
        good = latest_good_backup(location)
        advice = (
            f"The latest good backup is {good.path} (made {good.created_at[:16].replace('T', ' ')} UTC). "
            "Choose File > Restore a backup… to put it back."
            if good is not None
            else "No good backup was found; copy the data folder somewhere safe before changing anything."
        )
        messages.warn(parent, "The records failed their check", " ".join(problems[:3]) + "\n\n" + advice)

    context.ops.check_at_start(on_done=checked)


def backup_if_due(context: AppContext, say: Callable[[str], None]) -> None:
    """Makes the daily backup copy on the worker when it is due, and says so through ``say`` (the status line)."""
    if context.location.sqlite_path is None:
        return

    def made(info: Any) -> None:
        if info is not None:
            say(f"The records are open; today's backup copy is {info.path}.")

    context.ops.back_up_if_due(on_done=made)


def back_up_now(parent: QWidget, context: AppContext) -> None:
    """Asks where to write a copy (the backups folder is offered) and writes it on the worker."""
    suggested = str(backups_folder(context.location) / "records-backup.sqlite3")
    path, _ = QFileDialog.getSaveFileName(parent, "Back up the records", suggested, BACKUP_FILTER)
    if not path:
        return
    context.ops.back_up(
        Path(path),
        label="Writing a backup copy…",
        on_done=lambda info: messages.inform(
            parent, "Backup written", f"A checked copy of the records is in {info.path}."
        ),
    )


def restore_a_backup(parent: QWidget, context: AppContext, window: RecordsWindow) -> None:
    """Asks for a backup file, confirms, closes the records, restores on the worker and opens them again."""
    location = context.location
    if location.sqlite_path is None:
        messages.inform(
            parent,
            "Restore",
            "The window cannot restore records kept on a shared server; please ask the records' administrator, "
            "who restores a backup into a server database that holds no records.",
        )
        return
    path, _ = QFileDialog.getOpenFileName(parent, "Restore a backup", str(backups_folder(location)), BACKUP_FILTER)
    if not path or not confirm_restore(parent, Path(path)):
        return

    def restored(info: Any) -> None:
        kept = f" The records it replaced are kept as {info.safety_backup}." if info.safety_backup else ""
        messages.inform(parent, "Backup restored", f"The records were restored from {info.restored_from}.{kept}")
        window.open_records()

    def failed(error: BaseException) -> None:
        messages.show_error(parent, error, context.log_path)
        window.open_records()

    window.setEnabled_for_records(False)
    # The records file is replaced: nothing of this window may hold it open meanwhile (Windows refuses to replace an
    # open file). Opening the records again follows their changes again.
    window.stop_following_changes()
    context.ops.restore_backup(Path(path), on_done=restored, on_error=failed)


def confirm_restore(parent: QWidget, path: Path) -> bool:
    return messages.confirm(
        parent,
        "Restore a backup",
        f"Replace the records with the copy in {path.name}? The file is checked first and nothing changes if it is "
        "not a sound backup. The current records are kept as a backup copy before they are replaced.",
        "Restore",
    )


def check_the_records(parent: QWidget, context: AppContext) -> None:
    """Runs the full check (database, every stored file's fingerprint, audit trail) and shows what it found."""

    def done(report: Any) -> None:
        text = "\n".join(report.lines())
        if report.ok:
            messages.inform(parent, "The records passed every check", text)
        else:
            messages.warn(parent, "The check found problems", text)

    context.ops.query(verify_database, label="Checking every record, file and audit entry…", on_done=done)


# The checks load the file and audit layers, which the window does not need before they run.


def verify_database(db: Database) -> Any:
    from ..core.safekeeping.verify import verify_database as verify

    return verify(db)
