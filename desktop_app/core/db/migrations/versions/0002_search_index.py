"""Full-text search index: an FTS5 table on SQLite, a tsvector column on PostgreSQL; filled from the records.

What each record kind puts in the index, and how the text is prepared, is copied below as it was when this revision
was written, and the records are read with plain SQL from the tables as they stand at this revision: later changes
to the program's models or search code cannot change what this revision does.

Revision ID: 0002
Revises: 0001
"""

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from alembic import op
from sqlalchemy import Connection, RowMapping, bindparam, text

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
SEGMENT_CHARS = 20_000

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)
_CJK_CHAR = re.compile(f"([{_CJK}])")
# A zero-width space: a separator for the tokenizers, invisible, and removed again for display.
_CJK_SEPARATOR = "\u200b"
_TOKEN = re.compile(r"[^\W_]+")

# The labels of the oversight kinds, which an oversight action's title begins with.
_OVERSIGHT_KIND_LABELS = {
    "annual_review": "Annual review",
    "risk_assessment": "Risk assessment",
    "legal_review": "Legal review",
    "council_briefing": "Council briefing",
    "public_disclosure": "Public disclosure",
    "training": "Training",
    "security_consultation": "Security consultation",
    "incident_report": "Incident report",
    "audit": "Audit",
    "termination_review": "Termination review",
}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE search_entry ("
            " id INTEGER PRIMARY KEY,"
            " record_kind VARCHAR(30) NOT NULL,"
            " record_id INTEGER NOT NULL,"
            " segment INTEGER NOT NULL DEFAULT 0,"
            " CONSTRAINT uq_search_entry_record UNIQUE (record_kind, record_id, segment))"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_text USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE search_entry ("
            " id SERIAL PRIMARY KEY,"
            " record_kind VARCHAR(30) NOT NULL,"
            " record_id INTEGER NOT NULL,"
            " segment INTEGER NOT NULL DEFAULT 0,"
            " title TEXT NOT NULL DEFAULT '',"
            " body TEXT NOT NULL DEFAULT '',"
            " document TSVECTOR NOT NULL,"
            " CONSTRAINT uq_search_entry_record UNIQUE (record_kind, record_id, segment))"
        )
        op.execute("CREATE INDEX ix_search_entry_document ON search_entry USING GIN (document)")
    # An upgraded database is searchable at once: every record already there goes into the index.
    _fill_index(connection)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_text")
    op.execute("DROP TABLE search_entry")


# ----- text preparation ------------------------------------------------------------------------------------


def _fold(value: str) -> str:
    """Lower case without diacritics: 'Zürich' and 'ZURICH' both become 'zurich'."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _space_cjk(value: str) -> str:
    """Puts an invisible separator around each CJK character so that each is a token of its own."""
    return _CJK_CHAR.sub(_CJK_SEPARATOR + r"\1" + _CJK_SEPARATOR, value)


def _tokens(value: str) -> list[str]:
    """The folded words of a text, each CJK character a word of its own."""
    return _TOKEN.findall(_space_cjk(_fold(value)))


def _segments(body: str) -> Iterator[str]:
    """The body in pieces of about SEGMENT_CHARS, cut at white space, so rows and snippets stay small."""
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


# ----- what each record kind puts in the index -------------------------------------------------------------


class _Document(NamedTuple):
    title: str
    body: str


# A record's document from its row and the texts of its rows in another table (questions, answers).
_DocumentOf = Callable[[RowMapping, Sequence[str]], _Document]


def _joined(parts: Sequence[Any]) -> str:
    return "\n".join(str(part) for part in parts if part)


def _partnership(row: RowMapping, _extra: Sequence[str]) -> _Document:
    if row["partner_name"]:
        native = f" ({row['partner_native_name']})" if row["partner_native_name"] else ""
        title = (
            f"{row['jurisdiction_name']}, {row['jurisdiction_state']} – "
            f"{row['partner_name']}{native}, {row['country_name']}"
        )
    else:
        title = f"Partnership {row['id']}"
    parts = [
        row["partner_name"],
        row["partner_native_name"],
        row["partner_region"],
        row["country_name"],
        f"{row['jurisdiction_name']}, {row['jurisdiction_state']}",
        row["intermediaries"],
        row["notes"],
    ]
    return _Document(title, _joined(parts))


def _titled(label: str, name_column: str, columns: tuple[str, ...]) -> _DocumentOf:
    """A kind whose title is its title (or subject), else its label and number; its body the given columns."""

    def document(row: RowMapping, extra: Sequence[str]) -> _Document:
        title = str(row[name_column]) if row[name_column] else f"{label} {row['id']}"
        return _Document(title, _joined([*(row[column] for column in columns), *extra]))

    return document


def _oversight(row: RowMapping, _extra: Sequence[str]) -> _Document:
    label = _OVERSIGHT_KIND_LABELS.get(row["kind"], row["kind"])
    title = f"{label} of {row['action_on']} (oversight action {row['id']})"
    return _Document(title, _joined([row["finding"], row["follow_up"]]))


def _response(row: RowMapping, extra: Sequence[str]) -> _Document:
    return _Document(f"Response {row['id']}", _joined([row["introduction"], row["closing"], *extra]))


def _attachment(row: RowMapping, _extra: Sequence[str]) -> _Document:
    title, original_name = row["title"], row["original_name"]
    names = title if title == original_name else f"{title}\n{original_name}"
    return _Document(title or original_name, f"{names}\n{row['extracted_text']}")


class _Kind(NamedTuple):
    name: str
    # Selects the live rows with id above :last, in id order, :batch at a time.
    rows: str
    document: _DocumentOf
    # Selects (owner id, text) of the rows whose text goes after the record's own, for owners IN :ids.
    extra: str = ""


def _live(columns: str, table: str) -> str:
    return f"SELECT id, {columns} FROM {table} WHERE deleted_at IS NULL AND id > :last ORDER BY id LIMIT :batch"


# In the order the index was filled; partners and jurisdictions are found through their partnerships.
_KINDS = (
    _Kind(
        "partnership",
        "SELECT p.id, p.intermediaries, p.notes, pr.name AS partner_name, pr.native_name AS partner_native_name, "
        "pr.region AS partner_region, pr.country_name, j.name AS jurisdiction_name, j.state AS jurisdiction_state "
        "FROM partnership AS p JOIN partner AS pr ON pr.id = p.partner_id "
        "JOIN jurisdiction AS j ON j.id = p.jurisdiction_id "
        "WHERE p.deleted_at IS NULL AND p.id > :last ORDER BY p.id LIMIT :batch",
        _partnership,
    ),
    _Kind(
        "agreement",
        _live("title, signatories, political_clause, clause_notes, notes", "agreement"),
        _titled("Agreement", "title", ("title", "signatories", "political_clause", "clause_notes", "notes")),
    ),
    _Kind(
        "activity",
        _live("title, place, foreign_government_involvement, gifts_given, gifts_received, notes", "activity"),
        _titled(
            "Activity",
            "title",
            ("title", "place", "foreign_government_involvement", "gifts_given", "gifts_received", "notes"),
        ),
    ),
    _Kind("policy", _live("title, summary", "policy"), _titled("Policy", "title", ("title", "summary"))),
    _Kind("oversight", _live("kind, action_on, finding, follow_up", "oversight_action"), _oversight),
    _Kind(
        "inquiry",
        _live("subject, from_whom, to_whom, notes", "inquiry"),
        _titled("Inquiry", "subject", ("subject", "from_whom", "to_whom", "notes")),
        "SELECT inquiry_id, text FROM inquiry_question WHERE inquiry_id IN :ids ORDER BY inquiry_id, position",
    ),
    _Kind(
        "response",
        _live("introduction, closing", "response"),
        _response,
        "SELECT response_id, narrative FROM response_answer WHERE response_id IN :ids ORDER BY response_id, id",
    ),
    _Kind("attachment", _live("title, original_name, extracted_text", "attachment"), _attachment),
)


# ----- filling the index -----------------------------------------------------------------------------------


def _fill_index(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    next_id = 1
    for kind in _KINDS:
        last_id = 0
        while True:
            rows = connection.execute(text(kind.rows), {"last": last_id, "batch": BATCH}).mappings().all()
            if not rows:
                break
            extra = _extra_texts(connection, kind, [row["id"] for row in rows])
            entries = []
            for row in rows:
                title, body = kind.document(row, extra.get(row["id"], []))
                for segment, part in enumerate(_segments(body)):
                    entries.append((row["id"], segment, title, part))
            if sqlite:
                _write_sqlite(connection, kind.name, entries, next_id)
                next_id += len(entries)
            else:
                _write_postgresql(connection, kind.name, entries)
            last_id = rows[-1]["id"]


def _extra_texts(connection: Connection, kind: _Kind, ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    if kind.extra:
        statement = text(kind.extra).bindparams(bindparam("ids", expanding=True))
        for owner_id, value in connection.execute(statement, {"ids": ids}):
            texts.setdefault(owner_id, []).append(value)
    return texts


def _write_sqlite(connection: Connection, kind_name: str, entries: list[tuple[int, int, str, str]], first: int) -> None:
    connection.execute(
        text("INSERT INTO search_entry (id, record_kind, record_id, segment) VALUES (:id, :kind, :record, :segment)"),
        [
            {"id": entry_id, "kind": kind_name, "record": record_id, "segment": segment}
            for entry_id, (record_id, segment, _, _) in enumerate(entries, start=first)
        ],
    )
    connection.execute(
        text("INSERT INTO search_text (rowid, title, body) VALUES (:id, :title, :body)"),
        [
            {"id": entry_id, "title": _space_cjk(title), "body": _space_cjk(body)}
            for entry_id, (_, _, title, body) in enumerate(entries, start=first)
        ],
    )


def _write_postgresql(connection: Connection, kind_name: str, entries: list[tuple[int, int, str, str]]) -> None:
    connection.execute(
        text(
            "INSERT INTO search_entry (record_kind, record_id, segment, title, body, document) VALUES "
            "(:kind, :record, :segment, :title, :body, "
            "setweight(to_tsvector('simple', :title_words), 'A') || to_tsvector('simple', :body_words))"
        ),
        [
            {
                "kind": kind_name,
                "record": record_id,
                "segment": segment,
                "title": title,
                "body": body,
                "title_words": " ".join(_tokens(title)),
                "body_words": " ".join(_tokens(body)),
            }
            for record_id, segment, title, body in entries
        ],
    )
