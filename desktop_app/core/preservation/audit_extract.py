"""The audit extract of a package: the full events of every record a letter cites, the chain links between them up
to the issue event, and the check of both without the program's database."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ..db import models
from ..host.audit_anchor import read_anchor
from ..records.audit import event_hash
from ..safekeeping.seals import GENESIS_HASH

FORMAT = "sister-city-records/audit-extract"
FORMAT_VERSION = 1
EVENT_FIELDS = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "record_kind",
    "record_id",
    "before_json",
    "after_json",
    "prev_hash",
    "hash",
    "seal",
)
HASH_RULE = (
    "Each event's hash is the SHA-256, written as 64 lowercase hexadecimal digits, of the UTF-8 bytes of the JSON "
    "array [seq, occurred_at, actor, action, record_kind, record_id, before_json, after_json, prev_hash] written "
    "with no spaces (separators ',' and ':'), non-ASCII characters written as themselves, not escaped; record_id is "
    "null when the event concerns no single record; before_json and after_json are the JSON texts exactly as "
    "stored (empty when the event kept nothing). prev_hash is the hash of the event numbered one before (64 zeros "
    f"for event 1: {GENESIS_HASH}), so each event's hash covers every event before it. The links list every "
    "event's number, prev_hash and hash from the first full event to the issue event, so the chain can be "
    "followed link by link; the seal is a keyed fingerprint only the program that wrote the trail can check."
)
_CHUNK_OF_KEYS = 500


def audit_extract_in(session: Session, cited: Iterable[tuple[str, int]], issue_seq: int) -> dict[str, Any]:
    """The extract for records (kind, id) cited by a letter whose issue is audit event ``issue_seq``.

    Only events up to the issue are taken: what happened to the records later is not what the letter rests on.
    """
    keys = sorted(set(cited))
    events = {event.seq: event for event in _events_of(session, keys, issue_seq)}
    issue = session.get(models.AuditEvent, issue_seq)
    assert issue is not None  # the caller read its number from the trail
    events[issue.seq] = issue
    first = min(events)
    links = session.execute(
        select(models.AuditEvent.seq, models.AuditEvent.prev_hash, models.AuditEvent.hash)
        .where(models.AuditEvent.seq >= first, models.AuditEvent.seq <= issue_seq)
        .order_by(models.AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hash_rule": HASH_RULE,
        "events": [{name: getattr(events[seq], name) for name in EVENT_FIELDS} for seq in sorted(events)],
        "links": [{"seq": seq, "prev_hash": prev_hash, "hash": hash_} for seq, prev_hash, hash_ in links],
        "issue_event_seq": issue_seq,
        "anchor": _anchor(session),
    }


def _events_of(session: Session, keys: list[tuple[str, int]], issue_seq: int) -> list[models.AuditEvent]:
    found: list[models.AuditEvent] = []
    for start in range(0, len(keys), _CHUNK_OF_KEYS):
        chunk = keys[start : start + _CHUNK_OF_KEYS]
        found.extend(
            session.scalars(
                select(models.AuditEvent).where(
                    tuple_(models.AuditEvent.record_kind, models.AuditEvent.record_id).in_(chunk),
                    models.AuditEvent.seq <= issue_seq,
                )
            )
        )
    return found


def _anchor(session: Session) -> dict[str, Any] | None:
    """The trail's head as this computer last anchored it outside the records, if it keeps one."""
    _exists, anchor = read_anchor(session.get_bind().engine.url)
    if anchor is None:
        return None
    return {
        "seq": anchor.seq,
        "hash": anchor.hash,
        "sealed_from": anchor.sealed_from,
        "seal": f"{anchor.key_id}:{anchor.mac}",
    }


def extract_json(extract: dict[str, Any]) -> str:
    return json.dumps(extract, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ----- checking an extract ------------------------------------------------------------------------------------------


def extract_problems(extract: Any, letter_sha256: str | None, archival_sha256: str | None) -> list[str]:
    """Everything wrong in an audit extract read from a package, one sentence each: events whose hash does not
    recompute, a broken chain of links, and an issue event that recorded another letter than the one enclosed."""
    if not isinstance(extract, dict) or extract.get("format") != FORMAT:
        return ["data/audit-extract.json is not an audit extract of this program."]
    events, links = extract.get("events"), extract.get("links")
    if not isinstance(events, list) or not isinstance(links, list) or not links:
        return ["data/audit-extract.json holds no events or no links."]
    try:
        problems = _event_problems(events) + _link_problems(links, events)
    except (KeyError, TypeError, ValueError, AttributeError):
        return [
            "data/audit-extract.json is damaged: an event or a link lacks a field or holds the wrong kind of value."
        ]
    return problems + _issue_problems(extract, events, links, letter_sha256, archival_sha256)


def _event_problems(events: list[dict[str, Any]]) -> list[str]:
    problems = []
    for event in events:
        recomputed = event_hash(*(event[name] for name in EVENT_FIELDS[:9]))
        if recomputed != event["hash"]:
            problems.append(
                f"Audit event {event['seq']} ({event['action']} {event['record_kind']} {event['record_id']}) in "
                "data/audit-extract.json was altered: its hash does not recompute."
            )
    return problems


def _link_problems(links: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[str]:
    problems = []
    by_seq: dict[int, dict[str, Any]] = {}
    previous: dict[str, Any] | None = None
    for link in links:
        seq = int(link["seq"])
        if previous is not None and seq != previous["seq"] + 1:
            problems.append(f"The audit links jump from event {previous['seq']} to event {seq}: links are missing.")
        elif previous is not None and link["prev_hash"] != previous["hash"]:
            problems.append(f"Audit link {seq} does not follow the link before it: the chain is broken.")
        elif previous is None and seq == 1 and link["prev_hash"] != GENESIS_HASH:
            problems.append("Audit link 1 does not start the chain: the chain is broken.")
        by_seq[seq] = link
        previous = link
    for event in events:
        named = by_seq.get(int(event["seq"]))
        if named is None:
            problems.append(f"Audit event {event['seq']} is outside the chain of links.")
        elif named["hash"] != event["hash"] or named["prev_hash"] != event["prev_hash"]:
            problems.append(f"Audit event {event['seq']} is not the event its chain link names.")
    return problems


def _issue_problems(
    extract: dict[str, Any],
    events: list[dict[str, Any]],
    links: list[dict[str, Any]],
    letter_sha256: str | None,
    archival_sha256: str | None,
) -> list[str]:
    seq = extract.get("issue_event_seq")
    issue = next((event for event in events if event["seq"] == seq), None)
    if issue is None or issue["action"] != "issue" or issue["record_kind"] != "response":
        return ["data/audit-extract.json does not hold the event that issued the letter."]
    problems = []
    if links[-1]["seq"] != seq:
        problems.append("The audit links do not end at the event that issued the letter.")
    try:
        after = json.loads(issue["after_json"])
    except ValueError:
        after = {}
    recorded = after.get("pdf_sha256") if isinstance(after, dict) else None
    if letter_sha256 is not None and recorded != letter_sha256:
        problems.append(
            f"data/letter.pdf is not the letter that was issued: its SHA-256 is {letter_sha256}, but the audit trail "
            f"recorded {recorded} when it was issued."
        )
    archived = after.get("archival_sha256") if isinstance(after, dict) else None
    if archival_sha256 is not None and archived and archived != archival_sha256:
        problems.append(
            "data/letter-archival-PDF-A-2b.pdf is not the archival copy made at issue: its SHA-256 differs from the "
            "one the audit trail recorded."
        )
    head = after.get("audit_head") if isinstance(after, dict) else None
    problems += _head_problems(head, links)
    problems += _anchor_problems(extract.get("anchor"), links)
    return problems


def printed_at_issue(extract: Any) -> dict[str, Any] | None:
    """What the letter printed (answers, partnerships, enclosures), as its issue event in the extract recorded it;
    None for a letter issued before issue events recorded it, or an extract too damaged to say."""
    if not isinstance(extract, dict) or not isinstance(extract.get("events"), list):
        return None
    seq = extract.get("issue_event_seq")
    issue = next((e for e in extract["events"] if isinstance(e, dict) and e.get("seq") == seq), None)
    try:
        after = json.loads(issue["after_json"]) if issue is not None else None
    except (KeyError, TypeError, ValueError):
        return None
    printed = after.get("printed") if isinstance(after, dict) else None
    return printed if isinstance(printed, dict) else None


def _head_problems(head: Any, links: list[dict[str, Any]]) -> list[str]:
    """The trail's last event before the issue, as the letter names it, must be the link of that number."""
    if not isinstance(head, dict):
        return []
    link = next((link for link in links if link["seq"] == head.get("seq")), None)
    if link is not None and link["hash"] != head.get("hash"):
        return [f"Audit link {head.get('seq')} is not the event the letter names as the trail's head at issue."]
    return []


def _anchor_problems(anchor: Any, links: list[dict[str, Any]]) -> list[str]:
    if not isinstance(anchor, dict):
        return []
    link = next((link for link in links if link["seq"] == anchor.get("seq")), None)
    if link is not None and link["hash"] != anchor.get("hash"):
        return [f"Audit link {anchor.get('seq')} differs from the trail's head as it was anchored outside the records."]
    return []
