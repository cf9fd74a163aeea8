"""Undo and redo of edits: each command replays core's own use cases, so undoing is audited like any change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..core.db.engine import Database
from ..core.files.attachments import link_attachment, unlink_attachment
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
    """Undoing an edit writes the earlier values back (a new, audited change)."""

    def __init__(
        self,
        context: AppContext,
        kind_name: str,
        record_id: int,
        text: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        super().__init__(context, kind_name, record_id, text)
        self._before = before
        self._after = after

    def undo(self) -> None:
        self._ops.update_record(self._kind_name, self._record_id, self._before, label="Undoing the edit…")

    def redo_again(self) -> None:
        self._ops.update_record(self._kind_name, self._record_id, self._after, label="Redoing the edit…")


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
