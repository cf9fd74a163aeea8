"""Records against their audit trail: each record as its last audit event left it, each letter as it was issued.

An edit made around the program (a raw SQL UPDATE, say) leaves the audit chain intact but the record different
from what its last event recorded; these checks find it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import models
from ..db.models import AuditEvent
from ..records.audit import canonical_json
from ..records.kinds import KINDS, RESPONSE, Kind
from ..records.plain import audit_snapshot

# Records read at a time; the events of each batch of records are read with it, through the index on
# (record_kind, record_id), so the work grows with the number of records and events, never with their product.
BATCH = 1000
# Lines named at most for records that no longer match their last event; the rest are counted in one more line.
MAX_NAMED = 100


def letter_problems(session: Session) -> tuple[list[str], int]:
    """Sentences for every issued letter whose fingerprint no longer matches the one recorded at its issue.

    The letter's stored bytes are re-hashed by the check of the stored files, which names the response a damaged
    letter belongs to; here the response's copy of the fingerprint, and the stored letter it names, are compared
    with the fingerprint the audit trail recorded when the letter was issued (the response's latest issue event).
    Returns the sentences and how many issued letters were checked.
    """
    issued: dict[int, str] = {}
    latest_issue = (
        select(AuditEvent.record_id, func.max(AuditEvent.seq).label("seq"))
        .where(AuditEvent.record_kind == RESPONSE.name, AuditEvent.action == "issue")
        .group_by(AuditEvent.record_id)
        .subquery()
    )
    for record_id, after_json in session.execute(
        select(AuditEvent.record_id, AuditEvent.after_json).join(latest_issue, AuditEvent.seq == latest_issue.c.seq)
    ):
        if record_id is not None:
            issued[record_id] = _fingerprint_in(after_json)
    with_events = set(
        session.scalars(select(AuditEvent.record_id).where(AuditEvent.record_kind == RESPONSE.name).distinct())
    )
    problems: list[str] = []
    checked = 0
    letters = (
        select(
            models.Response.id,
            models.Response.status,
            models.Response.pdf_sha256,
            models.Response.pdf_attachment_id,
            models.Attachment.sha256,
        )
        .outerjoin(models.Attachment, models.Attachment.id == models.Response.pdf_attachment_id)
        .order_by(models.Response.id)
    )
    for response_id, status, pdf_sha256, attachment_id, attachment_sha256 in session.execute(letters):
        recorded = issued.get(response_id)
        if recorded is None:
            # A response with no event at all came in with a records file, which writes one event for the whole
            # file; one the program made has its events, and it cannot have a letter without an issue event.
            if (status != "draft" or pdf_sha256) and response_id in with_events:
                problems.append(
                    f"Response {response_id} is marked {status} with a letter, but the audit trail holds no record "
                    "of its issue."
                )
            continue
        checked += 1
        if pdf_sha256 != recorded:
            problems.append(
                f"The record of response {response_id} was changed outside the program: its fingerprint no longer "
                f"matches the one recorded when it was issued ({recorded})."
            )
        elif attachment_id is not None and attachment_sha256 != recorded:
            problems.append(
                f"The stored letter of response {response_id} (attachment {attachment_id}) was changed outside the "
                f"program: it is not the letter recorded when it was issued ({recorded})."
            )
    return problems, checked


def _fingerprint_in(after_json: str) -> str:
    after = json.loads(after_json) if after_json else {}
    value = after.get("pdf_sha256") if isinstance(after, dict) else None
    return value if isinstance(value, str) else ""


def record_problems(session: Session) -> tuple[list[str], int]:
    """Sentences for every record whose content no longer matches what its last audit event recorded of it.

    Every record kind is covered: each use case that changes a record writes the record's audit snapshot in its
    event (create, update, status change, trash, restore, issue, supersede). The record's snapshot now is compared
    with the latest of them on the record's own columns present in both (not the names of a partnership's two
    sides, which their own records keep, nor a response's answers or an inquiry's questions). A record missing
    from the records is named too, unless its last event is its purge. Returns the sentences and how many records
    were compared.
    """
    problems: list[str] = []
    checked = 0
    imported = _last_records_file_import(session)
    for kind in KINDS:
        model: Any = kind.model
        for present, events in _windows(session, kind):
            found: dict[int, str] = {}
            to_compare: list[int] = []
            for record_id, (seq, action, _) in events.items():
                if seq < imported:
                    # A records file is read only into empty records, where it gives the built-in letter of 2020 the
                    # file's values without an event of that inquiry's own; whatever an event before it recorded is
                    # not what the record should now be.
                    continue
                if record_id not in present:
                    if action != "purge":
                        found[record_id] = (
                            f"{kind.label} {record_id} is missing from the records, but the audit trail never "
                            f"recorded its purge (its last audit event is number {seq}, {action})."
                        )
                # A record whose last event is its purge has had its number given again by an import after the
                # purge (an import takes the numbers after the highest in use and writes one event for all it adds).
                elif action != "purge":
                    to_compare.append(record_id)
            # Records without an event of their own came in with a table or records-file import, which writes one
            # event for the whole import: there is nothing to compare them with, so they are not read.
            if to_compare:
                for obj in session.scalars(select(model).where(model.id.in_(to_compare))):
                    checked += 1
                    seq, action, after_json = events[obj.id]
                    difference = _first_difference(kind, obj, json.loads(after_json))
                    if difference is not None:
                        name, now, recorded = difference
                        found[obj.id] = (
                            f"{kind.label} {obj.id} was changed outside the program: {name} is {_shown(now)} but its "
                            f"last audit event (number {seq}, {action}) recorded {_shown(recorded)}."
                        )
            problems.extend(found[record_id] for record_id in sorted(found))
    if len(problems) > MAX_NAMED:
        more = len(problems) - MAX_NAMED
        problems = [
            *problems[:MAX_NAMED],
            f"{more} more records do not match their audit trail; the first {MAX_NAMED} are named above.",
        ]
    return problems, checked


def _last_records_file_import(session: Session) -> int:
    """The number of the latest event of a records file read in, 0 when none was."""
    seq = session.execute(
        select(func.max(AuditEvent.seq)).where(AuditEvent.record_kind == "records_file", AuditEvent.action == "import")
    ).scalar()
    return int(seq or 0)


def _windows(session: Session, kind: Kind) -> Iterator[tuple[set[int], dict[int, tuple[int, str, str]]]]:
    """The numbers of a kind a window at a time: those of the records in it, and the last event of each number the
    audit trail knows in it (the windows together cover every number, the last one reaching past the highest).
    """
    model: Any = kind.model
    after = 0
    while True:
        ids = list(session.scalars(select(model.id).where(model.id > after).order_by(model.id).limit(BATCH)))
        up_to = ids[-1] if len(ids) == BATCH else None
        yield set(ids), _last_events(session, kind, after, up_to)
        if up_to is None:
            return
        after = up_to


def _last_events(session: Session, kind: Kind, after: int, up_to: int | None) -> dict[int, tuple[int, str, str]]:
    """For the numbers of a kind in (after, up_to], the last event that recorded the record whole, or its purge.

    An event records the record whole when its after-snapshot is the record's audit snapshot, which names the
    record's kind; events that record only part of it (an inquiry's questions, a draft's answers) do not.
    In canonical JSON a key is written exactly so, and a quote inside a text value is always escaped.
    """
    marker = f'%"record!_kind":"{kind.name.replace("_", "!_")}"%'
    window = [AuditEvent.record_kind == kind.name, AuditEvent.record_id > after]
    if up_to is not None:
        window.append(AuditEvent.record_id <= up_to)
    latest = (
        select(func.max(AuditEvent.seq).label("seq"))
        .where(*window, (AuditEvent.action == "purge") | AuditEvent.after_json.like(marker, escape="!"))
        .group_by(AuditEvent.record_id)
        .subquery()
    )
    rows = session.execute(
        select(AuditEvent.record_id, AuditEvent.seq, AuditEvent.action, AuditEvent.after_json).join(
            latest, AuditEvent.seq == latest.c.seq
        )
    )
    return {
        record_id: (seq, action, after_json) for record_id, seq, action, after_json in rows if record_id is not None
    }


def _own_columns(kind: Kind) -> frozenset[str]:
    # A response's copy of its letter's fingerprint is compared with the one recorded at issue by letter_problems.
    columns = {column.key for column in kind.model.__table__.columns}
    return frozenset(columns - {"pdf_sha256"} if kind is RESPONSE else columns)


_OWN_COLUMNS = {kind.name: _own_columns(kind) for kind in KINDS}


def _first_difference(kind: Kind, obj: Any, recorded: Any) -> tuple[str, Any, Any] | None:
    """The first of the record's own columns whose value now differs from the one recorded, with both values."""
    if not isinstance(recorded, dict):
        return None
    own = _OWN_COLUMNS[kind.name]
    for name, value in audit_snapshot(kind, obj).items():
        if name not in own or name not in recorded or value == recorded[name]:
            continue
        now = _as_recorded(value)
        if now != recorded[name]:
            return name, now, recorded[name]
    return None


def _as_recorded(value: Any) -> Any:
    """A value as the audit trail's JSON gives it back (a date as ISO text)."""
    if value is None or isinstance(value, str | int | float):
        return value
    return json.loads(canonical_json(value))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return f"\u201c{value if len(value) <= 60 else value[:59] + '…'}\u201d"
    return str(value)
