"""The command line reads dates as the window does: US month/day order, month names, two-digit years, ISO."""

from __future__ import annotations

import json

import pytest

from .conftest import RunCli, assert_plain_failure

TODAY = {"SISTER_CITY_RECORDS_TODAY": "2026-12-06"}


@pytest.fixture(autouse=True)
def records_made(run_cli: RunCli) -> None:
    assert run_cli("init").returncode == 0


def _adopted_on(run_cli: RunCli, number: str) -> str:
    result = run_cli("show", f"policy:{number}", "--json")
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["adopted_on"])


def test_new_and_edit_accept_the_dates_a_clerk_types(run_cli: RunCli) -> None:
    made = run_cli("new", "policy", "--kind", "ordinance", "--title", "Code", "--adopted-on", "Mar 14, 2025", "--json")
    assert made.returncode == 0, made.stderr
    number = json.loads(made.stdout)["id"]
    assert _adopted_on(run_cli, number) == "2025-03-14"
    for typed, stored in (("7/4/56", "1956-07-04"), ("12/1/2025", "2025-12-01"), ("2024-02-29", "2024-02-29")):
        edited = run_cli("edit", f"policy:{number}", "--adopted-on", typed, env=TODAY)
        assert edited.returncode == 0, (typed, edited.stderr)
        assert _adopted_on(run_cli, number) == stored


def test_an_impossible_date_is_refused_with_a_sentence_naming_it(run_cli: RunCli) -> None:
    result = run_cli("new", "policy", "--kind", "ordinance", "--title", "Code", "--adopted-on", "02/30/2025")
    assert_plain_failure(result)
    assert "“02/30/2025” would be February 30, 2025, but February 2025 has 28 days." in result.stderr
