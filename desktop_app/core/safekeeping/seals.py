"""The audit trail against what only the program can make: each event's keyed seal, and the head anchored outside.

The chain of hashes finds any event changed alone; someone who rewrites an event and computes the rest of the chain
again, or deletes the last events, leaves a sound chain. The seals (keyed with a key kept outside the records) and
the anchor (the head kept beside the records, keyed too) find both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..db.row_source import ConnectionRows, RowSource, row_source
from ..host.audit_anchor import ANCHOR_SUFFIX, Anchor, anchor_from, read_anchor, write_anchor
from ..host.audit_keys import held_keys, mac
from ..host.private_json import read_private_json

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session

    from ..db.engine import Database

# The link the first event of a trail follows.
GENESIS_HASH = "0" * 64
# The revision that added the seal: records of older ones have none to check.
SEALED_SINCE = "0009"
# Events named one by one at most; the rest are counted in one more sentence.
MAX_NAMED = 20
# Events read at a time: the whole trail is read, but never held in memory at once.
TRAIL_PAGE = 5000


def link_problems_of(seq: int, prev_hash: str, expected_seq: int, previous_hash: str) -> list[str]:
    """Sentences for an event that is not the one expected next in the chain, or does not follow the one before."""
    problems = []
    if seq > expected_seq:
        missing = f"event {expected_seq} is" if seq == expected_seq + 1 else f"events {expected_seq} to {seq - 1} are"
        problems.append(f"Audit {missing} missing (deleted).")
    elif seq < expected_seq:
        problems.append(f"Audit event {seq} is out of order.")
    if prev_hash != previous_hash:
        problems.append(f"Audit event {seq} does not follow the event before it (the chain is broken).")
    return problems


def seal_text(secret: bytes, event_hash: str) -> str:
    """The keyed fingerprint of an event's hash: only a holder of the key can seal a rewritten event."""
    return mac(secret, "event:" + event_hash)


def seal_verdict(seal: str, event_hash: str, keys: dict[str, bytes]) -> tuple[str, bool | None]:
    """The id of the key a seal names, and whether it seals ``event_hash`` (None: that key is not held here)."""
    key_id, _, fingerprint = seal.partition(":")
    secret = keys.get(key_id)
    return key_id, None if secret is None else seal_text(secret, event_hash) == fingerprint


def seal_problems(
    session: Session | RowSource,
    anchor: Anchor | None,
    *,
    unknown_keys_are_problems: bool = True,
    notes: list[str] | None = None,
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
    source = session if isinstance(session, RowSource) else ConnectionRows(session)
    for seq, event_hash, seal in trail_rows(source, "seq, hash, seal"):
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


def trail_rows(source: RowSource, columns: str) -> Iterator[tuple[Any, ...]]:
    """Every audit event's ``columns`` (seq first), in order of seq, read a page at a time."""
    page = source.rows(f"SELECT {columns} FROM audit_event ORDER BY seq LIMIT {TRAIL_PAGE}")
    while page:
        yield from page
        if len(page) < TRAIL_PAGE:
            return
        page = source.rows(
            f"SELECT {columns} FROM audit_event WHERE seq > :after ORDER BY seq LIMIT {TRAIL_PAGE}",
            {"after": page[-1][0]},
        )


def anchor_problems(url: str | URL) -> tuple[list[str], Anchor | None]:
    """Sentences for an anchor file that is damaged, altered or made with an unknown key; and the anchor to check
    the trail against (None when there is none that can be trusted)."""
    return anchor_verdict(*read_anchor(url))


def anchor_beside(sqlite_path: Path) -> tuple[bool, Anchor | None]:
    """Whether an anchor file is kept beside a SQLite file of records, and the anchor it holds (None when
    unreadable): as ``read_anchor`` finds it, without parsing an address."""
    path = sqlite_path.with_name(sqlite_path.name + ANCHOR_SUFFIX)
    if not path.exists():
        return False, None
    return True, anchor_from(read_private_json(path))


def anchor_verdict(exists: bool, anchor: Anchor | None) -> tuple[list[str], Anchor | None]:
    """``anchor_problems`` for an anchor already read: whether its file exists, and what it holds."""
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
    with db.reading_rows() as connection:
        rows = row_source(connection)
        heads = rows.rows("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        first_sealed = rows.rows("SELECT MIN(seq) FROM audit_event WHERE seal != ''")[0][0]
    if not heads:
        return
    seq, event_hash = heads[0]
    write_anchor(db.url, seq, event_hash, int(first_sealed) if first_sealed is not None else seq + 1)
