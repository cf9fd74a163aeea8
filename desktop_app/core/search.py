"""One full-text index over the records' text and the attachments' text, kept in step by the same transactions.

SQLite uses an FTS5 table (unicode61 tokenizer, diacritics removed); PostgreSQL a ``tsvector`` column with the
'simple' configuration over text folded here (lower case, diacritics removed), so no server extension is needed.
Chinese, Japanese and Korean characters are indexed one character per token and a run of them in a query is
searched as a phrase, so a two-character name such as 合肥 is found wherever those characters stand together.
The engine's query is always built here from the words of the user's text; the user's text itself never reaches
the engine, so stray quotes, AND, NEAR(, * or - can only ever be words or nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from . import vocab
from .db import models
from .db.engine import Database
from .errors import UserError

SEGMENT_CHARS = 20_000
DEFAULT_LIMIT = 20
# Above this many matches, ranking every one would be slow: the newest matches are shown instead.
RANK_LIMIT = 300
# The kinds that are results of their own; partners and jurisdictions are found through their partnerships.
INDEXED_KINDS = ("partnership", "agreement", "activity", "policy", "oversight", "inquiry", "response", "attachment")

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A zero-width space: a separator for the tokenizers, invisible, and removed again for display.
_CJK_SEPARATOR = "\u200b"
_TOKEN = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"')


# ----- text preparation ------------------------------------------------------------------------------------


def fold(value: str) -> str:
    """Lower case without diacritics: 'Zürich' and 'ZURICH' both become 'zurich'."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def space_cjk(value: str) -> str:
    """Puts an invisible separator around each CJK character so that each is a token of its own."""
    if value.isascii():
        return value
    return _CJK_RUN.sub(_space_run, value)  # the same string when it holds none


def _space_run(match: re.Match[str]) -> str:
    # One call per run of CJK characters rather than per character; the same text as spacing each one.
    return _CJK_SEPARATOR + (_CJK_SEPARATOR * 2).join(match.group()) + _CJK_SEPARATOR


class _CombiningMarks(NamedTuple):
    deleting: dict[int, None]  # a str.translate table that deletes every mark
    in_bmp: re.Pattern[str]  # finds a mark of the basic plane (one table lookup per character)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _combining_marks() -> _CombiningMarks:
    """Every combining mark (the characters ``fold`` drops), built on first use (~40 ms)."""
    codes = [code for code in range(0x300, 0x20000) if unicodedata.combining(chr(code))]  # none lie outside
    basic = "".join(chr(code) for code in codes if code <= 0xFFFF)
    return _CombiningMarks(dict.fromkeys(codes), re.compile(f"[{re.escape(basic)}]"))


def index_text(value: str) -> str:
    """The text as the SQLite index stores it: CJK spaced, and the combining marks that ``fold`` drops dropped too.

    The tokenizer ends a word at a combining mark that has no precomposed form (an Arabic vowel sign, Hebrew
    points), while a query is folded without them: 'حَبيبي' must be stored as 'حبيبي' to be found by it.
    Precomposed letters ('ü') are kept for the snippets; the tokenizer removes their diacritics itself.
    """
    if value.isascii():
        return value
    composed = unicodedata.normalize("NFC", value)
    marks = _combining_marks()
    if marks.in_bmp.search(composed) or _ASTRAL.search(composed):
        composed = composed.translate(marks.deleting)
    return space_cjk(composed)


def unspace_cjk(value: str) -> str:
    """Undoes space_cjk for display."""
    return value.replace(_CJK_SEPARATOR, "")


def tokens(value: str) -> list[str]:
    """The folded words of a text, each CJK character a word of its own."""
    return _TOKEN.findall(space_cjk(fold(value)))


@dataclass(frozen=True)
class Term:
    """One searched item: a word, or several that must stand together (a phrase)."""

    words: tuple[str, ...]


def parse_query(query: str) -> list[Term]:
    """The user's text as terms: quoted parts and hyphenated or CJK runs are phrases, other words plain words.

    Words match whole words only: a prefix search over a large index cannot be kept within the time bar.
    """
    terms: list[Term] = []
    rest = _QUOTED.sub(lambda match: _collect(match.group(1), terms, " ") or " ", query)
    for chunk in rest.split():
        _collect(chunk, terms, "")
    return terms


def _collect(chunk: str, terms: list[Term], result: str) -> str:
    words = tuple(tokens(chunk))
    if words:
        terms.append(Term(words))
    return result


# ----- what a record puts in the index ---------------------------------------------------------------------


class Document(NamedTuple):
    """What a record puts in the index: a title (weighted more) and a body."""

    title: str
    body: str


def document_for(session: Session, kind_name: str, record_id: int) -> Document | None:
    """The title and text a record puts in the index, or None when it is not (or no longer) searchable."""
    model = _model(kind_name)
    obj = session.get(model, record_id)
    if obj is None or obj.deleted_at:
        return None
    return _document_of(session, kind_name, obj)


def _model(kind_name: str) -> Any:
    from .records.kinds import kind_named

    return models.Attachment if kind_name == "attachment" else kind_named(kind_name).model


def _document_of(session: Session, kind_name: str, obj: Any) -> Document:
    from .records.kinds import kind_named
    from .records.service import describe, to_plain

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
    """The partnership kind, describe, and the kind's searchable fields (imported late: records import search)."""
    from .records.kinds import PARTNERSHIP
    from .records.service import describe

    return PARTNERSHIP, describe, tuple(f.name for f in PARTNERSHIP.fields if f.searchable and not f.personal)


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


# ----- keeping the index in step ---------------------------------------------------------------------------


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
        _write(session, kind_name, record_id, document)


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


def _write(session: Session, kind_name: str, record_id: int, document: Document) -> None:
    _write_many(session, [(kind_name, record_id, document)])


def _write_many(session: Session, entries: Iterable[tuple[str, int, Document]]) -> None:
    """Adds the entries with one executemany per table (the driver's, with plain tuples)."""
    rows: list[tuple[str, int, int, str, str]] = []
    for kind_name, record_id, (title, body) in entries:
        if len(body) <= SEGMENT_CHARS:
            rows.append((kind_name, record_id, 0, title, body))
        else:
            rows.extend((kind_name, record_id, segment, title, part) for segment, part in enumerate(_segments(body)))
    if not rows:
        return
    connection = session.connection()
    if session.get_bind().dialect.name == "sqlite":
        next_id = int(session.execute(text("SELECT coalesce(max(id), 0) + 1 FROM search_entry")).scalar_one())
        connection.exec_driver_sql(
            "INSERT INTO search_entry (id, record_kind, record_id, segment) VALUES (?, ?, ?, ?)",
            [
                (rowid, kind_name, record_id, segment)
                for rowid, (kind_name, record_id, segment, _, _) in enumerate(rows, start=next_id)
            ],
        )
        connection.exec_driver_sql(
            "INSERT INTO search_text (rowid, title, body) VALUES (?, ?, ?)",
            [
                (rowid, index_text(title), index_text(body))
                for rowid, (_, _, _, title, body) in enumerate(rows, start=next_id)
            ],
        )
        return
    connection.exec_driver_sql(
        "INSERT INTO search_entry (record_kind, record_id, segment, title, body, document) VALUES "
        "(%s, %s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s))",
        [
            (kind_name, record_id, segment, title, body, " ".join(tokens(title)), " ".join(tokens(body)))
            for kind_name, record_id, segment, title, body in rows
        ],
    )


def index_documents_in(session: Session, kind_name: str, documents: Iterable[tuple[int, Document]]) -> None:
    """Indexes records that have no entry yet from documents the caller built (an import that holds the rows)."""
    _write_many(session, ((kind_name, record_id, document) for record_id, document in documents))


def index_new_records_in(session: Session, kind_name: str, record_ids: list[int], batch: int = 2000) -> None:
    """Indexes many records that have no entry yet (an import), loading and writing them a batch at a time."""
    if kind_name not in INDEXED_KINDS or not record_ids:
        return
    model = _model(kind_name)
    for start in range(0, len(record_ids), batch):
        objects = _load_for_index(session, kind_name, model, record_ids[start : start + batch])
        _write_many(
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
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM search_text"))
    session.execute(text("DELETE FROM search_entry"))
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
            _write_many(session, [(kind_name, obj.id, _document_of(session, kind_name, obj)) for obj in objects])
            count += len(objects)
            last_id = objects[-1].id
            session.expunge_all()
    return count


# ----- searching -------------------------------------------------------------------------------------------


def search(db: Database, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[dict[str, Any]]:
    """The records and attachments whose text holds every word of the query, best first, with a snippet.

    Each result is plain data: record_kind, record_id, title, snippet (matches between « and »), rank, and for an
    attachment the records it belongs to (belongs_to). A query without any word raises UserError.
    """
    results: list[dict[str, Any]] = search_page(db, query, limit=limit, offset=offset)["results"]
    return results


def search_page(db: Database, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """As search, with ``ordered_by``: "relevance", or "newest" when more than RANK_LIMIT entries match."""
    terms = parse_query(query)
    if not terms:
        raise UserError("Type one or more words to search for.")
    wanted = max(1, limit) + max(0, offset)
    with db.reading() as session:
        candidates = _candidates(session, terms)
        many = len(candidates) > RANK_LIMIT
        if not candidates:
            rows = []
        elif db.is_sqlite:
            rows = _search_sqlite(session, terms, candidates, wanted * 2, many)
        else:
            rows = _search_postgresql(session, terms, candidates, wanted * 2, many)
        results = _one_per_record(rows)[offset : offset + limit]
        _add_belongs_to(session, results)
    for position, result in enumerate(results, start=offset + 1):
        result["rank"] = position
    return {"results": results, "ordered_by": "newest" if many else "relevance"}


def _candidates(session: Session, terms: list[Term]) -> list[int]:
    """The newest matching entries, one more than RANK_LIMIT at most (cheap: no ranking)."""
    if session.get_bind().dialect.name == "sqlite":
        statement = text(
            "SELECT rowid FROM search_text WHERE search_text MATCH :query ORDER BY rowid DESC LIMIT :limit"
        )
        parameters: dict[str, Any] = {"query": fts5_query(terms), "limit": RANK_LIMIT + 1}
    else:
        statement = text(
            "SELECT id FROM search_entry WHERE document @@ to_tsquery('simple', :query) ORDER BY id DESC LIMIT :limit"
        )
        parameters = {"query": tsquery(terms), "limit": RANK_LIMIT + 1}
    return [int(row[0]) for row in session.execute(statement, parameters)]


def fts5_query(terms: Iterable[Term]) -> str:
    """The FTS5 MATCH expression: each term a quoted string of word characters only."""
    return " ".join(f'"{" ".join(term.words)}"' for term in terms)


def tsquery(terms: Iterable[Term]) -> str:
    """The PostgreSQL tsquery text: each word a quoted lexeme of word characters only."""
    parts = []
    for term in terms:
        lexemes = [f"'{word}'" for word in term.words]
        parts.append(" <-> ".join(lexemes) if len(lexemes) > 1 else lexemes[0])
    return " & ".join(parts)


def _search_sqlite(
    session: Session, terms: list[Term], candidates: list[int], limit: int, many: bool
) -> list[dict[str, Any]]:
    columns = (
        "SELECT e.record_kind, e.record_id, t.title, snippet(search_text, 1, '«', '»', '…', 24) AS snippet "
        "FROM search_text AS t JOIN search_entry AS e ON e.id = t.rowid WHERE search_text MATCH :match "
    )
    if many:  # newest first: FTS5 walks the matches from the end and stops at the limit
        statement = text(columns + "ORDER BY t.rowid DESC LIMIT :limit")
        parameters: dict[str, Any] = {"match": fts5_query(terms), "limit": limit}
    else:
        statement = text(columns + "AND t.rowid >= :first ORDER BY bm25(search_text, 10.0, 1.0) LIMIT :limit")
        parameters = {"match": fts5_query(terms), "first": min(candidates), "limit": limit}
    return [
        {
            "record_kind": kind,
            "record_id": record_id,
            "title": unspace_cjk(title),
            "snippet": _tidy(unspace_cjk(snippet)),
        }
        for kind, record_id, title, snippet in session.execute(statement, parameters)
    ]


def _search_postgresql(
    session: Session, terms: list[Term], candidates: list[int], limit: int, many: bool
) -> list[dict[str, Any]]:
    if many:  # newest first, straight from the index
        statement = text(
            "SELECT record_kind, record_id, title, body FROM search_entry "
            "WHERE document @@ to_tsquery('simple', :query) ORDER BY id DESC LIMIT :limit"
        )
        parameters: dict[str, Any] = {"query": tsquery(terms), "limit": limit}
    else:
        statement = text(
            "SELECT record_kind, record_id, title, body FROM search_entry WHERE id IN :ids "
            "ORDER BY ts_rank_cd(document, to_tsquery('simple', :query)) DESC, id LIMIT :limit"
        ).bindparams(bindparam("ids", expanding=True))
        parameters = {"query": tsquery(terms), "ids": candidates, "limit": limit}
    return [
        {"record_kind": kind, "record_id": record_id, "title": title, "snippet": make_snippet(body, terms)}
        for kind, record_id, title, body in session.execute(statement, parameters)
    ]


def make_snippet(body: str, terms: list[Term], width: int = 160) -> str:
    """A short piece of the body around the first word found, the words found between « and »."""
    words = sorted({word for term in terms for word in term.words}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    match = pattern.search(body)
    source = body
    if match is None:  # the body has the word with diacritics: show the folded text around it
        source = fold(body)
        match = pattern.search(source)
    if match is None:
        return _tidy(body[:width] + ("…" if len(body) > width else ""))
    start = max(0, match.start() - width // 3)
    end = min(len(source), start + width)
    piece = pattern.sub(lambda found: f"«{found.group(0)}»", source[start:end])
    return _tidy(("…" if start else "") + piece + ("…" if end < len(source) else ""))


def _tidy(snippet: str) -> str:
    return " ".join(snippet.split())


def _one_per_record(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[str, int]] = set()
    results = []
    for row in rows:
        key = (row["record_kind"], row["record_id"])
        if key not in seen:
            seen.add(key)
            results.append(row)
    return results


def _add_belongs_to(session: Session, results: list[dict[str, Any]]) -> None:
    """For an attachment, the records it is linked to, with their titles as the index holds them."""
    attachment_ids = [result["record_id"] for result in results if result["record_kind"] == "attachment"]
    links: dict[int, list[dict[str, Any]]] = {}
    if attachment_ids:
        statement = select(
            models.AttachmentLink.attachment_id, models.AttachmentLink.record_kind, models.AttachmentLink.record_id
        ).where(models.AttachmentLink.attachment_id.in_(bindparam("ids", expanding=True)))
        for attachment_id, kind, record_id in session.execute(statement, {"ids": attachment_ids}):
            links.setdefault(attachment_id, []).append(
                {"record_kind": kind, "record_id": record_id, "title": _indexed_title(session, kind, record_id)}
            )
    for result in results:
        result["belongs_to"] = links.get(result["record_id"], []) if result["record_kind"] == "attachment" else []


def _indexed_title(session: Session, kind: str, record_id: int) -> str:
    if session.get_bind().dialect.name == "sqlite":
        statement = text(
            "SELECT t.title FROM search_entry AS e JOIN search_text AS t ON t.rowid = e.id "
            "WHERE e.record_kind = :kind AND e.record_id = :id AND e.segment = 0"
        )
    else:
        statement = text("SELECT title FROM search_entry WHERE record_kind = :kind AND record_id = :id AND segment = 0")
    title = session.execute(statement, {"kind": kind, "id": record_id}).scalar()
    return unspace_cjk(title) if title else f"{kind} {record_id}"
