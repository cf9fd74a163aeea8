"""Every command listed by --help answers its own --help, a mistyped one is told them all, and `version` keeps the
data folder as any command does."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from tests.cli.conftest import RunCli

# A command's line in the top-level help: its name (with any alias in brackets) indented by four spaces.
_COMMAND_LINE = re.compile(r"^    (?P<name>[a-z][a-z-]*)(?: \((?P<aliases>[a-z, -]+)\))?(?:\s|$)")


def _commands_in_help(run_cli: RunCli) -> list[list[str]]:
    """Each command's names as --help lists them: its name, then its aliases."""
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    commands = []
    for line in result.stdout.splitlines():
        match = _COMMAND_LINE.match(line)
        if match:
            aliases = match["aliases"].split(", ") if match["aliases"] else []
            commands.append([match["name"], *aliases])
    return commands


def test_each_command_listed_answers_its_own_help(run_cli: RunCli) -> None:
    commands = _commands_in_help(run_cli)
    assert len(commands) > 40 and ["version"] in commands and ["withhold", "leave-out"] in commands
    for name, *_ in commands:
        result = run_cli(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout.startswith(f"usage: sister-city-records {name}"), name


def test_an_alias_is_the_same_command(run_cli: RunCli) -> None:
    by_alias = run_cli("leave-out", "--help")
    assert by_alias.returncode == 0
    assert by_alias.stdout == run_cli("withhold", "--help").stdout


def test_a_mistyped_command_is_told_every_command_in_the_order_help_lists_them(run_cli: RunCli) -> None:
    every_name = [name for names in _commands_in_help(run_cli) for name in names]
    result = run_cli("lsit", "partnerships")
    assert result.returncode == 2
    choices = ", ".join(repr(name) for name in every_name)
    assert f"invalid choice: 'lsit' (choose from {choices})" in result.stderr, result.stderr


def test_a_command_s_options_are_checked_once_it_is_chosen(run_cli: RunCli) -> None:
    result = run_cli("question", "add", "0", "--text", "Why?")
    assert result.returncode == 2
    assert result.stderr.startswith("Argument INQUIRY_ID: '0' is not the number of a record"), result.stderr
    assert "Run 'sister-city-records question add --help' for its options." in result.stderr


def test_version_makes_the_log_file_readable_by_its_owner_only(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("version")
    assert result.returncode == 0, result.stderr
    log_file = data_dir / "logs" / "sister-city-records.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
