"""import-package, received and received-report: another city's package kept as received, listed and reported."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.core.host.paths import resolve_location
from desktop_app.core.preservation.package import write_package
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.opening import open_database

from .conftest import RunCli, assert_plain_failure


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kansas City's issued letter packaged by its own records (a file of their own) as a .zip, and as a folder
    beside it named bag."""
    folder = tmp_path_factory.mktemp("sender")
    db, _ = open_database(resolve_location(folder / "kansas-city"))
    try:
        home = set_home_jurisdiction(db, "Kansas City", "MO", {"signatory_name": "A. Clerk"})
        for name in ("Xi'an", "Yan'an"):
            partner = records.create(db, "partner", {"name": name, "country_name": "China"})
            records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")
            issued = responses.issue(db, responses.create_draft(db)["id"])
        write_package(db, issued["id"], folder / "kansas-city.zip")
        write_package(db, issued["id"], folder / "bag")
    finally:
        db.dispose()
    return folder / "kansas-city.zip"


def test_a_package_is_received_once_listed_and_reported(run_cli: RunCli, package: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    received = run_cli("import-package", str(package))
    assert received.returncode == 0, received.stderr
    assert received.stdout.startswith("Received the package of Kansas City, MO (letter dated 2026-11-28)")
    assert "as received package 1" in received.stdout

    again = run_cli("import-package", str(package))
    assert_plain_failure(again)
    assert "was already received on" in again.stderr and "(received package 1)" in again.stderr

    listed = run_cli("received", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert (row["id"], row["city_display"], row["letter_date"]) == (1, "Kansas City, MO", "2026-11-28")
    assert row["package_size"] == package.stat().st_size
    lines = run_cli("received")
    assert lines.stdout.startswith("1\tKansas City, MO\t2026-11-28\t") and row["package_sha256"] in lines.stdout

    report = run_cli("received-report", "--out", str(tmp_path / "report.csv"))
    assert report.returncode == 0, report.stderr
    assert "Wrote the report of 1 city from 1 package" in report.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    communities = {row["partner_community"] for row in rows if row["row"] == "partnership"}
    assert "Xi'an" in communities
    assert run_cli("received-report", "--out", str(tmp_path / "report.pdf")).returncode == 0
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "Kansas City, MO" in text and "Xi'an" in text and "Yan'an" in text

    audit = run_cli("list", "audit", "--json")
    assert audit.returncode == 0, audit.stderr
    events = [event for event in json.loads(audit.stdout) if event["action"] == "receive"]
    assert [(event["record_kind"], event["record_id"]) for event in events] == [("received_package", 1)]
    assert run_cli("verify").returncode == 0


def test_a_damaged_package_a_folder_and_a_wrong_report_name_are_refused(
    run_cli: RunCli, package: Path, tmp_path: Path
) -> None:
    assert run_cli("init").returncode == 0
    data = bytearray(package.read_bytes())
    data[len(data) // 3] ^= 0x01
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    refused = run_cli("import-package", str(damaged))
    assert_plain_failure(refused)
    assert refused.stderr.startswith("The package damaged.zip was not received: it does not check (")
    assert "The first: " in refused.stderr

    as_folder = run_cli("import-package", str(package.parent / "bag"))
    assert_plain_failure(as_folder)
    assert "receive the package as the .zip file" in as_folder.stderr

    wrong = run_cli("received-report", "--out", str(tmp_path / "report.txt"))
    assert_plain_failure(wrong)
    assert ".pdf or .csv" in wrong.stderr
    assert run_cli("received").stdout.strip() == "No package has been received yet."
