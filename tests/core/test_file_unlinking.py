"""Taking a wrongly attached file off a record and putting it back: audited, the file kept, verify still clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files import get_attachment, link_attachment, list_attachments, unlink_attachment
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.safekeeping.verify import verify_database
from tests import file_samples

from .test_files import attach_one, count, make_partnership


@pytest.fixture
def partnership(db: Database) -> dict[str, Any]:
    return make_partnership(db)


@pytest.fixture
def attached(db: Database, partnership: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return attach_one(db, file_samples.text_pdf(tmp_path / "minutes.pdf", ["Council minutes, March"]), partnership)


def _last_event(db: Database) -> dict[str, Any]:
    [event] = audit_page(db, limit=1, with_changes=True)
    return event


def test_unlinking_keeps_the_file_and_says_which_links_went(
    db: Database, partnership: dict[str, Any], attached: dict[str, Any]
) -> None:
    unlinked = unlink_attachment(db, attached["id"], "partnership", partnership["id"], actor="a clerk")
    link = {"record_kind": "partnership", "record_id": partnership["id"], "role": "document"}
    assert unlinked["unlinked"] == [link]
    assert unlinked["links"] == []
    assert list_attachments(db, "partnership", partnership["id"]) == []
    assert get_attachment(db, attached["id"])["sha256"] == attached["sha256"]
    assert count(db, models.Blob) == 1
    event = _last_event(db)
    # On a server the audit trail names the session's account, whatever the caller says.
    actor = "a clerk" if db.is_sqlite else make_url(db.url).username
    assert (event["action"], event["actor"], event["record_id"]) == ("unlink", actor, attached["id"])
    assert event["before"] == link


def test_relinking_puts_the_link_back_audited_and_verify_stays_clean(
    db: Database, partnership: dict[str, Any], attached: dict[str, Any]
) -> None:
    assert verify_database(db).ok
    unlinked = unlink_attachment(db, attached["id"], "partnership", partnership["id"])
    report = verify_database(db)
    assert report.ok, report.lines()
    [link] = unlinked["unlinked"]
    relinked = link_attachment(db, attached["id"], link["record_kind"], link["record_id"], role=link["role"])
    assert relinked["links"] == [link]
    assert [a["id"] for a in list_attachments(db, "partnership", partnership["id"])] == [attached["id"]]
    event = _last_event(db)
    assert (event["action"], event["record_id"], event["after"]) == ("link", attached["id"], link)
    report = verify_database(db)
    assert report.ok, report.lines()


def test_relinking_a_link_still_there_adds_no_event(
    db: Database, partnership: dict[str, Any], attached: dict[str, Any]
) -> None:
    before = _last_event(db)["seq"]
    link_attachment(db, attached["id"], "partnership", partnership["id"])
    assert _last_event(db)["seq"] == before


def test_unlinking_keeps_links_of_another_role(db: Database, attached: dict[str, Any]) -> None:
    policy = records.create(db, "policy", {"kind": "code_of_conduct", "title": "Code of conduct"})
    link_attachment(db, attached["id"], "policy", policy["id"], role="evidence")
    unlinked = unlink_attachment(db, attached["id"], "policies", policy["id"])
    assert unlinked["unlinked"] == [{"record_kind": "policy", "record_id": policy["id"], "role": "evidence"}]
    assert [link["record_kind"] for link in unlinked["links"]] == ["partnership"]


@pytest.mark.parametrize(
    ("attachment", "kind", "record", "message"),
    [
        (None, "partnership", None, "is not linked to partnership .*, so there is nothing to unlink"),
        (None, "oversight", 1, "is not linked to oversight action 1, so there is nothing to unlink"),
        (999, "partnership", None, "There is no attachment with number 999"),
        (None, "planet", 1, "There is no record kind called 'planet'"),
    ],
)
def test_unlinking_a_link_that_does_not_exist_says_so(
    db: Database,
    partnership: dict[str, Any],
    attached: dict[str, Any],
    attachment: int | None,
    kind: str,
    record: int | None,
    message: str,
) -> None:
    unlink_attachment(db, attached["id"], "partnership", partnership["id"])  # the link is gone already
    seq = _last_event(db)["seq"]
    with pytest.raises(UserError, match=message):
        unlink_attachment(db, attachment or attached["id"], kind, record or partnership["id"])
    assert _last_event(db)["seq"] == seq


def test_linking_to_a_record_that_does_not_exist_says_so(db: Database, attached: dict[str, Any]) -> None:
    with pytest.raises(UserError, match="There is no partnership with number 42"):
        link_attachment(db, attached["id"], "partnership", 42)
