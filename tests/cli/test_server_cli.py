"""server-init and server-add-user through the real command line, on the test PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .conftest import REPO_ROOT, RunCli, assert_plain_failure

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


def _on_server(tmp_path: Path, url: str, *arguments: str, input_text: str = "") -> subprocess.CompletedProcess[str]:
    """The command line with --database URL (its data folder, for logs, a temporary one)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SISTER_CITY_RECORDS_DATA_DIR": str(tmp_path / "data")}
    environment.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--database", url, *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=input_text,
        env=environment,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def empty_server() -> str:
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        for name in list(
            connection.execute(text("SELECT rolname FROM pg_roles WHERE rolname = 'cli_reader'")).scalars()
        ):
            connection.execute(text(f"DROP ROLE {name}"))
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

    added = _on_server(
        tmp_path,
        empty_server,
        "server-add-user",
        "cli_reader",
        "--role",
        "reader",
        "--password-stdin",
        input_text="pa:ss%word\n",
    )
    assert added.returncode == 0, added.stderr
    assert "pa:ss%word" not in added.stdout + added.stderr
    reader = empty_server.replace("postgres@", "cli_reader:pa%3Ass%25word@", 1)
    assert _on_server(tmp_path, reader, "list", "inquiries").returncode == 0
    refused = _on_server(tmp_path, reader, "new", "policy", "--kind", "procedure", "--title", "Gift register")
    assert_plain_failure(refused)
    assert "may not make this change" in refused.stderr
    assert "pa:ss%word" not in refused.stderr
    # On records kept in a file, there is no server to add a user to.
    assert_plain_failure(run_cli("server-add-user", "someone", "--role", "clerk", "--password-stdin", input_text="x\n"))
