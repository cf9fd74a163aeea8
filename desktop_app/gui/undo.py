"""Undo and redo of edits: each command replays core's own use cases, so undoing is audited like any change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..core.db.engine import Database
from ..core.errors import RecordConflict
from ..core.files.attachments import link_attachment, unlink_attachment
from ..core.records.service import current_version
from .context import AppContext
from .operations import Changes
from .tasks import TaskControl


class _RecordCommand(QUndoCommand):
    """A change already made once; the stack's first redo only records it. Replays go through the operations, which
    announce what they changed like any write."""

    def __init__(self, context: AppContext, kind_name: str, record_id: int, text: str) -> None:
        super().__init__(text)
        self._ops = context.ops
        self._kind_name = kind_name
        self._record_id = record_id
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:
            self._done_once = True
            return
        self.redo_again()

    def redo_again(self) -> None:
        raise NotImplementedError


class CreateCommand(_RecordCommand):
    """Undoing a new record moves it to the trash; redoing brings it back."""

    def undo(self) -> None:
        self._ops.trash_record(self._kind_name, self._record_id, label="Undoing: moving the new record to the trash…")

    def redo_again(self) -> None:
        self._ops.restore_record(self._kind_name, self._record_id, label="Redoing: restoring the record…")


class TrashCommand(_RecordCommand):
    """Deleting moves a record to the trash; undoing restores it."""

    def undo(self) -> None:
        self._ops.restore_record(self._kind_name, self._record_id, label="Undoing: restoring from the trash…")

    def redo_again(self) -> None:
        self._ops.trash_record(self._kind_name, self._record_id, label="Redoing: moving to the trash…")


class EditCommand(_RecordCommand):
    """Undoing an edit writes the earlier values back (a new, audited change).

    Each replay saves only over the version the last save of this command left (the edit's own save, then each
    undo or redo), so that a change another clerk saved in between is never overwritten: the replay is refused
    with the conflict's sentence, and the stack steps back to where it was."""

    def __init__(
        self,
        context: AppContext,
        kind_name: str,
        record_id: int,
        text: str,
        before: dict[str, Any],
        after: dict[str, Any],
        *,
        version: int | None = None,
    ) -> None:
        super().__init__(context, kind_name, record_id, text)
        self._context = context
        self._before = before
        self._after = after
        self._version = version
        self._stepping_back = False

    def redo(self) -> None:
        if not self._done_once and self._version is None:
            # The edit's save did not say which version it left: the record's version now is the nearest to it.
            self._ops.query(
                current_version,
                self._kind_name,
                self._record_id,
                label="Reading the saved version…",
                on_done=self._remember_version,
            )
        super().redo()

    def undo(self) -> None:
        if self._stepping_back:
            self._stepping_back = False
            return
        self._save(self._before, "Undoing the edit…", undoing=True)

    def redo_again(self) -> None:
        if self._stepping_back:
            self._stepping_back = False
            return
        self._save(self._after, "Redoing the edit…", undoing=False)

    def _save(self, values: dict[str, Any], label: str, *, undoing: bool) -> None:
        self._ops.update_record(
            self._kind_name,
            self._record_id,
            values,
            expected_version=self._version,
            label=label,
            on_done=lambda record: self._remember_version(int(record["version"])),
            on_error=lambda error: self._refused(error, undoing=undoing),
        )

    def _remember_version(self, version: int) -> None:
        self._version = version

    def _refused(self, error: BaseException, *, undoing: bool) -> None:
        """Nothing was saved: the stack goes back to before the undo (or redo), the open pages read the record as
        another clerk left it, and the window shows why."""
        stack = self._context.undo_stack
        if undoing and stack.index() < stack.count() and stack.command(stack.index()) is self:
            self._stepping_back = True
            stack.redo()
        elif not undoing and stack.index() > 0 and stack.command(stack.index() - 1) is self:
            self._stepping_back = True
            stack.undo()
        if isinstance(error, RecordConflict):
            self._ops.announce_saved_elsewhere(self._kind_name, self._record_id)
        self._context.runner.unhandled_error.emit(error)


class WithholdCommand(_RecordCommand):
    """Withholding evidence from a draft's letter, putting it back, or changing the reason it gives; undoing does the
    opposite."""

    def __init__(
        self,
        context: AppContext,
        response_id: int,
        text: str,
        *,
        withhold: Sequence[str] = (),
        put_back: Sequence[str] = (),
        reason: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(context, "response", response_id, text)
        self._withhold = tuple(withhold)
        self._put_back = tuple(put_back)
        self._reason = reason  # (before, after)

    def undo(self) -> None:
        self._ops.set_withheld(
            self._record_id,
            withhold=self._put_back,
            put_back=self._withhold,
            reason=self._reason[0] if self._reason else None,
            label="Undoing: changing what the letter withholds…",
        )

    def redo_again(self) -> None:
        self._ops.set_withheld(
            self._record_id,
            withhold=self._withhold,
            put_back=self._put_back,
            reason=self._reason[1] if self._reason else None,
            label="Redoing: changing what the letter withholds…",
        )


class UnlinkFileCommand(_RecordCommand):
    """Taking a file off a record; undoing links it back with the roles it had. Each way is an audited change, and
    the file itself stays stored throughout."""

    def __init__(
        self,
        context: AppContext,
        attachment_id: int,
        text: str,
        record: tuple[str, int],
        links: Sequence[Mapping[str, Any]],
    ) -> None:
        super().__init__(context, "attachment", attachment_id, text)
        self._record = record
        self._links = [(str(link["record_kind"]), int(link["record_id"]), str(link["role"])) for link in links]

    def undo(self) -> None:
        attachment_id, links = self._record_id, self._links

        def relink(db: Database, _control: TaskControl) -> dict[str, Any]:
            linked: dict[str, Any] = {}
            for kind_name, record_id, role in links:
                linked = link_attachment(db, attachment_id, kind_name, record_id, role=role)
            return linked

        self._ops.write(relink, self._changed, label="Undoing: linking the file to the record again…")

    def redo_again(self) -> None:
        attachment_id, (kind_name, record_id) = self._record_id, self._record
        self._ops.write(
            lambda db, _control: unlink_attachment(db, attachment_id, kind_name, record_id),
            self._changed,
            label="Redoing: unlinking the file from the record…",
        )

    def _changed(self, _attachment: Any) -> Changes:
        return Changes.of("attachment", self._record_id)
