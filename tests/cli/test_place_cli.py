"""The command line reads "NAME, ST" as the window does, and offers the places of a name written without state."""

from __future__ import annotations

from tests.cli.conftest import RunCli, assert_plain_failure


def test_home_without_its_state_offers_the_places_of_that_name(run_cli: RunCli) -> None:
    result = run_cli("home", "Kansas City")
    assert_plain_failure(result)
    assert "two letters" in result.stderr and '"Kansas City, MO"' in result.stderr


def test_sample_data_reads_its_city_with_the_same_parser(run_cli: RunCli) -> None:
    result = run_cli("sample-data", "--city", "Kansas City")
    assert_plain_failure(result)
    assert "two letters" in result.stderr and '"Kansas City, MO"' in result.stderr
    loaded = run_cli("sample-data", "--city", "kansas city ,mo")
    assert loaded.returncode == 0, loaded.stderr
    assert "for kansas city ,mo" in loaded.stdout and "Loaded 0" not in loaded.stdout
