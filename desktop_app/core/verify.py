"""The full check of the records: the database's own integrity check, every stored file, and the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from .db.engine import Database
from .files.fixity import fixity_problems
from .records.audit import count_events, verify_chain


@dataclass
class VerifyReport:
    """Each check's name with the problems it found (an empty list means it passed)."""

    checks: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

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
        lines.append("All checks passed." if self.ok else "Problems were found; see above.")
        return lines


def integrity_problems(db: Database, *, quick: bool = False) -> list[str]:
    """The database engine's own check of its file (SQLite), as sentences; empty when sound."""
    if not db.is_sqlite:
        return []
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    with db.reading() as session:
        results = [row[0] for row in session.execute(text(pragma))]
        foreign = list(session.execute(text("PRAGMA foreign_key_check")))
    problems = [] if results == ["ok"] else [f"The database file is damaged: {result}" for result in results[:20]]
    problems.extend(f"Record {row[1]} in {row[0]} refers to a missing {row[2]} record." for row in foreign[:20])
    return problems


def verify_database(db: Database) -> VerifyReport:
    """Runs every check and returns what each found."""
    report = VerifyReport()
    report.checks["Database integrity"] = integrity_problems(db)
    with db.reading() as session:
        report.checks["Stored files"], report.counts["Stored files"] = fixity_problems(session)
        report.checks["Audit trail"] = [problem.message for problem in verify_chain(session)]
        report.counts["Audit trail"] = count_events(session)
    return report


def startup_check(db: Database) -> list[str]:
    """The quick integrity check run at every start: problems as sentences, empty when the file is sound."""
    from .errors import UserError

    try:
        return integrity_problems(db, quick=True)
    except UserError as exc:
        return [exc.message]
