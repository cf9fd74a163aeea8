"""The audit trail: append-only events, each hashed with the one before, and the check of that chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session

from ..clock import utc_now_text
from ..db import models
from ..db.engine import Database
from ..db.models import AuditEvent
from ..host.audit_anchor import read_anchor, write_anchor
from ..host.audit_keys import current_key
from ..safekeeping.seals import GENESIS_HASH, link_problems_of, seal_text, seal_verdict
from .names import event_record_names_in

AUDIT_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")


def canonical_json(value: Any) -> str:
    """Deterministic JSON for hashing and storage: sorted keys, dates as ISO text, no spaces."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot store {type(value).__name__} in the audit trail")


def event_hash(
    seq: int,
    occurred_at: str,
    actor: str,
    action: str,
    record_kind: str,
    record_id: int | None,
    before_json: str,
    after_json: str,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        [seq, occurred_at, actor, action, record_kind, record_id, before_json, after_json, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def recomputed_hash(event: Any) -> str:
    """The hash an event (a row or a mapped AuditEvent) should carry, computed again from what it holds."""
    return event_hash(
        event.seq,
        event.occurred_at,
        event.actor,
        event.action,
        event.record_kind,
        event.record_id,
        event.before_json,
        event.after_json,
        event.prev_hash,
    )


def _seal(event_hash: str) -> str:
    key = current_key()
    return f"{key.key_id}:{seal_text(key.secret, event_hash)}"


def _server_actor(session: Session, actor: str) -> str:
    """Who the audit trail names: on a PostgreSQL server the account of the session, whatever the caller says (the
    server refuses any other); on SQLite, ``actor``."""
    if session.get_bind().dialect.name != "postgresql":
        return actor
    if "audit_session_user" not in session.info:
        session.info["audit_session_user"] = str(session.execute(text("SELECT session_user")).scalar_one())
    return str(session.info["audit_session_user"])


def _last_event(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        # Two writers must not both take the same next sequence number.
        session.execute(text("LOCK TABLE audit_event IN EXCLUSIVE MODE"))
    return session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.seal).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()


def _remember_head(session: Session, last: Any, seq: int, event_hash: str) -> None:
    """Notes the trail's new head, to be anchored outside the records once the transaction commits."""
    if session.info.get("audit_sealed_from") is None and (last is None or not last.seal):
        # The first event this transaction wrote is the trail's first sealed one.
        session.info["audit_sealed_from"] = last.seq + 1 if last else 1
    session.info["audit_head"] = (seq, event_hash)
    if not session.info.get("audit_anchoring"):
        session.info["audit_anchoring"] = True
        sqlalchemy_event.listen(session, "before_commit", _find_sealed_from)
        sqlalchemy_event.listen(session, "after_commit", _anchor_head)
        sqlalchemy_event.listen(session, "after_rollback", _forget_head)


def _find_sealed_from(session: Session) -> None:
    if "audit_head" not in session.info or session.info.get("audit_sealed_from") is not None:
        return
    _exists, anchor = read_anchor(session.get_bind().engine.url)
    if anchor is not None and anchor.verdict():
        session.info["audit_sealed_from"] = anchor.sealed_from
        return
    first = session.execute(select(func.min(AuditEvent.seq)).where(AuditEvent.seal != "")).scalar()
    session.info["audit_sealed_from"] = int(first) if first is not None else session.info["audit_head"][0]


def _anchor_head(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    sealed_from = session.info.pop("audit_sealed_from", None)
    if head is not None:
        write_anchor(session.get_bind().engine.url, head[0], head[1], int(sealed_from or head[0]))


def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)
    session.info.pop("audit_sealed_from", None)


def append_event(
    session: Session,
    *,
    actor: str,
    action: str,
    record_kind: str,
    record_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Writes the next event of the chain, sealed, in the caller's transaction."""
    last = _last_event(session)
    actor = _server_actor(session, actor)
    seq = (last.seq + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    occurred_at = utc_now_text()
    before_json = canonical_json(before) if before is not None else ""
    after_json = canonical_json(after) if after is not None else ""
    hash_ = event_hash(seq, occurred_at, actor, action, record_kind, record_id, before_json, after_json, prev_hash)
    event = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        before_json=before_json,
        after_json=after_json,
        prev_hash=prev_hash,
        hash=hash_,
        seal=_seal(hash_),
    )
    session.add(event)
    session.flush()
    _remember_head(session, last, seq, hash_)
    return event


def append_events(session: Session, events: list[dict[str, Any]]) -> None:
    """Writes many events of the chain at once, in order, in the caller's transaction (a batch of attachments).

    Each item has the keyword arguments of append_event (actor, action, record_kind, record_id, before, after).
    """
    if not events:
        return
    last = _last_event(session)
    seq = last.seq if last else 0
    prev_hash = last.hash if last else GENESIS_HASH
    occurred_at = utc_now_text()
    rows = []
    for event in events:
        seq += 1
        before, after = event.get("before"), event.get("after")
        row = {
            "seq": seq,
            "occurred_at": occurred_at,
            "actor": _server_actor(session, event["actor"]),
            "action": event["action"],
            "record_kind": event["record_kind"],
            "record_id": event["record_id"],
            "before_json": canonical_json(before) if before is not None else "",
            "after_json": canonical_json(after) if after is not None else "",
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = event_hash(**row)
        row["seal"] = _seal(prev_hash)
        rows.append(row)
    session.execute(insert(AuditEvent), rows)
    _remember_head(session, last, seq, prev_hash)


@dataclass(frozen=True)
class ChainProblem:
    """Something wrong in the audit trail, with the event it concerns."""

    seq: int | None
    message: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recomputes every event's hash and link; finds altered, inserted, reordered or deleted events."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    # The columns every revision has (a backup of an older one has no seal), not the whole mapped row.
    columns = (
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.record_kind,
        AuditEvent.record_id,
        AuditEvent.before_json,
        AuditEvent.after_json,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    )
    rows = session.execute(select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=2000))
    for event in rows:
        problems += [
            ChainProblem(event.seq, message)
            for message in link_problems_of(event.seq, event.prev_hash, expected_seq, prev_hash)
        ]
        recomputed = recomputed_hash(event)
        if recomputed != event.hash:
            problems.append(
                ChainProblem(
                    event.seq,
                    f"Audit event {event.seq} ({event.action} {event.record_kind} {event.record_id}) "
                    "was altered after it was written.",
                )
            )
        prev_hash = event.hash
        expected_seq = event.seq + 1
    problems.extend(_missing_triggers(session))
    return problems


def _missing_triggers(session: Session) -> list[ChainProblem]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        names = set(session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    elif dialect == "postgresql":
        names = set(
            session.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal")
            ).scalars()
        )
    else:
        return []
    return [
        ChainProblem(None, f"The database guard {name} that keeps the audit trail append-only has been removed.")
        for name in AUDIT_TRIGGERS
        if name not in names
    ]


def event_soundness(session: Session, seq: int) -> bool | None:
    """Whether audit event ``seq`` is as the program wrote it: its hash recomputed and its seal checked with the
    key that made it. None when it has no seal or this computer does not hold its key (it cannot be told)."""
    from ..host.audit_keys import held_keys

    event = session.get(AuditEvent, seq)
    if event is None:
        return False
    recomputed = recomputed_hash(event)
    if recomputed != event.hash:
        return False
    return seal_verdict(event.seal, event.hash, held_keys())[1] if event.seal else None


def count_events(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


AUDIT_ORDER = ("seq", "occurred_at", "actor", "action", "record_kind")


def audit_page(
    db: Database,
    *,
    offset: int = 0,
    limit: int | None = 200,
    order_by: str = "seq",
    descending: bool = True,
    record_kind: str = "",
    record_id: int | None = None,
    text: str = "",
    with_changes: bool = False,
    named: bool = False,
) -> list[dict[str, Any]]:
    """One window of audit events, newest first by default (all of them with limit=None), filtered in the database.

    with_changes adds what each event kept of the record before and after (None where it kept nothing); named adds
    ``record_name``, the record the event is about by its name ("Kansas City, MO – Xi'an (partnership 3)").
    """
    column = getattr(models.AuditEvent, order_by if order_by in AUDIT_ORDER else "seq")
    statement = select(models.AuditEvent)
    if record_kind:
        statement = statement.where(models.AuditEvent.record_kind == record_kind)
    if record_id is not None:
        statement = statement.where(models.AuditEvent.record_id == record_id)
    if text.strip():
        pattern = f"%{text.strip()}%"
        statement = statement.where(
            or_(models.AuditEvent.actor.ilike(pattern), models.AuditEvent.action.ilike(pattern))
        )
    order = column.desc() if descending else column
    tiebreak = models.AuditEvent.seq.desc() if descending else models.AuditEvent.seq
    statement = statement.order_by(order, tiebreak).offset(max(0, offset)).limit(limit)
    with db.reading() as session:
        events = [_event_plain(event, with_changes or named) for event in session.scalars(statement)]
        if named:
            for event, name in zip(events, event_record_names_in(session, events), strict=True):
                event["record_name"] = name
    if named and not with_changes:
        events = [{key: value for key, value in event.items() if key not in ("before", "after")} for event in events]
    return events


def record_change_in(session: Session, kind_name: str, record_id: int, *, newest: bool) -> tuple[str, str]:
    """Who made a record's newest (or first) audit event and when (UTC ISO text); empty strings when it has none."""
    order = AuditEvent.seq.desc() if newest else AuditEvent.seq
    row = session.execute(
        select(AuditEvent.actor, AuditEvent.occurred_at)
        .where(AuditEvent.record_kind == kind_name, AuditEvent.record_id == record_id)
        .order_by(order)
        .limit(1)
    ).first()
    return (row.actor, row.occurred_at) if row else ("", "")


def record_authors(db: Database, kind_name: str, record_id: int) -> dict[str, str]:
    """Who entered a record and who changed it last, with when (UTC ISO text), from its audit events; empty strings
    where the trail holds none (a record older than its trail)."""
    with db.reading() as session:
        entered_by, entered_at = record_change_in(session, kind_name, record_id, newest=False)
        changed_by, changed_at = record_change_in(session, kind_name, record_id, newest=True)
    return {"entered_by": entered_by, "entered_at": entered_at, "changed_by": changed_by, "changed_at": changed_at}


def _event_plain(event: AuditEvent, with_changes: bool) -> dict[str, Any]:
    plain: dict[str, Any] = {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor": event.actor,
        "action": event.action,
        "record_kind": event.record_kind,
        "record_id": event.record_id,
        "hash": event.hash,
    }
    if with_changes:
        plain["before"] = json.loads(event.before_json) if event.before_json else None
        plain["after"] = json.loads(event.after_json) if event.after_json else None
    return plain
