"""Runs the real command line in a child process, with the checkout first on the import path."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.host.paths import DataLocation, resolve_location
from tests.conftest import reset_postgresql

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def on_server(request: pytest.FixtureRequest) -> bool:
    """Whether the test's records are the (emptied) PostgreSQL database of TEST_DATABASE_URL rather than a file: so
    when that is set, unless the test asks for ``sqlite_only``."""
    if TEST_DATABASE_URL and "sqlite_only" not in request.fixturenames:
        reset_postgresql(TEST_DATABASE_URL)
        return True
    return False


@pytest.fixture
def records_at(data_dir: Path, on_server: bool) -> Callable[[Path], DataLocation]:
    """``records_at(folder)``: where the command line run on ``folder`` keeps its records, for a test to open them."""

    def location(folder: Path) -> DataLocation:
        if on_server and folder == data_dir:
            return resolve_location(folder, TEST_DATABASE_URL)
        return resolve_location(folder)

    return location


@pytest.fixture
def run_cli(data_dir: Path, on_server: bool) -> RunCli:
    """``run_cli("list", "partnerships")`` runs ``python -m desktop_app --data-dir DIR list partnerships``; with
    ``database=URL`` it runs ``--database URL`` instead, the data folder (for logs) given by the environment.

    On a test server (``on_server``) the test's own data folder stands for the server's database; other folders a
    test names stay SQLite files."""

    def run(
        *arguments: str,
        data: Path | None = None,
        input_text: str | None = None,
        timeout: float = 120,
        env: dict[str, str] | None = None,
        database: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        environment = dict(env or {})
        if database is None and on_server and data in (None, data_dir):
            database = TEST_DATABASE_URL
        where = ["--data-dir", str(data or data_dir)]
        if database is not None:
            environment["SISTER_CITY_RECORDS_DATA_DIR"] = str(data or data_dir)
            where = ["--database", database]
        return run_python(["-m", "desktop_app", *where, *arguments], environment, input_text, timeout)

    return run


def run_python(
    arguments: list[str], env: dict[str, str] | None = None, input_text: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """A child Python with the checkout first on the import path and ``env`` added to this environment (the test
    server's address left out: a child is told where the records are by its arguments)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONIOENCODING": "utf-8", **(env or {})}
    environment.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        input=input_text,
        env=environment,
        cwd=REPO_ROOT,
        check=False,
    )


def python_json(code: str, *arguments: str, env: dict[str, str] | None = None, timeout: float = 120) -> Any:
    """Runs ``python -c CODE ARGUMENTS`` with the checkout first on the import path; what it printed, read as JSON."""
    result = run_python(["-c", code, *arguments], env, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_plain_failure(result: subprocess.CompletedProcess[str], exit_status: int = 2) -> None:
    """The command failed with the expected status and one plain sentence, no traceback."""
    assert result.returncode == exit_status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.strip(), "a failure must say why"
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr


LETTER_DAY = {"SISTER_CITY_RECORDS_TODAY": "2026-11-28"}


def issue_letter(run_cli: RunCli, tmp_path: Path) -> str:
    """Kansas City's records with its letter issued as response 1; the letter's fingerprint."""
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    out = tmp_path / "issued.pdf"
    issued = run_cli(
        "respond",
        "--out",
        str(out),
        "--issue",
        "--acknowledge-unconfirmed",
        "--signatory-name",
        "A. Clerk",
        env=LETTER_DAY,
    )
    assert issued.returncode == 0, issued.stderr
    return hashlib.sha256(out.read_bytes()).hexdigest()


def raw_sql(data_dir: Path, statement: str, *values: object) -> None:
    """A change made with another tool, around the program and its audit trail."""
    connection = sqlite3.connect(data_dir / "records.sqlite3")
    try:
        with connection:
            assert connection.execute(statement, values).rowcount == 1
    finally:
        connection.close()
