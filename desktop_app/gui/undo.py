"""Undo and redo of edits: each command replays core's own use cases, so undoing is audited like any change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from .context import AppContext


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
