"""Passwords in database addresses, names that reorder themselves and private exports, run as a user runs them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import REPO_ROOT, RunCli, assert_plain_failure

PASSWORD = "Tr0ub4dor-secret"


def run_with_database(data_dir: Path, url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The command line with ``--database URL`` (which excludes --data-dir): the data folder comes from the
    environment, so that its log file is the test's own."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONIOENCODING": "utf-8",
        "SISTER_CITY_RECORDS_DATA_DIR": str(data_dir),
    }
    environment.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--database", url, *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=environment,
        cwd=REPO_ROOT,
        check=False,
    )


def logged_text(data_dir: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted((data_dir / "logs").glob("*.log*")))


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"mysql://clerk:{PASSWORD}@db.example.org/records", "mysql://clerk:***@db.example.org/records"),
        (f"nosuchdriver://clerk:{PASSWORD}@host/records", "nosuchdriver://clerk:***@host/records"),
        (f"mysql://clerk@db.example.org/records?password={PASSWORD}", "password=***"),
        (f"postgresql://clerk:{PASSWORD}@host:port/records", None),
    ],
    ids=["mysql", "unknown-driver", "password-option", "unreadable-port"],
)
def test_unsupported_database_never_echoes_its_password(tmp_path: Path, url: str, shown: str | None) -> None:
    data_dir = tmp_path / "data"
    result = run_with_database(data_dir, url, "list", "partnerships")
    assert_plain_failure(result)
    assert PASSWORD not in result.stdout + result.stderr
    assert PASSWORD not in logged_text(data_dir)
    if shown is None:
        assert "cannot be read as an address" in result.stderr
    else:
        assert shown in result.stderr


def test_database_option_in_the_wrong_place_is_not_echoed_with_its_password(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = f"mysql://clerk:{PASSWORD}@db.example.org/records"
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SISTER_CITY_RECORDS_DATA_DIR": str(data_dir)}
    environment.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "list", "partnerships", "--database", url],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=environment,
        cwd=REPO_ROOT,
        check=False,
    )
    assert_plain_failure(result)
    assert "--database mysql://clerk:***@db.example.org/records" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert PASSWORD not in logged_text(data_dir)


def test_name_with_bidi_control_is_shown_visibly_and_saved_harmless(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    posing = tmp_path / "invoice\u202etxt.exe"
    posing.write_bytes(b"MZ not a text file at all\n")
    attached = run_cli("attach", "--to", "partnership:1", str(posing))
    assert attached.returncode == 0, attached.stderr
    assert "invoice<U+202E>txt.exe" in attached.stdout
    listed = run_cli("list", "attachments")
    assert listed.returncode == 0, listed.stderr
    assert "invoice<U+202E>txt.exe" in listed.stdout
    for output in (attached.stdout, attached.stderr, listed.stdout):
        assert "\u202e" not in output
    folder = tmp_path / "saved"
    folder.mkdir()
    saved = run_cli("save-attachment", "1", str(folder))
    assert saved.returncode == 0, saved.stderr
    assert [child.name for child in folder.iterdir()] == ["invoice_txt.exe"]
    assert (folder / "invoice_txt.exe").read_bytes() == posing.read_bytes()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_export_with_personal_data_is_owner_only_under_an_open_umask(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    target = tmp_path / "participants.csv"
    previous = os.umask(0)  # the command line started here inherits it
    try:
        exported = run_cli("export-csv", "participants", str(target), "--include-personal-data")
    finally:
        os.umask(previous)
    assert exported.returncode == 0, exported.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert ",name," in target.read_text(encoding="utf-8-sig").splitlines()[0]  # the personal column is there
    assert [child.name for child in tmp_path.iterdir() if child.name.startswith(".partial")] == []
