"""The search index's writer: entries in segments, a few statements for many entries, in the caller's transaction.

SQLite uses an FTS5 table (unicode61 tokenizer, diacritics removed) over text prepared by ``text.index_text``;
PostgreSQL a ``tsvector`` column with the 'simple' configuration over words folded here (lower case, diacritics
and apostrophes inside words removed), so no server extension is needed.
What each record kind puts in the index is ``records.indexing``'s business; this module only writes and drops.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from .text import index_text, tokens

SEGMENT_CHARS = 20_000


class Document(NamedTuple):
    """What a record puts in the index: a title (weighted more) and a body."""

    title: str
    body: str


class IndexedDocument(NamedTuple):
    """A document already as the SQLite index stores it: ``index_text`` of a title and of a body of one segment."""

    title: str
    body: str


class WordedDocument(NamedTuple):
    """A document of one segment with the words the PostgreSQL index keeps of its title and body (``tokens`` of
    each, joined by spaces)."""

    title: str
    body: str
    title_words: str
    body_words: str


def _segments(body: str) -> Iterator[str]:
    """The body in pieces of about SEGMENT_CHARS, cut at white space, so rows and snippets stay small."""
    if len(body) <= SEGMENT_CHARS:
        yield body
        return
    start = 0
    while True:
        end = start + SEGMENT_CHARS
        if end >= len(body):
            yield body[start:]
            return
        cut = body.rfind(" ", start + SEGMENT_CHARS // 2, end)
        end = cut if cut > 0 else end
        yield body[start:end]
        start = end


def drop_record_in(session: Session, kind_name: str, record_id: int) -> None:
    """Removes a record's entry (all its segments)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(
                "DELETE FROM search_text WHERE rowid IN "
                "(SELECT id FROM search_entry WHERE record_kind = :kind AND record_id = :id)"
            ),
            {"kind": kind_name, "id": record_id},
        )
    session.execute(
        text("DELETE FROM search_entry WHERE record_kind = :kind AND record_id = :id"),
        {"kind": kind_name, "id": record_id},
    )


def stores_index_text(session: Session) -> bool:
    """True when the index stores ``index_text`` of each title and body (SQLite), which a bulk writer may prepare."""
    return bool(session.get_bind().dialect.name == "sqlite")


def write_many_in(
    session: Session, entries: Iterable[tuple[str, int, Document | IndexedDocument | WordedDocument]]
) -> None:
    """Adds the entries with one executemany per table (the driver's, with plain tuples).

    An ``IndexedDocument`` or a ``WordedDocument`` goes in as it is, in one segment: the first only where the index
    ``stores_index_text``, the second only where it does not.
    """
    stored_as_text = stores_index_text(session)
    ready_kind = IndexedDocument if stored_as_text else WordedDocument
    # Each row's last: its text already as the index takes it (index text, or words), when the caller prepared it.
    rows: list[tuple[str, int, int, str, str, tuple[str, str] | None]] = []
    for kind_name, record_id, document in entries:
        if type(document) is ready_kind:
            rows.append((kind_name, record_id, 0, document[0], document[1], (document[-2], document[-1])))
        elif type(document) is not Document:
            raise ValueError(f"this index does not take a {type(document).__name__}")
        elif len(document.body) <= SEGMENT_CHARS:
            rows.append((kind_name, record_id, 0, document.title, document.body, None))
        else:
            rows.extend(
                (kind_name, record_id, segment, document.title, part, None)
                for segment, part in enumerate(_segments(document.body))
            )
    if not rows:
        return
    connection = session.connection()
    if stored_as_text:
        next_id = int(session.execute(text("SELECT coalesce(max(id), 0) + 1 FROM search_entry")).scalar_one())
        connection.exec_driver_sql(
            "INSERT INTO search_entry (id, record_kind, record_id, segment) VALUES (?, ?, ?, ?)",
            [
                (rowid, kind_name, record_id, segment)
                for rowid, (kind_name, record_id, segment, *_) in enumerate(rows, start=next_id)
            ],
        )
        connection.exec_driver_sql(
            "INSERT INTO search_text (rowid, title, body) VALUES (?, ?, ?)",
            [
                (rowid, *ready) if ready else (rowid, index_text(title), index_text(body))
                for rowid, (_, _, _, title, body, ready) in enumerate(rows, start=next_id)
            ],
        )
        return
    for start in range(0, len(rows), ENTRIES_PER_STATEMENT):
        _insert_worded(connection, rows[start : start + ENTRIES_PER_STATEMENT])


# The PostgreSQL entries each statement takes, as columns of arrays: a bound on the memory of its parameters.
ENTRIES_PER_STATEMENT = 20_000
_WORDED_INSERT = (
    "INSERT INTO search_entry (record_kind, record_id, segment, title, body, document) "
    "SELECT kind, record, segment, title, body, "
    "setweight(to_tsvector('simple', title_words), 'A') || to_tsvector('simple', body_words) "
    "FROM unnest(%b::text[], %b::integer[], %b::integer[], %b::text[], %b::text[], %b::text[], %b::text[]) "
    "AS entry(kind, record, segment, title, body, title_words, body_words)"
)


def _insert_worded(connection: Connection, rows: list[tuple[str, int, int, str, str, tuple[str, str] | None]]) -> None:
    """The entries in one statement, their columns as arrays: the server makes each document from its words as
    for a single entry, with no round trip per entry."""
    worded = [
        (kind_name, record_id, segment, title, body, *ready)
        if ready
        else (kind_name, record_id, segment, title, body, " ".join(tokens(title)), " ".join(tokens(body)))
        for kind_name, record_id, segment, title, body, ready in rows
    ]
    connection.exec_driver_sql(_WORDED_INSERT, tuple(map(list, zip(*worded, strict=True))))


def index_documents_in(
    session: Session, kind_name: str, documents: Iterable[tuple[int, Document | IndexedDocument | WordedDocument]]
) -> None:
    """Indexes records that have no entry yet from documents the caller built (an import that holds the rows)."""
    write_many_in(session, ((kind_name, record_id, document) for record_id, document in documents))


def clear_in(session: Session) -> None:
    """Empties the index (before a rebuild)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM search_text"))
    session.execute(text("DELETE FROM search_entry"))
