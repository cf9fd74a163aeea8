"""Short names a clerk reads in lists and in the audit trail: a partnership by its two places, others by title."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from .. import vocab
from ..db import models
from ..db.engine import Database
from .kinds import Kind
from .plain import PERSONAL_DATA_MARK, Record

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
    if kind.name == "participant" and record.get("role"):
        return f"{vocab.label(vocab.PARTICIPANT_ROLES, record['role'])} {record.get('id', '')}".strip()
    if kind.name == "oversight" and record.get("kind"):
        when = f", {record['action_on']}" if record.get("action_on") else ""
        return f"{vocab.label(vocab.OVERSIGHT_KINDS, record['kind'])}{when}"
    return f"{kind.label} {record.get('id', '')}".strip()


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
