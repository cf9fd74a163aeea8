"""The File menu's safekeeping commands: back up now, restore a backup, check the records; and the start check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from ..core.safekeeping.backup import backups_folder, latest_good_backup
from .dialogs import messages

if TYPE_CHECKING:
    from ..core.db.engine import Database
    from .main_window import MainWindow

BACKUP_FILTER = "Sister City Records backups (*.sqlite3);;All files (*)"


def check_at_start(window: MainWindow) -> None:
    """Runs the quick integrity check on the worker; a damaged file gets a plain dialog naming the latest good copy."""
    location = window.context.location
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
        messages.warn(window, "The records failed their check", " ".join(problems[:3]) + "\n\n" + advice)

    window.context.ops.check_at_start(on_done=checked)


def backup_if_due(window: MainWindow) -> None:
    """Makes the daily backup copy on the worker when it is due, and says so in the status bar."""
    location = window.context.location
    if location.sqlite_path is None:
        return

    def made(info: Any) -> None:
        if info is not None:
            window.status_label.setText(f"The records are open; today's backup copy is {info.path}.")

    window.context.ops.back_up_if_due(on_done=made)


def back_up_now(window: MainWindow) -> None:
    """Asks where to write a copy (the backups folder is offered) and writes it on the worker."""
    location = window.context.location
    suggested = str(backups_folder(location) / "records-backup.sqlite3")
    path, _ = QFileDialog.getSaveFileName(window, "Back up the records", suggested, BACKUP_FILTER)
    if not path:
        return
    window.context.ops.back_up(
        Path(path),
        label="Writing a backup copy…",
        on_done=lambda info: messages.inform(
            window, "Backup written", f"A checked copy of the records is in {info.path}."
        ),
        on_error=window.show_error,
    )


def restore_a_backup(window: MainWindow) -> None:
    """Asks for a backup file, confirms, closes the records, restores on the worker and opens them again."""
    location = window.context.location
    if location.sqlite_path is None:
        messages.inform(window, "Restore", "Records kept on a database server are restored with the server's tools.")
        return
    path, _ = QFileDialog.getOpenFileName(window, "Restore a backup", str(backups_folder(location)), BACKUP_FILTER)
    if not path or not confirm_restore(window, Path(path)):
        return

    def restored(info: Any) -> None:
        kept = f" The records it replaced are kept as {info.safety_backup}." if info.safety_backup else ""
        messages.inform(window, "Backup restored", f"The records were restored from {info.restored_from}.{kept}")
        window.open_records()

    def failed(error: BaseException) -> None:
        window.show_error(error)
        window.open_records()

    window.setEnabled_for_records(False)
    window.context.ops.restore_backup(Path(path), on_done=restored, on_error=failed)


def confirm_restore(window: MainWindow, path: Path) -> bool:
    return messages.confirm(
        window,
        "Restore a backup",
        f"Replace the records with the copy in {path.name}? The file is checked first and nothing changes if it is "
        "not a sound backup. The current records are kept as a backup copy before they are replaced.",
        "Restore",
    )


def check_the_records(window: MainWindow) -> None:
    """Runs the full check (database, every stored file's fingerprint, audit trail) and shows what it found."""

    def done(report: Any) -> None:
        text = "\n".join(report.lines())
        if report.ok:
            messages.inform(window, "The records passed every check", text)
        else:
            messages.warn(window, "The check found problems", text)

    window.context.ops.query(verify_database, label="Checking every record, file and audit entry…", on_done=done)


# The checks load the file and audit layers, which the window does not need before they run.


def verify_database(db: Database) -> Any:
    from ..core.safekeeping.verify import verify_database as verify

    return verify(db)
