"""Nothing leaked: a participant's name stays out of default exports, lists, the audit trail and the log;
exported CSV cells never run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.main import run
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.crash import report_unexpected_error
from desktop_app.core.host.logs import configure_logging
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.interchange.csv_export import export_csv, safe_cell
from desktop_app.core.records import plain_rows
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import KINDS

PLANTED_NAME = "Qiaoyun Plantedname-Xu"


def plant_participant(db: Database) -> dict[str, Any]:
    home = records.create(db, "jurisdiction", {"name": "Columbus", "state": "OH"})
    partner = records.create(db, "partner", {"name": "Hefei", "country_name": "China"})
    partnership = records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})
    activity = records.create(
        db, "activity", {"partnership_id": partnership["id"], "kind": "student_exchange", "starts_on": "2019-05-01"}
    )
    participant = records.create(
        db,
        "participant",
        {
            "activity_id": activity["id"],
            "name": PLANTED_NAME,
            "role": "student",
            "visa_category": "J-1 exchange visitor",
        },
    )
    records.update(db, "participant", participant["id"], {"nationality": "Chinese"})
    return participant


@pytest.fixture(autouse=True)
def default_data_folder(location: DataLocation, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a database server named by --database, the log goes to the default data folder: make it the test's."""
    from desktop_app.core.host.paths import ENV_DATA_DIR

    monkeypatch.setenv(ENV_DATA_DIR, str(location.data_dir))


def cli(location: DataLocation, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    where = ["--database", location.database_url] if not location.is_sqlite else ["--data-dir", str(location.data_dir)]
    status = run([*where, *argv], out, err)
    return status, out.getvalue(), err.getvalue()


def test_the_planted_name_is_in_no_default_export_list_or_log(
    db: Database, location: DataLocation, tmp_path: Path
) -> None:
    plant_participant(db)
    seen: list[str] = []
    for kind in KINDS:
        for argv in (["list", kind.plural], ["list", kind.plural, "--json"]):
            status, out, err = cli(location, *argv)
            assert status == 0, err
            seen.append(out + err)
        target = tmp_path / f"{kind.name}.csv"
        status, out, err = cli(location, "export-csv", kind.plural, str(target))
        assert status == 0, err
        seen.append(target.read_text(encoding="utf-8-sig") + out)
    status, out, _ = cli(location, "list", "audit", "--json")
    seen.append(out)
    status, out, err = cli(location, "export", str(tmp_path / "records.json"))
    assert status == 0, err
    seen.append((tmp_path / "records.json").read_text(encoding="utf-8") + out)
    status, out, _ = cli(location, "verify")
    seen.append(out)
    for text in seen:
        assert PLANTED_NAME not in text
    log_file = location.logs_dir / "sister-city-records.log"
    assert log_file.exists()
    assert PLANTED_NAME not in log_file.read_text(encoding="utf-8")
    # Asked for explicitly, the name is there: the checks above could have failed.
    status, out, _ = cli(location, "list", "participants", "--json", "--include-personal-data")
    assert PLANTED_NAME in out
    status, _, _ = cli(location, "export-csv", "participants", str(tmp_path / "p.csv"), "--include-personal-data")
    assert PLANTED_NAME in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    status, _, _ = cli(location, "export", str(tmp_path / "all.json"), "--include-personal-data")
    assert PLANTED_NAME in (tmp_path / "all.json").read_text(encoding="utf-8")


def test_an_unexpected_error_quoting_the_name_does_not_put_it_in_the_log(
    db: Database, location: DataLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant_participant(db)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError(f"cannot handle {PLANTED_NAME}")

    # Both ways a list is read: through the driver alone (current records) and the ordinary way.
    monkeypatch.setattr(plain_rows, "list_plain", broken)
    monkeypatch.setattr(records, "list_records", broken)
    status, _, err = cli(location, "list", "participants", "--include-personal-data")
    assert status == 2 and "Traceback" not in err and "log file" in err
    text = (location.logs_dir / "sister-city-records.log").read_text(encoding="utf-8")
    assert "unexpected error in command list: builtins.ValueError" in text
    assert PLANTED_NAME not in text


def test_a_database_error_does_not_carry_the_values_into_the_log(db: Database, location: DataLocation) -> None:
    from sqlalchemy import text

    log_path = configure_logging(location.logs_dir)
    with pytest.raises(UserError) as raised, db.writing() as session:
        session.execute(
            text("INSERT INTO participant (activity_id, name, created_at, updated_at) VALUES (:a, :n, 'x', 'x')"),
            {"a": 999999, "n": PLANTED_NAME},
        )
    cause = raised.value.__cause__
    assert cause is not None and "INSERT INTO participant" in str(cause)  # the statement, without its values
    assert PLANTED_NAME not in str(raised.value)
    if db.is_sqlite:
        assert PLANTED_NAME not in str(cause)
    # PostgreSQL's own message quotes the failing row; the log keeps only the error's kind, so not the row.
    report_unexpected_error(type(cause), cause, cause.__traceback__)
    logged = log_path.read_text(encoding="utf-8")
    assert "sqlalchemy.exc.IntegrityError" in logged
    assert PLANTED_NAME not in logged


def test_the_crash_report_logs_the_error_and_says_where_the_log_is(tmp_path: Path) -> None:
    log_path = configure_logging(tmp_path / "logs")
    try:
        raise RuntimeError(f"stopped while showing {PLANTED_NAME}")
    except RuntimeError:
        message, where = report_unexpected_error(*sys.exc_info())  # type: ignore[arg-type]
    assert where == str(log_path) and where in message
    assert "not saved" in message and "Traceback" not in message
    logged = log_path.read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in logged and "test_the_crash_report_logs" in logged
    assert PLANTED_NAME not in logged
    message, _ = report_unexpected_error(UserError, UserError("The file is missing."), None)
    assert message == "The file is missing."


def test_alembic_does_not_take_over_the_programs_logging(location: DataLocation) -> None:
    log_path = configure_logging(location.logs_dir)
    handlers_before = list(logging.getLogger("desktop_app").handlers)
    root_before = list(logging.getLogger().handlers)
    from desktop_app.core.safekeeping.opening import open_database

    database, _ = open_database(location)
    database.dispose()
    assert logging.getLogger("desktop_app").handlers == handlers_before
    assert logging.getLogger().handlers == root_before
    assert not logging.getLogger("desktop_app").disabled
    logging.getLogger("desktop_app.test").info("still logging after migrations")
    assert "still logging after migrations" in log_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("dangerous", ["=1+2", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_cells_that_a_spreadsheet_would_run_are_quoted(dangerous: str) -> None:
    assert safe_cell(dangerous) == "'" + dangerous


def test_ordinary_cells_are_left_as_they_are() -> None:
    assert safe_cell("Hefei") == "Hefei"
    assert safe_cell(-1250) == "-1250"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "yes"


def test_an_exported_csv_cannot_run_formulas(db: Database, tmp_path: Path) -> None:
    records.create(db, "partner", {"name": "=cmd|' /C calc'!A0", "region": "@SUM(1)", "country_name": "-2+3"})
    result = export_csv(db, "partners", tmp_path / "partners.csv")
    assert result.rows == 1 and not result.personal_data
    with (tmp_path / "partners.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["region"] == "'@SUM(1)"
    assert rows[0]["country_name"] == "'-2+3"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_export_csv_refuses_an_unknown_kind_and_a_folder(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError):
        export_csv(db, "spaceships", tmp_path / "x.csv")
    with pytest.raises(UserError, match="folder"):
        export_csv(db, "partners", tmp_path)


def test_the_planted_name_is_not_in_the_response_letter(db: Database, location: DataLocation, tmp_path: Path) -> None:
    from pypdf import PdfReader

    participant = plant_participant(db)
    records.update(db, "participant", participant["id"], {"program_sponsor": "Columbus Sister Cities"})
    assert cli(location, "home", "Columbus, OH", "--signatory-name", "A. Clerk")[0] == 0
    for argv in (["respond", "--out", str(tmp_path / "draft.pdf")], ["respond", "--out", str(tmp_path / "issued.pdf")]):
        status, _out, err = cli(location, *argv, *(["--issue"] if "issued" in argv[-1] else []))
        assert status == 0, err
    for name in ("draft.pdf", "issued.pdf"):
        pdf = tmp_path / name
        text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        assert "J-1" in text or "visa" in text.lower()  # the visa question is answered from the participants
        for probe in (PLANTED_NAME, "Plantedname", "Qiaoyun"):
            assert probe not in text
            assert probe.encode() not in pdf.read_bytes()
            assert probe.encode("utf-16-be") not in pdf.read_bytes()
    log_text = (location.logs_dir / "sister-city-records.log").read_text(encoding="utf-8")
    assert PLANTED_NAME not in log_text
