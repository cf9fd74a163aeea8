"""Use cases of every record kind: create, read, update, trash, restore, purge, validation, status history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError, ValidationError
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.records.inquiries import create_inquiry, get_inquiry, list_inquiries, update_inquiry
from desktop_app.core.records.kinds import kind_named
from desktop_app.core.records.parties import home_jurisdiction, set_home_jurisdiction, split_city


def make_partnership(db: Database, partner: str = "Hefei", native: str = "合肥") -> dict[str, Any]:
    home = set_home_jurisdiction(db, "Columbus", "OH")
    partner_record = records.create(
        db,
        "partner",
        {"name": partner, "native_name": native, "region": "Anhui", "country_name": "China", "country_code": "CN"},
    )
    return records.create(
        db,
        "partnership",
        {
            "jurisdiction_id": home["id"],
            "partner_id": partner_record["id"],
            "status": "active",
            "established_on": "1988-06-01",
        },
    )


def minimal_values(db: Database) -> dict[str, dict[str, Any]]:
    partnership = make_partnership(db)
    activity = records.create(
        db,
        "activity",
        {
            "partnership_id": partnership["id"],
            "kind": "inbound_delegation",
            "starts_on": "2019-05-01",
            "ends_on": "2019-05-04",
        },
    )
    return {
        "jurisdiction": {"name": "Dayton", "state": "OH"},
        "partner": {"name": "Nanjing", "country_name": "China"},
        "agreement": {"partnership_id": partnership["id"], "title": "Sister City Agreement", "signed_on": "1988-06-01"},
        "activity": {"partnership_id": partnership["id"], "kind": "cultural_event", "starts_on": "2020-01-01"},
        "participant": {"activity_id": activity["id"], "visa_category": "J-1 exchange visitor", "role": "student"},
        "policy": {"kind": "code_of_conduct", "title": "Code of conduct for delegations", "topics": "espionage"},
        "oversight": {"kind": "risk_assessment", "action_on": "2024-03-01", "partnership_id": partnership["id"]},
        "inquiry": {"subject": "Council member's questions"},
        "response": {"inquiry_id": list_inquiries(db)[0]["id"]},
    }


def test_every_kind_can_be_created_read_updated_trashed_restored_and_purged(db: Database) -> None:
    for kind_name, values in minimal_values(db).items():
        created = records.create(db, kind_name, values)
        assert records.get(db, kind_name, created["id"])["id"] == created["id"]
        text_field = next(
            f.name
            for f in kind_named(kind_name).fields
            if f.type in ("text", "longtext") and not f.personal and f.name != "state"
        )
        updated = records.update(db, kind_name, created["id"], {text_field: "changed"})
        assert updated[text_field] == "changed"
        records.trash(db, kind_name, created["id"])
        listed = [r["id"] for r in records.list_records(db, kind_name)]
        assert created["id"] not in listed
        trashed = [r["id"] for r in records.list_records(db, kind_name, records.ListQuery(in_trash=True))]
        assert created["id"] in trashed
        records.restore(db, kind_name, created["id"])
        assert created["id"] in [r["id"] for r in records.list_records(db, kind_name)]
        records.trash(db, kind_name, created["id"])
        records.purge(db, kind_name, created["id"])
        with pytest.raises(UserError):
            records.get(db, kind_name, created["id"])
    with db.reading() as session:
        assert verify_chain(session) == []


def test_required_fields_and_bad_values_give_sentences(db: Database) -> None:
    with pytest.raises(ValidationError) as error:
        records.create(db, "agreement", {"title": ""})
    assert "Partnership is required." in error.value.problems.values()
    with pytest.raises(ValidationError) as error:
        records.create(db, "oversight", {"kind": "audit", "action_on": "10.08.2020"})
    assert "YYYY-MM-DD" in error.value.message
    with pytest.raises(ValidationError) as error:
        records.create(db, "policy", {"kind": "decree", "title": "x"})
    assert "Kind must be one of" in error.value.message
    with pytest.raises(UserError, match="no field"):
        records.create(db, "policy", {"kind": "training", "title": "x", "colour": "red"})
    with pytest.raises(UserError, match="no record kind"):
        records.create(db, "spaceship", {})


def test_amounts_and_numbers_beyond_what_the_records_hold_are_refused(db: Database) -> None:
    activity = minimal_values(db)["activity"]
    for name, raw in (
        ("funding_city_cents", "9" * 5000),
        ("funding_city_cents", "99999999999999999.99"),
        ("participant_count", str(2**60)),
        ("partnership_id", "9" * 5000),
    ):
        with pytest.raises(ValidationError) as error:
            records.create(db, "activity", {**activity, name: raw})
        assert list(error.value.problems) == [name]
    assert records.create(db, "activity", {**activity, "funding_city_cents": "90071992547409.92"})["funding_city_cents"]


def test_dates_must_be_in_order(db: Database) -> None:
    partnership = make_partnership(db)
    with pytest.raises(ValidationError, match="cannot be before"):
        records.create(
            db,
            "activity",
            {
                "partnership_id": partnership["id"],
                "kind": "trade_mission",
                "starts_on": "2020-05-02",
                "ends_on": "2020-05-01",
            },
        )
    with pytest.raises(ValidationError, match="cannot be before"):
        records.create(db, "oversight", {"kind": "annual_review", "action_on": "2024-01-02", "due_on": "2023-12-01"})


def test_reference_to_missing_or_trashed_record_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="no partnership with number 999"):
        records.create(db, "agreement", {"partnership_id": 999, "title": "x"})
    partnership = make_partnership(db)
    records.trash(db, "partnership", partnership["id"])
    with pytest.raises(ValidationError, match="in the trash"):
        records.create(db, "agreement", {"partnership_id": partnership["id"], "title": "x"})


def test_status_change_is_recorded_with_date_and_reason(db: Database) -> None:
    partnership = make_partnership(db)
    with pytest.raises(UserError, match="status change"):
        records.update(db, "partnership", partnership["id"], {"status": "terminated"})
    with pytest.raises(ValidationError) as error:
        records.change_status(db, partnership["id"], "terminated", changed_on=None, reason="")
    assert set(error.value.problems) == {"changed_on", "reason"}
    records.change_status(
        db,
        partnership["id"],
        "terminated",
        changed_on="2025-09-30",
        reason="Required by state law",
        legal_basis="Tex. Gov't Code ch. 795",
    )
    history = records.status_history(db, partnership["id"])
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "active"), ("active", "terminated")]
    assert history[-1]["changed_on"] == dt.date(2025, 9, 30)
    assert history[-1]["legal_basis"] == "Tex. Gov't Code ch. 795"
    assert records.get(db, "partnership", partnership["id"])["status"] == "terminated"


def test_duplicate_partnership_is_refused(db: Database) -> None:
    partnership = make_partnership(db)
    with pytest.raises(UserError, match="already recorded"):
        records.create(
            db,
            "partnership",
            {"jurisdiction_id": partnership["jurisdiction_id"], "partner_id": partnership["partner_id"]},
        )


def test_purge_needs_the_trash_first_and_refuses_while_referenced(db: Database) -> None:
    partnership = make_partnership(db)
    records.create(db, "agreement", {"partnership_id": partnership["id"], "title": "Agreement"})
    with pytest.raises(UserError, match="not in the trash"):
        records.purge(db, "partnership", partnership["id"])
    records.trash(db, "partnership", partnership["id"])
    with pytest.raises(UserError, match="other records refer to it"):
        records.purge(db, "partnership", partnership["id"])
    assert records.get(db, "partnership", partnership["id"])["deleted_at"]


def test_personal_data_is_left_out_unless_asked(db: Database) -> None:
    values = minimal_values(db)["participant"]
    participant = records.create(db, "participant", {**values, "name": "Wang Planted"})
    assert records.get(db, "participant", participant["id"])["name"] == "Wang Planted"
    assert "name" not in records.get(db, "participant", participant["id"], include_personal=False)
    listed = records.list_records(db, "participants", records.ListQuery(include_personal=False))
    assert all("name" not in row for row in listed)
    with db.reading() as session:
        from sqlalchemy import select

        from desktop_app.core.db.models import AuditEvent

        trail = " ".join(e.after_json + e.before_json for e in session.scalars(select(AuditEvent)))
    assert "Wang Planted" not in trail


def test_home_jurisdiction_is_unique(db: Database) -> None:
    set_home_jurisdiction(db, "Columbus", "OH")
    set_home_jurisdiction(db, "Dayton", "OH", {"signatory_name": "A. Mayor"})
    home = home_jurisdiction(db)
    assert home is not None and home["name"] == "Dayton" and home["signatory_name"] == "A. Mayor"
    homes = records.list_records(db, "jurisdictions", records.ListQuery(filters={"is_home": True}))
    assert [h["name"] for h in homes] == ["Dayton"]


@pytest.mark.parametrize(
    ("written", "split"),
    [
        ("Kansas City, MO", ("Kansas City", "MO")),
        (" kansas city , mo ", ("kansas city", "MO")),
        ("A, B, tx", ("A, B", "TX")),
    ],
)
def test_a_city_is_split_from_its_state(written: str, split: tuple[str, str]) -> None:
    assert split_city(written) == split


@pytest.mark.parametrize("written", ["Kansas City", "Kansas City, Missouri", ", MO", "Kansas City, M0", "Dayton,"])
def test_a_city_without_its_states_two_letters_is_refused(written: str) -> None:
    with pytest.raises(UserError, match="two letters"):
        split_city(written)


def test_new_database_holds_the_2020_letter_with_its_four_questions(db: Database) -> None:
    inquiries = list_inquiries(db)
    assert len(inquiries) == 1
    letter = inquiries[0]
    assert letter["sent_on"] == dt.date(2020, 10, 8)
    topics = [q["topics"].split() for q in letter["questions"]]
    assert topics == [["transparency"], ["free_expression"], ["economic_coercion", "espionage"], ["visa_programs"]]
    assert "visa programs" in letter["questions"][3]["text"]


def test_other_inquiries_with_their_own_questions(db: Database) -> None:
    inquiry = create_inquiry(
        db,
        {"subject": "Public-records request 2026-14", "from_whom": "A resident"},
        [
            {"text": "Provide all agreements.", "topics": ["transparency"]},
            {"text": "List gifts received.", "topics": "economic_coercion"},
        ],
    )
    stored = get_inquiry(db, inquiry["id"])
    assert [q["position"] for q in stored["questions"]] == [1, 2]
    with pytest.raises(ValidationError):
        create_inquiry(db, {"subject": "No questions"}, [])
    records.trash(db, "inquiry", inquiry["id"])
    with pytest.raises(UserError, match="in the trash"):
        update_inquiry(db, inquiry["id"], {}, [{"text": "Provide all agreements."}])
    assert len(get_inquiry(db, inquiry["id"])["questions"]) == 2


def test_list_filters_sorts_and_pages_in_the_database(db: Database) -> None:
    make_partnership(db)
    for day in range(1, 11):
        records.create(
            db,
            "oversight",
            {"kind": "annual_review" if day % 2 else "audit", "action_on": f"2024-01-{day:02d}", "topics": "espionage"},
        )
    page = records.list_records(db, "oversight", records.ListQuery(order_by="action_on", descending=True, limit=3))
    assert [r["action_on"].day for r in page] == [10, 9, 8]
    audits = records.list_records(db, "oversight", records.ListQuery(filters={"kind": "audit"}))
    assert len(audits) == 5
    assert records.count_records(db, "oversight", records.ListQuery(filters={"topics": "espionage"})) == 10
    window = records.list_records(
        db,
        "oversight",
        records.ListQuery(date_field="action_on", date_from=dt.date(2024, 1, 3), date_to=dt.date(2024, 1, 5)),
    )
    assert len(window) == 3
