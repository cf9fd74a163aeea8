"""Upgrading from every revision gives what a new database gets: the same schema, records, index and searches.

The records are entered once through the program's use cases in a new database (the reference). For each revision,
a database is made at that revision, the reference's rows are copied into it with plain SQL (the tables and columns
that revision has), and the program opens it, which upgrades it; it must then equal the reference.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, text

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import MIGRATIONS_DIR, current_revision, head_revision, upgrade_database
from desktop_app.core.files import attach_files, link_attachment
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.laws.clerk_rules import add_rule, correction_of
from desktop_app.core.laws.termination import check_step, record_step
from desktop_app.core.records import service as records
from desktop_app.core.records.indexing import rebuild_in
from desktop_app.core.records.inquiries import create_inquiry
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.reports.responses import create_draft, set_answer
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.core.search.query import search
from tests.conftest import TEST_DATABASE_URL

ACTOR = "clerk"
ARABIC_NOTES = "رسالة حَبِيبِي من البلدية"
TRASHED_WORD = "escrow"
# Words of every record kind in several scripts; "needle" lies past a long text's first segment, and the trashed
# policy's word must find nothing.
QUERIES = (
    "合肥",
    "zurich",
    "ZÜRICH",
    "حبيبي",
    "عمان",
    "lanterns",
    "orchestra exchange",
    "Treaty",
    "delegation",
    TRASHED_WORD,
    "safeguards",
    "narrative",
    "needle",
    "haystack",
    "budget.txt",
    "Columbus",
)


def _revisions_oldest_first() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


REVISIONS = _revisions_oldest_first()


# ----- what is compared ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass
class Snapshot:
    """A database as the comparison sees it: its schema, its rows, its index and its answers to the queries."""

    schema: list[tuple[Any, ...]]
    tables: dict[str, Table]
    index: list[tuple[Any, ...]]
    searches: dict[str, list[dict[str, Any]]]


def _is_search_table(name: str) -> bool:
    return name.startswith("search_")


def _schema(connection: Connection) -> list[tuple[Any, ...]]:
    if connection.dialect.name == "sqlite":
        statement = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        return [tuple(row) for row in connection.execute(text(statement))]
    in_schema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    queries = (
        "SELECT 'column', table_name, column_name, data_type, is_nullable, column_default, character_maximum_length "
        "FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, column_name",
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "ORDER BY tablename, indexname",
        "SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE connamespace = {in_schema} ORDER BY 2, 3",
        "SELECT 'trigger', tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        f"WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = {in_schema}) "
        "ORDER BY 2, 3",
        f"SELECT 'function', proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = {in_schema} ORDER BY 2",
    )
    return [tuple(row) for query in queries for row in connection.execute(text(query))]


def _table_names(connection: Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        statement = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    else:
        statement = (
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [str(name) for name in connection.execute(text(statement)).scalars()]


def _read_table(connection: Connection, name: str) -> Table:
    result = connection.execute(text(f'SELECT * FROM "{name}"'))
    columns = tuple(result.keys())
    order = ", ".join(str(position) for position in range(1, len(columns) + 1))
    rows = [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}'))]
    return Table(columns, rows)


def _record_tables(connection: Connection) -> dict[str, Table]:
    return {name: _read_table(connection, name) for name in _table_names(connection) if not _is_search_table(name)}


def _search_tables(connection: Connection) -> dict[str, Table]:
    """The index's own rows as stored, ids included, for copying into another database."""
    if connection.dialect.name == "sqlite":
        return {
            "search_entry": _read_table(connection, "search_entry"),
            "search_text": Table(
                ("rowid", "title", "body"),
                [tuple(row) for row in connection.execute(text("SELECT rowid, title, body FROM search_text"))],
            ),
        }
    result = connection.execute(
        text("SELECT id, record_kind, record_id, segment, title, body, document::text AS document FROM search_entry")
    )
    return {"search_entry": Table(tuple(result.keys()), [tuple(row) for row in result])}


def _index(connection: Connection) -> list[tuple[Any, ...]]:
    """What the index holds for each record, whatever the ids of its entries."""
    if connection.dialect.name == "sqlite":
        entries = connection.execute(text("SELECT count(*) FROM search_entry")).scalar_one()
        texts = connection.execute(text("SELECT count(*) FROM search_text")).scalar_one()
        assert entries == texts, "every entry has its text and no text is left without its entry"
        statement = (
            "SELECT e.record_kind, e.record_id, e.segment, t.title, t.body "
            "FROM search_entry AS e JOIN search_text AS t ON t.rowid = e.id"
        )
    else:
        statement = "SELECT record_kind, record_id, segment, title, body, document::text FROM search_entry"
    return [tuple(row) for row in connection.execute(text(statement + " ORDER BY 1, 2, 3"))]


def _searches(db: Database) -> dict[str, list[dict[str, Any]]]:
    return {query: search(db, query, limit=50) for query in QUERIES}


def take_snapshot(db: Database) -> Snapshot:
    with db.engine.connect() as connection:
        return Snapshot(_schema(connection), _record_tables(connection), _index(connection), _searches(db))


# ----- the reference: records entered through the program ------------------------------------------------


@dataclass(frozen=True)
class Reference:
    snapshot: Snapshot
    search_tables: dict[str, Table]
    policy_id: int


def _fresh_location(folder: Path) -> DataLocation:
    if TEST_DATABASE_URL:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return resolve_location(folder / "data", TEST_DATABASE_URL)
    return resolve_location(folder / "data")


def _enter_records(db: Database, files: Path) -> int:
    """Records of every kind, in several scripts; returns the id of a policy the test edits after upgrading."""
    home = set_home_jurisdiction(
        db,
        "Columbus",
        "OH",
        {"clerk_name": "Pat Example", "signatory_name": "Pat Example", "postal_address": "90 West Broad Street"},
        actor=ACTOR,
    )
    hefei = records.create(
        db,
        "partner",
        {"name": "Hefei", "native_name": "合肥", "region": "Anhui 安徽", "country_name": "China", "country_code": "CN"},
        ACTOR,
    )
    zurich = records.create(
        db, "partner", {"name": "Zürich", "country_name": "Switzerland", "country_code": "CH"}, ACTOR
    )
    amman = records.create(
        db, "partner", {"name": "Amman", "native_name": "عمّان", "country_name": "Jordan", "country_code": "JO"}, ACTOR
    )
    with_hefei = records.create(
        db,
        "partnership",
        {
            "jurisdiction_id": home["id"],
            "partner_id": hefei["id"],
            "established_on": "1988-06-01",
            "intermediaries": "Chinese People's Association for Friendship with Foreign Countries",
            "notes": "Exchange of lanterns every spring; 合肥市 delegation in 2019.",
        },
        ACTOR,
    )
    records.change_status(
        db, with_hefei["id"], "suspended", changed_on="2025-01-15", reason="Council review", actor=ACTOR
    )
    with_zurich = records.create(
        db,
        "partnership",
        {"jurisdiction_id": home["id"], "partner_id": zurich["id"], "kind": "friendship_city", "notes": "Zürich"},
        ACTOR,
    )
    records.create(
        db,
        "partnership",
        {"jurisdiction_id": home["id"], "partner_id": amman["id"], "status": "proposed", "notes": ARABIC_NOTES},
        ACTOR,
    )
    records.create(
        db,
        "agreement",
        {
            "partnership_id": with_hefei["id"],
            "title": "Friendship Treaty of Columbus and 合肥",
            "signed_on": "1988-06-01",
            "political_clause": "The parties respect the One China policy.",
            "topics": "transparency",
        },
        ACTOR,
    )
    trip = records.create(
        db,
        "activity",
        {
            "partnership_id": with_zurich["id"],
            "kind": "cultural_event",
            "title": "Orchestra exchange",
            "starts_on": "2024-05-02",
            "place": "Tonhalle Zürich",
            "gifts_received": "A music box",
        },
        ACTOR,
    )
    records.create(
        db,
        "participant",
        {"activity_id": trip["id"], "name": "Zoë Müller", "role": "performer", "nationality": "Swiss"},
        ACTOR,
    )
    policy = records.create(
        db,
        "policy",
        {"kind": "council_policy", "title": "Gifts from a delegation", "summary": "Every gift is registered."},
        ACTOR,
    )
    trashed = records.create(
        db, "policy", {"kind": "procedure", "title": f"{TRASHED_WORD} of travel funds", "summary": "Withdrawn."}, ACTOR
    )
    records.trash(db, "policy", trashed["id"], ACTOR)
    records.create(
        db,
        "oversight",
        {
            "partnership_id": with_hefei["id"],
            "kind": "annual_review",
            "action_on": "2025-02-10",
            "finding": "No clause restricts the City; safeguards hold.",
            "status": "open",
            "due_on": "2026-02-10",
        },
        ACTOR,
    )
    inquiry = create_inquiry(
        db,
        {"subject": "Questions of the state office on 合肥", "from_whom": "State Office", "sent_on": "2025-03-01"},
        [
            {"short_title": "Gifts", "text": "Which safeguards cover gifts from عمّان or Zürich?", "topics": []},
            {"short_title": "Visas", "text": "Who invites the delegations?", "topics": ["visa_programs"]},
        ],
        ACTOR,
    )
    response = create_draft(db, inquiry["id"], ACTOR)
    first_question = inquiry["questions"][0]["id"]
    set_answer(db, response["id"], first_question, narrative="Our narrative: every gift is registered.", actor=ACTOR)
    budget = files / "budget.txt"
    budget.write_text("Delegation budget for 合肥 and Zürich, with حَبِيبِي written by hand.\n", encoding="utf-8")
    long_text = files / "minutes.txt"
    long_text.write_text(("haystack words " * 3000) + "\nthe needle paragraph\n" + ("haystack " * 3000), "utf-8")
    attached = attach_files(db, [budget, long_text], "partnership", with_hefei["id"], actor=ACTOR)
    link_attachment(db, attached[0]["id"], "activity", trip["id"], actor=ACTOR)
    records.update(db, "jurisdiction", home["id"], {"logo_attachment_id": attached[0]["id"]}, ACTOR)
    _enter_state_law_records(db, hefei["id"], attached[0]["id"])
    _receive_a_package(db, files)
    # Entering an inquiry or a response indexes it before its questions and answers are added; the rebuild that
    # an upgrade runs indexes them too. The reference's index is the program's rebuild of it from these records.
    with db.writing() as session:
        rebuild_in(session)
    return int(policy["id"])


def _enter_state_law_records(db: Database, partner_id: int, evidence_id: int) -> None:
    """A clerk's correction of a shipped rule and a step of ending a Texas partnership under it."""
    tyler = records.create(db, "jurisdiction", {"name": "Tyler", "state": "TX"}, ACTOR)
    with_tyler = records.create(db, "partnership", {"jurisdiction_id": tyler["id"], "partner_id": partner_id}, ACTOR)
    correction = correction_of(db, "tx-gov-795")
    correction["uncertain"] = ["Corrected by the clerk: the effective date was checked against the enrolled bill."]
    add_rule(db, correction, actor=ACTOR)
    plan = check_step(db, with_tyler["id"], correction["id"], "resolution", "2025-09-15")
    record_step(db, plan, evidence_attachment_id=evidence_id, note="Resolution 2025-117", actor=ACTOR)


def _receive_a_package(db: Database, files: Path) -> None:
    """Another city's package of its issued letter, kept as received."""
    from desktop_app.core.preservation.package import write_package
    from desktop_app.core.preservation.received import receive_package
    from desktop_app.core.reports.responses import issue

    sender, _ = open_database(resolve_location(files / "sender"))
    try:
        home = set_home_jurisdiction(sender, "Tyler", "TX", {"signatory_name": "A. Clerk"}, actor=ACTOR)
        partner = records.create(sender, "partner", {"name": "Jilin", "country_name": "China"}, ACTOR)
        records.create(sender, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]}, ACTOR)
        issued = issue(sender, create_draft(sender, actor=ACTOR)["id"], ACTOR)
        write_package(sender, issued["id"], files / "tyler.zip")
    finally:
        sender.dispose()
    receive_package(db, files / "tyler.zip", actor=ACTOR)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    folder = tmp_path_factory.mktemp("reference")
    db, _ = open_database(_fresh_location(folder))
    try:
        policy_id = _enter_records(db, folder)
        report = verify_database(db)
        assert report.ok, report.lines()
        with db.engine.connect() as connection:
            search_tables = _search_tables(connection)
        return Reference(take_snapshot(db), search_tables, policy_id)
    finally:
        db.dispose()


# ----- an older database holding the same rows -------------------------------------------------------------


# Columns a later revision dropped, with the value the program wrote into them when nothing was chosen.
DROPPED_COLUMNS = {"response_answer": {"excluded_evidence": ""}}


def _copy_rows(connection: Connection, reference: Reference) -> None:
    """The reference's rows, in the tables and columns the database has at its revision, with plain SQL."""
    present = set(_table_names(connection))
    order = [table.name for table in models.Base.metadata.sorted_tables if table.name in present]
    assert set(order) | {"alembic_version"} >= {name for name in present if not _is_search_table(name)}
    for name in order:
        table = reference.snapshot.tables[name]
        present_columns = set(connection.execute(text(f'SELECT * FROM "{name}" LIMIT 0')).keys())
        dropped = {
            column: value for column, value in DROPPED_COLUMNS.get(name, {}).items() if column in present_columns
        }
        _insert(connection, name, table, [column for column in table.columns if column in present_columns], dropped)
    if "search_entry" not in present:
        return
    for name, table in reference.search_tables.items():
        _insert(connection, name, table, list(table.columns))
    if connection.dialect.name == "postgresql":
        # The rows came with their ids: the id sequences must move past them, as they had when the program wrote them.
        with_ids = [name for name in order if "id" in reference.snapshot.tables[name].columns] + ["search_entry"]
        for name in with_ids:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {name}), 1))"
                )
            )


def _insert(
    connection: Connection, name: str, table: Table, columns: list[str], constants: dict[str, Any] | None = None
) -> None:
    if not table.rows:
        return
    constants = constants or {}
    names = columns + list(constants)
    values = ", ".join("CAST(:document AS tsvector)" if column == "document" else f":{column}" for column in names)
    quoted = ", ".join(f'"{column}"' for column in names)
    statement = text(f'INSERT INTO "{name}" ({quoted}) VALUES ({values})')
    positions = [table.columns.index(column) for column in columns]
    connection.execute(
        statement,
        [
            {**{column: row[position] for column, position in zip(columns, positions, strict=True)}, **constants}
            for row in table.rows
        ],
    )


def _database_at(location: DataLocation, revision: str, reference: Reference) -> set[str]:
    """An older database holding the reference's rows; returns the names of the tables it has."""
    location.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(location.database_url)
    try:
        upgrade_database(db.engine, target=revision)
        assert current_revision(db.engine) == revision
        with db.engine.begin() as connection:
            _copy_rows(connection, reference)
            return set(_table_names(connection))
    finally:
        db.dispose()


def _expected_after_upgrade(reference: Reference, present: set[str], revision: str) -> Snapshot:
    """The reference, with the tables a later revision added empty: an older database could not hold their rows;
    audit events unsealed before revision 0009, which added the seal; and records at version 1 before revision
    0011, which added the version (a record kept before it starts there)."""
    expected = reference.snapshot
    tables = {name: table if name in present else Table(table.columns, []) for name, table in expected.tables.items()}
    if revision < "0009":
        tables["audit_event"] = _with_column_set(tables["audit_event"], "seal", "")
    if revision < "0011":
        tables = {name: _with_column_set(table, "version", 1) for name, table in tables.items()}
    return Snapshot(expected.schema, tables, expected.index, expected.searches)


def _with_column_set(table: Table, column: str, value: Any) -> Table:
    """The table with every row's ``column`` set to ``value``; the table itself when it has no such column."""
    if column not in table.columns:
        return table
    at = table.columns.index(column)
    return Table(table.columns, [(*row[:at], value, *row[at + 1 :]) for row in table.rows])


def _differences(upgraded: Snapshot, expected: Snapshot) -> list[str]:
    found: list[str] = []
    if upgraded.schema != expected.schema:
        extra = [item for item in upgraded.schema if item not in expected.schema]
        missing = [item for item in expected.schema if item not in upgraded.schema]
        found.append(f"schema: not expected {extra[:5]}, missing {missing[:5]}")
    for name in sorted(set(upgraded.tables) | set(expected.tables)):
        got, wanted = upgraded.tables.get(name), expected.tables.get(name)
        if got is None or wanted is None:
            found.append(f"table {name} is {'missing' if got is None else 'not expected'}")
        elif got != wanted:
            first = next((pair for pair in zip(got.rows, wanted.rows, strict=False) if pair[0] != pair[1]), None)
            found.append(f"rows of {name} {got.columns}: {first or 'not as many'}")
    if upgraded.index != expected.index:
        extra = [item for item in upgraded.index if item not in expected.index]
        missing = [item for item in expected.index if item not in upgraded.index]
        found.append(f"index: not expected {extra[:3]}, missing {missing[:3]}")
    for query, results in expected.searches.items():
        if upgraded.searches[query] != results:
            found.append(f"search {query!r}: {upgraded.searches[query]} instead of {results}")
    return found


@pytest.mark.parametrize("revision", REVISIONS)
def test_an_upgraded_database_equals_a_new_one(location: DataLocation, reference: Reference, revision: str) -> None:
    present = _database_at(location, revision, reference)
    db, result = open_database(location)
    try:
        assert current_revision(db.engine) == head_revision()
        assert result.migrated == (revision != head_revision())
        upgraded = take_snapshot(db)
        assert _differences(upgraded, _expected_after_upgrade(reference, present, revision)) == []
        report = verify_database(db)
        assert report.ok, report.lines()
        # The upgraded database takes changes: its index and, on PostgreSQL, its id sequences follow.
        records.update(db, "policy", reference.policy_id, {"summary": "Kites are registered too."}, ACTOR)
        assert [(hit["record_kind"], hit["record_id"]) for hit in search(db, "kites")] == [
            ("policy", reference.policy_id)
        ]
    finally:
        db.dispose()


def test_the_reference_holds_every_kind_and_script(reference: Reference) -> None:
    """The comparison means something only if the reference has rows everywhere and the queries find them."""
    empty = [name for name, table in reference.snapshot.tables.items() if not table.rows and name != "setting"]
    assert empty == []
    kinds = {entry[0] for entry in reference.snapshot.index}
    assert kinds == {"partnership", "agreement", "activity", "policy", "oversight", "inquiry", "response", "attachment"}
    assert any(entry[2] > 0 for entry in reference.snapshot.index), "a long text is indexed in several segments"
    not_found = [query for query, results in reference.snapshot.searches.items() if not results]
    assert not_found == [TRASHED_WORD]


# ----- migrations carry what they need ---------------------------------------------------------------------


def _imports_of(path: Path) -> list[str]:
    """The modules a file imports, late imports and importlib calls included; relative imports as dots."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("__import__", "importlib.import_module"):
            found.extend(str(arg.value) for arg in node.args[:1] if isinstance(arg, ast.Constant))
    return found


def test_migrations_import_nothing_of_the_program() -> None:
    """A revision runs long after it was written, beside a newer program: it must not use the program's code."""
    files = sorted(MIGRATIONS_DIR.rglob("*.py"))
    revision_files = [path for path in files if path.parent.name == "versions" and path.name != "__init__.py"]
    assert MIGRATIONS_DIR / "env.py" in files
    assert len(revision_files) == len(REVISIONS)
    offending = [
        f"{path.relative_to(MIGRATIONS_DIR)} imports {module}"
        for path in files
        for module in _imports_of(path)
        if module.startswith(("desktop_app", "."))
    ]
    assert offending == []
