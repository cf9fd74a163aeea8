"""The audit trail: append-only in the database, and any altered, deleted or reordered event is found."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain


def _disable_guards(db: Database) -> None:
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))


def _enable_guards_on_postgresql(db: Database) -> None:
    if not db.is_sqlite:
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def _make_events(db: Database) -> None:
    for number in range(3):
        records.create(db, "policy", {"kind": "procedure", "title": f"Procedure {number}"})


def test_the_database_refuses_update_and_delete_of_events(db: Database) -> None:
    _make_events(db)
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(UserError), db.writing() as session:
            session.execute(text(statement))
    with db.reading() as session:
        assert verify_chain(session) == []


def test_an_altered_event_is_found_and_named(db: Database) -> None:
    _make_events(db)
    with db.reading() as session:
        seq = session.execute(text("SELECT seq FROM audit_event WHERE after_json LIKE '%Procedure 1%'")).scalar_one()
    _disable_guards(db)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_event SET after_json = replace(after_json, 'Procedure 1', 'X') WHERE seq = :seq"),
            {"seq": seq},
        )
    _enable_guards_on_postgresql(db)
    with db.reading() as session:
        problems = verify_chain(session)
    messages = " ".join(problem.message for problem in problems)
    assert [problem.seq for problem in problems if problem.seq is not None] == [seq]
    assert f"Audit event {seq}" in messages and "altered" in messages


def test_a_deleted_event_is_found(db: Database) -> None:
    _make_events(db)
    _disable_guards(db)
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    _enable_guards_on_postgresql(db)
    with db.reading() as session:
        messages = " ".join(problem.message for problem in verify_chain(session))
    assert "missing" in messages


def test_removed_guards_are_reported(db: Database, sqlite_only: None) -> None:
    _make_events(db)
    _disable_guards(db)
    with db.reading() as session:
        messages = " ".join(problem.message for problem in verify_chain(session))
    assert "audit_event_no_update" in messages and "audit_event_no_delete" in messages


def test_every_change_writes_one_event_in_its_transaction(db: Database) -> None:
    with db.reading() as session:
        before = session.execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one()
    policy = records.create(db, "policy", {"kind": "training", "title": "Briefing"})
    records.update(db, "policy", policy["id"], {"title": "Annual briefing"})
    records.trash(db, "policy", policy["id"])
    with db.reading() as session:
        rows = (
            session.execute(text("SELECT action FROM audit_event WHERE seq > :seq ORDER BY seq"), {"seq": before})
            .scalars()
            .all()
        )
    assert rows == ["create", "update", "trash"]
