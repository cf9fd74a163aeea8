"""A shared PostgreSQL server: the records' schema made in an empty database, its three roles, and their users.

The server enforces what each role may do, whatever program connects: a reader only reads; a clerk reads and writes
records and appends to the audit trail; an administrator is a clerk who may also add users. No role but the owner
of the tables (the account that ran server-init) can alter or empty the audit trail: its guard triggers refuse
every UPDATE and DELETE, and only the owner may drop them or TRUNCATE the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from ..db.engine import Database, translate_database_errors
from ..errors import UserError
from ..host.paths import resolve_location, shown_database_url

READER, CLERK, ADMIN = "records_reader", "records_clerk", "records_admin"
ROLES = (READER, CLERK, ADMIN)
ROLE_CHOICES = {"reader": READER, "clerk": CLERK, "admin": ADMIN}
_USER_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables a clerk never writes directly: the schema's revision.
_SCHEMA_TABLES = ("alembic_version",)


@dataclass(frozen=True)
class ServerInitInfo:
    """What server-init did: the database it set up and the roles it made (or found)."""

    database: str
    roles_made: tuple[str, ...]


def require_postgresql(url: str) -> None:
    """Refuses, with the sentence a clerk needs, an address that is not a PostgreSQL server's."""
    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # an address SQLAlchemy cannot read is refused the same way
        backend = ""
    if backend != "postgresql":
        raise UserError(
            "A shared server is a PostgreSQL database, given as postgresql+psycopg://USER@HOST:PORT/DATABASE."
        )


def server_init(url: str) -> ServerInitInfo:
    """Creates the records in the empty PostgreSQL database at ``url`` and the roles with their rights.

    Refused, changing nothing, when the database already holds tables (its own records, or anything else).
    """
    require_postgresql(url)
    db = Database(url)
    try:
        with translate_database_errors(), db.engine.connect() as connection:
            tables = _tables(connection)
        if tables:
            shown = shown_database_url(url) or "the database"
            if "alembic_version" in tables and "audit_event" in tables:
                raise UserError(f"{shown} already holds Sister City Records; nothing was changed.")
            raise UserError(
                f"{shown} is not empty (it holds {len(tables)} table(s), such as {sorted(tables)[0]}); "
                "server-init sets up an empty database only. Nothing was changed."
            )
    finally:
        db.dispose()
    from .opening import open_database

    opened, _ = open_database(resolve_location(None, url), create=True, automatic_backup=False)
    try:
        with translate_database_errors(), opened.engine.begin() as connection:
            made = _make_roles(connection)
            _grant(connection)
    finally:
        opened.dispose()
    return ServerInitInfo(shown_database_url(url) or "", made)


def _tables(connection: Connection) -> set[str]:
    return set(
        connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
    )


def _make_roles(connection: Connection) -> tuple[str, ...]:
    existing = set(
        connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": list(ROLES)}
        ).scalars()
    )
    made = tuple(role for role in ROLES if role not in existing)
    for role in made:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    return made


def _grant(connection: Connection) -> None:
    """The rights of each role on the records' tables, as the server will enforce them."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    quoted_schema = _quoted(schema)
    quoted_database = _quoted(database)
    statements = [
        f"REVOKE ALL ON SCHEMA {quoted_schema} FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted_schema} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {quoted_database} TO {READER}, {CLERK}, {ADMIN}",
        f"GRANT USAGE ON SCHEMA {quoted_schema} TO {READER}, {CLERK}, {ADMIN}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {quoted_schema} TO {READER}",
        f"GRANT {READER} TO {CLERK}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted_schema} TO {CLERK}",
        # The schema's revision is the owner's to change (by upgrading), never a clerk's.
        *(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {CLERK}" for table in _SCHEMA_TABLES),
        # A clerk appends to the audit trail. UPDATE stays granted only because taking the lock that serialises
        # appends (EXCLUSIVE mode) requires it; the guard triggers refuse every UPDATE and DELETE of an event.
        f"REVOKE DELETE ON audit_event FROM {CLERK}",
        # A package received from another city is kept as received: a clerk adds one, never changes or removes it.
        f"REVOKE UPDATE, DELETE ON received_package FROM {CLERK}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {CLERK}",
        f"GRANT {CLERK} TO {ADMIN}",
    ]
    for statement in statements:
        connection.execute(text(statement))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def add_user(url: str, name: str, role: str, password: str) -> str:
    """Creates the login ``name`` with ``password`` in one of the roles (reader, clerk, admin); returns the role."""
    require_postgresql(url)
    if role not in ROLE_CHOICES:
        raise UserError(f"The role {role!r} is not one of {', '.join(ROLE_CHOICES)}.")
    if not _USER_NAME.match(name):
        raise UserError(
            f"{name[:70]!r} cannot be a user name on the server: use lower-case letters, digits and _ "
            "(at most 63), starting with a letter."
        )
    if not password or "\x00" in password:
        raise UserError("Give the new user a password (of characters other than NUL).")
    granted = ROLE_CHOICES[role]
    db = Database(url)
    try:
        with translate_database_errors(), db.engine.begin() as connection:
            roles = set(connection.execute(text("SELECT rolname FROM pg_roles")).scalars())
            if granted not in roles:
                raise UserError("This server has no records roles yet; run server-init on it first.")
            if name in roles:
                raise UserError(f"The server already has a user or role named {name}; nothing was changed.")
            # CREATE ROLE takes no bound parameters: the server quotes the name and password itself (format's %I
            # and %L), and the statement it returns runs as it is, with no placeholders read in it.
            statement = connection.execute(
                text(
                    "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', "
                    "CAST(:name AS text), CAST(:password AS text), CAST(:role AS text))"
                ),
                {"name": name, "password": password, "role": granted},
            ).scalar_one()
            driver: Any = connection.connection.driver_connection
            driver.execute(statement)
    finally:
        db.dispose()
    return granted
