"""The state-law compliance report: rules and partnerships from the records, evidence with fingerprints, same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.laws.report import write_compliance_report
from desktop_app.core.laws.rules import NOT_LEGAL_ADVICE
from desktop_app.core.records import service as records

from .law_records import missouri_city, partnership, texas_city

TODAY = "2026-11-28"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY)


def pages_of(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_texas_city_that_ended_its_partnership_with_evidence_is_reported_complied(
    db: Database, tmp_path: Path
) -> None:
    city = texas_city(db, tmp_path)
    out = tmp_path / "compliance.pdf"
    made = write_compliance_report(db, out)
    pages = pages_of(out)
    text = flat(" ".join(pages))
    assert made["path"] == str(out) and made["pages"] == len(pages)
    assert made["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (made["screened"], made["reached"], made["needing_action"], made["overdue"], made["complied"]) == (
        2,
        1,
        0,
        0,
        1,
    )
    assert "State-law compliance report" in text and "Houston, Texas" in text
    assert "As of November 28, 2026" in text
    assert NOT_LEGAL_ADVICE in text
    assert "Tex. Gov't Code ch. 795" in text
    assert "Result Complied" in text and "Terminated on September 30, 2025" in text
    assert "https://statutes.capitol.texas.gov/Docs/GV/htm/GV.795.htm" in text
    assert "Not verified; checked on December 2, 2026" in text
    assert "Sources differ on the effective date" in text
    assert "Partnerships screened 2 Reached by a rule 1 Needing action 0 Overdue 0 Complied 1" in text
    assert "Reached by no rule (counted, not listed) 1" in text
    # The partner's name in its own script comes back out; the partnership no rule reaches is not listed.
    assert "深圳" in text
    assert "Nice" not in text
    # Each evidence file: its step, its name, its number and its whole fingerprint.
    unspaced = re.sub(r"\s+", "", text)
    for step_label in (
        "Council or governing-body resolution",
        "Notice to the partner community",
        "Notice to the national sister-city organisation",
    ):
        assert step_label.replace(" ", "") in unspaced
    for attachment_id, name, sha256 in city.evidence.values():
        assert sha256 in unspaced and f"{name}{attachment_id}{sha256[:16]}" in unspaced
        # The fingerprint is broken into equal groups inside its cell rather than run past the page.
        assert all(len(line) < 64 for line in " ".join(pages).splitlines() if sha256[:8] in line)
    assert "Every required step has its evidence file." in text
    assert f"Page 1 of {len(pages)}" in text and f"Page {len(pages)} of {len(pages)}" in text


def test_the_same_records_and_date_give_the_same_bytes(db: Database, tmp_path: Path) -> None:
    texas_city(db, tmp_path)
    first = write_compliance_report(db, tmp_path / "one.pdf", dt.date(2026, 11, 1))
    second = write_compliance_report(db, tmp_path / "two.pdf", dt.date(2026, 11, 1))
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    assert first["sha256"] == second["sha256"]
    other_day = write_compliance_report(db, tmp_path / "three.pdf", dt.date(2026, 11, 2))
    assert other_day["sha256"] != first["sha256"]


def test_a_missouri_city_is_reached_by_no_rule(db: Database, tmp_path: Path) -> None:
    missouri_city(db)
    out = tmp_path / "missouri.pdf"
    made = write_compliance_report(db, out)
    text = flat(" ".join(pages_of(out)))
    assert (made["screened"], made["reached"], made["complied"]) == (1, 0, 0)
    assert "Kansas City, Missouri" in text
    assert "No partnership of Kansas City, Missouri is reached by a state-law rule recorded here" in text
    assert "No state-law rule is recorded for Missouri." in text
    assert "Reached by no rule (counted, not listed) 1" in text
    assert NOT_LEGAL_ADVICE in text
    assert "Xi'an" not in text and "Complied 0" in text


def test_missing_evidence_and_an_overdue_partnership_are_never_reported_complied(db: Database, tmp_path: Path) -> None:
    city = texas_city(db, tmp_path, with_evidence=False)
    partnership(db, city.home_id, "Samara", "Russia", "RU", native="Самара", established_on="1992-01-01")
    out = tmp_path / "due.pdf"
    made = write_compliance_report(db, out)
    text = flat(" ".join(pages_of(out)))
    assert (made["reached"], made["needing_action"], made["overdue"], made["complied"]) == (2, 2, 1, 0)
    assert "Result Overdue" in text and "Result Terminated, evidence missing" in text
    assert "Result Complied" not in text
    assert "Самара" in text
    # Overdue comes first; each says which steps lack their file.
    assert text.index("Samara, Russia") < text.index("Shenzhen, China")
    missing = (
        "Missing: no evidence file of a council or governing-body resolution, notice to the partner community or "
        "notice to the national sister-city organisation."
    )
    assert text.count(missing) == 2
    assert "No step of a termination is recorded." in text


def test_a_report_without_a_home_jurisdiction_covers_every_state(db: Database, tmp_path: Path) -> None:
    dallas = records.create(db, "jurisdiction", {"name": "Dallas", "state": "TX"})
    partnership(db, dallas["id"], "Qingdao", "China", "CN", established_on="2000-01-01")
    out = tmp_path / "all.pdf"
    made = write_compliance_report(db, out)
    text = flat(" ".join(pages_of(out)))
    assert made["reached"] == 1 and made["overdue"] == 1
    assert "Every partnership in these records (no home jurisdiction is set)" in text
    assert "Dallas, TX – Qingdao, China" in text and "Result Overdue" in text


@pytest.mark.parametrize("where", ["missing-folder", "a-folder"])
def test_a_bad_path_gets_a_sentence_and_leaves_nothing(db: Database, tmp_path: Path, where: str) -> None:
    missouri_city(db)
    target = tmp_path / "nowhere" / "report.pdf" if where == "missing-folder" else tmp_path
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(UserError) as refused:
        write_compliance_report(db, target)
    assert str(refused.value).endswith(".") and "Traceback" not in str(refused.value)
    assert sorted(tmp_path.rglob("*")) == before
