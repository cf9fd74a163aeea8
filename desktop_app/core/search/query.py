"""Answers a search: candidates from the index, ranked (or newest first when very many match), with snippets.

The same SQL runs through a SQLAlchemy connection (the window, most callers) or a bare driver connection (the
command line's quick read path): both are read as a RowSource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..db.row_source import ConnectionRows, RowSource
from ..errors import UserError
from .text import Term, fts5_query, make_snippet, parse_query, shown_text, shows_a_match, tidy_snippet, tsquery

if TYPE_CHECKING:
    from ..db.engine import Database

DEFAULT_LIMIT = 20


# Above this many matches, ranking every one would be slow: the newest matches are shown instead.
RANK_LIMIT = 300


def search(db: Database, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[dict[str, Any]]:
    """The records and attachments whose text holds every word of the query, best first, with a snippet.

    Each result is plain data: record_kind, record_id, title, snippet (matches between « and »), rank, and for an
    attachment the records it belongs to (belongs_to). A query without any word raises UserError.
    """
    results: list[dict[str, Any]] = search_page(db, query, limit=limit, offset=offset)["results"]
    return results


def search_page(db: Database, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """As search, with ``ordered_by``: "relevance", or "newest" when more than RANK_LIMIT entries match."""
    terms = _terms(query)
    with db.reading_rows() as connection:
        return _page(ConnectionRows(connection), terms, limit, offset)


def search_page_in(source: RowSource, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """As search_page, reading through ``source`` (in one transaction the caller holds); the driver's own errors
    (``source.errors``) are the caller's to handle."""
    return _page(source, _terms(query), limit, offset)


def _terms(query: str) -> list[Term]:
    terms = parse_query(query)
    if not terms:
        raise UserError("Type one or more words to search for.")
    return terms


def _page(source: RowSource, terms: list[Term], limit: int, offset: int) -> dict[str, Any]:
    wanted = max(1, limit) + max(0, offset)
    candidates = _candidates(source, terms)
    many = len(candidates) > RANK_LIMIT
    if not candidates:
        rows = []
    elif source.dialect == "sqlite":
        rows = _search_sqlite(source, terms, candidates, wanted * 2, many)
    else:
        rows = _search_postgresql(source, terms, candidates, wanted * 2, many)
    results = _one_per_record(rows)[offset : offset + limit]
    _add_belongs_to(source, results)
    for position, result in enumerate(results, start=offset + 1):
        result["rank"] = position
    return {"results": results, "ordered_by": "newest" if many else "relevance"}


def _candidates(source: RowSource, terms: list[Term]) -> list[int]:
    """The newest matching entries, one more than RANK_LIMIT at most (cheap: no ranking)."""
    if source.dialect == "sqlite":
        statement = "SELECT rowid FROM search_text WHERE search_text MATCH :query ORDER BY rowid DESC LIMIT :limit"
        parameters: dict[str, Any] = {"query": fts5_query(terms), "limit": RANK_LIMIT + 1}
    else:
        statement = (
            "SELECT id FROM search_entry WHERE document @@ to_tsquery('simple', :query) ORDER BY id DESC LIMIT :limit"
        )
        parameters = {"query": tsquery(terms), "limit": RANK_LIMIT + 1}
    return [int(row[0]) for row in source.rows(statement, parameters)]


def _search_sqlite(
    source: RowSource, terms: list[Term], candidates: list[int], limit: int, many: bool
) -> list[dict[str, Any]]:
    columns = (
        "SELECT e.record_kind, e.record_id, t.title, snippet(search_text, 1, '«', '»', '…', 24) AS snippet, "
        "snippet(search_text, 0, '«', '»', '…', 24) AS title_snippet "
        "FROM search_text AS t JOIN search_entry AS e ON e.id = t.rowid WHERE search_text MATCH :match "
    )
    if many:  # newest first: FTS5 walks the matches from the end and stops at the limit
        statement = columns + "ORDER BY t.rowid DESC LIMIT :limit"
        parameters: dict[str, Any] = {"match": fts5_query(terms), "limit": limit}
    else:
        statement = columns + "AND t.rowid >= :first ORDER BY bm25(search_text, 10.0, 1.0) LIMIT :limit"
        parameters = {"match": fts5_query(terms), "first": min(candidates), "limit": limit}
    return [
        {
            "record_kind": kind,
            "record_id": record_id,
            "title": shown_text(title),
            "snippet": _showing_the_words(tidy_snippet(shown_text(snippet)), tidy_snippet(shown_text(title_snippet))),
        }
        for kind, record_id, title, snippet, title_snippet in source.rows(statement, parameters)
    ]


def _search_postgresql(
    source: RowSource, terms: list[Term], candidates: list[int], limit: int, many: bool
) -> list[dict[str, Any]]:
    if many:  # newest first, straight from the index
        statement = (
            "SELECT record_kind, record_id, title, body FROM search_entry "
            "WHERE document @@ to_tsquery('simple', :query) ORDER BY id DESC LIMIT :limit"
        )
        parameters: dict[str, Any] = {"query": tsquery(terms), "limit": limit}
    else:
        statement = (
            "SELECT record_kind, record_id, title, body FROM search_entry WHERE id IN :ids "
            "ORDER BY ts_rank_cd(document, to_tsquery('simple', :query)) DESC, id LIMIT :limit"
        )
        parameters = {"query": tsquery(terms), "ids": candidates, "limit": limit}
    return [
        {
            "record_kind": kind,
            "record_id": record_id,
            "title": title,
            "snippet": _showing_the_words(make_snippet(body, terms), make_snippet(title, terms)),
        }
        for kind, record_id, title, body in source.rows(statement, parameters)
    ]


def _showing_the_words(body_snippet: str, title_snippet: str) -> str:
    """The body's snippet, or the title's when only the title holds the words found (the body's would show none)."""
    if shows_a_match(body_snippet) or not shows_a_match(title_snippet):
        return body_snippet
    return title_snippet


def _one_per_record(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[str, int]] = set()
    results = []
    for row in rows:
        key = (row["record_kind"], row["record_id"])
        if key not in seen:
            seen.add(key)
            results.append(row)
    return results


def _add_belongs_to(source: RowSource, results: list[dict[str, Any]]) -> None:
    """For an attachment, the records it is linked to, with their titles as the index holds them."""
    attachment_ids = [result["record_id"] for result in results if result["record_kind"] == "attachment"]
    links: dict[int, list[dict[str, Any]]] = {}
    if attachment_ids:
        statement = "SELECT attachment_id, record_kind, record_id FROM attachment_link WHERE attachment_id IN :ids"
        found = source.rows(statement, {"ids": attachment_ids})
        titles = _indexed_titles(source, {(kind, record_id) for _, kind, record_id in found})
        for attachment_id, kind, record_id in found:
            links.setdefault(attachment_id, []).append(
                {"record_kind": kind, "record_id": record_id, "title": titles[(kind, record_id)]}
            )
    for result in results:
        result["belongs_to"] = links.get(result["record_id"], []) if result["record_kind"] == "attachment" else []


def _indexed_titles(source: RowSource, records: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The titles the index holds for these (kind, id) records, or "kind id" for a record it holds none of.

    On a server each statement costs a round trip, so the titles are read in one there.
    """
    if source.dialect == "sqlite":
        return {(kind, record_id): _indexed_title(source, kind, record_id) for kind, record_id in records}
    statement = (
        "SELECT record_kind, record_id, title FROM search_entry "
        "WHERE record_kind IN :kinds AND record_id IN :ids AND segment = 0"
    )
    held: dict[tuple[str, int], str] = {}
    if records:
        parameters = {"kinds": sorted({kind for kind, _ in records}), "ids": sorted({i for _, i in records})}
        for kind, record_id, title in source.rows(statement, parameters):
            if (kind, record_id) in records and title:
                held[(kind, record_id)] = title
    return {record: held.get(record, f"{record[0]} {record[1]}") for record in records}


def _indexed_title(source: RowSource, kind: str, record_id: int) -> str:
    """The title the SQLite index holds for a record (read in-process, one record at a time)."""
    statement = (
        "SELECT t.title FROM search_entry AS e JOIN search_text AS t ON t.rowid = e.id "
        "WHERE e.record_kind = :kind AND e.record_id = :id AND e.segment = 0"
    )
    found = source.rows(statement, {"kind": kind, "id": record_id})
    title = found[0][0] if found else None
    return shown_text(title) if title else f"{kind} {record_id}"
