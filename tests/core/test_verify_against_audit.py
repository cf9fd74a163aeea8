"""verify holds every record and issued letter against its audit trail: an edit made around the program is found."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import export_records_file
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import append_events
from desktop_app.core.records.inquiries import create_inquiry, update_inquiry
from desktop_app.core.records.kinds import PARTNER
from desktop_app.core.records.plain import audit_snapshot
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.against_audit import record_problems
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.verify import verify_database

from .report_records import build_city
from .test_files import flip_a_byte

RECORDS = "Records against the audit trail"
LETTERS = "Issued letters"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def raw(db: Database, statement: str, **values: Any) -> None:
    """An edit made around the program, as a raw SQL statement would make it."""
    with db.writing() as session:
        session.execute(text(statement), values)


def issued_letter(db: Database) -> dict[str, Any]:
    build_city(db)
    draft = responses.create_draft(db)
    return responses.issue(db, draft["id"])


def test_every_use_case_leaves_the_records_matching_their_audit_trail(db: Database, tmp_path: Path) -> None:
    city = build_city(db, extra_partnerships=3, logo=True)
    first = city.partnership_ids[0]
    records.update(db, "partnership", first, {"notes": "Reviewed by the council", "confirmed": False})
    records.change_status(db, city.partnership_ids[1], "terminated", changed_on="2025-03-01", reason="Ended")
    records.trash(db, "policy", city.policy_ids[0])
    records.restore(db, "policy", city.policy_ids[0])
    records.trash(db, "policy", city.policy_ids[1])
    activity = records.create(
        db, "activity", {"partnership_id": first, "kind": "inbound_delegation", "starts_on": "2024-04-01"}
    )
    participant = records.create(
        db, "participant", {"activity_id": activity["id"], "name": "Someone Private", "visa_category": "j1"}
    )
    records.update(db, "participant", participant["id"], {"name": "Someone Else"})
    draft = responses.create_draft(db)
    question = draft["answers"][0]["question_id"]
    responses.set_answer(db, draft["id"], question, narrative="We publish every agreement.")
    responses.set_letter(db, draft["id"], {"signatory_title": "Clerk of Council"})
    responses.issue(db, draft["id"], acknowledge_unconfirmed=True)
    second = responses.supersede(db, draft["id"])
    responses.set_withheld(db, second["id"], withhold=[f"policy:{city.policy_ids[0]}"], reason="Being revised")
    responses.issue(db, second["id"], acknowledge_unconfirmed=True)
    inquiry = create_inquiry(db, {"subject": "State audit"}, [{"text": "Which partnerships are active?"}])
    update_inquiry(db, inquiry["id"], {"notes": "Asked by the state"}, [{"text": "Which are active now?"}])
    extra = records.create(db, "policy", {"kind": "training", "title": "Last one"})
    records.trash(db, "policy", extra["id"])
    records.purge(db, "policy", extra["id"])
    # The last partnership goes; an import then gives its number to a new partnership, with one event for all.
    last = city.partnership_ids[-1]
    records.trash(db, "partnership", last)
    records.purge(db, "partnership", last)
    table = tmp_path / "partnerships.csv"
    table.write_text("City,State,Partner City,Country\nColumbus,OH,Nanjing,China\n", encoding="utf-8")
    import_file(db, table)
    assert records.get(db, "partnership", last)["partner_name"] == "Nanjing"
    load_sample_data(db, "Kansas City, MO")

    report = verify_database(db)
    assert report.ok, report.lines()
    assert report.counts[LETTERS] == 2  # the first letter, now superseded, and the one that superseded it
    compared = report.counts[RECORDS]
    with db.reading() as session:
        own_events = session.scalar(
            select(text("count(DISTINCT record_kind || ':' || record_id)"))
            .select_from(models.AuditEvent)
            .where(models.AuditEvent.record_id.is_not(None), models.AuditEvent.record_kind != "attachment")
        )
    # Every record the program made is compared: all but the two purged ones and the one the import added.
    assert compared == own_events - 2


def test_a_raw_update_of_a_partnership_is_named_with_its_field(db: Database) -> None:
    city = build_city(db, extra_partnerships=2)
    target = city.partnership_ids[1]
    assert verify_database(db).ok
    raw(db, "UPDATE partnership SET council_resolution_number = 'R-99' WHERE id = :id", id=target)
    report = verify_database(db)
    assert not report.ok
    [problem] = report.checks[RECORDS]
    assert problem.startswith(f"Partnership {target} was changed outside the program: council_resolution_number is")
    assert "“R-99”" in problem
    assert report.checks["Audit trail"] == []


@pytest.mark.parametrize(
    ("statement", "named", "field"),
    [
        ("UPDATE partner SET name = 'Elsewhere' WHERE id = {partner}", "Partner community {partner}", "name"),
        ("UPDATE jurisdiction SET is_home = false WHERE id = {home}", "Jurisdiction {home}", "is_home"),
        ("UPDATE policy SET deleted_at = NULL WHERE id = {trashed}", "Policy {trashed}", "deleted_at"),
        ("UPDATE policy SET deleted_at = '2026-01-01' WHERE id = {policy}", "Policy {policy}", "deleted_at"),
        ("UPDATE partnership SET status = 'active' WHERE id = {first}", "Partnership {first}", "status"),
        ("UPDATE partnership SET updated_at = '2020-01-01' WHERE id = {first}", "Partnership {first}", "updated_at"),
        ("UPDATE inquiry SET subject = 'Another letter' WHERE id = {inquiry}", "Inquiry {inquiry}", "subject"),
        ("UPDATE response SET introduction = 'Changed' WHERE id = {draft}", "Response {draft}", "introduction"),
    ],
)
def test_a_raw_update_of_any_kind_is_found(db: Database, statement: str, named: str, field: str) -> None:
    city = build_city(db)
    first = city.partnership_ids[0]
    trashed = records.trash(db, "policy", city.policy_ids[1])["id"]
    partner = records.get(db, "partnership", first)["partner_id"]
    draft = responses.create_draft(db)["id"]
    responses.set_answer(db, draft, responses.get_response(db, draft)["answers"][0]["question_id"], narrative="x")
    numbers = {
        "partner": partner,
        "home": city.home_id,
        "trashed": trashed,
        "policy": city.policy_ids[0],
        "first": first,
        "inquiry": 1,
        "draft": draft,
    }
    assert verify_database(db).ok
    raw(db, statement.format(**numbers))
    problems = verify_database(db).checks[RECORDS]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{named.format(**numbers)} was changed outside the program: {field} is ")


def test_a_record_deleted_around_the_program_is_missing_but_a_purged_one_is_not(db: Database) -> None:
    city = build_city(db, extra_partnerships=2)
    records.trash(db, "policy", city.policy_ids[0])
    records.purge(db, "policy", city.policy_ids[0])
    assert verify_database(db).ok
    raw(db, "DELETE FROM policy WHERE id = :id", id=city.policy_ids[1])
    [problem] = verify_database(db).checks[RECORDS]
    assert problem.startswith(f"Policy {city.policy_ids[1]} is missing from the records")
    assert "never recorded its purge" in problem


def test_personal_data_stays_withheld_in_what_is_compared(db: Database) -> None:
    city = build_city(db)
    activity = records.create(
        db,
        "activity",
        {"partnership_id": city.partnership_ids[0], "kind": "inbound_delegation", "starts_on": "2024-01-01"},
    )
    person = records.create(db, "participant", {"activity_id": activity["id"], "name": "Hidden Name"})
    assert verify_database(db).ok
    raw(db, "UPDATE participant SET name = 'Another Name' WHERE id = :id", id=person["id"])
    assert verify_database(db).ok  # both are withheld alike: the audit trail never held the name
    raw(db, "UPDATE participant SET name = '', nationality = 'Elsewhere' WHERE id = :id", id=person["id"])
    [problem] = verify_database(db).checks[RECORDS]
    assert "name is (empty)" in problem and "[personal data withheld]" in problem
    assert "Hidden Name" not in problem and "Another Name" not in problem


def test_a_raw_update_of_a_letters_fingerprint_is_found_by_verify_and_the_check(db: Database) -> None:
    issued = issued_letter(db)
    fingerprint = issued["pdf_sha256"]
    report = verify_database(db)
    assert report.ok, report.lines()
    assert report.counts[LETTERS] == 1
    checked = responses.check_issued(db, issued["id"])
    assert checked["audit_sha256"] == fingerprint and checked["matches_audit"]
    assert checked["stored_intact"] and checked["regenerated_matches"]

    raw(db, "UPDATE response SET pdf_sha256 = :forged WHERE id = :id", forged="0" * 64, id=issued["id"])
    report = verify_database(db)
    [problem] = report.checks[LETTERS]
    assert problem == (
        f"The record of response {issued['id']} was changed outside the program: its fingerprint no longer matches "
        f"the one recorded when it was issued ({fingerprint})."
    )
    assert report.checks[RECORDS] == []  # named once, by the letters' check
    checked = responses.check_issued(db, issued["id"])
    assert checked["audit_sha256"] == fingerprint
    assert not checked["matches_audit"] and not checked["stored_intact"]
    assert checked["stored_sha256"] == ""  # nothing is stored under the forged fingerprint


def test_a_letter_swapped_for_another_stored_file_is_found(db: Database) -> None:
    issued = issued_letter(db)
    with db.reading() as session:
        other = session.scalars(
            select(models.Blob.sha256).where(models.Blob.sha256 != issued["pdf_sha256"]).limit(1)
        ).one()
    raw(db, "UPDATE response SET pdf_sha256 = :other WHERE id = :id", other=other, id=issued["id"])
    raw(db, "UPDATE attachment SET sha256 = :other WHERE id = :id", other=other, id=issued["pdf_attachment_id"])
    problems = verify_database(db).checks[LETTERS]
    assert problems and "response" in problems[0] and "changed outside the program" in problems[0]
    checked = responses.check_issued(db, issued["id"])
    assert not checked["matches_audit"] and checked["stored_sha256"] == other and not checked["stored_intact"]

    raw(db, "UPDATE response SET pdf_sha256 = :sha WHERE id = :id", sha=issued["pdf_sha256"], id=issued["id"])
    [problem] = verify_database(db).checks[LETTERS]
    assert problem.startswith(
        f"The stored letter of response {issued['id']} (attachment {issued['pdf_attachment_id']}) was changed "
        "outside the program"
    )


def test_a_damaged_letter_is_named_by_the_check_of_the_stored_files(db: Database) -> None:
    issued = issued_letter(db)
    flip_a_byte(db, issued["pdf_sha256"])
    report = verify_database(db)
    [problem] = report.checks["Stored files"]
    assert f"response {issued['id']}" in problem and issued["pdf_sha256"][:12] in problem
    assert report.checks[LETTERS] == []  # the fingerprints still match: only the bytes changed
    checked = responses.check_issued(db, issued["id"])
    assert checked["matches_audit"] and not checked["stored_intact"]


def test_a_response_marked_issued_without_an_issue_event(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    with pytest.raises(UserError, match="is a draft"):
        responses.check_issued(db, draft["id"])
    raw(db, "UPDATE response SET status = 'issued', pdf_sha256 = :sha WHERE id = :id", sha="1" * 64, id=draft["id"])
    report = verify_database(db)
    assert report.checks[LETTERS] == [
        f"Response {draft['id']} is marked issued with a letter, but the audit trail holds no record of its issue."
    ]
    assert report.checks[RECORDS][0].startswith(f"Response {draft['id']} was changed outside the program: status is")
    checked = responses.check_issued(db, draft["id"])
    assert checked["audit_sha256"] is None and not checked["matches_audit"]


def test_a_records_file_read_into_new_records_verifies(tmp_path: Path) -> None:
    source, _ = open_database(resolve_location(tmp_path / "one"))
    try:
        issued_letter(source)
        update_inquiry(source, 1, {"notes": "Answered in 2026"})
        export_records_file(source, tmp_path / "records.json")
    finally:
        source.dispose()
    target, _ = open_database(resolve_location(tmp_path / "two"))
    try:
        import_file(target, tmp_path / "records.json")
        report = verify_database(target)
        assert report.ok, report.lines()
        records.update(target, "inquiry", 1, {"notes": "Read in from the old computer"})
        assert verify_database(target).ok
        raw(target, "UPDATE inquiry SET reference = 'Altered' WHERE id = 1")
        [problem] = verify_database(target).checks[RECORDS]
        assert problem.startswith("Inquiry 1 was changed outside the program: reference is")
    finally:
        target.dispose()


def test_many_problems_are_named_up_to_a_limit(db: Database) -> None:
    add_partners(db, 130)
    raw(db, "UPDATE partner SET region = 'Elsewhere'")
    problems = verify_database(db).checks[RECORDS]
    assert len(problems) == 101
    assert problems[-1] == "30 more records do not match their audit trail; the first 100 are named above."


# ----- size: the check reads records and events a batch at a time -----------------------------------------


def add_partners(db: Database, count: int) -> None:
    """Partner communities with their create events, written in bulk as an import of many would be."""
    now = "2026-01-01T00:00:00+00:00"
    with db.writing() as session:
        start = int(session.scalar(select(text("coalesce(max(id), 0)")).select_from(models.Partner)) or 0) + 1
        session.execute(
            insert(models.Partner),
            [
                {
                    "id": number,
                    "name": f"Partner {number}",
                    "region": "Anhui",
                    "country_name": "China",
                    "created_at": now,
                    "updated_at": now,
                }
                for number in range(start, start + count)
            ],
        )
        partners = session.scalars(select(models.Partner).where(models.Partner.id >= start))
        append_events(
            session,
            [
                {
                    "actor": "test",
                    "action": "create",
                    "record_kind": "partner",
                    "record_id": partner.id,
                    "after": audit_snapshot(PARTNER, partner),
                }
                for partner in partners
            ],
        )


@contextmanager
def counted_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def timed_check(db: Database) -> tuple[float, int, int]:
    """The seconds the comparison of every record took (best of three), the records compared, the statements run."""
    best = float("inf")
    for _ in range(3):
        with db.reading() as session, counted_statements(db) as statements:
            started = time.perf_counter()
            problems, compared = record_problems(session)
            best = min(best, time.perf_counter() - started)
        assert problems == []
    return best, compared, len(statements)


def test_the_check_grows_in_step_with_the_records(db: Database) -> None:
    add_partners(db, 1500)
    small, compared_small, statements_small = timed_check(db)
    add_partners(db, 3000)
    large, compared_large, statements_large = timed_check(db)
    assert compared_large - compared_small == 3000
    # A batch of records and its events in a few statements: never one statement per record.
    assert statements_large < 60, statements_large
    assert statements_large - statements_small <= 12
    # Three times the records: about three times the time; a check that compared every record with every event
    # would take about nine times as long.
    assert large < small * 6, (small, large)
