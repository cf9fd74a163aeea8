"""Every use case of the window on the command line, each leaving the audit trail exactly as the core call does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.base import json_default
from desktop_app.core.db.engine import Database
from desktop_app.core.files import declare_record, link_attachment, unlink_attachment
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.records.inquiries import update_inquiry
from desktop_app.core.records.kinds import kind_named
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.opening import open_database

from .conftest import RunCli, assert_plain_failure

CoreStep = Callable[[Database], Any]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One instant for the command line's processes and for this one, so their audit trails can be compared whole."""
    monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", "2026-03-02T10:00:00.000000Z")
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-03-02")


@contextmanager
def opened(folder: Path) -> Iterator[Database]:
    db, _ = open_database(resolve_location(folder))
    try:
        yield db
    finally:
        db.dispose()


def twin_of(data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the records, to make with core's own calls the changes the command line makes to the original."""
    twin = tmp_path / "twin"
    shutil.copytree(data_dir, twin)
    return twin


def run_ok(run_cli: RunCli, *arguments: str) -> str:
    result = run_cli(*arguments)
    assert result.returncode == 0, (arguments, result.stdout, result.stderr)
    return result.stdout


def assert_same_trail(run_cli: RunCli, twin: Path, steps: list[CoreStep], expected: set[tuple[str, str]]) -> None:
    """The command line's audit trail (list audit --json) is the one the same core calls write, event for event."""
    with opened(twin) as db:
        for step in steps:
            step(db)
        core_trail = json.loads(
            json.dumps(audit_page(db, limit=None, descending=False, with_changes=True), default=json_default)
        )
    cli_trail = json.loads(run_ok(run_cli, "list", "audit", "--json"))
    assert cli_trail == core_trail
    assert expected <= {(event["action"], event["record_kind"]) for event in cli_trail}


# A record of every kind, as `new` takes it and as the window's form gives it to core.
NEW_RECORDS: list[tuple[str, list[str], dict[str, Any]]] = [
    ("jurisdiction:2", ["--name", "Springfield", "--state", "IL"], {"name": "Springfield", "state": "IL"}),
    (
        "partner:1",
        ["--name", "Hefei", "--native-name", "合肥", "--country-name", "China", "--country-code", "CN"],
        {"name": "Hefei", "native_name": "合肥", "country_name": "China", "country_code": "CN"},
    ),
    (
        "partnership:1",
        ["--jurisdiction", "2", "--partner", "1", "--established-on", "1988-06-01"],
        {"jurisdiction_id": 2, "partner_id": 1, "established_on": "1988-06-01"},
    ),
    (
        "agreement:1",
        ["--partnership", "1", "--title", "Sister City Agreement", "--topics", "transparency,espionage"],
        {"partnership_id": 1, "title": "Sister City Agreement", "topics": ["transparency", "espionage"]},
    ),
    (
        "activity:1",
        ["--partnership", "1", "--kind", "cultural_event", "--starts-on", "2020-01-01", "--funding-city", "1250.50"],
        {"partnership_id": 1, "kind": "cultural_event", "starts_on": "2020-01-01", "funding_city_cents": "1250.50"},
    ),
    (
        "participant:1",
        ["--activity", "1", "--name", "Wang Li", "--visa-category", "J-1 exchange visitor"],
        {"activity_id": 1, "name": "Wang Li", "visa_category": "J-1 exchange visitor"},
    ),
    (
        "policy:1",
        ["--kind", "code_of_conduct", "--title", "Code of conduct"],
        {"kind": "code_of_conduct", "title": "Code of conduct"},
    ),
    (
        "oversight:1",
        ["--kind", "risk_assessment", "--action-on", "2024-03-01", "--partnership", "1"],
        {"kind": "risk_assessment", "action_on": "2024-03-01", "partnership_id": 1},
    ),
    ("inquiry:2", ["--subject", "Council member's questions"], {"subject": "Council member's questions"}),
]

EDITS: list[tuple[str, list[str], dict[str, Any]]] = [
    ("jurisdiction:2", ["--clerk-name", "A. Clerk"], {"clerk_name": "A. Clerk"}),
    ("partner:1", ["--region", "Anhui"], {"region": "Anhui"}),
    (
        "partnership:1",
        ["--notes", "Signed at city hall.", "--confirmed", "no"],
        {"notes": "Signed at city hall.", "confirmed": False},
    ),
    ("agreement:1", ["--binding", "yes", "--expires-on", "2030-01-01"], {"binding": True, "expires_on": "2030-01-01"}),
    ("activity:1", ["--place", "Hefei"], {"place": "Hefei"}),
    (
        "participant:1",
        ["--role", "student", "--vetting-steps", "identity_checked"],
        {"role": "student", "vetting_steps": ["identity_checked"]},
    ),
    ("policy:1", ["--summary", "Delegations report gifts."], {"summary": "Delegations report gifts."}),
    ("oversight:1", ["--finding", "Nothing of concern."], {"finding": "Nothing of concern."}),
    ("inquiry:2", ["--due-on", "2026-04-01"], {"due_on": "2026-04-01"}),
]

# Every record of the test, in an order in which each can be purged (what refers to a record goes first).
PURGE_ORDER = [
    "participant:1",
    "activity:1",
    "agreement:1",
    "oversight:1",
    "partnership:1",
    "partner:1",
    "jurisdiction:2",
    "policy:1",
    "response:1",
    "inquiry:2",
]


# The twin is a copy of the records file.
@pytest.mark.usefixtures("sqlite_only")
def test_every_kind_is_added_edited_trashed_untrashed_and_purged(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    run_ok(run_cli, "home", "Dayton, OH")
    twin = twin_of(data_dir, tmp_path)
    steps: list[CoreStep] = []
    for target, arguments, values in NEW_RECORDS:
        kind_name, record_id = _split(target)
        added = run_ok(run_cli, "new", kind_name, *arguments)
        assert added.startswith(f"Added {kind_named(kind_name).label.lower()} {record_id}: "), added
        steps.append(lambda db, k=kind_name, v=values: records.create(db, k, v))
    draft = json.loads(run_ok(run_cli, "new", "response", "--inquiry", "2", "--json"))
    assert (draft["id"], draft["inquiry_id"], draft["status"]) == (1, 2, "draft")
    steps.append(lambda db: responses.create_draft(db, 2))

    for target, arguments, changes in EDITS:
        assert run_ok(run_cli, "edit", target, *arguments).startswith("Saved ")
        steps.append(lambda db, t=target, c=changes: records.update(db, *_split(t), c))
    letter = json.loads(run_ok(run_cli, "edit", "response:1", "--signatory-title", "Mayor", "--json"))
    assert letter["signatory_title"] == "Mayor"
    steps.append(lambda db: responses.set_letter(db, 1, {"signatory_title": "Mayor"}))
    shown = json.loads(run_ok(run_cli, "show", "participant:1", "--json"))
    assert (shown["name"], shown["role"], shown["vetting_steps"]) == ("Wang Li", "student", "identity_checked")

    for command, use_case in (("trash", records.trash), ("untrash", records.restore), ("trash", records.trash)):
        said = run_ok(run_cli, command, *PURGE_ORDER)
        assert len(said.splitlines()) == len(PURGE_ORDER)
        steps += [lambda db, t=target, u=use_case: u(db, *_split(t)) for target in PURGE_ORDER]
    assert "In the trash since" in run_ok(run_cli, "show", "policy:1")
    assert run_ok(run_cli, "purge", *PURGE_ORDER).count("Purged") == len(PURGE_ORDER)
    steps += [lambda db, t=target: records.purge(db, *_split(t)) for target in PURGE_ORDER]

    kinds = {_split(target)[0] for target in PURGE_ORDER}
    expected = {(action, kind) for kind in kinds for action in ("create", "update", "trash", "restore", "purge")}
    assert_same_trail(run_cli, twin, steps, expected)
    assert run_cli("verify").returncode == 0


def _split(target: str) -> tuple[str, int]:
    kind_name, record_id = target.split(":")
    return kind_name, int(record_id)


# The twin is a copy of the records file.
@pytest.mark.usefixtures("sqlite_only")
def test_status_links_and_declared_records(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("Council minutes: the partnership is suspended.\n", encoding="utf-8")
    run_ok(run_cli, "attach", "--to", "partnership:1", str(minutes))
    twin = twin_of(data_dir, tmp_path)

    said = run_ok(
        run_cli,
        "status",
        "partnership:1",
        "suspended",
        "--on",
        "2024-05-01",
        "--reason",
        "Council vote",
        "--legal-basis",
        "Resolution 24-17",
        "--evidence",
        "1",
    )
    assert "is now suspended" in said
    run_ok(run_cli, "status", "partnership:2", "Terminated", "--reason", "Ended by both cities")
    run_ok(run_cli, "link", "1", "partnership:2")
    run_ok(run_cli, "declare-record", "1")
    assert "it belongs to partnership:2" in run_ok(run_cli, "unlink", "1", "partnership:1")
    steps: list[CoreStep] = [
        lambda db: records.change_status(
            db,
            1,
            "suspended",
            changed_on="2024-05-01",
            reason="Council vote",
            legal_basis="Resolution 24-17",
            evidence_attachment_id=1,
        ),
        lambda db: records.change_status(db, 2, "terminated", changed_on="2026-03-02", reason="Ended by both cities"),
        lambda db: link_attachment(db, 1, "partnership", 2),
        lambda db: declare_record(db, 1),
        lambda db: unlink_attachment(db, 1, "partnership", 1),
    ]

    partnership = json.loads(run_ok(run_cli, "show", "partnership:1", "--json"))
    [change] = [change for change in partnership["status_history"] if change["from_status"] == "active"]
    assert (partnership["status"], change["to_status"], change["changed_on"]) == (
        "suspended",
        "suspended",
        "2024-05-01",
    )
    assert (change["reason"], change["legal_basis"], change["evidence_attachment_id"]) == (
        "Council vote",
        "Resolution 24-17",
        1,
    )
    assert partnership["files"] == []
    attachment = run_ok(run_cli, "show", "attachment:1")
    assert "Declared a record" in attachment and "Belongs to: partnership:2" in attachment
    refused = run_cli("unlink", "1", "partnership:2")
    assert_plain_failure(refused)
    assert "declared record" in refused.stderr

    expected = {
        ("status_change", "partnership"),
        ("link", "attachment"),
        ("declare_record", "attachment"),
        ("unlink", "attachment"),
    }
    assert_same_trail(run_cli, twin, steps, expected)


# The twin is a copy of the records file.
@pytest.mark.usefixtures("sqlite_only")
def test_questions_narratives_and_evidence_left_out(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    run_ok(run_cli, "sample-data", "--city", "Kansas City, MO")
    run_ok(run_cli, "new", "policy", "--kind", "code_of_conduct", "--title", "Code of conduct", "--topics", "espionage")
    run_ok(run_cli, "new", "inquiry", "--subject", "Council member's questions")
    twin = twin_of(data_dir, tmp_path)

    run_ok(run_cli, "question", "add", "2", "--text", "Provide all agreements.", "--topics", "transparency")
    gifts = ["--topics", "economic_coercion,espionage", "--short-title", "Gifts"]
    run_ok(run_cli, "question", "add", "2", "--text", "List gifts received.", *gifts)
    run_ok(run_cli, "question", "edit", "2", "1", "--topics", "transparency,free_expression")
    run_ok(run_cli, "question", "add", "2", "--text", "A question asked twice.", "--at", "1")
    assert "now has 2 questions" in run_ok(run_cli, "question", "remove", "2", "1")
    agreements = {"text": "Provide all agreements.", "topics": ["transparency"]}
    gifts_question = {
        "text": "List gifts received.",
        "topics": ["economic_coercion", "espionage"],
        "short_title": "Gifts",
    }
    widened = {**agreements, "topics": ["transparency", "free_expression"]}
    twice = {"text": "A question asked twice."}
    steps: list[CoreStep] = [
        lambda db: update_inquiry(db, 2, {}, [agreements]),
        lambda db: update_inquiry(db, 2, {}, [agreements, gifts_question]),
        lambda db: update_inquiry(db, 2, {}, [widened, gifts_question]),
        lambda db: update_inquiry(db, 2, {}, [twice, widened, gifts_question]),
        lambda db: update_inquiry(db, 2, {}, [widened, gifts_question]),
    ]
    inquiry = json.loads(run_ok(run_cli, "show", "inquiry:2", "--json"))
    assert [(q["position"], q["text"], q["topics"], q["short_title"]) for q in inquiry["questions"]] == [
        (1, "Provide all agreements.", "free_expression transparency", ""),
        (2, "List gifts received.", "economic_coercion espionage", "Gifts"),
    ]

    run_ok(run_cli, "new", "response")
    narrative = "Every delegation is reviewed; the last review was on {last_review_date}."
    run_ok(run_cli, "narrative", "1", "3", "--text", narrative)
    run_ok(run_cli, "withhold", "1", "policy:1", "--reason", "Under revision")
    [question] = json.loads(run_ok(run_cli, "evidence", "1", "3", "--json"))
    assert {item["ref"]: item["excluded"] for item in question["items"]}["policy:1"] is True
    run_ok(run_cli, "put-back", "1", "policy:1")
    steps += [
        lambda db: responses.create_draft(db),
        lambda db: responses.set_answer(db, 1, third_question(db), narrative=narrative),
        lambda db: responses.set_withheld(db, 1, withhold=["policy:1"], reason="Under revision"),
        lambda db: responses.set_withheld(db, 1, put_back=["policy:1"]),
    ]

    for arguments, words in (
        (("narrative", "1", "3", "--text", "As of {nonsense}."), "{nonsense}"),
        (("withhold", "1", "policy:99"), "policy:99 is not evidence"),
        (("put-back", "1", "policy:2"), "policy:2 is not withheld"),
        (("question", "edit", "2", "9", "--text", "Nine?"), "no question 9"),
        (("question", "add", "2", "--text", "Why?", "--topics", "weather"), "Topics"),
    ):
        refused = run_cli(*arguments)
        assert_plain_failure(refused)
        assert words in refused.stderr, (arguments, refused.stderr)

    expected = {
        ("set_questions", "inquiry"),
        ("create", "response"),
        ("set_answers", "response"),
        ("set_withheld", "response"),
    }
    assert_same_trail(run_cli, twin, steps, expected)


def third_question(db: Database) -> int:
    return int(responses.get_response(db, 1)["answers"][2]["question_id"])


def test_bad_input_names_the_field_and_changes_nothing(run_cli: RunCli) -> None:
    run_ok(run_cli, "home", "Dayton, OH")
    run_ok(run_cli, "new", "partner", "--name", "Hefei", "--country-name", "China")
    run_ok(run_cli, "new", "partnership", "--jurisdiction", "1", "--partner", "1")
    trail = run_ok(run_cli, "list", "audit", "--json")
    for arguments, words in (
        (
            ("new", "activity", "--partnership", "1", "--kind", "cultural_event", "--starts-on", "10.8.2020"),
            "Starts on (--starts-on) must be a date",
        ),
        (("new", "agreement", "--partnership", "1"), "Title (--title) is required."),
        (
            ("new", "agreement", "--partnership", "9", "--title", "A"),
            "Partnership (--partnership): there is no partnership",
        ),
        (("edit", "partner:1", "--colour", "red"), "--colour"),
        (("edit", "partner:1"), "at least one field"),
        (("edit", "partnership:1", "--status", "suspended"), "status change"),
        (("status", "partnership:1", "suspended"), "Reason (--reason)"),
        (("status", "partnership:1", "suspended", "--reason", "A", "--on", "2999-01-01"), "Date (--on)"),
        (("status", "partner:1", "suspended"), "Only a partnership has a status"),
        (("trash", "partner:1", "partner:99"), "no partner community with number 99"),
        (("purge", "partner:1"), "not in the trash"),
        (("link", "1", "partnership:1"), "no attachment"),
        (("show", "partnership:" + "9" * 30), "is not the number of a record"),
        (("home", "Dayton, 0H"), "two letters"),
    ):
        refused = run_cli(*arguments)
        assert_plain_failure(refused)
        assert words in refused.stderr, (arguments, refused.stderr)
    assert run_ok(run_cli, "list", "audit", "--json") == trail


def test_edit_if_version_saves_only_over_that_version(run_cli: RunCli) -> None:
    run_ok(run_cli, "home", "Dayton, OH")
    run_ok(run_cli, "new", "partner", "--name", "Hefei", "--country-name", "China")
    run_ok(run_cli, "new", "partnership", "--jurisdiction", "1", "--partner", "1")
    assert json.loads(run_ok(run_cli, "show", "partnership:1", "--json"))["version"] == 1
    assert "  Version: 1\n" in run_ok(run_cli, "show", "partnership:1")

    saved = run_ok(run_cli, "edit", "partnership:1", "--notes", "Saved first.", "--if-version", "1")
    assert saved.startswith("Saved partnership 1, now at version 2: "), saved
    trail = run_ok(run_cli, "list", "audit", "--json")
    refused = run_cli("edit", "partnership:1", "--notes", "Saved second.", "--if-version", "1")

    assert_plain_failure(refused, exit_status=1)
    last = json.loads(trail)[-1]
    assert (last["action"], last["record_kind"], last["record_id"]) == ("update", "partnership", 1)
    assert refused.stderr.strip() == (
        f"Partnership 1 was changed by {last['actor']} at 2026-03-02 10:00 UTC while you were editing it "
        "(it is now at version 2); your change was not saved."
    )
    assert run_ok(run_cli, "list", "audit", "--json") == trail
    shown = json.loads(run_ok(run_cli, "show", "partnership:1", "--json"))
    assert (shown["notes"], shown["version"]) == ("Saved first.", 2)

    # A response's letter is edited the same way.
    draft = json.loads(run_ok(run_cli, "new", "response", "--json"))
    at = str(draft["version"])
    run_ok(run_cli, "edit", "response:1", "--signatory-title", "Mayor", "--if-version", at)
    refused = run_cli("edit", "response:1", "--signatory-title", "Clerk", "--if-version", at)
    assert_plain_failure(refused, exit_status=1)
    assert "Response 1 was changed by " in refused.stderr
    assert json.loads(run_ok(run_cli, "show", "response:1", "--json"))["signatory_title"] == "Mayor"

    for wrong in ("0", "two", "-1"):
        bad = run_cli("edit", "partnership:1", "--notes", "Third.", "--if-version", wrong)
        assert_plain_failure(bad)
        assert "--if-version" in bad.stderr, bad.stderr


def test_edit_response_over_a_stale_version_saves_nothing(run_cli: RunCli) -> None:
    run_ok(run_cli, "home", "Dayton, OH")
    draft = json.loads(run_ok(run_cli, "new", "response", "--json"))
    read_at = draft["version"]
    saved = json.loads(
        run_ok(run_cli, "edit", "response:1", "--signatory-name", "Dana Doe", "--if-version", str(read_at), "--json")
    )
    assert (saved["signatory_name"], saved["version"]) == ("Dana Doe", read_at + 1)
    trail = run_ok(run_cli, "list", "audit", "--json")

    refused = run_cli("edit", "response:1", "--signatory-name", "Lee Roe", "--if-version", str(read_at))

    assert_plain_failure(refused, exit_status=1)
    last = json.loads(trail)[-1]
    assert refused.stderr.strip() == (
        f"Response 1 was changed by {last['actor']} at 2026-03-02 10:00 UTC while you were editing it "
        f"(it is now at version {read_at + 1}); your change was not saved."
    )
    assert run_ok(run_cli, "list", "audit", "--json") == trail
    shown = json.loads(run_ok(run_cli, "show", "response:1", "--json"))
    assert (shown["signatory_name"], shown["version"]) == ("Dana Doe", read_at + 1)
