"""A records file is the program's or refused: any object the program does not make, or lacks, is named.

Restore compares a backup with the schema of the revision it claims before reading anything else; opening refuses
records whose schema differs; verify reports each difference. The shipped schema files are what the migrations make.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import current_revision, head_revision, upgrade_database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.host.resources import resource_path
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.restore_backup import check_backup_file, restore_backup
from desktop_app.core.safekeeping.schema_build import build_postgresql, build_sqlite
from desktop_app.core.safekeeping.schema_check import check_schema, expected_schema, normalise_sql, schema_file_name
from desktop_app.core.safekeeping.verify import verify_database
from tests.conftest import TEST_DATABASE_URL

SILENCING_TRIGGER = "CREATE TRIGGER audit_event_ignore BEFORE INSERT ON audit_event BEGIN SELECT RAISE(IGNORE); END"
RECURSIVE_VIEW = (
    "CREATE VIEW policy AS WITH RECURSIVE endless(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM endless) "
    "SELECT n AS id, 'council_policy' AS kind, 'x' AS title, '' AS summary, NULL AS deleted_at FROM endless"
)
POSTGRESQL_SILENCING_TRIGGER = (
    "CREATE FUNCTION audit_event_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
    "CREATE TRIGGER audit_event_ignore BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_drop()",
)

# A change made around the program, and the sentence verify gives for it, on either database.
CHANGES = {
    "extra index": (
        ["CREATE INDEX ix_policy_title_extra ON policy (title)"],
        "The records hold an index the program does not make: ix_policy_title_extra on policy.",
    ),
    "extra table": (
        ["CREATE TABLE copied_names (name TEXT)"],
        "The records hold a table the program does not make: copied_names.",
    ),
    "extra column": (
        ["ALTER TABLE partner ADD COLUMN secret TEXT"],
        "The records hold a column the program does not make: partner.secret.",
    ),
    "missing index": (
        ["DROP INDEX ix_policy_deleted_at"],
        "The records lack the index ix_policy_deleted_at on policy that the program makes.",
    ),
}


def fingerprint(location: DataLocation) -> dict[str, str]:
    """The bytes of the records and everything beside them (the backups folder included)."""
    return {
        str(path.relative_to(location.data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(location.data_dir.rglob("*"))
        if path.is_file() and path.suffix != ".log" and path.name != "sister-city-records.lock"
    }


def partner_names(location: DataLocation) -> list[str]:
    db, _ = open_database(location, create=False)
    try:
        return [row["name"] for row in records.list_records(db, "partner")]
    finally:
        db.dispose()


def change_file(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def change_database(db: Database, statements: list[str]) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def finishes_within(seconds: float, work: Callable[[], object]) -> BaseException | None:
    """Runs ``work`` and returns what it raised; fails the test when it does not finish in time."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test, which looks at it
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"it did not finish within {seconds} seconds"
    return raised[0] if raised else None


# ----- the shipped schema files ----------------------------------------------------------------------------


def shipped(dialect: str) -> object:
    with resource_path("schema", schema_file_name(dialect)).open(encoding="utf-8") as handle:
        return json.load(handle)


def test_the_shipped_sqlite_schema_is_the_one_the_migrations_build() -> None:
    built = build_sqlite()
    assert shipped("sqlite") == built
    revisions = list(built["revisions"])
    assert revisions == [f"{number:04d}" for number in range(1, len(revisions) + 1)]
    assert revisions[-1] == head_revision()
    head = expected_schema("sqlite", head_revision())
    assert {("trigger", "audit_event_no_update"), ("table", "search_text"), ("table", "search_text_data")} <= set(head)
    assert {("table", "law_rule"), ("column", "termination_step.partnership_id")} <= set(head)
    assert ("table", "law_rule") not in expected_schema("sqlite", "0007")


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")
def test_the_shipped_postgresql_schema_is_the_one_the_migrations_build() -> None:
    assert shipped("postgresql") == build_postgresql(TEST_DATABASE_URL)
    head = expected_schema("postgresql", head_revision())
    assert {("trigger", "audit_event_no_update"), ("function", "audit_event_refuse_change()")} <= set(head)
    assert {("index", "ix_search_entry_document"), ("table", "law_rule")} <= set(head)


def test_layout_case_and_quoting_do_not_matter_but_every_word_and_literal_does() -> None:
    written = "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'x'); END"
    relaid = (
        "create  trigger \"audit_event_no_update\"\n before update on [audit_event]\tBEGIN select raise(ABORT,'x');END"
    )
    assert normalise_sql(written) == normalise_sql(relaid)
    assert normalise_sql(written) != normalise_sql(written.replace("'x'", "'X'"))
    assert normalise_sql(written) != normalise_sql(written.replace("UPDATE", "INSERT"))
    assert (
        normalise_sql("CREATE INDEX i ON public.t USING btree (a)", "public") == "create index i on t using btree ( a )"
    )


# ----- restoring a backup (SQLite) -------------------------------------------------------------------------


@pytest.fixture
def backup_file(sqlite_only: None, db: Database, location: DataLocation, tmp_path: Path) -> Path:
    records.create(db, "partner", {"name": "Hefei", "country_name": "China"})
    path = Path(create_backup(location, tmp_path / "saved.sqlite3").path)
    records.create(db, "partner", {"name": "Added after the backup", "country_name": "China"})
    db.dispose()
    return path


def refused(location: DataLocation, source: Path) -> str:
    """Restoring ``source`` is refused and changes nothing; the sentence it gave."""
    before = fingerprint(location)
    with pytest.raises(UserError) as caught:
        restore_backup(location, source)
    assert fingerprint(location) == before
    assert partner_names(location) == ["Added after the backup", "Hefei"]
    return caught.value.message


def altered_copy(backup_file: Path, *statements: str) -> Path:
    altered = backup_file.with_name("altered.sqlite3")
    shutil.copyfile(backup_file, altered)
    change_file(altered, *statements)
    return altered


def test_a_backup_with_a_trigger_that_silences_the_audit_trail_is_refused(
    location: DataLocation, backup_file: Path
) -> None:
    altered = altered_copy(backup_file, SILENCING_TRIGGER)
    assert refused(location, altered) == (
        "The backup holds a trigger the program does not make: audit_event_ignore on audit_event; it was not restored."
    )
    with pytest.raises(UserError, match="audit_event_ignore"):
        check_backup_file(altered)


def test_a_backup_with_a_trigger_copying_names_elsewhere_is_refused(location: DataLocation, backup_file: Path) -> None:
    copying = (
        "CREATE TRIGGER copy_names AFTER INSERT ON participant "
        "BEGIN UPDATE partner SET region = NEW.name WHERE id = 1; END"
    )
    message = refused(location, altered_copy(backup_file, copying))
    assert message.startswith("The backup holds a trigger the program does not make: copy_names on participant")


def test_a_trigger_written_into_the_schema_under_a_reserved_name_is_refused(
    location: DataLocation, backup_file: Path
) -> None:
    altered = altered_copy(
        backup_file,
        "PRAGMA writable_schema = ON",
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('trigger', 'sqlite_hidden', "
        "'audit_event', 0, 'CREATE TRIGGER sqlite_hidden BEFORE INSERT ON audit_event "
        "BEGIN SELECT RAISE(IGNORE); END')",
    )
    assert refused(location, altered) == (
        "The backup holds a trigger the program does not make: sqlite_hidden on audit_event; it was not restored."
    )


def test_a_backup_whose_audit_guard_was_rewritten_is_refused(location: DataLocation, backup_file: Path) -> None:
    altered = altered_copy(
        backup_file,
        "DROP TRIGGER audit_event_no_update",
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT 1; END",
    )
    assert refused(location, altered) == (
        "The backup holds the trigger audit_event_no_update on audit_event in a form the program does not make; "
        "it was not restored."
    )


def test_a_backup_whose_table_is_an_endless_view_is_refused_at_once(location: DataLocation, backup_file: Path) -> None:
    altered = altered_copy(backup_file, "DROP TABLE policy", RECURSIVE_VIEW)
    before = fingerprint(location)
    started = time.monotonic()
    raised = finishes_within(60, lambda: restore_backup(location, altered))
    assert time.monotonic() - started < 30
    assert isinstance(raised, UserError)
    assert raised.message.startswith(
        "The backup holds a view the program does not make: policy; it lacks the table policy that the program makes"
    )
    assert raised.message.endswith("; it was not restored.")
    assert fingerprint(location) == before


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_backup_with_an_object_added_or_removed_is_refused_naming_it(
    location: DataLocation, backup_file: Path, change: str
) -> None:
    statements, sentence = CHANGES[change]
    expected = sentence.replace("The records hold", "The backup holds").replace("The records lack", "The backup lacks")
    assert refused(location, altered_copy(backup_file, *statements)) == expected[:-1] + "; it was not restored."


def test_many_differences_are_summed_up_in_one_sentence(location: DataLocation, backup_file: Path) -> None:
    statements = [statement for changes, _sentence in CHANGES.values() for statement in changes]
    message = refused(location, altered_copy(backup_file, *statements, SILENCING_TRIGGER))
    assert message.startswith("The backup holds a trigger the program does not make: audit_event_ignore on audit_event")
    assert "; it holds a column the program does not make: partner.secret" in message
    assert message.count("; it ") == 4
    assert message.endswith("; and 1 more difference from what the program makes; it was not restored.")


def test_a_backup_laid_out_differently_but_the_same_restores(location: DataLocation, backup_file: Path) -> None:
    relaid = altered_copy(
        backup_file,
        "DROP TRIGGER audit_event_no_delete",
        'create   trigger "audit_event_no_delete"\n before delete on [audit_event] '
        "begin select raise(abort, 'audit events are append-only'); end",
    )
    restore_backup(location, relaid)
    assert partner_names(location) == ["Hefei"]


def test_an_untouched_backup_restores(location: DataLocation, backup_file: Path) -> None:
    info = restore_backup(location, backup_file)
    assert info.revision == head_revision()
    assert partner_names(location) == ["Hefei"]


def older_backup(folder: Path, revision: str, *statements: str) -> Path:
    """A database of the program at an older ``revision``, as its backup would be."""
    path = folder / f"older-{revision}.sqlite3"
    db = Database("sqlite:///" + str(path))
    try:
        upgrade_database(db.engine, target=revision)
    finally:
        db.dispose()
    change_file(path, *statements)
    return path


@pytest.mark.parametrize("revision", ["0001", "0006"])
def test_an_untouched_backup_of_an_older_revision_restores_and_is_upgraded(
    location: DataLocation, backup_file: Path, tmp_path: Path, revision: str
) -> None:
    info = restore_backup(location, older_backup(tmp_path, revision))
    assert info.revision == revision
    db, _ = open_database(location, create=False)
    try:
        assert current_revision(db.engine) == head_revision()
        assert verify_database(db).ok
    finally:
        db.dispose()


def test_a_backup_of_an_older_revision_is_compared_with_that_revision(
    location: DataLocation, backup_file: Path, tmp_path: Path
) -> None:
    # The response columns revision 0007 added: right for 0008, foreign to a backup at 0006.
    added = "ALTER TABLE response ADD COLUMN withheld_reason TEXT NOT NULL DEFAULT ''"
    assert refused(location, older_backup(tmp_path, "0006", added)) == (
        "The backup holds a column the program does not make: response.withheld_reason; it was not restored."
    )
    assert refused(location, older_backup(tmp_path, "0006", SILENCING_TRIGGER)).startswith(
        "The backup holds a trigger the program does not make: audit_event_ignore on audit_event"
    )


# ----- the live records: opening refuses, verify reports (SQLite and PostgreSQL) ---------------------------


def silence_audit_trail(db: Database) -> None:
    change_database(db, list(POSTGRESQL_SILENCING_TRIGGER) if not db.is_sqlite else [SILENCING_TRIGGER])


def test_a_trigger_added_to_the_live_records_is_reported_by_verify_and_refused_at_opening(
    db: Database, location: DataLocation
) -> None:
    records.create(db, "partner", {"name": "Hefei", "country_name": "China"})
    silence_audit_trail(db)
    report = verify_database(db)
    assert not report.ok
    assert report.checks["Database schema"][0] == (
        "The records hold a trigger the program does not make: audit_event_ignore on audit_event."
    )
    if not db.is_sqlite:
        assert (
            "The records hold a function the program does not make: audit_event_drop()."
            in (report.checks["Database schema"])
        )
    assert report.checks["Audit trail"] == []  # the other checks still ran: a trigger changes no read
    db.dispose()
    with pytest.raises(UserError) as caught:
        open_database(location, create=False)
    assert caught.value.message.startswith(
        "The records hold a trigger the program does not make: audit_event_ignore on audit_event; "
    )
    assert "they were not opened" in caught.value.message
    reopened, result = open_database(location, create=False, refuse_other_schema=False)
    try:
        assert not result.migrated
        assert verify_database(reopened).checks["Database schema"][0].endswith("audit_event_ignore on audit_event.")
    finally:
        reopened.dispose()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_object_added_to_or_removed_from_the_live_records_is_named(
    db: Database, location: DataLocation, change: str
) -> None:
    statements, sentence = CHANGES[change]
    change_database(db, statements)
    assert verify_database(db).checks["Database schema"] == [sentence]
    db.dispose()
    with pytest.raises(UserError) as caught:
        open_database(location, create=False)
    assert caught.value.message.startswith(sentence[:-1] + "; they were not opened.")


@pytest.mark.parametrize("table", ["policy", "partnership"])  # partnership: other tables' foreign keys point at it
def test_a_live_table_replaced_by_an_endless_view_is_refused_and_verify_ends(
    db: Database, location: DataLocation, table: str
) -> None:
    view = RECURSIVE_VIEW.replace("VIEW policy", f"VIEW {table}")
    view = view if db.is_sqlite else view.replace("NULL AS", "NULL::text AS")
    change_database(db, [f"DROP TABLE {table}" + ("" if db.is_sqlite else " CASCADE"), view])
    raised = finishes_within(60, lambda: verify_database(db))
    assert raised is None
    report = verify_database(db)
    problems = report.checks["Database schema"]
    assert problems[0] == f"The records hold a view the program does not make: {table}."
    assert f"The records lack the table {table} that the program makes." in problems
    assert problems[-1].startswith("The other checks were not run")
    assert report.checks["Database integrity"] == []
    assert "Audit trail" not in report.checks
    db.dispose()
    raised = finishes_within(60, lambda: open_database(location, create=False))
    assert isinstance(raised, UserError) and f"a view the program does not make: {table}" in raised.message


def test_records_as_the_program_makes_them_pass_the_schema_check(db: Database) -> None:
    with db.engine.connect() as connection:
        check = check_schema(connection)
    assert check.revision == head_revision() and check.differences == []
    assert verify_database(db).checks["Database schema"] == []


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")
@pytest.mark.parametrize(
    ("statement", "sentence"),
    [
        (
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
            "The records hold the trigger audit_event_no_update on audit_event in a form the program does not make.",
        ),
        (
            "CREATE RULE audit_event_drop AS ON INSERT TO audit_event DO INSTEAD NOTHING",
            "The records hold a rule the program does not make: audit_event_drop on audit_event.",
        ),
        (
            "CREATE POLICY hide_events ON audit_event USING (false)",
            "The records hold a policy the program does not make: hide_events on audit_event.",
        ),
    ],
)
def test_postgresql_objects_that_change_what_is_written_or_read_are_named(
    db: Database, statement: str, sentence: str
) -> None:
    change_database(db, [statement])
    assert sentence in verify_database(db).checks["Database schema"]
