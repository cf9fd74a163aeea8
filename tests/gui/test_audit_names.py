"""The audit trail names the record of every event, of every kind, also once it is trashed or purged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_app.core.db.engine import Database
from desktop_app.core.files import attachments
from desktop_app.core.laws.clerk_rules import add_rule, correction_of, withdraw_rule
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.records.inquiries import create_inquiry, update_inquiry
from desktop_app.core.reports import responses
from desktop_app.gui.pages.audit import AuditPage

from .conftest import wait_idle


def _records_column(page: AuditPage) -> list[str]:
    number = next(n for n, column in enumerate(page.model.columns()) if column.key == "record_kind")
    return [str(page.model.index(row, number).data()) for row in range(page.model.rowCount())]


def _more_records(db: Database, ids: dict[str, int], pdf_file: Path) -> dict[str, Any]:
    """A file attached, linked, unlinked and trashed; an inquiry and its draft; a clerk's rule; a record purged."""
    [attached] = attachments.attach_files(db, [pdf_file], "agreement", ids["agreement"], title="Signed agreement")
    attachments.link_attachment(db, attached["id"], "policy", ids["policy"])
    attachments.unlink_attachment(db, attached["id"], "policy", ids["policy"])
    attachments.trash_attachment(db, attached["id"])
    inquiry = create_inquiry(
        db,
        {"subject": "Questions from the county board", "sent_on": "2025-10-01"},
        [{"short_title": "Copies", "text": "Provide a copy of every agreement.", "topics": ["transparency"]}],
    )
    update_inquiry(db, inquiry["id"], {}, [{"text": "Provide every agreement.", "topics": ["transparency"]}])
    draft = responses.create_draft(db, inquiry["id"])
    rule = correction_of(db, "tx-gov-795")
    add_rule(db, rule)
    withdraw_rule(db, rule["id"])
    gone = records.create(db, "oversight", {"kind": "legal_review", "action_on": "2024-02-03"})
    records.trash(db, "oversight", gone["id"])
    records.purge(db, "oversight", gone["id"])
    records.trash(db, "partnership", ids["dormant_partnership"])
    return {"attachment": attached["id"], "inquiry": inquiry["id"], "response": draft["id"], "rule": rule["id"]} | {
        "purged": gone["id"]
    }


def test_every_kind_of_record_is_named_in_the_trail(qtbot: Any, open_window: Any, pdf_file: Path) -> None:
    window = open_window(filled=True)
    ids = window.ids
    made = _more_records(window.context.database(), ids, pdf_file)
    page = window.show_page("audit")
    wait_idle(qtbot, window.context)
    assert isinstance(page, AuditPage)
    names = _records_column(page)
    expected = {
        f"Springfield, IL – Hefei (partnership {ids['partnership']})",
        f"Springfield, IL – Kumamoto (partnership {ids['dormant_partnership']})",
        f"Sister city agreement (agreement {ids['agreement']})",
        f"Delegation (activity {ids['activity']})",
        f"Delegate, B-1/B-2 visitor (participant {ids['participant']})",
        f"Code of conduct for exchanges (policy {ids['policy']})",
        f"Old procedure (policy {ids['trashed_policy']})",
        f"Legal review, 2024-02-03 (oversight action {made['purged']})",
        f"Questions from the county board (inquiry {made['inquiry']})",
        f"Response to “Questions from the county board” (response {made['response']})",
        f"Signed agreement (file {made['attachment']})",
        f"Springfield, IL (jurisdiction {ids['home']})",
        "Hefei (partner community",
        "Tex. Gov't Code",
    }
    shown = "\n".join(names)
    for name in expected:
        assert name in shown, shown
    assert shown.count(f"Tex. Gov't Code ch. 795, rule {made['rule']} (state-law rule") == 2
    assert not [name for name in names if name.split(" ")[0] in ("file", "attachment", "partnership", "inquiry")]


def test_a_file_is_named_on_every_event_even_those_that_kept_no_title(
    qtbot: Any, open_window: Any, pdf_file: Path
) -> None:
    window = open_window(filled=True)
    db = window.context.database()
    made = _more_records(db, window.ids, pdf_file)
    events = audit_page(db, record_kind="attachment", record_id=made["attachment"], limit=None, named=True)
    assert [event["action"] for event in events] == ["trash", "unlink", "link", "link", "create"]
    assert {event["record_name"] for event in events} == {f"Signed agreement (file {made['attachment']})"}


def test_a_purged_record_keeps_its_name_on_its_other_events(db: Database) -> None:
    partner = records.create(db, "partner", {"name": "Xi'an", "country_name": "China"})
    home = records.create(db, "jurisdiction", {"name": "Kansas City", "state": "MO"})
    partnership = records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})
    records.change_status(db, partnership["id"], "dormant", changed_on="2020-01-02", reason="No activity")
    records.trash(db, "partnership", partnership["id"])
    records.purge(db, "partnership", partnership["id"])
    events = audit_page(db, record_kind="partnership", limit=None, named=True)
    assert [event["action"] for event in events] == ["purge", "trash", "status_change", "create"]
    assert {event["record_name"] for event in events} == {f"Kansas City, MO – Xi'an (partnership {partnership['id']})"}
    assert "before" not in events[0]
