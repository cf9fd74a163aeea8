"""The command line keeps the clerk's own jurisdiction out of the trash, as the window does."""

from __future__ import annotations

from .conftest import RunCli, assert_plain_failure


def test_the_home_jurisdiction_is_not_trashed_until_another_is_home(run_cli: RunCli) -> None:
    assert run_cli("home", "Dayton, OH").returncode == 0
    refused = run_cli("trash", "jurisdiction:1")
    assert_plain_failure(refused)
    assert "Dayton, OH is your own jurisdiction and cannot be moved to the trash" in refused.stderr
    assert "In the trash" not in run_cli("show", "jurisdiction:1").stdout
    assert run_cli("home", "Akron, OH").returncode == 0
    moved = run_cli("trash", "jurisdiction:1")
    assert moved.returncode == 0, moved.stderr
    assert "In the trash since" in run_cli("show", "jurisdiction:1").stdout
