"""The chart of partnerships by status starts at the earliest year the records know of a partnership: its status
history or its establishment, not the day it was entered."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.summary.charts import STATUS_YEARS_AT_MOST
from desktop_app.core.summary.compute import charts_and_state
from desktop_app.core.summary.data import Chart

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY.isoformat())


def _partnership(db: Database, partner: str, **values: object) -> int:
    home = set_home_jurisdiction(db, "Kansas City", "MO")
    other = records.create(db, "partner", {"name": partner, "country_name": "China"})
    return int(
        records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other["id"], **values})["id"]
    )


def _status_chart(db: Database) -> Chart:
    return charts_and_state(db)[0].status_by_year


def _counts(chart: Chart, year: int) -> dict[str, int]:
    group = next(group for group in chart.groups if group.label == str(year))
    return {name: value for name, value in zip(chart.series, group.values, strict=True) if value}


def test_the_chart_starts_at_the_year_of_establishment_not_of_entry(db: Database) -> None:
    _partnership(db, "Xi'an", established_year=1989)  # entered today, as the sample's partnerships are
    _partnership(db, "Hefei", established_on="1994-05-01")
    chart = _status_chart(db)
    assert [group.label for group in chart.groups] == [str(year) for year in range(1989, 2027)]
    assert _counts(chart, 1989) == {"Active": 1}
    assert _counts(chart, 1994) == {"Active": 2}
    assert _counts(chart, 2026) == {"Active": 2}
    assert chart.note == ""

    _partnership(db, "Oita")  # no date of establishment: counted from its entry, and the chart says so
    chart = _status_chart(db)
    assert _counts(chart, 2025) == {"Active": 2} and _counts(chart, 2026) == {"Active": 3}
    assert chart.note.startswith("1 partnership has no date of establishment")


def test_a_status_entered_late_counts_from_its_entry_after_the_years_active(db: Database) -> None:
    _partnership(db, "Xi'an", established_year=1989, status="terminated")
    _partnership(db, "Oita", established_year=2001, status="proposed")
    chart = _status_chart(db)
    assert _counts(chart, 1989) == {"Active": 1}
    assert _counts(chart, 2025) == {"Active": 1, "Proposed": 1}  # a proposal keeps its status from the start
    assert _counts(chart, 2026) == {"Proposed": 1, "Terminated": 1}


def test_a_backdated_change_before_the_establishment_starts_the_chart(db: Database) -> None:
    hefei = _partnership(db, "Hefei", established_year=2010)
    records.change_status(db, hefei, "suspended", changed_on="2005-03-01", reason="Found in old minutes")
    chart = _status_chart(db)
    assert chart.groups[0].label == "2005"
    assert _counts(chart, 2005) == {"Suspended": 1}


def test_an_establishment_mistyped_by_centuries_draws_no_endless_chart(db: Database) -> None:
    _partnership(db, "Hefei", established_year=1066)
    chart = _status_chart(db)
    assert len(chart.groups) == STATUS_YEARS_AT_MOST
    assert chart.groups[-1].label == "2026" and _counts(chart, 2026) == {"Active": 1}
