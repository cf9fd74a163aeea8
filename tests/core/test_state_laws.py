"""State-law rules: the shipped files, screening at dates around each deadline, termination and clerks' rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files import attach_files
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.host.resources import resource_path
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import export_records_file
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.laws.clerk_rules import add_rule, correction_of, withdraw_rule
from desktop_app.core.laws.overview import termination_progress
from desktop_app.core.laws.rules import (
    CHECKED_FILE,
    NOT_LEGAL_ADVICE,
    read_checked,
    read_rule_files,
    rule_named,
    rules_in,
    shipped_rules,
)
from desktop_app.core.laws.screening import Screening, needing_action, screen, screen_in
from desktop_app.core.laws.termination import check_step, finish, record_step
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.safekeeping.opening import open_database
from tests.file_samples import text_pdf

TEXAS = "tx-gov-795"
ARKANSAS = "ar-code-14-1-116"
FLORIDA = "fl-stat-288-860"
INDIANA = "in-hea-1120-2024"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-01-15")


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _partnership(
    db: Database,
    city: str,
    state: str,
    partner: str = "Hefei",
    country: str = "China",
    code: str = "CN",
    **values: object,
) -> int:
    home = records.create(db, "jurisdiction", {"name": city, "state": state})
    other = records.create(db, "partner", {"name": partner, "country_name": country, "country_code": code})
    made = records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other["id"], **values})
    return int(made["id"])


def _only(db: Database, partnership_id: int, as_of: str, rule_id: str) -> Screening:
    found = [s for s in screen(db, _day(as_of), partnership_id) if s.rule_id == rule_id]
    assert len(found) == 1, found
    return found[0]


def _evidence(db: Database, folder: Path, partnership_id: int, name: str) -> int:
    path = text_pdf(folder / f"{name}.pdf", [f"{name} of the City"])
    return int(attach_files(db, [path], "partnership", partnership_id)[0]["id"])


def _record(db: Database, folder: Path, partnership_id: int, step: str, on: str, rule_id: str = TEXAS) -> None:
    plan = check_step(db, partnership_id, rule_id, step, on)
    record_step(db, plan, evidence_attachment_id=_evidence(db, folder, partnership_id, step))


# ----- the rule files --------------------------------------------------------------------------------------------


def test_every_shipped_rule_names_its_sources_and_the_day_it_was_checked() -> None:
    rules = {rule.id: rule for rule in shipped_rules()}
    assert set(rules) == {TEXAS, ARKANSAS, FLORIDA, INDIANA, "ut-hb-404-2024"}
    for rule in rules.values():
        assert rule.sources and rule.checked_on and rule.countries_source and rule.countries_as_of
    texas = rules[TEXAS]
    assert texas.deadline == _day("2025-10-01") and texas.terminate_existing
    assert {country.code for country in texas.countries} == {"CN", "IR", "KP", "RU"}
    assert any("2027" in sentence for sentence in texas.uncertain), "the disputed expiry is recorded, unverified"
    assert not texas.verified
    assert rules[ARKANSAS].deadline is None and rules[ARKANSAS].terminate_existing
    assert rules[FLORIDA].clause_conditions and not rules[FLORIDA].terminate_existing
    assert "not legal advice" in NOT_LEGAL_ADVICE


def test_the_shipped_files_pass_the_schema_and_their_fingerprints_are_recorded() -> None:
    folder = resource_path("laws")
    assert [rule.id for rule in read_rule_files(folder)] == [rule.id for rule in shipped_rules()]
    wanted = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.glob("*.json"))}
    listing = "".join(f"{digest}  {name}\n" for name, digest in wanted.items())
    assert read_checked(folder / CHECKED_FILE) == wanted, f"write this into resources/laws/{CHECKED_FILE}:\n{listing}"


def test_a_file_changed_after_it_was_checked_is_checked_again(tmp_path: Path) -> None:
    body = json.loads(json.dumps(shipped_rules()[0].body))
    path = tmp_path / "rule.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    checked = {"rule.json": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert len(read_rule_files(tmp_path, checked)) == 1
    path.write_text(json.dumps({**body, "binds": ["parish"]}), encoding="utf-8")
    with pytest.raises(UserError, match=r"rule\.json.*binds"):
        read_rule_files(tmp_path, checked)


def test_a_rule_file_that_breaks_the_schema_is_refused_with_its_name(tmp_path: Path) -> None:
    good = json.loads(json.dumps(shipped_rules()[0].body))
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    assert [rule.id for rule in read_rule_files(tmp_path)] == [good["id"]]
    broken = {**good, "id": "other-rule", "state": "Texas"}
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(UserError, match=r"broken\.json.*state"):
        read_rule_files(tmp_path)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match=r"broken\.json"):
        read_rule_files(tmp_path)
    (tmp_path / "broken.json").write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(UserError, match="both use the id"):
        read_rule_files(tmp_path)
    late = {**good, "dates": {"effective": "2025-09-01", "deadline": "2025-08-01"}}
    (tmp_path / "broken.json").write_text(json.dumps({**late, "id": "late-rule"}), encoding="utf-8")
    with pytest.raises(UserError, match="deadline"):
        read_rule_files(tmp_path)


# ----- screening -------------------------------------------------------------------------------------------------


def test_an_active_texas_partnership_is_due_by_the_deadline_then_overdue(db: Database) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    assert _only(db, tyler, "2025-08-31", TEXAS).result == "not_yet"
    before = _only(db, tyler, "2025-09-01", TEXAS)
    assert (before.result, before.deadline) == ("action_needed", _day("2025-10-01"))
    assert "China is listed" in before.reason and "October 1, 2025" in before.reason
    assert _only(db, tyler, "2025-10-01", TEXAS).result == "action_needed"
    after = _only(db, tyler, "2025-10-02", TEXAS)
    assert after.result == "overdue" and after.needs_action
    assert [s.partnership_id for s in needing_action(screen(db, _day("2025-10-02")))] == [tyler]


def test_one_jurisdictions_partnerships_are_screened_as_among_all(db: Database) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    _partnership(db, "Austin", "TX", partner="Xi'an")
    _partnership(db, "Little Rock", "AR", partner="Hanam", country="Korea", code="KR")
    jurisdiction_id = records.get(db, "partnership", tyler)["jurisdiction_id"]
    with db.reading() as session:
        everyone = screen_in(session, _day("2025-10-02"))
        own = screen_in(session, _day("2025-10-02"), jurisdiction_id=jurisdiction_id)
    assert len({s.partnership_id for s in everyone}) == 3
    assert own == [s for s in everyone if s.partnership_id == tyler]


def test_suspended_and_dormant_are_not_terminated(db: Database) -> None:
    tyler = _partnership(db, "Tyler", "TX", status="suspended")
    screened = _only(db, tyler, "2025-10-02", TEXAS)
    assert screened.result == "overdue" and "suspended, which is not terminated" in screened.reason
    records.change_status(db, tyler, "dormant", changed_on="2025-11-01", reason="No activity")
    assert "dormant, which is not terminated" in _only(db, tyler, "2025-12-01", TEXAS).reason


def test_the_texas_and_arkansas_rows_of_the_public_list_lack_their_evidence(db: Database) -> None:
    load_sample_data(db)
    screenings = screen(db, _day("2025-12-01"))
    texas = [s for s in screenings if s.rule_id == TEXAS and s.reached]
    arkansas = [s for s in screenings if s.rule_id == ARKANSAS and s.reached]
    assert len(texas) >= 6 and len(arkansas) >= 2
    for screened in texas + arkansas:
        assert screened.result == "evidence_missing", screened
        assert screened.status_on == "terminated" and screened.terminated_on is None
        assert "Council or governing-body resolution" in screened.missing
    houston = next(s for s in texas if "Houston" in s.partnership)
    for as_of in ("2025-09-30", "2025-10-01", "2025-10-02"):
        assert _only(db, houston.partnership_id, as_of, TEXAS).result == "evidence_missing"
    assert _only(db, houston.partnership_id, "2025-08-01", TEXAS).result == "not_yet"


def test_a_missouri_city_is_reached_by_no_rule(db: Database) -> None:
    load_sample_data(db, "Kansas City, MO")
    screenings = screen(db)
    assert screenings and all(not s.reached and s.rule_id == "" for s in screenings)
    assert "No state-law rule is recorded for MO" in screenings[0].reason


def test_arkansas_sets_no_deadline_and_reaches_only_its_countries(db: Database) -> None:
    springdale = _partnership(db, "Springdale", "AR")
    assert _only(db, springdale, "2025-08-04", ARKANSAS).result == "not_yet"
    due = _only(db, springdale, "2026-01-01", ARKANSAS)
    assert (due.result, due.deadline) == ("action_needed", None) and "no deadline" in due.reason
    japan = _partnership(db, "Conway", "AR", "Nagano", "Japan", "JP")
    assert _only(db, japan, "2026-01-01", ARKANSAS).result == "not_reached"


def test_florida_reads_the_clause_checklist(db: Database) -> None:
    orlando = _partnership(db, "Orlando", "FL")
    assert _only(db, orlando, "2026-01-01", FLORIDA).result == "clause_review", "no agreement: nothing to clear it"
    plain = records.create(db, "agreement", {"partnership_id": orlando, "title": "Friendship agreement"})
    clear = _only(db, orlando, "2026-01-01", FLORIDA)
    assert clear.result == "clauses_clear" and not clear.needs_action
    curriculum = records.create(
        db, "agreement", {"partnership_id": orlando, "title": "Schools exchange", "restricts_curriculum": True}
    )
    flagged = _only(db, orlando, "2026-01-01", FLORIDA)
    assert flagged.result == "clause_review" and flagged.agreements == (curriculum["id"],)
    assert "“Schools exchange” lets the foreign party direct curriculum" in flagged.reason
    assert plain["id"] not in flagged.agreements


def test_indiana_flags_only_what_was_signed_after_it_took_effect(db: Database) -> None:
    gary = _partnership(db, "Gary", "IN", established_on="1999-05-01")
    assert _only(db, gary, "2025-01-01", INDIANA).result == "no_new_allowed"
    records.create(
        db, "agreement", {"partnership_id": gary, "kind": "renewal", "title": "Renewal", "signed_on": "2024-09-01"}
    )
    renewed = _only(db, gary, "2025-01-01", INDIANA)
    assert renewed.result == "action_needed" and "September 1, 2024" in renewed.reason


# ----- termination -----------------------------------------------------------------------------------------------


def test_termination_needs_every_step_with_its_file_then_complies(db: Database, tmp_path: Path) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    _record(db, tmp_path, tyler, "resolution", "2025-09-15")
    with pytest.raises(UserError, match="notice to the partner community, notice to the national"):
        finish(db, tyler, TEXAS, "2025-09-30")
    assert records.get(db, "partnership", tyler)["status"] == "active"
    _record(db, tmp_path, tyler, "notice_partner", "2025-09-20")
    _record(db, tmp_path, tyler, "notice_national", "2025-09-22")
    with pytest.raises(UserError, match="comes before"):
        finish(db, tyler, TEXAS, "2025-09-21")
    finish(db, tyler, TEXAS, "2025-09-30")
    history = records.status_history(db, tyler)
    assert history[-1]["to_status"] == "terminated" and "Tex. Gov't Code ch. 795" in history[-1]["legal_basis"]
    complied = _only(db, tyler, "2025-12-01", TEXAS)
    assert (complied.result, complied.terminated_on) == ("complied", _day("2025-09-30"))
    assert [e.step for e in complied.evidence] == ["resolution", "notice_partner", "notice_national"]
    assert all(len(e.sha256) == 64 and e.file_name for e in complied.evidence)
    # As of a day before it ended, the partnership was still active and due.
    assert _only(db, tyler, "2025-09-25", TEXAS).result == "action_needed"
    with pytest.raises(UserError, match="already terminated"):
        finish(db, tyler, TEXAS, "2025-10-01")
    with db.reading() as session:
        actions = list(session.scalars(select(models.AuditEvent.action).where(models.AuditEvent.record_id == tyler)))
        assert actions.count("termination_step") == 3 and "status_change" in actions
        assert verify_chain(session) == []


def test_a_late_termination_complies_late_and_gifts_need_their_step(db: Database, tmp_path: Path) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    records.create(
        db,
        "activity",
        {"partnership_id": tyler, "kind": "gift_exchange", "starts_on": "2019-04-01", "gifts_received": "A vase"},
    )
    for step in ("resolution", "notice_partner", "notice_national"):
        _record(db, tmp_path, tyler, step, "2025-10-20")
    with pytest.raises(UserError, match="return or disposition of gifts"):
        finish(db, tyler, TEXAS, "2025-10-25")
    _record(db, tmp_path, tyler, "gifts", "2025-10-21")
    finish(db, tyler, TEXAS, "2025-10-25")
    late = _only(db, tyler, "2025-12-01", TEXAS)
    assert late.result == "complied" and "after the deadline of October 1, 2025" in late.reason


def test_a_step_is_checked_before_any_file_is_stored(db: Database) -> None:
    conway = _partnership(db, "Conway", "AR", "Nagano", "Japan", "JP")
    with pytest.raises(UserError, match="does not reach"):
        check_step(db, conway, ARKANSAS, "resolution", "2025-09-01")
    tyler = _partnership(db, "Tyler", "TX")
    with pytest.raises(UserError, match="not a step"):
        check_step(db, tyler, TEXAS, "bonfire", "2025-09-01")
    with pytest.raises(UserError, match="future"):
        check_step(db, tyler, TEXAS, "resolution", "2027-01-01")
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        check_step(db, tyler, TEXAS, "resolution", "last week")
    with pytest.raises(UserError, match="does not require"):
        check_step(db, tyler, INDIANA, "resolution", "2025-09-01")
    assert termination_progress(db, tyler).steps == ()


def test_purging_a_partnership_takes_its_steps(db: Database, tmp_path: Path) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    _record(db, tmp_path, tyler, "resolution", "2025-09-15")
    records.trash(db, "partnership", tyler)
    records.purge(db, "partnership", tyler)
    with db.reading() as session:
        assert session.scalars(select(models.TerminationStep)).first() is None


# ----- a clerk's rules -------------------------------------------------------------------------------------------


def test_a_correction_supersedes_the_shipped_rule_until_withdrawn(db: Database) -> None:
    tyler = _partnership(db, "Tyler", "TX")
    body = correction_of(db, TEXAS)
    assert (body["id"], body["supersedes"]) == (f"{TEXAS}-c1", TEXAS)
    body["dates"] = {"effective": "2025-09-01", "deadline": "2025-12-31"}
    add_rule(db, body)
    with db.reading() as session:
        assert rule_named(session, TEXAS).superseded_by == f"{TEXAS}-c1"
        assert sum(rule.id.startswith(TEXAS) and rule.in_force_here for rule in rules_in(session)) == 1
    corrected = _only(db, tyler, "2025-10-02", f"{TEXAS}-c1")
    assert (corrected.result, corrected.deadline) == ("action_needed", _day("2025-12-31"))
    assert not [s for s in screen(db, _day("2025-10-02"), tyler) if s.rule_id == TEXAS]
    with pytest.raises(UserError, match="already superseded"):
        correction_of(db, TEXAS)
    with pytest.raises(UserError, match="program's rules"):
        withdraw_rule(db, TEXAS)
    withdraw_rule(db, f"{TEXAS}-c1")
    assert _only(db, tyler, "2025-10-02", TEXAS).result == "overdue"
    with pytest.raises(UserError, match="already exists"):
        add_rule(db, body)
    with db.reading() as session:
        kinds = list(
            session.scalars(select(models.AuditEvent.action).where(models.AuditEvent.record_kind == "law_rule"))
        )
        assert kinds == ["create", "trash"]


def test_a_clerks_rule_that_breaks_the_schema_changes_nothing(db: Database) -> None:
    body = correction_of(db, ARKANSAS)
    body["countries"]["list"] = []
    with pytest.raises(UserError, match="cannot be saved"):
        add_rule(db, body)
    with pytest.raises(UserError, match="JSON object"):
        add_rule(db, ["not", "a", "rule"])
    with db.reading() as session:
        assert session.scalars(select(models.LawRule)).first() is None


def test_a_records_file_carries_the_clerks_rules_and_the_steps(tmp_path: Path) -> None:
    source, _ = open_database(resolve_location(tmp_path / "one"))
    tyler = _partnership(source, "Tyler", "TX")
    _record(source, tmp_path, tyler, "resolution", "2025-09-15")
    correction = correction_of(source, TEXAS)
    add_rule(source, correction)
    first = tmp_path / "first.json"
    export_records_file(source, first)
    source.dispose()
    target, _ = open_database(resolve_location(tmp_path / "two"))
    import_file(target, first)
    with target.reading() as session:
        assert rule_named(session, TEXAS).superseded_by == correction["id"]
    [step] = termination_progress(target, tyler).steps
    assert (step.step, step.done_on, step.attachment_id) == ("resolution", _day("2025-09-15"), None)
    second = tmp_path / "second.json"
    export_records_file(target, second)
    assert first.read_bytes() == second.read_bytes()
    target.dispose()
    document = json.loads(first.read_text(encoding="utf-8"))
    document["records"]["law_rules"][0]["body"]["state"] = "Texas"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    third, _ = open_database(resolve_location(tmp_path / "three"))
    with pytest.raises(UserError, match="not a valid rule"):
        import_file(third, broken)
    with third.reading() as session:
        assert session.scalars(select(models.Partnership)).first() is None
    third.dispose()
