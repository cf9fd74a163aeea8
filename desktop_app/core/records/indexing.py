"""What each record kind puts in the search index, and keeping the index in step with the records."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..search.index import (
    SEGMENT_CHARS,
    Document,
    IndexedDocument,
    WordedDocument,
    clear_in,
    drop_record_in,
    write_many_in,
)
from ..search.text import index_text, tokens
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


def imported_partnership_documents(
    ids: Sequence[int], columns: Mapping[str, Sequence[str]], *, in_index_form: bool
) -> Iterator[tuple[int, Document | IndexedDocument | WordedDocument]]:
    """New partnerships' documents (an import), each with its id, from the text of their plain forms given column
    by column, prepared value by value wherever that can be done: with ``in_index_form``, as the SQLite index
    stores them, else with the words the PostgreSQL index keeps.

    A table repeats its cities, provinces, countries and native names, so each distinct value is prepared once and
    the document built from those: the same text as ``index_text`` of the whole, and the same words as ``tokens``
    of it, since the values are joined only by separators (new lines, spaces, commas, a dash, brackets) that
    neither changes nor reads across. A row that may be too long for one segment, or with a value that index form
    empties (combining marks alone), goes as a plain document, for the index to prepare whole.
    """
    names = tuple(columns)
    whole = _rows_longer_than_a_segment(columns)
    values_used: list[Sequence[str]]
    words_of_rows: Iterable[tuple[str, ...]]
    if in_index_form:
        values_used = [_column_in_index_form(values, whole) for values in columns.values()]
        words_of_rows = itertools.repeat(())
    else:
        values_used = list(columns.values())
        words_of_rows = zip(*(_column_words(values) for values in columns.values()), strict=True)
    templates: dict[tuple[bool, ...], _Template | None] = {}
    rows = zip(ids, zip(*values_used, strict=True), words_of_rows, strict=False)  # the words may repeat endlessly
    for position, (record_id, values, words) in enumerate(rows):
        if whole and position in whole:
            yield record_id, partnership_document({name: column[position] for name, column in columns.items()})
            continue
        filled = tuple(map(bool, values))
        if filled not in templates:
            templates[filled] = _document_template(names, filled)
        template = templates[filled]
        if template is None:
            yield record_id, partnership_document({name: column[position] for name, column in columns.items()})
            continue
        title, body = template.title.format(*values), template.body.format(*values)
        if in_index_form:
            yield record_id, IndexedDocument(title, body)
        else:
            title_words = " ".join(filter(None, [words[index] for index in template.title_order]))
            body_words = " ".join(filter(None, [words[index] for index in template.body_order]))
            yield record_id, WordedDocument(title, body, title_words, body_words)


class _Template(NamedTuple):
    title: str  # format strings over the values
    body: str
    title_order: tuple[int, ...]  # the values each shows, in order
    body_order: tuple[int, ...]


def _column_words(values: Sequence[str]) -> list[str]:
    words = {value: " ".join(tokens(value)) for value in set(values)}
    return list(map(words.__getitem__, values))


def _document_template(names: tuple[str, ...], filled: tuple[bool, ...]) -> _Template | None:
    """``partnership_document`` as two format strings over values of those names, empty or not as ``filled`` says;
    None when its own text between the values is more than separators (then each row takes the whole-text path).

    Building each document from these gives the text ``partnership_document`` gives for the same values, at a
    fraction of its cost per row.
    """
    placeholders = {
        name: f"\x00{position}\x00" if present else ""
        for position, (name, present) in enumerate(zip(names, filled, strict=True))
    }
    title, body = partnership_document(placeholders)
    between = _PLACEHOLDER.sub(" ", f"{title}\n{body}")
    if tokens(between) or index_text(between) != between or any(mark in between for mark in _APOSTROPHES):
        return None
    return _Template(_format_string(title), _format_string(body), _order(title), _order(body))


def _order(text: str) -> tuple[int, ...]:
    return tuple(int(index) for index in _PLACEHOLDER.findall(text))


_APOSTROPHES = "'\u2019\u02bc\u2018"


_PLACEHOLDER = re.compile("\x00([0-9]+)\x00")


def _format_string(text: str) -> str:
    return _PLACEHOLDER.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}"))


def _column_in_index_form(values: Sequence[str], whole: set[int]) -> list[str]:
    """The values in index form, each distinct one prepared once; adds to ``whole`` the rows of those it empties."""
    in_index_form = {value: index_text(value) for value in set(values)}
    emptied = {value for value, prepared in in_index_form.items() if value and not prepared}
    if emptied:
        whole.update(position for position, value in enumerate(values) if value in emptied)
    return list(map(in_index_form.__getitem__, values))


def _rows_longer_than_a_segment(columns: Mapping[str, Sequence[str]]) -> set[int]:
    """The positions of the rows whose body may be longer than one segment of the index."""
    # Each value with its separator (at most ", "): a bound on the length of the body.
    if sum(max(map(len, values), default=0) + 2 for values in columns.values()) <= SEGMENT_CHARS:
        return set()
    lengths = zip(*(map(len, values) for values in columns.values()), strict=True)
    return {position for position, row in enumerate(lengths) if sum(row) + 2 * len(row) > SEGMENT_CHARS}


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
