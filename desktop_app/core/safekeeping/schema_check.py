"""Compares a database's schema with the exact schema the program makes at the revision the database claims.

Every table, column, index, trigger and view (on PostgreSQL also constraints, sequences, rules, row policies and
functions) is read from the catalog in one query and compared with the shipped, generated file of each revision's
schema (resources/schema/<dialect>-schema.json, built by ``schema_build``). Anything else, missing or changed is
named in a plain sentence. Nothing here loads Alembic or the record layer: opening current records stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..db.row_source import RowSource, row_source
from ..errors import UserError
from ..host.resources import resource_path

if TYPE_CHECKING:
    from sqlalchemy import Connection

# (kind, name) -> (table it belongs to, normalised definition)
Schema = dict[tuple[str, str], tuple[str, str]]

# Tables and columns the other checks read: when one of them is not as the program makes it, they are not run.
READ_KINDS = frozenset({"table", "column"})

# SQLite's own tables and the indexes it makes for UNIQUE constraints are left out by exact kind, not by their
# reserved prefix alone: a file edited with writable_schema may carry a trigger named sqlite_... as well.
_SQLITE_OBJECTS = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE NOT ("
    "(type = 'table' AND name IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4'))"
    " OR (type = 'index' AND sql IS NULL AND name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\'))"
)
_SQLITE_COLUMNS = 'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(:table)'

# One round trip: every object of the current schema that may change what the program reads or writes. Objects an
# extension installed are the extension's, not the records'.
_POSTGRESQL_OBJECTS = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema()),
ours AS (
    SELECT c.oid, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity FROM pg_class AS c
    WHERE c.relnamespace IN (SELECT oid FROM ns)
    AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = c.oid AND d.deptype = 'e')
)
SELECT CASE WHEN relkind IN ('r', 'p', 'f') THEN 'table' WHEN relkind IN ('v', 'm') THEN 'view'
            WHEN relkind = 'S' THEN 'sequence' ELSE 'type' END,
       relname::text, relname::text,
       relkind::text || CASE WHEN relrowsecurity THEN ' row security' ELSE '' END
               || CASE WHEN relforcerowsecurity THEN ' forced' ELSE '' END
               || CASE WHEN relkind IN ('v', 'm') THEN ' ' || pg_get_viewdef(oid) ELSE '' END
FROM ours WHERE relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c')
UNION ALL
SELECT 'column', t.relname::text, t.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE WHEN a.attidentity::text <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
       || CASE WHEN a.attgenerated::text <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
FROM pg_attribute AS a JOIN ours AS t ON t.oid = a.attrelid
LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE t.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'index', t.relname::text, i.relname::text, pg_get_indexdef(i.oid)
FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid JOIN ours AS t ON t.oid = x.indrelid
UNION ALL
SELECT 'constraint', t.relname::text, t.relname || '.' || con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint AS con JOIN ours AS t ON t.oid = con.conrelid
UNION ALL
SELECT 'trigger', t.relname::text, tg.tgname::text, pg_get_triggerdef(tg.oid) || ' enabled ' || tg.tgenabled::text
FROM pg_trigger AS tg JOIN ours AS t ON t.oid = tg.tgrelid WHERE NOT tg.tgisinternal
UNION ALL
SELECT 'rule', t.relname::text, r.rulename::text, pg_get_ruledef(r.oid) || ' enabled ' || r.ev_enabled::text
FROM pg_rewrite AS r JOIN ours AS t ON t.oid = r.ev_class WHERE r.rulename <> '_RETURN'
UNION ALL
SELECT 'policy', t.relname::text, p.polname::text,
       p.polcmd::text || ' ' || p.polpermissive::text || ' ' || COALESCE(pg_get_expr(p.polqual, p.polrelid), '')
       || ' ' || COALESCE(pg_get_expr(p.polwithcheck, p.polrelid), '')
FROM pg_policy AS p JOIN ours AS t ON t.oid = p.polrelid
UNION ALL
SELECT 'function', '', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE p.prokind::text END
FROM pg_proc AS p WHERE p.pronamespace IN (SELECT oid FROM ns)
AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
"""

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|\w+|\S", re.UNICODE)


def normalise_sql(sql: str, schema: str | None = None) -> str:
    """SQL text with layout, letter case and identifier quoting made uniform, string literals kept as written.

    ``schema`` (the PostgreSQL schema the database lives in) is dropped where it qualifies a name, so the same
    objects read the same in any schema.
    """
    tokens: list[str] = []
    for token in _TOKEN.findall(sql):
        if token.startswith("'"):
            tokens.append(token)
            continue
        if token[0] in '"`[':
            token = token[1:-1].replace('""', '"')
        tokens.append(token.lower())
    if schema:
        qualifier = schema.lower()
        tokens = [
            token
            for position, token in enumerate(tokens)
            if not (token == qualifier and tokens[position + 1 : position + 2] == ["."])
            and not (token == "." and position > 0 and tokens[position - 1] == qualifier)
        ]
    # PostgreSQL before 11 wrote a trigger's EXECUTE FUNCTION as EXECUTE PROCEDURE; both mean the same.
    return " ".join(tokens).replace("execute procedure ", "execute function ")


# ----- reading a database's schema ---------------------------------------------------------------------------


def read_schema(connection: Connection | RowSource, *, with_columns: bool = True) -> Schema:
    """The schema of the database behind ``connection``, normalised; on SQLite, columns only with ``with_columns``.

    ``connection`` is a SQLAlchemy connection or a bare driver connection's RowSource: the check reads either.
    """
    source = row_source(connection)
    return {key: (table, definition) for key, (table, definition, _digest) in _read(source, with_columns).items()}


def read_entries(connection: Connection | RowSource) -> list[list[str]]:
    """The schema as the sorted rows the shipped file holds: kind, table, name, definition, and on SQLite the
    digest of the SQL text as written, which lets the same text skip normalising when it is read back."""
    return [
        [kind, table, name, definition, digest]
        for (kind, name), (table, definition, digest) in sorted(
            _read(row_source(connection), True, shipped=False).items()
        )
    ]


def _read(
    connection: RowSource, with_columns: bool, *, shipped: bool = True
) -> dict[tuple[str, str], tuple[str, str, str]]:
    """With ``shipped`` the SQL texts of the shipped file are taken as it normalised them, not normalised again."""
    if connection.dialect == "sqlite":
        known = _known_sqlite_texts() if shipped else {}
        schema: dict[tuple[str, str], tuple[str, str, str]] = {}
        for kind, name, table, sql in connection.rows(_SQLITE_OBJECTS):
            digest = _digest(sql or "")
            definition = known.get(digest)
            if definition is None:
                definition = normalise_sql(sql or "")
            schema[str(kind), str(name)] = (str(table), definition, digest)
        if with_columns:
            for name in [key[1] for key in schema if key[0] == "table"]:
                for key, (table, definition) in (_sqlite_columns(connection, name) or {}).items():
                    schema[key] = (table, definition, "")
        return schema
    [(current,)] = connection.rows("SELECT current_schema()")
    return {
        (str(kind), str(name)): (str(table), normalise_sql(str(definition), str(current)), "")
        for kind, table, name, definition in connection.rows(_POSTGRESQL_OBJECTS)
    }


def _digest(sql: str) -> str:
    return hashlib.blake2b(sql.encode("utf-8"), digest_size=16).hexdigest()


def _sqlite_columns(connection: RowSource, table: str) -> Schema | None:
    """A SQLite table's columns, or None when they cannot be read (a virtual table of a module not present)."""
    try:
        rows = connection.rows(_SQLITE_COLUMNS, {"table": table})
    except connection.errors:
        return None
    return {
        ("column", f"{table}.{name}"): (
            table,
            normalise_sql(f"{kind} {'not null' if notnull else 'null'} default {default} key {key}"),
        )
        for name, kind, notnull, default, key in rows
    }


# ----- the expected schema ---------------------------------------------------------------------------------


def schema_file_name(dialect: str) -> str:
    return f"{dialect}-schema.json"


@dataclass(frozen=True)
class _Shipped:
    """The shipped file: every object any revision has, once, and each revision's objects as positions in it."""

    entries: list[list[str]]
    revisions: dict[str, list[int]]


@cache
def _shipped(dialect: str) -> _Shipped:
    path = resource_path("schema", schema_file_name(dialect))
    try:
        with path.open(encoding="utf-8") as handle:
            loaded: dict[str, Any] = json.load(handle)
        return _Shipped(loaded["entries"], loaded["revisions"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError("The program's resource files are missing; please reinstall Sister City Records.") from exc


def shipped_revisions(dialect: str) -> frozenset[str]:
    """The revisions whose schema the shipped file holds."""
    return frozenset(_shipped(dialect).revisions)


@cache
def expected_schema(dialect: str, revision: str) -> Schema:
    """The schema the program's migrations make at ``revision`` (a shipped one), from the shipped file."""
    entries = _shipped(dialect).entries
    schema: Schema = {}
    for position in _shipped(dialect).revisions[revision]:
        kind, table, name, definition, _digest = entries[position]
        schema[kind, name] = (table, definition)
    return schema


def as_shipped_file(revisions: dict[str, list[list[str]]]) -> dict[str, Any]:
    """Each revision's entries (as ``read_entries`` gives them) in the shipped file's form."""
    pool = sorted({tuple(entry) for entries in revisions.values() for entry in entries})
    position = {entry: index for index, entry in enumerate(pool)}
    return {
        "entries": [list(entry) for entry in pool],
        "revisions": {
            revision: [position[tuple(entry)] for entry in entries] for revision, entries in revisions.items()
        },
    }


@cache
def _known_sqlite_texts() -> dict[str, str]:
    """The normalised definition of each SQL text the migrations write, by the digest of the text."""
    return {digest: definition for _kind, _table, _name, definition, digest in _shipped("sqlite").entries if digest}


# ----- comparing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One object not as the program makes it: ``extra`` (the program does not make it), ``missing`` or ``changed``."""

    how: str
    kind: str
    name: str
    table: str

    @property
    def label(self) -> str:
        if self.kind in ("table", "view", "column", "sequence", "function", "type") or not self.table:
            return self.name
        name = self.name.split(".", 1)[1] if self.kind == "constraint" else self.name
        return f"{name} on {self.table}"

    def phrase(self, *, plural: bool) -> str:
        """What the holder has, as the end of a sentence: 'hold(s) a trigger the program does not make: x on y'."""
        hold, lack = ("hold", "lack") if plural else ("holds", "lacks")
        if self.how == "extra":
            article = "an" if self.kind[0] in "aeiou" else "a"
            return f"{hold} {article} {self.kind} the program does not make: {self.label}"
        if self.how == "missing":
            return f"{lack} the {self.kind} {self.label} that the program makes"
        return f"{hold} the {self.kind} {self.label} in a form the program does not make"


_ORDER = {"extra": 0, "changed": 1, "missing": 2}


def compare(live: Schema, expected: Schema) -> list[Difference]:
    """What ``live`` holds that ``expected`` does not, lacks, or holds otherwise; the most telling first.

    What belongs to a missing table (its columns, indexes, triggers) is not named again, nor the columns of a
    table the program does not make; a changed table whose changed columns are named is not named itself.
    """
    found = [Difference("extra", kind, name, live[kind, name][0]) for kind, name in live.keys() - expected.keys()]
    found += [
        Difference("missing", kind, name, expected[kind, name][0]) for kind, name in expected.keys() - live.keys()
    ]
    found += [
        Difference("changed", kind, name, live[kind, name][0])
        for kind, name in live.keys() & expected.keys()
        if live[kind, name] != expected[kind, name]
    ]
    missing_tables = {d.name for d in found if d.how == "missing" and d.kind == "table"}
    extra_tables = {d.name for d in found if d.how == "extra" and d.kind == "table"}
    changed_columns_of = {d.table for d in found if d.kind == "column"}
    kept = [
        d
        for d in found
        if not (d.how == "missing" and d.kind != "table" and d.table in missing_tables)
        and not (d.how == "extra" and d.kind == "column" and d.table in extra_tables)
        and not (d.how == "changed" and d.kind == "table" and d.name in changed_columns_of)
    ]
    return sorted(kept, key=lambda d: (_ORDER[d.how], d.kind != "trigger", d.table, d.kind, d.name))


def schema_differences(
    connection: Connection | RowSource, revision: str, live: Schema | None = None
) -> list[Difference]:
    """How the database's schema (``live``, when already read) differs from the program's at ``revision``, a
    known one.

    On SQLite a table's columns are read only when its definition differs, so the usual case costs one query.
    """
    source = row_source(connection)
    expected = expected_schema(source.dialect, revision)
    live = dict(live) if live is not None else read_schema(source, with_columns=False)
    if source.dialect == "sqlite":
        live_columns: Schema = {}
        for kind, name in live.keys() & expected.keys():
            if kind == "table" and live[kind, name] != expected[kind, name]:
                live_columns.update(_sqlite_columns(source, name) or {})
        read_tables = {table for table, _definition in live_columns.values()}
        live.update(live_columns)
        expected = {key: value for key, value in expected.items() if key[0] != "column" or value[0] in read_tables}
    return compare(live, expected)


# ----- the check the program runs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaCheck:
    """What the check found: the revision the database claims (None when it holds no revision) and the differences."""

    revision: str | None
    differences: list[Difference]


def check_schema(connection: Connection | RowSource) -> SchemaCheck:
    """Compares the database with the program's schema of the revision it claims, reading that claim safely.

    A database without tables, or one whose revision is not one this program knows (a newer program's), is
    reported with no differences and revision None or the claim: the caller gives its own sentence for those.
    """
    source = row_source(connection)
    revisions = shipped_revisions(source.dialect)
    live = read_schema(source, with_columns=False)
    if not live:
        return SchemaCheck(None, [])
    version_table = live.get(("table", "alembic_version"))
    if version_table is None:
        # alembic_version as a view (one reading itself without end, say) is never read.
        other = [key for key in live if key[1] == "alembic_version"]
        return SchemaCheck(None, [Difference("extra", kind, name, live[kind, name][0]) for kind, name in other])
    claimed = [str(row[0]) for row in source.rows("SELECT version_num FROM alembic_version")]
    if len(claimed) != 1 or claimed[0] not in revisions:
        return SchemaCheck(claimed[0] if len(claimed) == 1 else None, [])
    return SchemaCheck(claimed[0], schema_differences(source, claimed[0], live))


def refusal(subject: str, differences: Iterable[Difference], ending: str, *, plural: bool) -> str:
    """One sentence naming the differences (the first few of many), e.g. 'The backup holds a trigger …; it was
    not restored.'"""
    differences = list(differences)
    shown = [difference.phrase(plural=plural) for difference in differences[:4]]
    pronoun = "they" if plural else "it"
    sentence = subject + " " + f"; {pronoun} ".join(shown)
    if len(differences) > len(shown):
        more = len(differences) - len(shown)
        sentence += f"; and {more} more {'difference' if more == 1 else 'differences'} from what the program makes"
    return f"{sentence}; {ending}."


def records_refusal(differences: Iterable[Difference]) -> str:
    """Why the records are not opened: what differs from the program's schema, and what to do."""
    return refusal(
        "The records",
        differences,
        "they were not opened. Restore a backup, or have the database put back as the program made it",
        plural=True,
    )


def sentences(subject: str, differences: Iterable[Difference], *, plural: bool) -> list[str]:
    """Each difference as its own sentence, e.g. 'The records hold a trigger the program does not make: …'."""
    return [f"{subject} {difference.phrase(plural=plural)}." for difference in differences]
