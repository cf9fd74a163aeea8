"""The full check of the records: the database's own integrity check, its schema against the program's, every
stored file, the audit chain with its seals and its anchor outside the records, and every record and issued letter
against what its audit trail recorded. (The quick check, which reads far less, is in quick_verify.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..errors import Stopped, UserError
from ..files.fixity import fixity_problems
from ..records.audit import count_events, verify_chain
from .against_audit import letter_problems, record_problems
from .quick_verify import MAX_DAMAGE_NAMED, damage_sentences, schema_problems_in
from .seals import anchor_problems, seal_problems
from .verify_report import VerifyReport

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
    problems = damage_sentences(results)
    problems.extend(
        f"Record {row[1]} in {row[0]} refers to a missing {row[2]} record." for row in foreign[:MAX_DAMAGE_NAMED]
    )
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
        return schema_problems_in(connection)


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
