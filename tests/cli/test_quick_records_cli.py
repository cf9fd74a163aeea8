"""`list KIND` and `show KIND:ID` read without the database layer say exactly what the ordinary way says."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_app.core.host.paths import DataLocation
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database
from tests.cli.conftest import TEST_DATABASE_URL, RunCli, python_json
from tests.core.test_plain_rows import fill_every_kind

# Runs several commands in this process: each one's exit status, output and error, and every module loaded.
_RUN_EACH = """
import contextlib, io, json, sys
from desktop_app.__main__ import main

answers = []
for command in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
        status = main(command)
    answers.append({"command": command, "status": status, "output": out.getvalue(), "error": err.getvalue()})
print(json.dumps({"answers": answers, "modules": sorted(sys.modules)}))
"""

LIST_NAMES = ("partnerships", "agreements", "activities", "participants", "policies", "oversight", "partners")


def run_each(where: list[str], commands: list[list[str]], data_dir: Path) -> dict[str, Any]:
    arguments = json.dumps([[*where, *command] for command in commands])
    environment = {"SISTER_CITY_RECORDS_DATA_DIR": str(data_dir)}
    report: dict[str, Any] = python_json(_RUN_EACH, arguments, env=environment, timeout=300)
    return report


def ordinary_address(quick: list[str], data_dir: Path) -> list[str]:
    """The same records named in a way the quick reader leaves to the ordinary way."""
    if not quick or quick[0] != "--database":
        return ["--database", f"sqlite+pysqlite:///{data_dir / 'records.sqlite3'}"]
    parts = urlsplit(quick[1])
    return ["--database", f"postgresql+psycopg://{parts.username}@{parts.path}?host={parts.hostname}&port={parts.port}"]


def test_lists_and_records_read_quickly_say_what_the_ordinary_way_says(
    run_cli: RunCli,
    data_dir: Path,
    on_server: bool,
    records_at: Callable[[Path], DataLocation],
    tmp_path: Path,
) -> None:
    assert run_cli("init").returncode == 0
    location = records_at(data_dir)
    db, _ = open_database(location)
    try:
        numbers = fill_every_kind(db, tmp_path)
    finally:
        db.dispose()
    if location.sqlite_path is not None:
        create_backup(location)
    commands = [
        [*command, name, *option]
        for name in (*LIST_NAMES, "jurisdictions", "responses")
        for command in (["list"], ["list", "--trash"])
        for option in ([], ["--json"], ["--include-personal-data"], ["--json", "--include-personal-data"])
    ]
    shown = [f"{kind}:{number}" for kind, ids in numbers.items() for number in (*ids, 9999) if kind != "response"]
    commands += [
        ["show", target, *option] for target in (*shown, "policy:2", "oversight:2") for option in ([], ["--json"])
    ]
    quick_where = ["--database", TEST_DATABASE_URL] if on_server else ["--data-dir", str(data_dir)]
    quick = run_each(quick_where, commands, data_dir)
    ordinary = run_each(ordinary_address(quick_where, data_dir), commands, data_dir)
    assert "sqlalchemy" in ordinary["modules"]
    assert [name for name in quick["modules"] if name.split(".")[0] == "sqlalchemy"] == []
    for seen, expected in zip(quick["answers"], ordinary["answers"], strict=True):
        assert seen["output"] == expected["output"], seen["command"]
        assert (seen["status"], seen["error"]) == (expected["status"], expected["error"]), seen["command"]
    said = {" ".join(answer["command"][2:]): answer for answer in quick["answers"]}
    assert "Li Wei" in said["list participants --include-personal-data"]["output"]
    assert "Li Wei" not in said["list participants"]["output"]
    assert "Visits procedure" in said["list --trash policies"]["output"]
    assert said["show policy:9999"]["error"].strip() == "There is no policy with number 9999."
    assert said["show policy:9999"]["status"] == 2
    assert "Status history:" in said[f"show partnership:{numbers['partnership'][0]}"]["output"]
    assert "Committee minutes" in said[f"show jurisdiction:{numbers['jurisdiction'][0]}"]["output"]
