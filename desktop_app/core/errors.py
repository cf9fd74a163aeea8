"""The one error type a user can cause, carrying a sentence a clerk understands."""

from typing import Any


class UserError(Exception):
    """Bad input, a missing file, a locked database: something the user can act on.

    The message is a plain sentence shown as it is in a dialog or on stderr.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """A record failed validation; ``problems`` maps field names to sentences."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))


class Stopped(UserError):
    """Work asked to stop (by the clerk, or because the program is closing) ended early; nothing of it was kept."""

    def __init__(self, message: str = "Stopped; nothing half-done was saved.") -> None:
        super().__init__(message)


class RecordConflict(UserError):
    """A change was refused because the record was saved by someone else since the clerk read it.

    ``mine`` holds the changes the clerk tried to save (field values as parsed), ``theirs`` the record as it now
    is (plain data, with its ``version``), so the two can be shown side by side and the clerk can choose again.
    ``changed_by`` and ``changed_at`` name the actor and the UTC time (ISO text, as the audit trail keeps it) of the
    record's newest audit event; both are "" when the audit trail holds none of it. Nothing of the change was saved.
    """

    def __init__(
        self,
        kind_name: str,
        record_id: int,
        *,
        mine: dict[str, Any],
        theirs: dict[str, Any],
        theirs_version: int,
        changed_by: str = "",
        changed_at: str = "",
        kind_label: str = "",
    ) -> None:
        self.kind_name = kind_name
        self.record_id = record_id
        self.mine = dict(mine)
        self.theirs = dict(theirs)
        self.theirs_version = theirs_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        label = kind_label or kind_name.replace("_", " ").capitalize()
        super().__init__(
            f"{label} {record_id} was changed{_by_whom_and_when(changed_by, changed_at)} while you were editing it "
            f"(it is now at version {theirs_version}); your change was not saved."
        )


def _by_whom_and_when(actor: str, occurred_at: str) -> str:
    """' by jsmith at 2026-12-06 14:03 UTC' from an audit event's actor and ISO time; the parts known, or ''."""
    words = f" by {actor}" if actor else ""
    if occurred_at:
        day, _, time = occurred_at.partition("T")
        words += f" at {day} {time[:5]} UTC" if len(time) >= 5 else f" at {occurred_at}"
    return words
