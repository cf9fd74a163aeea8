"""Every database call the window makes: reads return plain data; each write says what it changed, announced once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from .tasks import Done, Failed, TaskControl

# The core modules are imported inside the work, on the worker: the window is shown before the database layer loads.
if TYPE_CHECKING:
    from ..core.db.engine import Database
    from ..core.records.plain import Record
    from ..core.safekeeping.backup import BackupInfo
    from ..core.safekeeping.opening import OpenResult
    from ..core.safekeeping.restore_backup import RestoreInfo
    from .context import AppContext

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What one write changed: the records it touched, by kind and number, or everything (a restored backup).

    ``wording_only``: only a draft response's wording changed (its answers, its letter's text, date and signatory),
    which the home page neither counts nor follows up.
    """

    records: frozenset[tuple[str, int]] = frozenset()
    everything: bool = False
    wording_only: bool = False

    @classmethod
    def of(cls, kind_name: str, *record_ids: int) -> Changes:
        return cls(frozenset((kind_name, record_id) for record_id in record_ids))

    @classmethod
    def of_record(cls, record: Mapping[str, Any]) -> Changes:
        """The record a use case returned (its plain data names its kind)."""
        return cls.of(str(record["record_kind"]), int(record["id"]))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind_name for kind_name, _record_id in self.records)

    def touches(self, *kind_names: str) -> bool:
        """True when records of any of these kinds may have changed."""
        return self.everything or not self.kinds.isdisjoint(kind_names)


EVERYTHING = Changes(everything=True)


def _wording_changed(response: Mapping[str, Any]) -> Changes:
    return replace(Changes.of_record(response), wording_only=True)


def _attachments_changed(attachments: Sequence[Mapping[str, Any]]) -> Changes:
    return Changes.of("attachment", *(int(attachment["id"]) for attachment in attachments))


class Operations(QObject):
    """Runs the window's database calls on the one records worker; after a write, announces what it changed.

    ``changed`` carries the Changes and the view that asked for the write (None when no view said), so that a view
    which already shows its own result can let its own announcement pass. The named writes below take ``label``,
    ``on_done``, ``on_error`` and ``initiator`` as ``write`` does.
    """

    changed = Signal(object, object)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self._context = context

    # --- reading --------------------------------------------------------------------------------------------

    def query(
        self,
        read: Callable[..., Any],
        *args: Any,
        label: str,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        **kwargs: Any,
    ) -> TaskControl:
        """Runs ``read(db, *args, **kwargs)`` on the worker; ``on_done`` gets its plain data on the main thread."""
        context = self._context
        return context.runner.run(
            lambda _control: read(context.database(), *args, **kwargs), label=label, on_done=on_done, on_error=on_error
        )

    # --- writing --------------------------------------------------------------------------------------------

    def write(
        self,
        work: Callable[[Database, TaskControl], T],
        changes: Callable[[T], Changes],
        *,
        label: str,
        on_done: Callable[[T], object] | None = None,
        on_error: Failed | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        initiator: object | None = None,
    ) -> TaskControl:
        """Runs ``work(db, control)`` on the worker; when it succeeds, ``on_done(result)``, then one announcement of
        ``changes(result)``. The named writes below derive their changes from their core call; a caller of this one
        names them only when its work does more than one thing."""
        context = self._context
        return context.runner.run(
            lambda control: work(context.database(), control),
            label=label,
            on_done=self._announcing(on_done, changes, initiator),
            on_error=on_error,
            on_progress=on_progress,
        )

    def _announcing(
        self, on_done: Callable[[T], object] | None, changes: Callable[[T], Changes], initiator: object | None
    ) -> Callable[[T], None]:
        def done(result: T) -> None:
            try:
                if on_done is not None:
                    on_done(result)
            finally:
                # After the view that asked has taken its result, so that it hears the announcement in its new state.
                self.changed.emit(changes(result), initiator)

        return done

    def create_record(self, kind_name: str, values: Mapping[str, Any], **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.service import create

            return create(db, kind_name, values)

        return self.write(work, Changes.of_record, **then)

    def update_record(
        self,
        kind_name: str,
        record_id: int,
        values: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        **then: Any,
    ) -> TaskControl:
        """Saves changes to a record; with ``expected_version``, only over that version (else RecordConflict)."""

        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.service import update

            return update(db, kind_name, record_id, values, expected_version=expected_version)

        return self.write(work, Changes.of_record, **then)

    def trash_record(self, kind_name: str, record_id: int, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.service import trash

            return trash(db, kind_name, record_id)

        return self.write(work, Changes.of_record, **then)

    def restore_record(self, kind_name: str, record_id: int, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.service import restore

            return restore(db, kind_name, record_id)

        return self.write(work, Changes.of_record, **then)

    def purge_record(self, kind_name: str, record_id: int, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> None:
            from ..core.records.service import purge

            purge(db, kind_name, record_id)

        return self.write(work, lambda _nothing: Changes.of(kind_name, record_id), **then)

    def change_status(self, partnership_id: int, status: str, details: Mapping[str, Any], **then: Any) -> TaskControl:
        """Records a partnership's status change with its date, reason, legal basis and evidence (``details``)."""

        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.service import change_status

            return change_status(db, partnership_id, status, **details)

        return self.write(work, Changes.of_record, **then)

    def set_questions(self, inquiry_id: int, questions: list[dict[str, Any]], **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.records.inquiries import update_inquiry

            return update_inquiry(db, inquiry_id, {}, questions)

        return self.write(work, Changes.of_record, **then)

    def start_draft(self, inquiry_id: int, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import create_draft

            return create_draft(db, inquiry_id)

        return self.write(work, Changes.of_record, **then)

    def supersede_response(self, response_id: int, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import supersede

            return supersede(db, response_id)

        return self.write(work, Changes.of_record, **then)

    def issue_response(
        self, response_id: int, *, acknowledge_unconfirmed: bool = False, redact_names: bool = False, **then: Any
    ) -> TaskControl:
        """Issues a draft; the clerk's acknowledgment of unconfirmed partnerships and any redaction of names are
        passed on to core, which records them."""

        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import issue

            return issue(db, response_id, acknowledge_unconfirmed=acknowledge_unconfirmed, redact_names=redact_names)

        return self.write(work, Changes.of_record, **then)

    def set_answer(self, response_id: int, question_id: int, narrative: str, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import set_answer

            return set_answer(db, response_id, question_id, narrative=narrative)

        return self.write(work, _wording_changed, **then)

    def set_withheld(
        self,
        response_id: int,
        *,
        withhold: Sequence[str] = (),
        put_back: Sequence[str] = (),
        reason: str | None = None,
        **then: Any,
    ) -> TaskControl:
        """Withholds evidence from a draft's whole letter, or puts it back, and/or sets the reason the letter gives."""

        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import set_withheld

            return set_withheld(db, response_id, withhold=withhold, put_back=put_back, reason=reason)

        return self.write(work, _wording_changed, **then)

    def set_date_style(self, style: str, **then: Any) -> TaskControl:
        """How every letter writes its dates; drafts are drawn again."""

        def work(db: Database, _control: TaskControl) -> str:
            from ..core.reports.dates import set_date_style

            set_date_style(db, style)
            return style

        return self.write(work, lambda _style: Changes(wording_only=True), **then)

    def set_letter(self, response_id: int, changes: Mapping[str, Any], **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.reports.responses import set_letter

            return set_letter(db, response_id, changes)

        return self.write(work, _wording_changed, **then)

    def attach_files(self, paths: list[Path], kind_name: str, record_id: int, **then: Any) -> TaskControl:
        """Attaches the files to a record in one transaction, with progress; stopping it keeps nothing."""

        def work(db: Database, control: TaskControl) -> list[dict[str, Any]]:
            from ..core.files.attachments import attach_files

            return attach_files(
                db,
                paths,
                kind_name,
                record_id,
                progress=lambda done, total, _what: control.progress(done, total),
                cancel=lambda: control.cancelled,
            )

        return self.write(work, _attachments_changed, **then)

    def add_version(self, attachment_id: int, path: Path, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> dict[str, Any]:
            from ..core.files.attachments import add_version

            return add_version(db, attachment_id, path)

        return self.write(work, lambda attachment: _attachments_changed([attachment]), **then)

    def set_letterhead(self, path: Path, **then: Any) -> TaskControl:
        def work(db: Database, _control: TaskControl) -> Record:
            from ..core.files.attachments import set_letterhead

            return set_letterhead(db, path)

        return self.write(work, Changes.of_record, **then)

    # --- opening, copying and restoring the records ---------------------------------------------------------

    def open_records(self, *, on_done: Callable[[OpenResult], None], on_error: Failed) -> TaskControl:
        """Opens (creating or upgrading) the database on the worker; from then on it is the one every call uses."""
        context = self._context

        def work(_control: TaskControl) -> tuple[Database, OpenResult]:
            from ..core.safekeeping.opening import open_database

            return open_database(context.location, automatic_backup=False)

        def opened(result: tuple[Database, OpenResult]) -> None:
            context.db, outcome = result
            on_done(outcome)

        return context.runner.run(work, label="Opening the records…", on_done=opened, on_error=on_error)

    def announce_saved_elsewhere(self, kind_name: str, record_id: int) -> None:
        """Tells the pages a record was saved by someone else, as a refused save of this window found out."""
        self.changed.emit(Changes.of(kind_name, record_id), None)

    def announce_other_records(self) -> None:
        """Tells every page that the window now shows other records (opened already, e.g. on a shared server)."""
        self.changed.emit(EVERYTHING, None)

    def close_records(self) -> None:
        """Stops the waiting work, lets a running write finish, and closes the database."""
        context = self._context
        context.runner.shutdown()
        if context.db is not None:
            context.db.dispose()
            context.db = None

    def restore_backup(self, path: Path, *, on_done: Callable[[RestoreInfo], None], on_error: Failed) -> TaskControl:
        """Closes the records and puts the backup in their place; everything has changed, and ``on_done`` opens them.

        Runs when the records could not be opened too, which is when a backup is wanted most.
        """
        context = self._context

        def work(_control: TaskControl) -> RestoreInfo:
            from ..core.safekeeping.restore_backup import restore_backup

            if context.db is not None:
                context.db.dispose()
            return restore_backup(context.location, path)

        def restored(info: RestoreInfo) -> None:
            context.db = None
            on_done(info)

        return context.runner.run(
            work,
            label="Restoring the backup…",
            on_done=self._announcing(restored, lambda _info: EVERYTHING, None),
            on_error=on_error,
        )

    def back_up(
        self, path: Path | None, *, label: str, on_done: Callable[[BackupInfo], None], on_error: Failed | None = None
    ) -> TaskControl:
        """Writes a checked copy of the records to ``path``, or into the backups folder when it is None."""
        location = self._context.location

        def work(_control: TaskControl) -> BackupInfo:
            from ..core.safekeeping.backup import create_backup

            return create_backup(location, path)

        return self._context.runner.run(work, label=label, on_done=on_done, on_error=on_error)

    # The two below only read the records and may take long: they run beside the records worker.

    def back_up_if_due(self, *, on_done: Callable[[BackupInfo | None], None]) -> TaskControl:
        """Makes the daily backup copy when it is due; ``on_done`` gets it, or None when none was due."""
        location = self._context.location

        def work(_control: TaskControl) -> BackupInfo | None:
            from ..core.safekeeping.backup import automatic_backup_if_due

            return automatic_backup_if_due(location)

        return self._context.runner.run(
            work, label="Writing today's backup copy…", on_done=on_done, read_only_check=True
        )

    def check_at_start(self, *, on_done: Callable[[list[str]], None]) -> TaskControl:
        """The quick check of the database file; ``on_done`` gets its problems as sentences (none when sound)."""
        context = self._context

        def work(control: TaskControl) -> list[str]:
            from ..core.safekeeping.verify import startup_check

            return startup_check(context.database(), lambda: control.cancelled)

        return context.runner.run(work, label="Checking the records…", on_done=on_done, read_only_check=True)
