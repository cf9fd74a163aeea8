"""server-init and server-add-user through the real command line, on the test PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import reset_postgresql

from .conftest import RunCli, assert_plain_failure

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


READER = "cli_reader"


@pytest.fixture
def empty_server() -> str:
    """The test server's database, emptied, with no anchor kept for it, and no reader left by an earlier run (roles
    belong to the whole server, not to the emptied database)."""
    from sqlalchemy import create_engine, text

    reset_postgresql(TEST_DATABASE_URL)
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        if connection.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :name"), {"name": READER}):
            connection.execute(text(f"DROP OWNED BY {READER}"))
            connection.execute(text(f"DROP ROLE {READER}"))
    engine.dispose()
    return TEST_DATABASE_URL


def test_a_server_is_set_up_and_a_reader_added_who_cannot_write(
    run_cli: RunCli, empty_server: str, tmp_path: Path
) -> None:
    from desktop_app.core.host.audit_anchor import anchor_path

    anchor = anchor_path(empty_server)
    if anchor is not None:
        anchor.unlink(missing_ok=True)
    made = run_cli("server-init", empty_server)
    assert made.returncode == 0, made.stderr
    assert "Set up the records" in made.stdout
    assert_plain_failure(run_cli("server-init", empty_server))

    added = run_cli(
        "server-add-user",
        READER,
        "--role",
        "reader",
        "--password-stdin",
        database=empty_server,
        input_text="pa:ss%word\n",
    )
    assert added.returncode == 0, added.stderr
    assert "pa:ss%word" not in added.stdout + added.stderr
    reader = empty_server.replace("postgres@", f"{READER}:pa%3Ass%25word@", 1)
    assert run_cli("list", "inquiries", database=reader).returncode == 0
    refused = run_cli("new", "policy", "--kind", "procedure", "--title", "Gift register", database=reader)
    assert_plain_failure(refused)
    assert "may not make this change" in refused.stderr
    assert "pa:ss%word" not in refused.stderr
    # On records kept in a file, there is no server to add a user to.
    on_file = run_cli(
        "server-add-user", "someone", "--role", "clerk", "--password-stdin", input_text="x\n", data=tmp_path / "file"
    )
    assert_plain_failure(on_file)
