"""The audit trail against what only the program can make: each event's keyed seal, and the head anchored outside.

The chain of hashes finds any event changed alone; someone who rewrites an event and computes the rest of the chain
again, or deletes the last events, leaves a sound chain. The seals (keyed with a key kept outside the records) and
the anchor (the head kept beside the records, keyed too) find both.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.models import AuditEvent
from ..host.audit_anchor import Anchor, read_anchor, write_anchor
from ..host.audit_keys import held_keys
from ..records.audit import seal_verdict

# The revision that added the seal: records of older ones have none to check.
SEALED_SINCE = "0009"
# Events named one by one at most; the rest are counted in one more sentence.
MAX_NAMED = 20


def seal_problems(
    session: Session, anchor: Anchor | None, *, unknown_keys_are_problems: bool = True, notes: list[str] | None = None
) -> list[str]:
    """Sentences for every event whose seal is missing or wrong, and for the anchor's head missing or rewritten.

    Events sealed with a key this computer does not hold cannot be checked: one sentence says so (and how to
    import the key), among the problems unless ``unknown_keys_are_problems`` is false, else added to ``notes``.
    """
    keys = held_keys()
    named: list[str] = []
    unnamed = 0
    unknown: Counter[str] = Counter()
    sealed_from = anchor.sealed_from if anchor is not None else None
    seen_sealed = False
    anchored_hash: str | None = None
    last_seq = 0
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.seal)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    for seq, event_hash, seal in rows:
        last_seq = seq
        if anchor is not None and seq == anchor.seq:
            anchored_hash = event_hash
        problem = None
        if seal:
            seen_sealed = True
            key_id, sealed = seal_verdict(seal, event_hash, keys)
            if sealed is None:
                unknown[key_id] += 1
            elif not sealed:
                problem = f"Audit event {seq} was rewritten around the program: its seal does not match it."
        elif seen_sealed or (sealed_from is not None and seq >= sealed_from):
            problem = f"Audit event {seq} carries no seal: it was written around the program."
        if problem:
            if len(named) < MAX_NAMED:
                named.append(problem)
            else:
                unnamed += 1
    if unnamed:
        named.append(f"{unnamed} more audit events have a missing or wrong seal.")
    if unknown and unknown_keys_are_problems:
        for key_id, count in sorted(unknown.items()):
            named.append(
                f"{count} audit event(s) are sealed with key {key_id or '(none)'}, which this computer does not "
                "hold, so they cannot be checked; import that key (sister-city-records audit-key import FILE) "
                "from the computer that wrote them."
            )
    elif unknown and notes is not None:
        for key_id, count in sorted(unknown.items()):
            notes.append(
                f"{count} audit event(s) were sealed on another computer, with key {key_id or '(none)'}, so their "
                "seals are not checked here; to check them too, import that key (sister-city-records audit-key "
                "import FILE) from the computer that wrote them."
            )
    if anchor is not None:
        if last_seq < anchor.seq:
            named.append(
                f"The audit trail ends at event {last_seq}, but it had reached event {anchor.seq} when the program "
                "last wrote it: the last events were deleted."
            )
        elif anchored_hash != anchor.hash:
            named.append(
                f"Audit event {anchor.seq} is not the one the program last anchored outside the records: "
                "the audit trail was rewritten."
            )
    return named


def anchor_problems(url: str | URL) -> tuple[list[str], Anchor | None]:
    """Sentences for an anchor file that is damaged, altered or made with an unknown key; and the anchor to check
    the trail against (None when there is none that can be trusted)."""
    exists, anchor = read_anchor(url)
    if not exists:
        return [], None
    if anchor is None:
        damaged = "The audit trail's anchor kept beside the records is damaged, so the last events cannot be checked."
        return [damaged], None
    verdict = anchor.verdict()
    if verdict is None:
        return [
            f"The audit trail's anchor was made with key {anchor.key_id}, which this computer does not hold; "
            "import that key (sister-city-records audit-key import FILE) to check it."
        ], None
    if not verdict:
        return ["The audit trail's anchor kept beside the records was altered."], None
    return [], anchor


def anchor_as_they_are(db: Database) -> None:
    """Anchors the records' trail as it now stands (after a restore put other records in place)."""
    with db.reading() as session:
        head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        first_sealed = session.execute(select(func.min(AuditEvent.seq)).where(AuditEvent.seal != "")).scalar()
    if head is None:
        return
    write_anchor(db.url, head.seq, head.hash, int(first_sealed) if first_sealed is not None else head.seq + 1)
