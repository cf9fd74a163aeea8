"""Records against their audit trail: each record as its last audit event left it, each letter as it was issued.

An edit made around the program (a raw SQL UPDATE, say) leaves the audit chain intact but the record different
from what its last event recorded; these checks find it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import models
from ..db.models import AuditEvent
from ..records.audit import canonical_json
from ..records.kinds import JURISDICTION, KINDS, PARTNER, PARTNERSHIP, RESPONSE, Kind
from ..records.plain import PERSONAL_DATA_MARK

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
    from the records is named too, unless its last event is its purge, and so is a record with no event of its own
    that no import added; attachments are held against their own events (``attachment_problems``). Returns the
    sentences and how many records (not attachments) were compared.
    """
    problems: list[str] = []
    checked = 0
    imported = _last_records_file_import(session)
    imports = _ImportedWithoutEvents.read(session, imported)
    for kind in KINDS:
        model: Any = kind.model
        for present, events in _windows(session, kind):
            found: dict[int, str] = {}
            to_compare: list[int] = []
            for record_id in sorted(present):
                last = events.get(record_id)
                if (last is None or last[1] == "purge") and not imports.explains(kind, record_id):
                    found[record_id] = (
                        f"{kind.label} {record_id} is in the records, but the audit trail never recorded it being "
                        "added: it was added outside the program."
                    )
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
            # event for the whole import: there is nothing to compare them with, so they are not read (those no
            # import explains are named above).
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
    problems.extend(attachment_problems(session))
    if len(problems) > MAX_NAMED:
        more = len(problems) - MAX_NAMED
        problems = [
            *problems[:MAX_NAMED],
            f"{more} more records do not match their audit trail; the first {MAX_NAMED} are named above.",
        ]
    return problems, checked


@dataclass(frozen=True)
class _ImportedWithoutEvents:
    """The records an import added without an event of their own: a records file's, or a partnership table's.

    A partnership table's import event lists the partnerships it added; the partner communities and jurisdictions
    it added are the ones those partnerships refer to. A records file is read only into empty records, so every
    record of a kind it carries may have come from it.
    """

    records_file: bool
    partnerships: frozenset[int] | None  # None: an import did not list the partnerships it added
    partners: frozenset[int]
    jurisdictions: frozenset[int]

    @classmethod
    def read(cls, session: Session, records_file_seq: int) -> _ImportedWithoutEvents:
        listed: set[int] = set()
        unlisted = False
        for after_json in session.scalars(
            select(AuditEvent.after_json).where(
                AuditEvent.record_kind == PARTNERSHIP.name, AuditEvent.action == "import"
            )
        ):
            ranges = _json_object(after_json).get("partnership_ids")
            if not isinstance(ranges, list):
                unlisted = True
                continue
            for bounds in ranges:
                if isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(n, int) for n in bounds):
                    listed.update(range(bounds[0], bounds[1] + 1))
        partners: set[int] = set()
        jurisdictions: set[int] = set()
        if listed:
            sides = select(models.Partnership.id, models.Partnership.partner_id, models.Partnership.jurisdiction_id)
            for partnership_id, partner_id, jurisdiction_id in session.execute(sides):
                if partnership_id in listed:
                    partners.add(partner_id)
                    jurisdictions.add(jurisdiction_id)
        return cls(
            records_file=records_file_seq > 0,
            partnerships=None if unlisted else frozenset(listed),
            partners=frozenset(partners),
            jurisdictions=frozenset(jurisdictions),
        )

    def explains(self, kind: Kind, record_id: int) -> bool:
        if self.records_file:
            return True
        if kind not in (PARTNERSHIP, PARTNER, JURISDICTION):
            return False
        if self.partnerships is None:
            return True
        if kind is PARTNERSHIP:
            return record_id in self.partnerships
        return record_id in (self.partners if kind is PARTNER else self.jurisdictions)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# What an attachment's events record of its own columns, action by action. Its media type is not among them: reading
# its text may correct it without an event. Nor is whether it is a declared record: an issued letter is one from the
# start, with no event of its declaration.
_ATTACHMENT_EVENT_COLUMNS = {
    "create": ("title", "original_name", "sha256", "size"),
    "replace_content": ("original_name", "sha256", "size"),
    "trash": ("deleted_at",),
    "restore": ("deleted_at",),
    "supersede": ("superseded_by_id",),
}
_ATTACHMENT_COLUMNS = ("title", "original_name", "sha256", "size", "deleted_at", "superseded_by_id")


def attachment_problems(session: Session) -> list[str]:
    """Sentences for every attachment whose columns differ from what its audit events recorded of them, and for
    every attachment missing from the records or found there without the event of its adding.

    An attachment's events record it a part at a time (added, its content replaced, trashed, restored, superseded),
    so the values they recorded are replayed in order; an attachment is never purged.
    """
    model: Any = models.Attachment
    problems: list[str] = []
    after = 0
    while True:
        rows = list(
            session.execute(
                select(model.id, *(getattr(model, name) for name in _ATTACHMENT_COLUMNS))
                .where(model.id > after)
                .order_by(model.id)
                .limit(BATCH)
            )
        )
        up_to = rows[-1][0] if len(rows) == BATCH else None
        present = {row[0]: dict(zip(_ATTACHMENT_COLUMNS, row[1:], strict=True)) for row in rows}
        recorded, last = _attachment_events(session, after, up_to)
        for attachment_id in sorted(set(present) | set(last)):
            problem = _attachment_problem(attachment_id, present.get(attachment_id), recorded, last)
            if problem:
                problems.append(problem)
        if up_to is None:
            return problems
        after = up_to


def _attachment_problem(
    attachment_id: int,
    now: dict[str, Any] | None,
    recorded: dict[int, dict[str, tuple[Any, int, str]]],
    last: dict[int, tuple[int, str]],
) -> str | None:
    if now is None:
        seq, action = last[attachment_id]
        return (
            f"Attachment {attachment_id} is missing from the records, but the audit trail never recorded its "
            f"removal (its last audit event is number {seq}, {action})."
        )
    if attachment_id not in recorded:
        return (
            f"Attachment {attachment_id} is in the records, but the audit trail never recorded it being added: it "
            "was added outside the program."
        )
    for name, (value, seq, action) in recorded[attachment_id].items():
        if now[name] != value:
            return (
                f"Attachment {attachment_id} was changed outside the program: {name} is {_shown(now[name])} but its "
                f"audit event number {seq} ({action}) recorded {_shown(value)}."
            )
    return None


def _attachment_events(
    session: Session, after: int, up_to: int | None
) -> tuple[dict[int, dict[str, tuple[Any, int, str]]], dict[int, tuple[int, str]]]:
    """For the attachments numbered in (after, up_to]: each column's value as the events recorded it, with the
    event that did (for those added with an event), and every attachment's last event."""
    window = [AuditEvent.record_kind == "attachment", AuditEvent.record_id > after]
    if up_to is not None:
        window.append(AuditEvent.record_id <= up_to)
    recorded: dict[int, dict[str, tuple[Any, int, str]]] = {}
    last: dict[int, tuple[int, str]] = {}
    events = select(AuditEvent.record_id, AuditEvent.seq, AuditEvent.action, AuditEvent.after_json).where(*window)
    for record_id, seq, action, after_json in session.execute(events.order_by(AuditEvent.seq)):
        if record_id is None:
            continue
        last[record_id] = (seq, action)
        if action == "create":
            recorded[record_id] = {"deleted_at": (None, seq, action), "superseded_by_id": (None, seq, action)}
        values = recorded.get(record_id)
        if values is None:
            continue
        event_after = _json_object(after_json)
        for name in _ATTACHMENT_EVENT_COLUMNS.get(action, ()):
            if name in event_after:
                values[name] = (event_after[name], seq, action)
    return recorded, last


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


def _own_columns(kind: Kind) -> tuple[str, ...]:
    """The record's own columns in the order its audit snapshot has them (the first difference is the one named)."""
    columns = [column.key for column in kind.model.__table__.columns]
    snapshot_order = ["id", "created_at", "updated_at", "deleted_at", *(field.name for field in kind.fields)]
    ordered = [name for name in snapshot_order if name in columns]
    ordered += [name for name in columns if name not in ordered]
    # A response's copy of its letter's fingerprint is compared with the one recorded at issue by letter_problems.
    return tuple(name for name in ordered if not (kind is RESPONSE and name == "pdf_sha256"))


_OWN_COLUMNS = {kind.name: _own_columns(kind) for kind in KINDS}


def _first_difference(kind: Kind, obj: Any, recorded: Any) -> tuple[str, Any, Any] | None:
    """The first of the record's own columns whose value now differs from the one recorded, with both values."""
    if not isinstance(recorded, dict):
        return None
    for name, value in _own_snapshot(kind, obj).items():
        if name not in recorded or value == recorded[name]:
            continue
        now = _as_recorded(value)
        if now != recorded[name]:
            return name, now, recorded[name]
    return None


def _own_snapshot(kind: Kind, obj: Any) -> dict[str, Any]:
    """The record's own columns as its audit snapshot keeps them, personal data replaced by the mark.

    Read from its columns alone: the records a partnership refers to may themselves have been deleted around the
    program, and are named missing on their own.
    """
    personal = {field.name for field in kind.fields if field.personal}
    snapshot: dict[str, Any] = {}
    for name in _OWN_COLUMNS[kind.name]:
        value = getattr(obj, name)
        snapshot[name] = PERSONAL_DATA_MARK if name in personal and value else value
    return snapshot


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
