"""Every record carries a version: each saved change raises it, and a change over a newer version is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import RecordConflict, UserError
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import export_records_file
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page, verify_chain
from desktop_app.core.records.kinds import PARTNERSHIP
from desktop_app.core.safekeeping.opening import open_database
from tests.conftest import TEST_DATABASE_URL
from tests.core.test_records import make_partnership, minimal_values


def record_events(db: Database, kind: str, record_id: int) -> list[dict[str, Any]]:
    return audit_page(db, record_kind=kind, record_id=record_id, limit=None, descending=False)


def chain_problems(db: Database) -> list[str]:
    with db.reading() as session:
        return [problem.message for problem in verify_chain(session)]


def test_every_kind_starts_at_version_1(db: Database) -> None:
    for kind, values in minimal_values(db).items():
        assert records.create(db, kind, values, "clerk")["version"] == 1, kind


def test_each_saved_change_raises_the_version_by_one_and_nothing_else_does(db: Database) -> None:
    partnership = make_partnership(db)
    number = partnership["id"]
    assert partnership["version"] == 1
    assert records.update(db, "partnership", number, {"notes": "Lanterns"}, "clerk")["version"] == 2
    # The same values again change nothing, so they save nothing.
    assert records.update(db, "partnership", number, {"notes": "Lanterns"}, "clerk")["version"] == 2
    changed = records.change_status(db, number, "suspended", changed_on="2025-01-15", reason="Council review")
    assert changed["version"] == 3
    assert records.trash(db, "partnership", number)["version"] == 4
    assert records.restore(db, "partnership", number)["version"] == 5
    assert records.get(db, "partnership", number)["version"] == 5
    assert records.current_version(db, "partnership", number) == 5
    assert records.update(db, "partnership", number, {"notes": "Kites"}, "clerk", expected_version=5)["version"] == 6


def test_a_change_over_an_older_version_is_refused_with_both_sides_and_saves_nothing(db: Database) -> None:
    number = make_partnership(db)["id"]
    read_by_both = records.current_version(db, "partnership", number)
    records.update(db, "partnership", number, {"notes": "Saved first"}, "clerk-a", expected_version=read_by_both)
    before = records.get(db, "partnership", number)
    events_before = audit_page(db, limit=None)

    with pytest.raises(RecordConflict) as refused:
        records.update(
            db,
            "partnership",
            number,
            {"notes": "Saved second", "established_on": "1990-01-02"},
            "clerk-b",
            expected_version=read_by_both,
        )

    conflict = refused.value
    assert isinstance(conflict, UserError)
    assert (conflict.kind_name, conflict.record_id) == ("partnership", number)
    assert conflict.mine == {"notes": "Saved second", "established_on": dt.date(1990, 1, 2)}
    assert conflict.theirs == before
    assert conflict.theirs["notes"] == "Saved first"
    assert conflict.theirs_version == 2 == before["version"]
    last = record_events(db, "partnership", number)[-1]
    assert last["action"] == "update"
    assert (conflict.changed_by, conflict.changed_at) == (last["actor"], last["occurred_at"])
    if not TEST_DATABASE_URL:  # a server names the account of the session whatever the caller says
        assert conflict.changed_by == "clerk-a"
    day, _, time = last["occurred_at"].partition("T")
    assert conflict.message == (
        f"Partnership {number} was changed by {last['actor']} at {day} {time[:5]} UTC while you were editing it "
        "(it is now at version 2); your change was not saved."
    )
    assert records.get(db, "partnership", number) == before
    assert audit_page(db, limit=None) == events_before
    assert chain_problems(db) == []


def test_a_conflict_names_no_one_when_the_trail_holds_nothing_of_the_record() -> None:
    conflict = RecordConflict("oversight", 7, mine={}, theirs={}, theirs_version=3, kind_label="Oversight action")
    assert conflict.message == (
        "Oversight action 7 was changed while you were editing it (it is now at version 3); your change was not saved."
    )
    assert (conflict.changed_by, conflict.changed_at) == ("", "")


def test_a_version_is_asked_of_a_record_that_exists(db: Database) -> None:
    with pytest.raises(UserError, match="no partnership with number 99"):
        records.current_version(db, "partnership", 99)
    with pytest.raises(UserError, match="no partnership with number 99"):
        records.update(db, "partnership", 99, {"notes": "x"}, "clerk", expected_version=1)


def test_two_sessions_that_read_the_same_version_both_write_and_the_second_is_refused(db: Database) -> None:
    number = make_partnership(db)["id"]
    first = Session(db.engine, expire_on_commit=False)
    second = Session(db.engine, expire_on_commit=False)
    try:
        # Each session keeps the record it read (its identity map holds it only while something refers to it).
        with first.begin():
            read_by_first = records.load(first, PARTNERSHIP, number)
        with second.begin():
            read_by_second = records.load(second, PARTNERSHIP, number)
        assert read_by_first.version == read_by_second.version == 1
        with second.begin():
            records.update_in(second, PARTNERSHIP, number, {"notes": "second"}, "clerk-b", expected_version=1)
        # The first still holds version 1 as it read it: its UPDATE ... WHERE version = 1 finds no row.
        with pytest.raises(StaleDataError), first.begin():
            records.update_in(first, PARTNERSHIP, number, {"notes": "first"}, "clerk-a", expected_version=1)
    finally:
        first.close()
        second.close()
    now = records.get(db, "partnership", number)
    assert (now["notes"], now["version"]) == ("second", 2)
    assert [e["action"] for e in record_events(db, "partnership", number)] == ["create", "update"]
    assert chain_problems(db) == []


@pytest.fixture
def saved_meanwhile(db: Database) -> Iterator[dict[str, Any]]:
    """Another clerk's change to the record, committed in its own transaction just before this one's UPDATE."""
    if not TEST_DATABASE_URL:
        pytest.skip("on SQLite a writer reads the record under the write lock: no other writer can come between")
    pending: dict[str, Any] = {}

    def before_update(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE partnership ") and pending:
            number, changes = pending.pop("number"), pending.pop("changes")
            records.update(db, "partnership", number, changes, "clerk-b")

    event.listen(db.engine, "before_cursor_execute", before_update)
    try:
        yield pending
    finally:
        event.remove(db.engine, "before_cursor_execute", before_update)


# Use cases that change a partnership, with what each tried to save.
OVERTAKEN: dict[str, tuple[Callable[[Database, int], Any], dict[str, Any]]] = {
    "update": (
        lambda db, number: records.update(db, "partnership", number, {"notes": "mine"}, "clerk-a", expected_version=1),
        {"notes": "mine"},
    ),
    "status": (
        lambda db, number: records.change_status(db, number, "dormant", changed_on="2025-01-15", reason="No contact"),
        {"status": "dormant"},
    ),
    "trash": (lambda db, number: records.trash(db, "partnership", number, "clerk-a"), {}),
}


@pytest.mark.parametrize("use_case", sorted(OVERTAKEN))
def test_a_change_saved_by_another_transaction_meanwhile_is_a_conflict(
    db: Database, saved_meanwhile: dict[str, Any], use_case: str
) -> None:
    number = make_partnership(db)["id"]
    saved_meanwhile.update(number=number, changes={"notes": "theirs"})
    change, tried = OVERTAKEN[use_case]

    with pytest.raises(RecordConflict) as refused:
        change(db, number)

    assert not saved_meanwhile, "the other clerk's change was made while this one was being written"
    conflict = refused.value
    assert conflict.mine == tried
    assert (conflict.theirs["notes"], conflict.theirs_version) == ("theirs", 2)
    assert conflict.changed_by == record_events(db, "partnership", number)[-1]["actor"]
    assert [e["action"] for e in record_events(db, "partnership", number)] == ["create", "update"]
    assert records.get(db, "partnership", number)["notes"] == "theirs"
    assert chain_problems(db) == []


def test_a_records_file_carries_no_version_and_its_records_come_in_at_version_1(db: Database, tmp_path: Path) -> None:
    number = make_partnership(db)["id"]
    records.update(db, "partnership", number, {"notes": "Lanterns"}, "clerk")
    records.update(db, "partnership", number, {"notes": "Kites"}, "clerk")
    exported = tmp_path / "records.json"
    export_records_file(db, exported)
    assert '"version"' not in exported.read_text(encoding="utf-8")

    elsewhere, _ = open_database(resolve_location(tmp_path / "elsewhere"))
    try:
        import_file(elsewhere, exported)
        imported = records.get(elsewhere, "partnership", number)
        assert (imported["notes"], imported["version"]) == ("Kites", 1)
        assert records.update(elsewhere, "partnership", number, {"notes": "Boats"}, "clerk")["version"] == 2
    finally:
        elsewhere.dispose()


def test_a_letter_saved_meanwhile_by_another_clerk_gets_a_plain_sentence(db: Database) -> None:
    if not TEST_DATABASE_URL:
        pytest.skip("on SQLite a writer reads the record under the write lock: no other writer can come between")
    from desktop_app.core.db.engine import CHANGED_MEANWHILE
    from desktop_app.core.reports import responses
    from tests.core.report_records import build_city

    build_city(db)
    draft = responses.create_draft(db)
    pending = [draft["id"]]

    def before_update(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE response ") and pending:
            responses.set_letter(db, pending.pop(), {"signatory_name": "Another Clerk"})

    event.listen(db.engine, "before_cursor_execute", before_update)
    try:
        with pytest.raises(UserError) as refused:
            responses.set_letter(db, draft["id"], {"signatory_name": "Dana Doe"})
    finally:
        event.remove(db.engine, "before_cursor_execute", before_update)
    assert refused.value.message == CHANGED_MEANWHILE
    assert responses.get_response(db, draft["id"])["signatory_name"] == "Another Clerk"
    assert chain_problems(db) == []


def test_a_letter_setting_over_an_older_version_is_refused_and_saves_nothing(db: Database) -> None:
    from desktop_app.core.reports import responses
    from tests.core.report_records import build_city

    build_city(db)
    draft = responses.create_draft(db)
    read_at = draft["version"]
    saved = responses.set_letter(db, draft["id"], {"signatory_title": "Mayor"}, "clerk-b", expected_version=read_at)
    assert (saved["signatory_title"], saved["version"]) == ("Mayor", read_at + 1)
    trail = record_events(db, "response", draft["id"])

    with pytest.raises(RecordConflict) as refused:
        responses.set_letter(db, draft["id"], {"signatory_title": "Clerk"}, "clerk-a", expected_version=read_at)

    conflict = refused.value
    assert (conflict.kind_name, conflict.record_id, conflict.theirs_version) == ("response", draft["id"], read_at + 1)
    assert conflict.mine == {"signatory_title": "Clerk"}
    assert conflict.theirs["signatory_title"] == "Mayor"
    assert conflict.changed_by == record_events(db, "response", draft["id"])[-1]["actor"] != ""
    now = responses.get_response(db, draft["id"])
    assert (now["signatory_title"], now["version"]) == ("Mayor", read_at + 1)
    assert record_events(db, "response", draft["id"]) == trail
    assert chain_problems(db) == []


def test_a_letter_setting_without_an_expected_version_saves_over_any(db: Database) -> None:
    from desktop_app.core.reports import responses
    from tests.core.report_records import build_city

    build_city(db)
    draft = responses.create_draft(db)
    responses.set_letter(db, draft["id"], {"signatory_title": "Mayor"}, "clerk-b")
    saved = responses.set_letter(db, draft["id"], {"signatory_title": "Clerk"}, "clerk-a")
    assert (saved["signatory_title"], saved["version"]) == ("Clerk", draft["version"] + 2)
