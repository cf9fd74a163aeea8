"""Connecting to a shared server: the address never shows the password, and each failure gets its own sentence."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_app.core.db import engine as db_engine
from desktop_app.core.db.engine import describe_database_error
from desktop_app.core.db.schema_head import SCHEMA_HEAD
from desktop_app.core.errors import UserError
from desktop_app.core.host import server_passwords
from desktop_app.core.host.paths import resolve_location, shown_database_url
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping import opening
from desktop_app.core.safekeeping.connecting import (
    SharedServer,
    check_shared_server,
    open_shared_records,
    shared_server_of,
)
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.server import server_init

from ..conftest import TEST_DATABASE_URL, MemoryKeyring

PASSWORD = "Zq7:p@ss/w%rd 'x'"
needs_server = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"the keychain is locked ({password})")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ----- the address ---------------------------------------------------------------------------------------------


def test_the_address_carries_the_password_but_never_shows_it(tmp_path: Path) -> None:
    server = SharedServer("db.example.org", "city_records", "jsmith", sslmode="verify-full")
    url = server.url(PASSWORD)
    assert url.password == PASSWORD
    assert url.query["sslmode"] == "verify-full"
    assert PASSWORD not in server.shown_url and PASSWORD not in repr(server)
    assert server.description == "db.example.org / city_records as jsmith"
    location = server.location(PASSWORD, tmp_path)
    assert make_url(location.database_url).password == PASSWORD  # quoted in the address, read back whole
    shown = shown_database_url(location.database_url)
    assert shown is not None and PASSWORD not in shown and "jsmith" in shown
    assert shared_server_of(location.database_url) == server.checked()


def test_a_port_other_than_the_usual_one_is_named() -> None:
    assert SharedServer("db.example.org", "records", "clerk", port=6543).description == (
        "db.example.org:6543 / records as clerk"
    )
    assert shared_server_of("sqlite:///records.sqlite3") is None


@pytest.mark.parametrize(
    ("server", "words"),
    [
        (SharedServer(" ", "records", "clerk"), "address"),
        (SharedServer("db.example.org", "", "clerk"), "database"),
        (SharedServer("db.example.org", "records", ""), "user"),
        (SharedServer("db example.org", "records", "clerk"), "spaces"),
        (SharedServer("db.example.org", "records", "clerk", port=70000), "port"),
        (SharedServer("db.example.org", "records", "clerk", sslmode="sometimes"), "security setting"),
    ],
)
def test_details_that_cannot_be_right_are_named_before_connecting(server: SharedServer, words: str) -> None:
    with pytest.raises(UserError, match=words):
        check_shared_server(server, PASSWORD)


# ----- failures without a server -------------------------------------------------------------------------------


def test_a_closed_port_cannot_be_reached_and_says_so_at_once() -> None:
    server = SharedServer("127.0.0.1", "records", "clerk", port=_closed_port())
    started = time.monotonic()
    with pytest.raises(UserError) as refused:
        check_shared_server(server, PASSWORD, timeout_seconds=5)
    assert time.monotonic() - started < 3
    assert refused.value.message == db_engine.SERVER_UNREACHABLE
    assert PASSWORD not in refused.value.message


def test_a_server_that_never_answers_is_given_up_after_the_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the connection is accepted by the system, and nothing ever answers on it
        server = SharedServer("127.0.0.1", "records", "clerk", port=int(silent.getsockname()[1]))
        started = time.monotonic()
        with pytest.raises(UserError) as refused:
            check_shared_server(server, PASSWORD, timeout_seconds=2)
        assert 1.5 < time.monotonic() - started < 8
    assert refused.value.message == db_engine.SERVER_UNREACHABLE


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ('FATAL:  password authentication failed for user "jsmith"', db_engine.SERVER_REFUSED_LOGIN),
        ("fe_sendauth: no password supplied", db_engine.SERVER_REFUSED_LOGIN),
        (
            'FATAL:  no pg_hba.conf entry for host "10.0.0.5", user "jsmith", database "locked", no encryption',
            db_engine.SERVER_REQUIRES_TLS,
        ),
        ("SSL error: certificate verify failed", db_engine.SERVER_CERTIFICATE_UNCHECKED),
        ("FATAL:  sorry, too many clients already", db_engine.SERVER_BUSY),
        ('FATAL:  permission denied for database "records"', db_engine.SERVER_REFUSED_DATABASE),
    ],
)
def test_what_a_server_refuses_while_connecting_gets_its_own_sentence(reason: str, sentence: str) -> None:
    # The host's name holds words ("locked", "busy") that mean something else after the connection is made.
    error = RuntimeError(
        f'connection failed: connection to server at "busy-locked.example.org", port 5432 failed: {reason}'
    )
    assert describe_database_error(error) == sentence


def test_a_failure_after_connecting_is_not_taken_for_a_connection_failure() -> None:
    error = RuntimeError("permission denied for table audit_event")
    assert "administrator" in describe_database_error(error)
    assert describe_database_error(error) != db_engine.SERVER_REFUSED_DATABASE


# ----- the keychain --------------------------------------------------------------------------------------------


def test_a_password_is_kept_for_its_own_server_database_and_user_only(memory_keyring: MemoryKeyring) -> None:
    account = SharedServer("db.example.org", "records", "jsmith").account
    assert server_passwords.keep_or_forget(account, PASSWORD, remember=True)
    assert server_passwords.read_password(account) == PASSWORD
    for other in (replace(account, port=6543), replace(account, database="other"), replace(account, user="pat")):
        assert server_passwords.read_password(other) is None
    assert not server_passwords.keep_or_forget(account, PASSWORD, remember=False)
    assert server_passwords.read_password(account) is None
    assert memory_keyring.entries == {}


def test_without_a_usable_keyring_nothing_is_kept() -> None:
    keyring.set_keyring(fail.Keyring())
    account = SharedServer("db.example.org", "records", "jsmith").account
    assert not server_passwords.keyring_usable()
    assert not server_passwords.save_password(account, PASSWORD)
    assert server_passwords.read_password(account) is None


def test_a_keyring_that_refuses_keeps_nothing_and_logs_no_password(caplog: pytest.LogCaptureFixture) -> None:
    keyring.set_keyring(RefusingKeyring())
    try:
        account = SharedServer("db.example.org", "records", "jsmith").account
        assert not server_passwords.save_password(account, PASSWORD)
        assert "RuntimeError" in caplog.text and PASSWORD not in caplog.text
    finally:
        keyring.set_keyring(fail.Keyring())


# ----- on a server ---------------------------------------------------------------------------------------------


def _server_for(database: str, **changes: object) -> SharedServer:
    found = shared_server_of(TEST_DATABASE_URL)
    assert found is not None
    return replace(found, database=database, **changes)  # type: ignore[arg-type]


def _run(url: str, *statements: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
    engine.dispose()
    return found


@pytest.fixture
def throwaway() -> Iterator[str]:
    """The name of a new, empty database on the test server, dropped afterwards."""
    name = f"records_check_{uuid.uuid4().hex[:10]}"
    _run(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"')
    yield name
    _run(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url_of(database: str) -> str:
    return make_url(TEST_DATABASE_URL).set(database=database).render_as_string(hide_password=False)


@needs_server
def test_a_database_the_server_lacks_is_named_as_missing(tmp_path: Path) -> None:
    server = _server_for(f"no_such_records_{uuid.uuid4().hex[:8]}")
    with pytest.raises(UserError) as refused:
        check_shared_server(server, None)
    assert refused.value.message == db_engine.SERVER_HAS_NO_SUCH_DATABASE
    # The command line says the same of the same address.
    with pytest.raises(UserError) as from_command_line:
        open_database(resolve_location(tmp_path, _url_of(server.database)), create=False)
    assert from_command_line.value.message == refused.value.message


@needs_server
def test_a_user_the_server_does_not_know_is_refused() -> None:
    server = _server_for("postgres", user=f"nobody_{uuid.uuid4().hex[:8]}")
    with pytest.raises(UserError) as refused:
        check_shared_server(server, PASSWORD)
    assert refused.value.message == db_engine.SERVER_REFUSED_LOGIN
    assert PASSWORD not in refused.value.message


@needs_server
def test_encryption_asked_of_a_server_that_offers_none_is_named() -> None:
    engine = create_engine(TEST_DATABASE_URL)
    with engine.connect() as connection:
        offers_tls = connection.scalar(text("SHOW ssl")) == "on"
    engine.dispose()
    if offers_tls:
        pytest.skip("the test server offers encrypted connections")
    with pytest.raises(UserError) as refused:
        check_shared_server(_server_for("postgres", sslmode="require"), None)
    assert refused.value.message == db_engine.SERVER_WITHOUT_TLS


@needs_server
def test_a_database_holding_something_else_is_not_taken_for_records(throwaway: str, tmp_path: Path) -> None:
    _run(_url_of(throwaway), "CREATE TABLE payroll (id integer, amount numeric)")
    with pytest.raises(UserError) as refused:
        check_shared_server(_server_for(throwaway), None)
    assert refused.value.message == opening.SERVER_DATABASE_NOT_RECORDS
    with pytest.raises(UserError) as from_command_line:
        open_database(resolve_location(tmp_path, _url_of(throwaway)), create=False)
    assert from_command_line.value.message == refused.value.message
    assert _tables(_url_of(throwaway)) == {"payroll"}


@needs_server
def test_an_empty_database_is_left_for_the_administrator_to_set_up(throwaway: str, tmp_path: Path) -> None:
    with pytest.raises(UserError) as refused:
        open_shared_records(_server_for(throwaway), None, tmp_path)
    assert refused.value.message == opening.SERVER_DATABASE_EMPTY
    assert "server-init" in refused.value.message
    with pytest.raises(UserError) as from_command_line:
        open_database(resolve_location(tmp_path, _url_of(throwaway)), create=False)
    assert from_command_line.value.message == refused.value.message
    assert _tables(_url_of(throwaway)) == set()


@needs_server
def test_records_set_up_with_server_init_open_and_a_newer_schema_is_refused(throwaway: str, tmp_path: Path) -> None:
    server_init(_url_of(throwaway))
    server = _server_for(throwaway)
    check = check_shared_server(server, None)
    assert check.revision == SCHEMA_HEAD and check.current
    shared = open_shared_records(server, None, tmp_path)
    try:
        assert shared.server == server and not shared.opened.created and not shared.opened.migrated
        assert shared.location.data_dir == tmp_path
        assert records.list_records(shared.db, "inquiry")
    finally:
        shared.db.dispose()

    _run(_url_of(throwaway), "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(UserError) as refused:
        check_shared_server(server, None)
    assert refused.value.message == opening.SERVER_RECORDS_NEWER
    with pytest.raises(UserError) as from_command_line:
        open_database(resolve_location(tmp_path, _url_of(throwaway)), create=False)
    assert from_command_line.value.message == refused.value.message
