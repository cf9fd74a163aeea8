"""The state-law commands (laws, screen, terminate, compliance-report), run as a clerk runs them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.laws.rules import NOT_LEGAL_ADVICE
from desktop_app.core.laws.screening import Screening
from tests import file_samples

from .conftest import RunCli, assert_plain_failure

SHIPPED = ("tx-gov-795", "ar-code-14-1-116", "in-hea-1120-2024", "ut-hb-404-2024", "fl-stat-288-860")
STEPS = ("resolution", "notice_partner", "notice_national")


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the Texas deadline, so steps and terminations dated in September 2025 are in the past."""
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2025-12-01")


def run_ok(run_cli: RunCli, *arguments: str) -> str:
    result = run_cli(*arguments)
    assert result.returncode == 0, (arguments, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def one_line(text: str) -> str:
    return " ".join(text.split())


def texas_partnership(run_cli: RunCli) -> int:
    """Tyler, TX with an active sister city in China, entered as a clerk enters it."""
    run_ok(run_cli, "init")
    run_ok(run_cli, "new", "jurisdiction", "--name", "Tyler", "--state", "TX", "--kind", "city")
    partner = json.loads(run_ok(run_cli, "new", "partner", "--name", "Jingdezhen", "--country-name", "China", "--json"))
    partnership = json.loads(
        run_ok(
            run_cli,
            "new",
            "partnership",
            "--jurisdiction",
            "1",
            "--partner",
            str(partner["id"]),
            "--kind",
            "sister_city",
            "--status",
            "active",
            "--json",
        )
    )
    return int(partnership["id"])


def status_of(run_cli: RunCli, partnership_id: int) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run_ok(run_cli, "show", f"partnership:{partnership_id}", "--json"))
    return shown


def attachments(run_cli: RunCli) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(run_ok(run_cli, "list", "attachments", "--json"))
    return rows


def audit_length(run_cli: RunCli) -> int:
    return len(json.loads(run_ok(run_cli, "list", "audit", "--json")))


def test_laws_list_and_show(run_cli: RunCli) -> None:
    run_ok(run_cli, "init")
    listed = run_ok(run_cli, "laws", "list")
    for rule_id in SHIPPED:
        assert f"{rule_id}:" in listed
    assert "Tex. Gov't Code ch. 795 (TX), the program's rule" in listed
    assert "deadline October 1, 2025" in listed
    assert "Not verified; checked on" in listed
    assert listed.strip().endswith(NOT_LEGAL_ADVICE)
    rules = {rule["id"]: rule for rule in json.loads(run_ok(run_cli, "laws", "list", "--json"))}
    assert set(rules) == set(SHIPPED)
    assert rules["tx-gov-795"]["deadline"] == "2025-10-01"
    assert rules["tx-gov-795"]["origin"] == "shipped" and rules["tx-gov-795"]["superseded_by"] == ""
    assert "existing partnerships terminated by Oct 1, 2025" in rules["tx-gov-795"]["requirements"]

    shown = run_ok(run_cli, "laws", "show", "tx-gov-795")
    assert "Countries: China (CN" in shown
    assert "deadline October 1, 2025" in shown
    assert "https://statutes.capitol.texas.gov/" in shown
    assert "Uncertain:" in shown and "Verified: no" in shown
    assert "It reaches no partnership in these records now." in shown
    assert shown.strip().endswith(NOT_LEGAL_ADVICE)
    rule = json.loads(run_ok(run_cli, "laws", "show", "tx-gov-795", "--json"))
    assert rule["countries"][0]["name"] == "China"
    assert rule["reaches_now"] == []

    unknown = run_cli("laws", "show", "tx-gov-999")
    assert_plain_failure(unknown)
    assert "no state-law rule 'tx-gov-999'" in unknown.stderr


def test_texas_partnership_terminated_with_evidence(run_cli: RunCli, tmp_path: Path) -> None:
    partnership = texas_partnership(run_cli)

    before = one_line(run_ok(run_cli, "screen", "--as-of", "2025-09-01"))
    assert f"Tyler, TX – Jingdezhen, China (partnership {partnership}): Action needed by October 1, 2025" in before
    assert "partnerships must be terminated by October 1, 2025; the partnership is active" in before
    assert before.endswith(NOT_LEGAL_ADVICE)
    late = one_line(run_ok(run_cli, "screen", "--as-of", "2025-10-02"))
    assert "Overdue: the deadline was October 1, 2025" in late
    shown = run_ok(run_cli, "laws", "show", "tx-gov-795")
    assert f"(partnership {partnership}): Overdue" in shown

    # A mistaken step is refused before its file is stored.
    trail = audit_length(run_cli)
    pdf = file_samples.text_pdf(tmp_path / "resolution.pdf", ["Resolution 2025-41 ending the partnership"])
    for arguments in (
        ["--step", "farewell", "--on", "2025-09-15", "--evidence", str(pdf)],
        ["--step", "resolution", "--on", "2025-12-02", "--evidence", str(pdf)],
        ["--step", "resolution", "--on", "15/09/2025", "--evidence", str(pdf)],
    ):
        assert_plain_failure(run_cli("terminate", f"partnership:{partnership}", "--rule", "tx-gov-795", *arguments))
    assert_plain_failure(run_cli("terminate", "agreement:1", "--rule", "tx-gov-795", "--finish", "--on", "2025-09-30"))
    assert_plain_failure(run_cli("terminate", "99", "--rule", "tx-gov-795", "--finish", "--on", "2025-09-30"))
    assert_plain_failure(
        run_cli("terminate", str(partnership), "--rule", "fl-stat-288-860", "--finish", "--on", "2025-09-30")
    )
    assert attachments(run_cli) == []
    assert audit_length(run_cli) == trail

    fingerprints = {}
    for number, step in enumerate(STEPS[:2]):
        evidence = file_samples.text_pdf(tmp_path / f"{step}.pdf", [f"Evidence of the step {step}"])
        fingerprints[step] = hashlib.sha256(evidence.read_bytes()).hexdigest()
        target = f"partnership:{partnership}" if number == 0 else str(partnership)
        said = run_ok(
            run_cli, "terminate", target, "--rule", "tx-gov-795", "--step", step, "--on", f"2025-09-1{number + 5}",
            "--evidence", str(evidence), "--note", "sent by post",
        )  # fmt: skip
        assert said.startswith(f"Recorded for partnership {partnership}: ")
        assert f"evidence file {number + 1} ({step}.pdf, SHA-256 {fingerprints[step]})" in said

    progress = one_line(run_ok(run_cli, "screen", "--partnership", f"partnership:{partnership}"))
    assert "Council or governing-body resolution on September 15, 2025: evidence file 1 (resolution.pdf" in progress
    assert "Missing evidence: Notice to the national sister-city organisation." in progress

    trail = audit_length(run_cli)
    refused = run_cli("terminate", str(partnership), "--rule", "tx-gov-795", "--finish", "--on", "2025-09-30")
    assert_plain_failure(refused)
    assert audit_length(run_cli) == trail
    assert "notice to the national sister-city organisation" in refused.stderr
    assert "notice to the partner community" not in refused.stderr
    assert status_of(run_cli, partnership)["status"] == "active"

    national = file_samples.text_pdf(tmp_path / "notice_national.pdf", ["Letter to the national organisation"])
    run_ok(run_cli, "attach", "--to", f"partnership:{partnership}", str(national))
    fingerprints["notice_national"] = hashlib.sha256(national.read_bytes()).hexdigest()
    said = run_ok(
        run_cli, "terminate", str(partnership), "--rule", "tx-gov-795", "--step", "notice_national",
        "--on", "2025-09-22", "--evidence", "attachment:3",
    )  # fmt: skip
    assert "Notice to the national sister-city organisation on September 22, 2025, evidence file 3" in said
    assert len(attachments(run_cli)) == 3

    ended = run_ok(run_cli, "terminate", str(partnership), "--rule", "tx-gov-795", "--finish", "--on", "2025-09-30")
    assert ended.strip() == (
        f"Partnership {partnership} is terminated under Tex. Gov't Code ch. 795 as of September 30, 2025."
    )
    record = status_of(run_cli, partnership)
    assert record["status"] == "terminated"
    last = record["status_history"][-1]
    assert last["to_status"] == "terminated" and last["changed_on"] == "2025-09-30"
    assert "Tex. Gov't Code ch. 795" in last["legal_basis"]

    complied = one_line(run_ok(run_cli, "screen"))
    assert "Complied; terminated on September 30, 2025" in complied
    assert "with evidence of every required step" in complied
    for step, fingerprint in fingerprints.items():
        assert f"({step}.pdf, SHA-256 {fingerprint})" in complied
    assert "Missing evidence" not in complied

    [screening] = json.loads(run_ok(run_cli, "screen", "--json"))
    assert screening["result"] == "complied" and screening["terminated_on"] == "2025-09-30"
    assert {item["step"]: item["sha256"] for item in screening["evidence"]} == fingerprints
    assert {item["file_name"] for item in screening["evidence"]} == {f"{step}.pdf" for step in STEPS}

    again = run_cli("terminate", str(partnership), "--rule", "tx-gov-795", "--finish", "--on", "2025-09-30")
    assert_plain_failure(again)
    assert "already terminated" in again.stderr


def test_screen_json_has_every_field(run_cli: RunCli) -> None:
    partnership = texas_partnership(run_cli)
    [screening] = json.loads(run_ok(run_cli, "screen", "--json", "--as-of", "2025-09-01"))
    assert {field.name for field in dataclasses.fields(Screening)} <= set(screening)
    assert screening["partnership_id"] == partnership
    assert screening["result"] == "action_needed" and screening["result_label"] == "Action needed"
    assert screening["deadline"] == "2025-10-01" and screening["rule_id"] == "tx-gov-795"
    assert screening["needs_action"] is True and screening["evidence"] == []
    assert screening["missing"] == [
        "Council or governing-body resolution",
        "Notice to the partner community",
        "Notice to the national sister-city organisation",
    ]
    everything = json.loads(run_ok(run_cli, "screen", "--json", "--all", "--partnership", str(partnership)))
    assert [item["result"] for item in everything] == ["overdue"]

    for arguments in (["--as-of", "2025-02-30"], ["--as-of", "soon"], ["--partnership", "policy:1"], ["--bogus"]):
        assert_plain_failure(run_cli("screen", *arguments))
    missing = run_cli("screen", "--partnership", "partnership:42")
    assert_plain_failure(missing)


def test_sample_texas_rows_lack_evidence(run_cli: RunCli) -> None:
    run_ok(run_cli, "sample-data", "--city", "Houston, TX")
    screened = run_ok(run_cli, "screen")
    lines = screened.splitlines()
    assert sum("Terminated, evidence missing" in line for line in lines) == 2
    assert sum(line.strip().startswith("Missing evidence: Council or governing-body resolution") for line in lines) == 2
    assert "2 screenings need the clerk's action." in screened
    assert screened.strip().endswith(NOT_LEGAL_ADVICE)


def test_missouri_city_is_reached_by_no_rule(run_cli: RunCli) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    screened = run_ok(run_cli, "screen")
    assert "No state-law rule reaches any of them." in screened
    assert "3 partnerships are reached by no state-law rule." in screened
    assert "Kansas City" not in screened
    assert json.loads(run_ok(run_cli, "screen", "--json")) == []
    every = json.loads(run_ok(run_cli, "screen", "--json", "--all"))
    assert len(every) == 3
    assert {item["result"] for item in every} == {"not_reached"}
    assert all(item["reason"] == "No state-law rule is recorded for MO." for item in every)
    assert "Kansas City, MO – Xi'an, China" in run_ok(run_cli, "screen", "--all")


def test_a_clerk_corrects_a_shipped_rule(run_cli: RunCli, tmp_path: Path) -> None:
    texas_partnership(run_cli)
    draft = tmp_path / "correction.json"
    said = run_ok(run_cli, "laws", "correct", "tx-gov-795", "--out", str(draft))
    assert "as rule tx-gov-795-c1" in said and f"laws add {draft}" in said
    body = json.loads(draft.read_text(encoding="utf-8"))
    assert body["id"] == "tx-gov-795-c1" and body["supersedes"] == "tx-gov-795"
    assert_plain_failure(run_cli("laws", "correct", "tx-gov-795", "--out", str(draft)))  # the clerk's edits are kept

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({key: value for key, value in body.items() if key != "requires"}), encoding="utf-8")
    refused = run_cli("laws", "add", str(broken))
    assert_plain_failure(refused)
    assert "'requires' is a required property" in refused.stderr
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"id": "tx-gov-795-c1",', encoding="utf-8")
    assert_plain_failure(run_cli("laws", "add", str(garbled)))
    assert_plain_failure(run_cli("laws", "add", str(tmp_path / "absent.json")))
    assert {rule["id"] for rule in json.loads(run_ok(run_cli, "laws", "list", "--json"))} == set(SHIPPED)

    body["dates"]["deadline"] = "2025-11-01"
    draft.write_text(json.dumps(body, indent=2), encoding="utf-8")
    added = run_ok(run_cli, "laws", "add", str(draft))
    assert "Saved the clerk's rule tx-gov-795-c1" in added and "It supersedes tx-gov-795" in added
    listed = run_ok(run_cli, "laws", "list")
    assert "Superseded by tx-gov-795-c1" in listed
    assert "tx-gov-795-c1: Tex. Gov't Code ch. 795 (TX), the clerk's rule" in listed
    rules = {rule["id"]: rule for rule in json.loads(run_ok(run_cli, "laws", "list", "--json"))}
    assert rules["tx-gov-795"]["superseded_by"] == "tx-gov-795-c1"

    screened = one_line(run_ok(run_cli, "screen", "--as-of", "2025-10-15"))
    assert "Action needed by November 1, 2025 (rule tx-gov-795-c1, not verified)" in screened
    assert "Overdue" not in screened
    assert "It is superseded by tx-gov-795-c1" in run_ok(run_cli, "laws", "show", "tx-gov-795")

    assert_plain_failure(run_cli("laws", "withdraw", "tx-gov-795"))
    withdrawn = run_ok(run_cli, "laws", "withdraw", "tx-gov-795-c1")
    assert "tx-gov-795, which it corrected, applies again" in withdrawn
    assert "Overdue: the deadline was October 1, 2025" in one_line(run_ok(run_cli, "screen", "--as-of", "2025-10-15"))


def test_compliance_report_is_a_pdf(run_cli: RunCli, tmp_path: Path) -> None:
    texas_partnership(run_cli)
    out = tmp_path / "compliance.pdf"
    said = run_ok(run_cli, "compliance-report", "--out", str(out), "--as-of", "2025-10-02")
    assert out.read_bytes().startswith(b"%PDF")
    assert said.startswith(f"Wrote the compliance report {out} (")
    assert hashlib.sha256(out.read_bytes()).hexdigest() in said
    assert_plain_failure(run_cli("compliance-report", "--out", str(tmp_path / "absent" / "report.pdf")))
    assert_plain_failure(run_cli("compliance-report", "--out", str(tmp_path)))
    assert_plain_failure(run_cli("compliance-report", "--out", str(out), "--as-of", "yesterday"))
