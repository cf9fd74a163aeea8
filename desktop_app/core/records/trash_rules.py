"""The trash across every record kind, newest first; what still uses a record; and the record that may not go."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..errors import UserError
from ..wording import plural
from .kinds import JURISDICTION, KINDS, Kind, kind_named
from .plain import Record, describe, to_plain


def trashed_records(
    db: Database, offset: int = 0, limit: int | None = None, kind_name: str | None = None
) -> list[Record]:
    """The records in the trash, of every kind (or of one), the last one trashed first; each with its kind and
    one-line name."""
    trashed = _trashed_statement(kind_name).subquery()
    statement = (
        select(trashed)
        .order_by(trashed.c.deleted_at.desc(), trashed.c.kind_name, trashed.c.id.desc())
        .offset(max(0, offset))
    )
    if limit is not None:
        statement = statement.limit(limit)
    with db.reading() as session:
        rows = session.execute(statement).all()
        return [_trashed_row(session, kind_named(kind_name), record_id) for kind_name, record_id, _when in rows]


def count_trashed(db: Database, kind_name: str | None = None) -> int:
    trashed = _trashed_statement(kind_name).subquery()
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(trashed)).scalar_one())


def _trashed_statement(kind_name: str | None) -> Any:
    kinds = KINDS if kind_name is None else (kind_named(kind_name),)
    return union_all(
        *(
            select(literal(kind.name).label("kind_name"), _model(kind).id.label("id"), _model(kind).deleted_at).where(
                _model(kind).deleted_at.is_not(None)
            )
            for kind in kinds
        )
    )


def _trashed_row(session: Session, kind: Kind, record_id: int) -> Record:
    record = to_plain(kind, session.get(_model(kind), record_id), include_personal=False)
    return {
        "record_kind": kind.name,
        "kind_label": kind.label,
        "id": record_id,
        "description": describe(kind, record),
        "deleted_at": record["deleted_at"],
    }


def _model(kind: Kind) -> Any:
    return kind.model


# ----- what uses a record --------------------------------------------------------------------------------------


def dependents(db: Database, kind_name: str, record_id: int) -> dict[str, int]:
    """How many records outside the trash use this one, by kind (in the kinds' order, only kinds with any): the
    ones that name it, and the ones that name those (an agreement of a partnership with the partner community)."""
    kind = kind_named(kind_name)
    with db.reading() as session:
        return dependents_in(session, kind, record_id)


def dependents_in(session: Session, kind: Kind, record_id: int) -> dict[str, int]:
    found: dict[str, set[int]] = {}
    reached: list[tuple[Kind, set[int]]] = [(kind, {record_id})]
    while reached:
        used_kind, used_ids = reached.pop()
        for user_kind, ref_name in _references_to(used_kind):
            model = _model(user_kind)
            users = set(
                session.scalars(
                    select(model.id).where(getattr(model, ref_name).in_(used_ids), model.deleted_at.is_(None))
                )
            )
            new = users - found.setdefault(user_kind.name, set())
            if new:
                found[user_kind.name] |= new
                reached.append((user_kind, new))
    return {k.name: len(found[k.name]) for k in KINDS if found.get(k.name)}


def _references_to(kind: Kind) -> list[tuple[Kind, str]]:
    """The (kind, field) pairs whose field names a record of ``kind``."""
    return [(user, field.name) for user in KINDS for field in user.fields if field.ref_kind == kind.name]


def dependents_phrase(counts: dict[str, int]) -> str:
    """'3 partnerships and 1 agreement': the counts of ``dependents`` in words."""
    parts = [plural(count, *_label_and_plural(kind_named(name))) for name, count in counts.items()]
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _label_and_plural(kind: Kind) -> tuple[str, str]:
    label = kind.label.lower()
    return label, label[:-1] + "ies" if label.endswith("y") else label + "s"


# ----- what may not go -------------------------------------------------------------------------------------------


def refuse_trashing_home(kind: Kind, obj: Any) -> None:
    """The clerk's own jurisdiction stays out of the trash while it is theirs: letters and reports are about it."""
    if kind is JURISDICTION and obj.is_home and not obj.deleted_at:
        state = f", {obj.state}" if obj.state else ""
        raise UserError(
            f"{obj.name}{state} is your own jurisdiction and cannot be moved to the trash; "
            "make another jurisdiction your own first."
        )
