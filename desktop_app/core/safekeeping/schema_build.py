"""Builds the file of each revision's schema: a new database is brought through every revision and read back.

Run ``python -m desktop_app.core.safekeeping.schema_build [POSTGRESQL_URL]`` after adding a revision: it rewrites
resources/schema/sqlite-schema.json, and with a server's address also postgresql-schema.json (built in a scratch
schema of that database, which is dropped afterwards). A test checks the shipped files against a fresh build.
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text

from ..db.engine import Database
from ..db.migrate import MIGRATIONS_DIR, upgrade_database
from ..host.resources import resource_path
from .schema_check import as_shipped_file, read_entries, schema_file_name


def revisions_oldest_first() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


def build_from(engine: Engine) -> dict[str, Any]:
    """Each revision's schema, read after bringing the empty database behind ``engine`` to it, one after another."""
    revisions: dict[str, list[list[str]]] = {}
    for revision in revisions_oldest_first():
        upgrade_database(engine, target=revision)
        with engine.connect() as connection:
            revisions[revision] = read_entries(connection)
    return as_shipped_file(revisions)


def build_sqlite() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database("sqlite:///" + str(Path(folder) / "schema.sqlite3"))
        try:
            return build_from(db.engine)
        finally:
            db.dispose()


def build_postgresql(url: str) -> dict[str, Any]:
    """Builds in a new scratch schema of the database at ``url``, which is dropped afterwards; nothing else is used."""
    scratch = f"schema_build_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {scratch}"))
        engine = create_engine(url, connect_args={"options": f"-csearch_path={scratch}"})
        try:
            return build_from(engine)
        finally:
            engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {scratch} CASCADE"))
        admin.dispose()


def as_file_text(built: dict[str, Any]) -> str:
    """JSON with one object, or one revision, a line: a new revision reads as a short change of the file."""
    entries = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in built["entries"])
    revisions = ",\n".join(
        f"{json.dumps(revision)}: {json.dumps(positions)}" for revision, positions in built["revisions"].items()
    )
    return '{"entries": [\n' + entries + '\n],\n"revisions": {\n' + revisions + "\n}}\n"


def main(arguments: list[str]) -> int:
    targets = [("sqlite", build_sqlite())]
    if arguments:
        targets.append(("postgresql", build_postgresql(arguments[0])))
    for dialect, built in targets:
        path = resource_path("schema", schema_file_name(dialect))
        path.write_text(as_file_text(built), encoding="utf-8")
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
