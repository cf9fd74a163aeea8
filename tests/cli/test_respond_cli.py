"""The respond command: a draft letter, issuing with its fingerprint, refusing changes, superseding, checking."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.core.host.paths import DataLocation

from .conftest import RunCli, assert_plain_failure, issue_letter, raw_sql

TODAY = {"SISTER_CITY_RECORDS_TODAY": "2026-11-28"}


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_without_a_home_jurisdiction_it_says_how_to_set_one(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    result = run_cli("respond", "--out", str(tmp_path / "r.pdf"))
    assert_plain_failure(result)
    assert 'home "NAME, ST"' in result.stderr
    assert not (tmp_path / "r.pdf").exists()
    assert "Response" not in run_cli("list", "responses").stdout


def test_respond_needs_somewhere_to_write(run_cli: RunCli) -> None:
    assert_plain_failure(run_cli("respond"))


def test_draft_issue_refuse_check_supersede(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    draft = tmp_path / "draft.pdf"
    result = run_cli("respond", "--out", str(draft), env=TODAY)
    assert result.returncode == 0, result.stderr
    text = text_of(draft)
    for partner in ("Changsha", "Xi'an", "Yan'an"):
        assert partner in text
    for title in ("1. Transparency", "2. Freedom of expression", "3. Espionage and economic coercion", "4. Visa"):
        assert title in text
    assert "the City's records hold 3 partnerships (A1–A3): 0 proposed, 3 active, 0 dormant" in text
    assert "All 3 partnerships in Appendix A come from a public list" in text

    unsigned = run_cli("respond", "--out", str(tmp_path / "issued.pdf"), "--issue", env=TODAY)
    assert_plain_failure(unsigned)
    assert "signatory" in unsigned.stderr

    issued_path = tmp_path / "issued.pdf"
    signed = ("--signatory-name", "A. Clerk", "--signatory-title", "City Clerk")
    unacknowledged = run_cli("respond", "--out", str(issued_path), "--issue", *signed, env=TODAY)
    assert_plain_failure(unacknowledged)
    assert "unconfirmed" in unacknowledged.stderr and "--acknowledge-unconfirmed" in unacknowledged.stderr
    assert not issued_path.exists()
    issued = run_cli("respond", "--out", str(issued_path), "--issue", "--acknowledge-unconfirmed", *signed, env=TODAY)
    assert issued.returncode == 0, issued.stderr
    fingerprint = hashlib.sha256(issued_path.read_bytes()).hexdigest()
    assert fingerprint in issued.stdout

    checked = run_cli("respond", "--check", "1", env=TODAY)
    assert checked.returncode == 0, checked.stderr
    assert fingerprint in checked.stdout

    again = tmp_path / "again.pdf"
    assert run_cli("respond", "--out", str(again), env=TODAY).returncode == 0
    assert again.read_bytes() == issued_path.read_bytes()

    refused = run_cli("respond", "--out", str(tmp_path / "x.pdf"), "--issue", env=TODAY)
    assert_plain_failure(refused)
    assert "--supersede 1" in refused.stderr
    assert_plain_failure(run_cli("respond", "--out", str(tmp_path / "x.pdf"), "--signatory-name", "B", env=TODAY))

    superseded = run_cli("respond", "--supersede", "1", "--out", str(tmp_path / "new.pdf"), env=TODAY)
    assert superseded.returncode == 0, superseded.stderr
    assert "supersedes response 1" in superseded.stdout
    new_text = text_of(tmp_path / "new.pdf")
    assert "DRAFT" in new_text
    assert "This letter supersedes our letter of November 28, 2026 (Response No. 1)." in new_text
    assert run_cli("respond", "--check", "1", env=TODAY).returncode == 0
    assert "Issued" in run_cli("show", "response:1", env=TODAY).stdout


def test_the_check_exits_1_when_records_changed(
    run_cli: RunCli, data_dir: Path, tmp_path: Path, records_at: Callable[[Path], DataLocation]
) -> None:
    from desktop_app.core.records import service as records
    from desktop_app.core.safekeeping.opening import open_database

    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    out = str(tmp_path / "issued.pdf")
    issued = run_cli(
        "respond", "--out", out, "--issue", "--acknowledge-unconfirmed", "--signatory-name", "A. Clerk", env=TODAY
    )
    assert issued.returncode == 0, issued.stderr
    assert run_cli("respond", "--check", "1", env=TODAY).returncode == 0
    db, _ = open_database(records_at(data_dir))
    try:
        records.create(db, "policy", {"kind": "procedure", "title": "Gift register", "topics": "economic_coercion"})
    finally:
        db.dispose()
    changed = run_cli("respond", "--check", "1", env=TODAY)
    assert_plain_failure(changed, exit_status=1)
    assert "records have changed" in changed.stderr


def test_checking_a_draft_is_a_plain_failure(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    assert run_cli("respond", "--out", str(tmp_path / "d.pdf")).returncode == 0
    assert_plain_failure(run_cli("respond", "--check", "1"))
    assert_plain_failure(run_cli("respond", "--check", "99"))


def test_withheld_evidence_needs_a_reason_and_is_declared(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    assert run_cli("respond", "--out", str(tmp_path / "d.pdf"), env=TODAY).returncode == 0
    withheld = run_cli("withhold", "1", "partnership:2", env=TODAY)
    assert withheld.returncode == 0, withheld.stderr
    assert "Give the reason the letter states" in withheld.stdout
    out = tmp_path / "issued.pdf"
    issue = ("respond", "--out", str(out), "--issue", "--acknowledge-unconfirmed", "--signatory-name", "A. Clerk")
    refused = run_cli(*issue, env=TODAY)
    assert_plain_failure(refused)
    assert "give the reason" in refused.stderr and not out.exists()
    assert run_cli("withhold", "1", "--reason", "It is under review by the city attorney", env=TODAY).returncode == 0
    assert run_cli(*issue, env=TODAY).returncode == 0
    assert "1 item (1 partnership) is withheld from this letter: It is under review by the city attorney." in text_of(
        out
    )


def test_a_participant_named_in_a_finding_is_refused_or_redacted(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    for arguments in (
        ("new", "activity", "--partnership", "1", "--kind", "inbound_delegation", "--starts-on", "2026-03-01"),
        ("new", "participant", "--activity", "1", "--name", "Zhou Xiaoming", "--visa-category", "b1_b2"),
        (
            "new",
            "oversight",
            "--partnership",
            "1",
            "--kind",
            "incident_report",
            "--action-on",
            "2026-03-05",
            "--finding",
            "Mr Xiaoming photographed the water plant.",
        ),
    ):
        made = run_cli(*arguments, env=TODAY)
        assert made.returncode == 0, made.stderr
    out = tmp_path / "issued.pdf"
    issue = ("respond", "--out", str(out), "--issue", "--acknowledge-unconfirmed", "--signatory-name", "A. Clerk")
    refused = run_cli(*issue, env=TODAY)
    assert_plain_failure(refused)
    assert "names a recorded participant in Appendix D, item D1" in refused.stderr
    assert "--redact-names" in refused.stderr and not out.exists()
    redacted = run_cli(*issue, "--redact-names", env=TODAY)
    assert redacted.returncode == 0, redacted.stderr
    text = text_of(out)
    assert "Mr [name withheld] photographed the water plant." in text and "Xiaoming" not in text


def test_the_check_compares_with_the_fingerprint_recorded_at_issue(run_cli: RunCli, tmp_path: Path) -> None:
    fingerprint = issue_letter(run_cli, tmp_path)
    checked = run_cli("respond", "--check", "1", env=TODAY)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == (
        "Response 1 checks out: the stored letter and the letter regenerated from the records both have the "
        f"fingerprint {fingerprint}, the one the audit trail recorded when it was issued."
    )


@pytest.mark.usefixtures("sqlite_only")
def test_the_check_finds_a_fingerprint_changed_around_the_program(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    fingerprint = issue_letter(run_cli, tmp_path)
    raw_sql(data_dir, "UPDATE response SET pdf_sha256 = ? WHERE id = 1", hashlib.sha256(b"forged").hexdigest())
    checked = run_cli("respond", "--check", "1", env=TODAY)
    assert_plain_failure(checked, exit_status=1)
    assert checked.stderr.strip() == (
        "The record of response 1 was changed outside the program: its fingerprint no longer matches the one "
        f"recorded when it was issued ({fingerprint}); run 'verify' and restore a backup."
    )


@pytest.mark.usefixtures("sqlite_only")
def test_the_check_says_when_the_audit_trail_holds_no_issue(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    assert run_cli("respond", "--out", str(tmp_path / "draft.pdf"), env=TODAY).returncode == 0
    raw_sql(data_dir, "UPDATE response SET status = 'issued', pdf_sha256 = ? WHERE id = 1", "1" * 64)
    checked = run_cli("respond", "--check", "1", env=TODAY)
    assert_plain_failure(checked, exit_status=1)
    assert checked.stderr.strip() == (
        "The audit trail holds no record of the issue of response 1, so its letter cannot be checked against the "
        "fingerprint recorded when it was issued. Unless the response was read in from a records file, run 'verify'."
    )


def test_the_check_says_which_of_the_letter_the_stored_copy_and_the_audit_record_disagree(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    fingerprint = issue_letter(run_cli, tmp_path)
    sent = tmp_path / "issued.pdf"
    same = run_cli("respond", "--check", "1", "--letter", str(sent), env=TODAY)
    assert same.returncode == 0, same.stderr
    assert f"The letter {sent} is that letter" in same.stdout

    other = tmp_path / "other.pdf"
    other.write_bytes(sent.read_bytes() + b"\n% changed")
    swapped = run_cli("respond", "--check", "1", "--letter", str(other), env=TODAY)
    assert_plain_failure(swapped, exit_status=1)
    assert f"The letter {other} is not the letter issued as response 1" in swapped.stderr
    assert f"the letter {other}: DISAGREES" in swapped.stdout
    assert "the stored copy: agrees" in swapped.stdout and "the audit record of the issue: sealed" in swapped.stdout
    assert fingerprint in swapped.stdout

    assert_plain_failure(run_cli("respond", "--letter", str(sent), env=TODAY))
    assert_plain_failure(run_cli("respond", "--check", "1", "--letter", str(tmp_path / "missing.pdf"), env=TODAY))
