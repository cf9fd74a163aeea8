"""verify and respond --check against the audit trail: an edit made around the program is found and named."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
