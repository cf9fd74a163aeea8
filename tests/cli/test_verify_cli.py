"""verify and respond --check against the audit trail: an edit made around the program is found and named."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from .conftest import RunCli, assert_plain_failure, issue_letter, raw_sql

TODAY = {"SISTER_CITY_RECORDS_TODAY": "2026-11-28"}


def run_ok(run_cli: RunCli, *arguments: str) -> str:
    result = run_cli(*arguments, env=TODAY)
    assert result.returncode == 0, (arguments, result.stdout, result.stderr)
    return result.stdout


def test_records_changed_only_by_the_program_verify_clean(run_cli: RunCli, tmp_path: Path) -> None:
    issue_letter(run_cli, tmp_path)
    run_ok(run_cli, "edit", "partnership:1", "--notes", "Reviewed in council.", "--confirmed", "yes")
    run_ok(run_cli, "status", "partnership:2", "suspended", "--on", "2026-01-05", "--reason", "Council review")
    run_ok(run_cli, "new", "policy", "--kind", "code_of_conduct", "--title", "Delegation code")
    run_ok(run_cli, "trash", "policy:1", "partnership:3")
    run_ok(run_cli, "untrash", "partnership:3")
    run_ok(run_cli, "respond", "--supersede", "1")
    run_ok(run_cli, "narrative", "2", "1", "--text", "Every agreement is published.")
    run_ok(run_cli, "edit", "response:2", "--signatory-title", "City Clerk")
    result = run_cli("verify")
    assert result.returncode == 0, result.stdout
    assert "Issued letters: ok (1 checked)" in result.stdout
    assert "Records against the audit trail: ok (" in result.stdout


@pytest.mark.usefixtures("sqlite_only")
def test_a_raw_update_of_a_partnership_makes_verify_fail_naming_it(run_cli: RunCli, data_dir: Path) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    assert run_cli("verify").returncode == 0
    raw_sql(data_dir, "UPDATE partnership SET established_year = 1901 WHERE id = 2")
    result = run_cli("verify")
    assert result.returncode == 1, result.stdout
    assert "Records against the audit trail: 1 problem(s)" in result.stdout
    assert (
        "  - Partnership 2 was changed outside the program: established_year is 1901 but its last audit event "
        "(number " in result.stdout
    )
    assert "Audit trail: ok" in result.stdout


@pytest.mark.usefixtures("sqlite_only")
def test_a_raw_update_of_a_letters_fingerprint_is_found_by_verify_and_the_check(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    fingerprint = issue_letter(run_cli, tmp_path)
    forged = hashlib.sha256(b"another letter").hexdigest()
    raw_sql(data_dir, "UPDATE response SET pdf_sha256 = ? WHERE id = 1", forged)

    checked = run_cli("respond", "--check", "1", env=TODAY)
    assert_plain_failure(checked, exit_status=1)
    assert checked.stderr.strip() == (
        "The record of response 1 was changed outside the program: its fingerprint no longer matches the one "
        f"recorded when it was issued ({fingerprint}); run 'verify' and restore a backup."
    )
    result = run_cli("verify")
    assert result.returncode == 1, result.stdout
    assert (
        "Issued letters: 1 problem(s)\n  - The record of response 1 was changed outside the program: its "
        f"fingerprint no longer matches the one recorded when it was issued ({fingerprint})." in result.stdout
    )


@pytest.mark.usefixtures("sqlite_only")
def test_a_response_marked_issued_without_an_issue_event_is_named(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    run_ok(run_cli, "respond", "--out", str(tmp_path / "draft.pdf"))
    raw_sql(data_dir, "UPDATE response SET status = 'issued', pdf_sha256 = ? WHERE id = 1", "1" * 64)
    result = run_cli("verify")
    assert result.returncode == 1
    assert "  - Response 1 is marked issued with a letter, but the audit trail holds no record of its issue." in (
        result.stdout
    )
    assert "  - Response 1 was changed outside the program: status is “issued” but its last audit event" in (
        result.stdout
    )


@pytest.mark.usefixtures("sqlite_only")
def test_a_trigger_added_to_the_records_is_named_by_verify_and_refused_by_other_commands(
    run_cli: RunCli, data_dir: Path
) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    with sqlite3.connect(data_dir / "records.sqlite3") as connection:
        connection.execute(
            "CREATE TRIGGER audit_event_ignore BEFORE INSERT ON audit_event BEGIN SELECT RAISE(IGNORE); END"
        )
    connection.close()
    result = run_cli("verify")
    assert result.returncode == 1, result.stdout
    assert (
        "Database schema: 1 problem(s)\n"
        "  - The records hold a trigger the program does not make: audit_event_ignore on audit_event.\n"
    ) in result.stdout
    assert "Audit trail: ok" in result.stdout
    refused = run_cli("new", "policy", "--kind", "procedure", "--title", "Never audited")
    assert_plain_failure(refused)
    assert refused.stderr.startswith(
        "The records hold a trigger the program does not make: audit_event_ignore on audit_event; they were not opened."
    )


@pytest.mark.usefixtures("sqlite_only")
def test_a_table_replaced_by_an_endless_view_is_refused_at_once(run_cli: RunCli, data_dir: Path) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    with sqlite3.connect(data_dir / "records.sqlite3") as connection:
        connection.execute("DROP TABLE policy")
        connection.execute(
            "CREATE VIEW policy AS WITH RECURSIVE endless(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM endless) "
            "SELECT n AS id, 'council_policy' AS kind, 'x' AS title, NULL AS deleted_at FROM endless"
        )
    connection.close()
    for command in (("list", "policies"), ("export", str(data_dir.parent / "out.json"))):
        result = run_cli(*command, timeout=60)
        assert_plain_failure(result)
        assert result.stderr.startswith("The records hold a view the program does not make: policy; ")
    result = run_cli("verify", timeout=60)
    assert result.returncode == 1
    assert "  - The other checks were not run: they read tables that are not as the program makes them." in (
        result.stdout
    )
