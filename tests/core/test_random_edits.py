"""Random edits made around the program, with plain SQL on a copy of the records: verify names every one."""

from __future__ import annotations

import contextlib
import inspect
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.db import models
from desktop_app.core.errors import UserError
from desktop_app.core.host.audit_anchor import anchor_path
from desktop_app.core.host.paths import DataLocation, resolve_location, sqlite_url
from desktop_app.core.records.audit import AUDIT_TRIGGERS, canonical_json, event_hash
from desktop_app.core.records.kinds import KINDS
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.restore_backup import restore_backup
from desktop_app.core.safekeeping.seals import GENESIS_HASH
from desktop_app.core.safekeeping.verify import VerifyReport, verify_database
from desktop_app.core.vocab import PARTNERSHIP_KINDS

from .report_records import build_city

pytestmark = pytest.mark.usefixtures("sqlite_only")

# How each table's records are named in verify's sentences.
LABELS = {kind.model.__tablename__: kind.label for kind in KINDS} | {"attachment": "Attachment"}
RECORD_TABLES = ("partnership", "partner", "jurisdiction", "oversight_action", "agreement", "policy", "attachment")
# An attachment's audit events keep only these of its columns; the others (its extracted text, say) change
# without an event when its text is read.
ATTACHMENT_AUDITED = ("title", "original_name", "sha256", "size", "deleted_at")
COLUMN_TYPES = {
    table.name: {column.name: column.type.python_type for column in table.columns}
    for table in models.Base.metadata.sorted_tables
    if table.name in RECORD_TABLES
}
# What an event's hash covers, in the order event_hash takes it.
HASHED = inspect.signature(event_hash).parameters
EDIT_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small records file the program made: partnerships, partners, a jurisdiction, oversight, attachments."""
    location = resolve_location(tmp_path_factory.mktemp("pristine"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")
        db, _ = open_database(location, automatic_backup=False)
        try:
            build_city(db, extra_partnerships=2)
            report = verify_database(db)
        finally:
            db.dispose()
    assert report.ok, report.lines()
    assert location.sqlite_path is not None
    return location.sqlite_path


@dataclass(frozen=True)
class Edit:
    """One edit made around the program; ``apply`` makes it and returns the words a problem line must hold."""

    description: str
    apply: Callable[[sqlite3.Connection], list[str]]
    refused_on_restore: bool = False

    def __repr__(self) -> str:
        return self.description


def ids_of(connection: sqlite3.Connection, table: str) -> list[int]:
    return [row[0] for row in connection.execute(f"SELECT id FROM {table} ORDER BY id")]


def different_value(kind: type, value: Any) -> Any:
    """A value of the column's type that differs from ``value``."""
    if kind is bool:
        return 0 if value else 1
    if kind is int:
        return 1 if value is None else value + 1
    if value is None:
        return "2001-02-03" if kind.__name__ == "date" else "edited"
    if kind.__name__ == "date":
        return "2001-02-03" if value != "2001-02-03" else "2001-02-04"
    return f"{value} (edited)"


# ----- edits the records check and the schema check find ------------------------------------------------------


@st.composite
def updates(draw: st.DrawFn) -> Edit:
    table = draw(st.sampled_from(RECORD_TABLES))
    columns = ATTACHMENT_AUDITED if table == "attachment" else sorted(set(COLUMN_TYPES[table]) - {"id"})
    column = draw(st.sampled_from(columns))
    pick = draw(st.integers(min_value=0, max_value=10))

    def apply(connection: sqlite3.Connection) -> list[str]:
        ids = ids_of(connection, table)
        record_id = ids[pick % len(ids)]
        (value,) = connection.execute(f"SELECT {column} FROM {table} WHERE id = ?", (record_id,)).fetchone()
        new = different_value(COLUMN_TYPES[table][column], value)
        connection.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (new, record_id))
        return [f"{LABELS[table]} {record_id} ", column]

    return Edit(f"UPDATE {table}.{column} of row #{pick}", apply)


@st.composite
def deletions(draw: st.DrawFn) -> Edit:
    table = draw(st.sampled_from(RECORD_TABLES))
    pick = draw(st.integers(min_value=0, max_value=10))

    def apply(connection: sqlite3.Connection) -> list[str]:
        ids = ids_of(connection, table)
        record_id = ids[pick % len(ids)]
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
        return [f"{LABELS[table]} {record_id} "]

    return Edit(f"DELETE row #{pick} of {table}", apply)


@st.composite
def insertions(draw: st.DrawFn) -> Edit:
    table = draw(st.sampled_from(RECORD_TABLES))
    pick = draw(st.integers(min_value=0, max_value=10))

    def apply(connection: sqlite3.Connection) -> list[str]:
        ids = ids_of(connection, table)
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute(f"SELECT * FROM {table} WHERE id = ?", (ids[pick % len(ids)],)).fetchone())
        connection.row_factory = None
        # A copy of an existing record under the next number, as a raw INSERT would add it.
        row["id"] = ids[-1] + 1
        if table == "partnership":  # one partnership of each kind between the same two places
            row["kind"] = next(kind for kind in PARTNERSHIP_KINDS if kind != row["kind"])
        connection.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())
        )
        return [f"{LABELS[table]} {row['id']} "]

    return Edit(f"INSERT into {table} a copy of row #{pick}", apply)


SCHEMA_OBJECTS = {
    "trigger silencing the audit trail": (
        "CREATE TRIGGER {name} BEFORE INSERT ON audit_event BEGIN SELECT RAISE(IGNORE); END"
    ),
    "trigger copying partner names": (
        "CREATE TRIGGER {name} AFTER INSERT ON partner BEGIN UPDATE partner SET notes = new.name WHERE id = new.id; END"
    ),
    "view": "CREATE VIEW {name} AS SELECT name, region FROM partner",
    "index": "CREATE INDEX {name} ON partnership (notes)",
    "table": "CREATE TABLE {name} (id INTEGER PRIMARY KEY, copied TEXT)",
}


@st.composite
def schema_additions(draw: st.DrawFn) -> Edit:
    what = draw(st.sampled_from(sorted(SCHEMA_OBJECTS)))
    name = draw(st.sampled_from(["extra_object", "keep_quiet", "zz_copy"]))

    def apply(connection: sqlite3.Connection) -> list[str]:
        connection.execute(SCHEMA_OBJECTS[what].format(name=name))
        return [name]

    return Edit(f"add a {what} named {name}", apply)


# ----- edits of the audit trail itself, its guards put back as they were ---------------------------------------


def without_guards(connection: sqlite3.Connection, change: Callable[[], None]) -> None:
    """Runs ``change`` with the audit trail's guards dropped, then puts them back exactly as they were."""
    guards = [
        row[0]
        for row in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?) ORDER BY name", AUDIT_TRIGGERS
        )
    ]
    assert len(guards) == len(AUDIT_TRIGGERS)
    for name in AUDIT_TRIGGERS:
        connection.execute(f"DROP TRIGGER {name}")
    change()
    for guard in guards:
        connection.execute(guard)


@st.composite
def last_event_deletions(draw: st.DrawFn) -> Edit:
    count = draw(st.integers(min_value=1, max_value=3))

    def apply(connection: sqlite3.Connection) -> list[str]:
        (last,) = connection.execute("SELECT max(seq) FROM audit_event").fetchone()
        without_guards(connection, lambda: connection.execute("DELETE FROM audit_event WHERE seq > ?", (last - count,)))
        return [f"event {seq} " for seq in range(last - count + 1, last + 1)]

    return Edit(f"delete the last {count} audit event(s)", apply)


@st.composite
def rehashed_rewrites(draw: st.DrawFn) -> Edit:
    pick = draw(st.integers(min_value=0, max_value=40))
    key_pick = draw(st.integers(min_value=0, max_value=10))

    def apply(connection: sqlite3.Connection) -> list[str]:
        events = list(connection.execute("SELECT * FROM audit_event ORDER BY seq"))
        names = [column[1] for column in connection.execute("PRAGMA table_info(audit_event)")]
        rows = [dict(zip(names, event, strict=True)) for event in events]
        index = pick % len(rows)
        target = rows[index]
        after = json.loads(target["after_json"] or "{}") or {"note": ""}
        key = sorted(after)[key_pick % len(after)]
        after[key] = different_value(type(after[key]) if after[key] is not None else str, after[key])
        target["after_json"] = canonical_json(after)

        def rehash() -> None:
            prev_hash = rows[index - 1]["hash"] if index else GENESIS_HASH
            for row in rows[index:]:
                row["prev_hash"] = prev_hash
                fields = {name: row[name] for name in HASHED}
                row["hash"] = prev_hash = event_hash(**fields)
                connection.execute(
                    "UPDATE audit_event SET after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    (row["after_json"], row["prev_hash"], row["hash"], row["seq"]),
                )

        without_guards(connection, rehash)
        return [f"event {target['seq']} "]

    return Edit(f"rewrite audit event #{pick} (key #{key_pick}) and rehash the chain after it", apply, True)


# ----- running an edit on a copy -------------------------------------------------------------------------------


def edited_copy(pristine: Path, folder: Path, edit: Edit) -> tuple[DataLocation, list[str]]:
    """The records copied into ``folder`` with the anchor of their audit trail kept beside them, then edited."""
    location = resolve_location(folder)
    assert location.sqlite_path is not None
    folder.mkdir(parents=True, exist_ok=True)
    anchor, copied_anchor = anchor_path(sqlite_url(pristine)), anchor_path(location.database_url)
    assert anchor is not None and anchor.is_file() and copied_anchor is not None
    shutil.copyfile(anchor, copied_anchor)
    with (
        contextlib.closing(sqlite3.connect(pristine)) as source,
        contextlib.closing(sqlite3.connect(location.sqlite_path)) as copy,
    ):
        source.backup(copy)
        with copy:
            words = edit.apply(copy)
    return location, words


def verify(location: DataLocation) -> VerifyReport:
    db, _ = open_database(location, create=False, automatic_backup=False, refuse_other_schema=False)
    try:
        return verify_database(db)
    finally:
        db.dispose()


def named(report: VerifyReport, words: list[str]) -> bool:
    """Whether one problem line names the change: for a record its label, number and any column given."""
    lines = [problem for problems in report.checks.values() for problem in problems]
    record, *columns = words
    return any(record in line and all(column in line for column in columns) for line in lines)


def restore_refused(location: DataLocation, folder: Path) -> bool:
    """Whether a backup made from the edited records is refused when it is restored (onto a new computer)."""
    try:
        backup = create_backup(location, folder / "edited-backup.sqlite3")
        restore_backup(resolve_location(folder / "elsewhere"), Path(backup.path))
    except UserError:
        return True
    return False


@EDIT_SETTINGS
@given(edit=st.one_of(updates(), deletions(), insertions(), schema_additions()))
def test_verify_names_every_edit_made_around_the_program(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, edit: Edit
) -> None:
    location, words = edited_copy(pristine, tmp_path_factory.mktemp("edited"), edit)
    report = verify(location)
    assert not report.ok, edit
    assert named(report, words), (edit, words, report.lines())


@EDIT_SETTINGS
@given(edit=st.one_of(last_event_deletions(), rehashed_rewrites()))
def test_an_audit_trail_cut_short_or_rewritten_with_the_programs_own_hash_is_found(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, edit: Edit
) -> None:
    folder = tmp_path_factory.mktemp("edited")
    location, words = edited_copy(pristine, folder, edit)
    report = verify(location)
    trail = report.checks["Audit trail"]
    assert any(word in line for word in words for line in trail), (edit, words, report.lines())
    if edit.refused_on_restore:
        assert restore_refused(location, folder), edit
