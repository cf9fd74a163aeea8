"""Short names a clerk reads in lists and in the audit trail: a partnership by its two places, others by title."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .. import vocab
from ..db import models
from ..db.engine import Database
from .kinds import KINDS, PARTNERSHIP, Kind
from .plain import PERSONAL_DATA_MARK, Record, to_plain

# The field by which a record of each kind belongs to a partnership (a participant's, through its activity).
PARTNERSHIP_LINK = {
    "agreement": "partnership_id",
    "activity": "partnership_id",
    "oversight": "partnership_id",
    "participant": "activity_id",
}
PROGRAM_WIDE = "Program-wide"


def partnership_label(jurisdiction: str | None, state: str | None, partner: str | None) -> str:
    """ "Kansas City, MO – Xi'an": the US side, its state, and the partner community."""
    us_side = f"{jurisdiction or ''}, {state}" if state else (jurisdiction or "")
    return f"{us_side} – {partner or ''}"


def readable_name(kind: Kind, record: Mapping[str, Any]) -> str:
    """A record's short name: a partnership by its two places, others by title, subject or name, else by kind and
    the plainest detail it has."""
    if kind.name == "partnership" and record.get("partner_name"):
        return partnership_label(
            record.get("jurisdiction_name"), record.get("jurisdiction_state"), record.get("partner_name")
        )
    if kind.name == "jurisdiction" and record.get("name"):
        return partnership_label(record["name"], record.get("state"), None).removesuffix(" – ")
    for name in ("title", "subject", "name"):
        value = record.get(name)
        if value and value != PERSONAL_DATA_MARK:
            return str(value)
    if kind.name == "participant" and (record.get("role") or record.get("visa_category")):
        return _participant_name(record)
    if kind.name == "oversight" and record.get("kind"):
        when = f", {record['action_on']}" if record.get("action_on") else ""
        return f"{vocab.label(vocab.OVERSIGHT_KINDS, record['kind'])}{when}"
    return f"{kind.label} {record.get('id', '')}".strip()


def _participant_name(record: Mapping[str, Any]) -> str:
    """ "Delegate, B-1/B-2 visitor": the role and the visa, never the person's name (personal data)."""
    role = vocab.label(vocab.PARTICIPANT_ROLES, record["role"]) if record.get("role") else "Participant"
    visa = record.get("visa_category")
    return f"{role}, {vocab.label(vocab.VISA_CATEGORIES, visa)}" if visa else role


def with_partnership_names(db: Database, kind_name: str, rows: Sequence[Record]) -> list[Record]:
    """The rows, each with ``partnership_name``: the partnership it belongs to, all read in one query."""
    link = PARTNERSHIP_LINK.get(kind_name)
    if link is None:
        return list(rows)
    keys = sorted({row[link] for row in rows if row.get(link) is not None})
    names = _names_by_link(db, kind_name, keys) if keys else {}
    return [
        {**row, "partnership_name": names.get(row[link], PROGRAM_WIDE) if row.get(link) else PROGRAM_WIDE}
        for row in rows
    ]


def _names_by_link(db: Database, kind_name: str, keys: list[int]) -> dict[int, str]:
    jurisdiction, partner, partnership = models.Jurisdiction, models.Partner, models.Partnership
    if kind_name == "participant":
        key_column: Any = models.Activity.id
        statement = (
            select(key_column, jurisdiction.name, jurisdiction.state, partner.name)
            .select_from(models.Activity)
            .join(partnership, partnership.id == models.Activity.partnership_id)
        )
    else:
        key_column = partnership.id
        statement = select(key_column, jurisdiction.name, jurisdiction.state, partner.name).select_from(partnership)
    statement = (
        statement.join(jurisdiction, jurisdiction.id == partnership.jurisdiction_id)
        .join(partner, partner.id == partnership.partner_id)
        .where(key_column.in_(keys))
    )
    with db.reading() as session:
        return {int(row[0]): partnership_label(row[1], row[2], row[3]) for row in session.execute(statement)}


# ----- the records the audit trail's events are about ------------------------------------------------------------

# What the trail calls the things that are not record kinds of their own.
TRAIL_WORDS = {"attachment": "file", "law_rule": "state-law rule", "records_file": "records file"}
_KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
# The kinds of record the trail can name by looking them up (others are named by kind and number).
NAMED_KINDS = {*_KINDS_BY_NAME, "attachment", "law_rule"}
EventKey = tuple[str, int]


def trail_word(kind_name: str) -> str:
    """How the trail calls a kind of record: "partnership", "oversight action", "file"."""
    kind = _KINDS_BY_NAME.get(kind_name)
    return kind.label.lower() if kind else TRAIL_WORDS.get(kind_name, kind_name.replace("_", " "))


def event_record_names_in(session: Session, events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The record each event is about, by name ("Kansas City, MO – Xi'an (partnership 3)").

    Each event needs record_kind, record_id, before and after (what it kept, parsed). A record is named as the
    event kept it (the name it had then); where the event kept no name (a file linked, questions set), by the
    record as it is now, trashed or not; where the record is gone (purged), by the newest event of it that kept one.
    """
    kept = [_kept_name(event) for event in events]
    unnamed = {
        _key(event)
        for event, name in zip(events, kept, strict=True)
        if name is None and _key(event)[1] >= 0 and _key(event)[0] in NAMED_KINDS
    }
    found = _current_names(session, unnamed) if unnamed else {}
    if unnamed - found.keys():
        found.update(_names_from_trail(session, unnamed - found.keys()))
    return [
        _shown(event, name if name is not None else found.get(_key(event)))
        for event, name in zip(events, kept, strict=True)
    ]


def _key(event: Mapping[str, Any]) -> EventKey:
    record_id = event.get("record_id")
    return str(event["record_kind"]), -1 if record_id is None else int(record_id)


def _shown(event: Mapping[str, Any], name: str | None) -> str:
    word = trail_word(str(event["record_kind"]))
    record_id = event.get("record_id")
    if record_id is None:
        return name or word
    if not name:
        return f"{word} {record_id}"
    reference = f"{word} {record_id}"
    return name if name.endswith(f"({reference})") else f"{name} ({reference})"


def _kept_name(event: Mapping[str, Any]) -> str | None:
    """The name the event itself kept of its record, if it kept one."""
    if event.get("record_id") is None:
        return _import_name(event)
    for kept in (event.get("after"), event.get("before")):
        if isinstance(kept, dict):
            name = _name_in(str(event["record_kind"]), kept)
            if name:
                return name
    return None


def _import_name(event: Mapping[str, Any]) -> str | None:
    after = event.get("after") if isinstance(event.get("after"), dict) else {}
    source = (after or {}).get("file")
    if not source:
        return None
    if event["record_kind"] == "partnership":
        return f"Partnerships imported from {source}"
    return f"{trail_word(str(event['record_kind'])).capitalize()} {source}"


def _name_in(kind_name: str, data: Mapping[str, Any]) -> str | None:
    """A record's name from what is known of it, or None where that holds no name."""
    if kind_name == "attachment":
        return str(data.get("title") or "") or None
    if kind_name == "law_rule":
        return _rule_name(data) if isinstance(data.get("body"), dict) else None  # else its citation is read
    kind = _KINDS_BY_NAME.get(kind_name)
    if kind is None or kind_name == "response":
        return None  # a response is named by its inquiry, which the event does not keep
    name = readable_name(kind, {**data, "id": ""})
    return None if name == kind.label else name


def _rule_name(data: Mapping[str, Any]) -> str | None:
    body = data.get("body") if isinstance(data.get("body"), dict) else {}
    rule_id = data.get("rule_id") or (body or {}).get("id")
    citation = (body or {}).get("citation") or (body or {}).get("title")
    if citation and rule_id:
        return f"{citation}, rule {rule_id}"
    return f"Rule {rule_id}" if rule_id else None


def _current_names(session: Session, keys: set[EventKey]) -> dict[EventKey, str]:
    """The names of the records as they are now (trashed ones too), read a kind at a time."""
    ids_by_kind: dict[str, list[int]] = {}
    for kind_name, record_id in keys:
        ids_by_kind.setdefault(kind_name, []).append(record_id)
    found: dict[EventKey, str] = {}
    for kind_name, ids in ids_by_kind.items():
        for record_id, name in _current_names_of(session, kind_name, sorted(ids)).items():
            if name:
                found[(kind_name, record_id)] = name
    return found


def _current_names_of(session: Session, kind_name: str, ids: list[int]) -> dict[int, str | None]:
    if kind_name == "attachment":
        a = models.Attachment
        rows = session.execute(select(a.id, a.title, a.original_name).where(a.id.in_(ids)))
        return {int(row.id): row.title or row.original_name for row in rows}
    if kind_name == "law_rule":
        rule = models.LawRule
        rows = session.execute(select(rule.id, rule.rule_id, rule.body_json).where(rule.id.in_(ids)))
        return {int(row.id): _rule_name({"rule_id": row.rule_id, "body": _json(row.body_json)}) for row in rows}
    if kind_name == "response":
        return _response_names(session, {int(row[0]): row[1] for row in _response_inquiries(session, ids)})
    kind = _KINDS_BY_NAME.get(kind_name)
    if kind is None:
        return {}
    model: Any = kind.model
    statement = select(model).where(model.id.in_(ids))
    if kind is PARTNERSHIP:
        statement = statement.options(
            joinedload(models.Partnership.jurisdiction), joinedload(models.Partnership.partner)
        )
    return {
        int(obj.id): _name_in(kind_name, to_plain(kind, obj, include_personal=False))
        for obj in session.scalars(statement)
    }


def _response_inquiries(session: Session, ids: list[int]) -> list[Any]:
    response = models.Response
    return list(session.execute(select(response.id, response.inquiry_id).where(response.id.in_(ids))))


def _response_names(session: Session, inquiry_of: Mapping[int, Any]) -> dict[int, str | None]:
    """ "Response to “Letter of October 8, 2020”": a response by the inquiry it answers."""
    inquiry_ids = {int(value) for value in inquiry_of.values() if value is not None}
    inquiry = models.Inquiry
    subjects: dict[int, str] = {}
    if inquiry_ids:
        rows = session.execute(select(inquiry.id, inquiry.subject).where(inquiry.id.in_(inquiry_ids)))
        subjects = {int(row.id): str(row.subject) for row in rows}
    return {
        response_id: f"Response to “{subjects[int(inquiry_id)]}”"
        if inquiry_id is not None and subjects.get(int(inquiry_id))
        else None
        for response_id, inquiry_id in inquiry_of.items()
    }


def _names_from_trail(session: Session, keys: set[EventKey]) -> dict[EventKey, str]:
    """The names of records no longer held (purged), from the newest event of each that kept one."""
    event = models.AuditEvent
    found: dict[EventKey, str] = {}
    inquiry_of: dict[int, Any] = {}
    for kind_name, record_id in keys:
        rows = session.execute(
            select(event.before_json, event.after_json)
            .where(event.record_kind == kind_name, event.record_id == record_id)
            .order_by(event.seq.desc())
        )
        for before_json, after_json in rows:
            kept = {**_json(before_json), **_json(after_json)}
            if kind_name == "response" and kept.get("inquiry_id") is not None:
                inquiry_of[record_id] = kept["inquiry_id"]
                break
            name = _name_in(kind_name, kept)
            if name:
                found[(kind_name, record_id)] = name
                break
    for response_id, name in _response_names(session, inquiry_of).items():
        if name:
            found[("response", response_id)] = name
    return found


def _json(text: str | None) -> dict[str, Any]:
    value = json.loads(text) if text else None
    return value if isinstance(value, dict) else {}
