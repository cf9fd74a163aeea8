"""A shared PostgreSQL server: server-init, its roles and users, and rights the server itself enforces."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.server import ROLES, add_user, server_init
from desktop_app.core.safekeeping.verify import verify_database

from ..conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


@pytest.fixture
def server(location: DataLocation) -> Iterator[str]:
    """The emptied test database, set up with server-init; the users a test adds are dropped afterwards."""
    added: list[str] = []
    url = location.database_url
    server_init(url)
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in added:
            connection.execute(text(f"DROP ROLE IF EXISTS {name}"))
        for name in connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'test_clerk_%'")
        ).scalars():
            connection.execute(text(f"DROP ROLE {name}"))
    engine.dispose()


def _user(url: str, role: str) -> str:
    """A new login in ``role``; its address."""
    name = f"test_clerk_{uuid.uuid4().hex[:10]}"
    add_user(url, name, role, "a: 'secret' %s")
    return make_url(url).set(username=name, password="a: 'secret' %s").render_as_string(hide_password=False)


def _open_as(url: str, folder: Path) -> Database:
    db, _ = open_database(resolve_location(folder, url))
    return db


def test_server_init_makes_the_records_and_the_roles_and_refuses_a_second_time(server: str) -> None:
    engine = create_engine(server)
    with engine.connect() as connection:
        roles = set(connection.execute(text("SELECT rolname FROM pg_roles")).scalars())
        assert set(ROLES) <= roles
        assert connection.execute(text("SELECT count(*) FROM inquiry")).scalar_one() >= 1
    engine.dispose()
    with pytest.raises(UserError, match="already holds Sister City Records"):
        server_init(server)


def test_server_init_refuses_a_database_that_holds_anything_else(location: DataLocation) -> None:
    engine = create_engine(location.database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE payroll (id integer)"))
    engine.dispose()
    with pytest.raises(UserError, match="is not empty"):
        server_init(location.database_url)
    engine = create_engine(location.database_url)
    with engine.connect() as connection:
        tables = set(connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    engine.dispose()
    assert tables == {"payroll"}


def test_a_reader_reads_and_the_server_refuses_every_write(server: str, tmp_path: Path) -> None:
    reader = _user(server, "reader")
    db = _open_as(reader, tmp_path / "reader")
    try:
        assert records.get(db, "inquiry", 1)["id"] == 1
        with pytest.raises(UserError, match="may not make this change"):
            records.create(db, "policy", {"kind": "procedure", "title": "Gift register"})
    finally:
        db.dispose()
    # Around the program, as with psql: the server itself refuses.
    engine = create_engine(reader)
    for statement in (
        "INSERT INTO policy (kind, title) VALUES ('procedure', 'x')",
        "UPDATE inquiry SET from_whom = 'changed'",
        "DELETE FROM inquiry",
        "INSERT INTO audit_event (seq, occurred_at, actor, action, record_kind, prev_hash, hash) "
        "VALUES (100000, 'now', 'me', 'create', 'policy', '', 'x')",
    ):
        with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_a_clerk_writes_but_cannot_alter_or_empty_the_audit_trail(server: str, tmp_path: Path) -> None:
    clerk = _user(server, "clerk")
    db = _open_as(clerk, tmp_path / "clerk")
    try:
        records.create(db, "policy", {"kind": "procedure", "title": "Gift register"})
        assert verify_database(db).ok, verify_database(db).lines()
    finally:
        db.dispose()
    engine = create_engine(clerk)
    for statement, refusal in (
        ("UPDATE audit_event SET actor = 'someone else'", "append-only|audit"),
        ("DELETE FROM audit_event", "permission denied"),
        ("TRUNCATE audit_event", "permission denied"),
        ("DROP TRIGGER audit_event_no_update ON audit_event", "must be owner"),
        ("ALTER TABLE audit_event DISABLE TRIGGER USER", "must be owner"),
        ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
    ):
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_adding_a_user_is_checked(server: str) -> None:
    with pytest.raises(UserError, match="cannot be a user name"):
        add_user(server, "Robert'); DROP TABLE partner;--", "clerk", "pw")
    with pytest.raises(UserError, match="is not one of reader, clerk, admin"):
        add_user(server, "test_clerk_x", "owner", "pw")
    with pytest.raises(UserError, match="password"):
        add_user(server, "test_clerk_x", "clerk", "")
    name = f"test_clerk_{uuid.uuid4().hex[:10]}"
    add_user(server, name, "admin", "pw")
    with pytest.raises(UserError, match="already has a user or role"):
        add_user(server, name, "clerk", "pw")
    with pytest.raises(UserError, match="PostgreSQL"):
        add_user("sqlite:///records.sqlite3", "test_clerk_y", "clerk", "pw")


def test_the_audit_trail_names_the_account_the_server_knows(server: str, tmp_path: Path) -> None:
    clerk = _user(server, "clerk")
    name = make_url(clerk).username
    db = _open_as(clerk, tmp_path / "clerk")
    try:
        records.create(db, "policy", {"kind": "procedure", "title": "Gift register"}, actor="someone claimed")
        [event] = audit_page(db, limit=1)
        assert event["actor"] == name
    finally:
        db.dispose()
    engine = create_engine(clerk)
    with pytest.raises(DBAPIError, match="must name the account that writes it"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (seq, occurred_at, actor, action, record_kind, prev_hash, hash) "
                "VALUES (100000, 'now', 'someone else', 'create', 'policy', '', 'x')"
            )
        )
    engine.dispose()
