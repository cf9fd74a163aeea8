"""What each record kind puts in the search index, and keeping the index in step with the records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..search.index import Document, clear_in, drop_record_in, write_many_in
from .kinds import PARTNERSHIP, kind_named
from .plain import describe, to_plain

# The kinds that are results of their own; partners and jurisdictions are found through their partnerships.
INDEXED_KINDS = ("partnership", "agreement", "activity", "policy", "oversight", "inquiry", "response", "attachment")


def document_for(session: Session, kind_name: str, record_id: int) -> Document | None:
    """The title and text a record puts in the index, or None when it is not (or no longer) searchable."""
    model = _model(kind_name)
    obj = session.get(model, record_id)
    if obj is None or obj.deleted_at:
        return None
    return _document_of(session, kind_name, obj)


def _model(kind_name: str) -> Any:
    return models.Attachment if kind_name == "attachment" else kind_named(kind_name).model


def _document_of(session: Session, kind_name: str, obj: Any) -> Document:
    if kind_name == "attachment":
        names = obj.title if obj.title == obj.original_name else f"{obj.title}\n{obj.original_name}"
        return Document(obj.title or obj.original_name, f"{names}\n{obj.extracted_text}")
    kind = kind_named(kind_name)
    if kind_name == "partnership":
        return partnership_document(to_plain(kind, obj))
    parts = [str(getattr(obj, f.name) or "") for f in kind.fields if f.searchable and not f.personal]
    if kind_name == "oversight":
        title = f"{vocab.label(vocab.OVERSIGHT_KINDS, obj.kind)} of {obj.action_on} (oversight action {obj.id})"
    elif kind_name == "response":
        title = f"Response {obj.id}"
        parts.extend(
            session.scalars(select(models.ResponseAnswer.narrative).where(models.ResponseAnswer.response_id == obj.id))
        )
    else:
        title = describe(kind, {name: getattr(obj, name, None) for name in ("id", "title", "subject", "name")})
        if kind_name == "inquiry":
            parts.extend(question.text for question in obj.questions)
    return Document(title, "\n".join(part for part in parts if part))


def partnership_document(record: Mapping[str, Any]) -> Document:
    """A partnership's title and text, from its plain form (``to_plain``, or an import's row with the same keys)."""
    kind, describe, searchable = _partnership_kind()
    parts = [
        record["partner_name"],
        record["partner_native_name"],
        record["partner_region"],
        record["country_name"],
        f"{record['jurisdiction_name']}, {record['jurisdiction_state']}",
    ]
    for name in searchable:
        value = record.get(name)
        if value:
            parts.append(str(value))
    return Document(describe(kind, record), "\n".join(filter(None, parts)))


@functools.cache
def _partnership_kind() -> tuple[Any, Callable[[Any, Mapping[str, Any]], str], tuple[str, ...]]:
    """The partnership kind, describe, and the kind's searchable fields."""
    return PARTNERSHIP, describe, tuple(f.name for f in PARTNERSHIP.fields if f.searchable and not f.personal)


def index_record_in(session: Session, kind_name: str, record_id: int) -> None:
    """(Re)writes a record's entry, inside the caller's transaction; drops it when the record is trashed or gone.

    Changing a partner or a jurisdiction rewrites the partnerships that show its name.
    """
    if kind_name in ("partner", "jurisdiction"):
        column = models.Partnership.partner_id if kind_name == "partner" else models.Partnership.jurisdiction_id
        for partnership_id in session.scalars(select(models.Partnership.id).where(column == record_id)).all():
            index_record_in(session, "partnership", partnership_id)
        return
    if kind_name not in INDEXED_KINDS:
        return
    drop_record_in(session, kind_name, record_id)
    document = document_for(session, kind_name, record_id)
    if document is not None:
        write_many_in(session, [(kind_name, record_id, document)])


def index_new_records_in(session: Session, kind_name: str, record_ids: list[int], batch: int = 2000) -> None:
    """Indexes many records that have no entry yet (an import), loading and writing them a batch at a time."""
    if kind_name not in INDEXED_KINDS or not record_ids:
        return
    model = _model(kind_name)
    for start in range(0, len(record_ids), batch):
        objects = _load_for_index(session, kind_name, model, record_ids[start : start + batch])
        write_many_in(
            session,
            [(kind_name, obj.id, _document_of(session, kind_name, obj)) for obj in objects if not obj.deleted_at],
        )
        session.expunge_all()


def _load_for_index(session: Session, kind_name: str, model: Any, ids: list[int]) -> list[Any]:
    """The records of a batch as _document_of reads them, in id order.

    Rows are read through SQLAlchemy Core as plain attribute holders, with a partnership's partner and jurisdiction
    beside it: building ORM objects cost most of an import's indexing time. Inquiries and responses, which are
    few and read related rows, are loaded as ORM objects.
    """
    if kind_name in ("inquiry", "response"):
        return list(session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)).unique())
    table = model.__table__
    statement = select(table).where(table.c.id.in_(bindparam("ids", expanding=True))).order_by(table.c.id)
    rows = [SimpleNamespace(**row) for row in session.execute(statement, {"ids": ids}).mappings()]
    if kind_name == "partnership":
        partners = _rows_by_id(session, models.Partner, {row.partner_id for row in rows}, _PARTNER_COLUMNS)
        jurisdictions = _rows_by_id(
            session, models.Jurisdiction, {row.jurisdiction_id for row in rows}, ("name", "state")
        )
        for row in rows:
            row.partner = partners[row.partner_id]
            row.jurisdiction = jurisdictions[row.jurisdiction_id]
    return rows


# What a partnership's document and plain form read of its partner.
_PARTNER_COLUMNS = ("name", "native_name", "region", "country_name", "country_code")


def _rows_by_id(session: Session, model: Any, ids: set[int], columns: tuple[str, ...]) -> dict[int, Any]:
    table = model.__table__
    statement = select(table.c.id, *(table.c[name] for name in columns)).where(
        table.c.id.in_(bindparam("ids", expanding=True))
    )
    return {row.id: row for row in session.execute(statement, {"ids": list(ids)})}


def rebuild_in(session: Session, batch: int = 2000) -> int:
    """Empties the index and fills it from every record, a batch at a time; returns how many records went in."""
    clear_in(session)
    count = 0
    for kind_name in INDEXED_KINDS:
        model = _model(kind_name)
        last_id = 0
        while True:
            ids = list(
                session.scalars(
                    select(model.id)
                    .where(model.deleted_at.is_(None), model.id > last_id)
                    .order_by(model.id)
                    .limit(batch)
                )
            )
            objects = _load_for_index(session, kind_name, model, ids) if ids else []
            if not objects:
                break
            write_many_in(session, [(kind_name, obj.id, _document_of(session, kind_name, obj)) for obj in objects])
            count += len(objects)
            last_id = objects[-1].id
            session.expunge_all()
    return count
