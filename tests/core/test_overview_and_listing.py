"""The plain data the window shows: the home summary, pages of files and audit events, a file for a preview."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files.attachments import attach_files
from desktop_app.core.files.listing import attachment_bytes, attachments_page
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.records.parties import partner_countries, set_home_jurisdiction
from desktop_app.core.summary.compute import dashboard_summary

TODAY = dt.date(2026, 6, 1)


def _partnership(db: Database, partner: str, country: str = "China", **values: object) -> dict[str, object]:
    home = set_home_jurisdiction(db, "Springfield", "IL")
    other = records.create(db, "partner", {"name": partner, "country_name": country})
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other["id"], **values})


def test_summary_of_empty_records(db: Database) -> None:
    summary = dashboard_summary(db, TODAY)
    assert summary.partnership_status_counts == {}
    assert summary.overdue_count == summary.due_soon_count == summary.unreviewed_count == 0
    assert summary.inquiry_subject.startswith("Sister-city partnerships")
    assert [q.position for q in summary.questions] == [1, 2, 3, 4]
    assert all(q.total == 0 for q in summary.questions)


def test_summary_counts_follow_ups_reviews_and_evidence_by_topic(db: Database) -> None:
    first = _partnership(db, "Hefei")
    second = _partnership(db, "Kumamoto", "Japan", status="dormant")
    _partnership(db, "Old", status="terminated", confirmed=False)
    records.create(db, "policy", {"kind": "procedure", "title": "Visa vetting", "topics": ["visa_programs"]})
    records.create(db, "policy", {"kind": "procedure", "title": "Two", "topics": ["espionage", "transparency"]})
    records.create(
        db,
        "oversight",
        {
            "partnership_id": first["id"],
            "kind": "risk_assessment",
            "action_on": "2026-03-01",
            "status": "open",
            "due_on": "2026-05-01",
            "topics": ["economic_coercion"],
        },
    )
    records.create(
        db,
        "oversight",
        {"kind": "training", "action_on": "2026-05-01", "status": "planned", "due_on": "2026-06-15"},
    )
    records.create(
        db, "oversight", {"kind": "audit", "action_on": "2026-03-02", "status": "closed", "due_on": "2026-04-01"}
    )
    summary = dashboard_summary(db, TODAY)
    assert summary.partnership_status_counts == {"active": 1, "dormant": 1, "terminated": 1}
    assert summary.unconfirmed_partnerships == 1
    assert summary.record_counts["partnerships"] == 3 and summary.record_counts["oversight"] == 3
    assert summary.record_counts["policies"] == 2
    assert summary.overdue_count == 1 and summary.overdue[0].kind_label == "Risk assessment"
    assert "Hefei" in summary.overdue[0].partnership
    assert summary.due_soon_count == 1 and summary.due_soon[0].partnership == "Program-wide"
    # The risk assessment counts as a review of the first; the terminated one needs none.
    assert [item.partnership_id for item in summary.unreviewed] == [second["id"]]
    by_position = {q.position: q for q in summary.questions}
    assert (by_position[1].policies, by_position[3].policies, by_position[4].policies) == (1, 1, 1)
    assert by_position[3].oversight_actions == 1
    assert by_position[2].total == 0


def test_partnership_list_finds_partner_names_and_filters_by_country(db: Database) -> None:
    _partnership(db, "Hefei")
    _partnership(db, "Kumamoto", "Japan")
    found = records.list_records(db, "partnership", records.ListQuery(text="hefe"))
    assert [row["partner_name"] for row in found] == ["Hefei"]
    found = records.list_records(db, "partnership", records.ListQuery(text="springf"))
    assert len(found) == 2
    japan = records.list_records(db, "partnership", records.ListQuery(filters={"country_name": "Japan"}))
    assert [row["partner_name"] for row in japan] == ["Kumamoto"]
    assert records.count_records(db, "partnership", records.ListQuery(filters={"country_name": "Japan"})) == 1
    assert partner_countries(db) == [("", "China"), ("", "Japan")]


def test_file_pages_and_preview_bytes(db: Database, tmp_path: Path) -> None:
    partnership = _partnership(db, "Hefei")
    source = tmp_path / "agreement.pdf"
    source.write_bytes(b"%PDF-1.4\n" + b"x" * 3_000_000)
    (attachment,) = attach_files(db, [source], "partnership", int(partnership["id"]))
    assert attachment_bytes(db, attachment["id"]) == source.read_bytes()
    with pytest.raises(UserError, match="too large"):
        attachment_bytes(db, attachment["id"], size_limit=1000)
    page = attachments_page(db, text="agree")
    assert [row["id"] for row in page] == [attachment["id"]]
    assert page[0]["links"] == [{"record_kind": "partnership", "record_id": partnership["id"], "role": "document"}]
    assert attachments_page(db, text="nothing like it") == []
    assert [row["id"] for row in attachments_page(db, order_by="size", descending=True)] == [attachment["id"]]


def test_audit_page_is_newest_first_and_filters(db: Database) -> None:
    _partnership(db, "Hefei")
    events = audit_page(db, limit=3)
    assert len(events) == 3
    assert events[0]["seq"] > events[1]["seq"] > events[2]["seq"]
    oldest = audit_page(db, limit=1, descending=False)
    assert oldest[0]["seq"] == 1
    assert {row["record_kind"] for row in audit_page(db, record_kind="partner")} == {"partner"}
    assert all(row["action"] == "create" for row in audit_page(db, text="creat"))
