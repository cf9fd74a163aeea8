"""The full check of the records: the database's own integrity check, its schema against the program's, every
stored file, the audit chain with its seals and its anchor outside the records, and every record and issued letter
against what its audit trail recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.schema_head import SCHEMA_HEAD
from ..errors import Stopped, UserError
from ..files.fixity import fixity_problems
from ..records.audit import count_events, verify_chain
from .against_audit import letter_problems, record_problems
from .schema_check import READ_KINDS, check_schema, sentences, shipped_revisions
from .seals import anchor_problems, seal_problems


@dataclass
class VerifyReport:
    """Each check's name with the problems it found (an empty list means it passed), and notes that are not
    problems: what could not be checked here, and why that is no fault."""

    checks: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.checks.values())

    def lines(self) -> list[str]:
        lines = []
        for name, problems in self.checks.items():
            if problems:
                lines.append(f"{name}: {len(problems)} problem(s)")
                lines.extend(f"  - {problem}" for problem in problems)
            else:
                detail = f" ({self.counts[name]} checked)" if name in self.counts else ""
                lines.append(f"{name}: ok{detail}")
        lines.extend(f"Note: {note}" for note in self.notes)
        lines.append("All checks passed." if self.ok else "Problems were found; see above.")
        return lines


# How many SQLite virtual-machine steps pass between two looks at ``should_stop``: a few milliseconds of work.
_STEPS_BETWEEN_LOOKS = 100_000


@contextmanager
def _stoppable(session: Session, should_stop: Callable[[], bool] | None) -> Iterator[None]:
    """Lets ``should_stop()`` turning true abort the SQLite statement running in ``session`` (a long PRAGMA check)."""
    if should_stop is None:
        yield
        return
    connection: Any = session.connection().connection.driver_connection
    connection.set_progress_handler(lambda: 1 if should_stop() else 0, _STEPS_BETWEEN_LOOKS)
    try:
        yield
    finally:
        connection.set_progress_handler(None, 0)


def integrity_problems(
    db: Database, *, quick: bool = False, should_stop: Callable[[], bool] | None = None, foreign_keys: bool = True
) -> list[str]:
    """The database engine's own check of its file (SQLite), as sentences; empty when sound.

    ``should_stop`` is looked at while the check runs; when it turns true the check ends with ``Stopped``.
    Without ``foreign_keys`` the references between tables are not checked.
    """
    if not db.is_sqlite:
        return []
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    try:
        with db.reading() as session, _stoppable(session, should_stop):
            results = [row[0] for row in session.execute(text(pragma))]
            foreign = list(session.execute(text("PRAGMA foreign_key_check"))) if foreign_keys else []
    except UserError:
        if should_stop is not None and should_stop():
            raise Stopped("The check of the records was stopped before it finished.") from None
        raise
    problems = [] if results == ["ok"] else [f"The database file is damaged: {result}" for result in results[:20]]
    problems.extend(f"Record {row[1]} in {row[0]} refers to a missing {row[2]} record." for row in foreign[:20])
    return problems


def verify_database(db: Database) -> VerifyReport:
    """Runs every check and returns what each found."""
    report = VerifyReport()
    schema, readable = schema_problems(db)
    # The foreign keys are checked only between tables as the program makes them: one pointing at a view fails.
    report.checks["Database integrity"] = integrity_problems(db, foreign_keys=readable)
    report.checks["Database schema"] = schema
    if not readable:
        report.checks["Database schema"].append(
            "The other checks were not run: they read tables that are not as the program makes them."
        )
        return report
    with db.reading() as session:
        report.checks["Stored files"], report.counts["Stored files"] = fixity_problems(session)
        anchor_issues, anchor = anchor_problems(db.url)
        report.checks["Audit trail"] = [problem.message for problem in verify_chain(session)]
        # On a shared server each clerk's computer seals with its own key, and the server's rights keep the trail
        # append-only: a seal this computer cannot check is no sign of tampering there, as it would be in a file.
        on_server = not db.is_sqlite
        report.checks["Audit trail"] += anchor_issues + seal_problems(
            session, anchor, unknown_keys_are_problems=not on_server, notes=report.notes
        )
        report.counts["Audit trail"] = count_events(session)
        report.checks["Issued letters"], report.counts["Issued letters"] = letter_problems(session)
        report.checks["Records against the audit trail"], report.counts["Records against the audit trail"] = (
            record_problems(session)
        )
    return report


def schema_problems(db: Database) -> tuple[list[str], bool]:
    """How the records' schema differs from the program's at their revision, as sentences; and whether the tables
    and columns the other checks read are as the program makes them."""
    with db.reading_rows() as connection:
        check = check_schema(connection)
    if check.revision is None and not check.differences:
        return ["The records do not record their version, so their schema cannot be checked."], False
    if check.revision is not None and check.revision not in shipped_revisions(db.engine.dialect.name):
        return [f"The records are at version {check.revision}, which this program does not know."], False
    readable = check.revision == SCHEMA_HEAD and not any(
        difference.kind in READ_KINDS and difference.how != "extra" for difference in check.differences
    )
    return sentences("The records", check.differences, plural=True), readable


def startup_check(db: Database, should_stop: Callable[[], bool] | None = None) -> list[str]:
    """The quick integrity check run at every start: problems as sentences, empty when the file is sound.

    Raises ``Stopped`` when ``should_stop()`` turned true before the check finished.
    """
    try:
        return integrity_problems(db, quick=True, should_stop=should_stop)
    except Stopped:
        raise
    except UserError as exc:
        return [exc.message]
