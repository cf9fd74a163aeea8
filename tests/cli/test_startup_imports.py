"""What a command loads before it answers: the command line parses first and imports only what its command needs."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

from desktop_app.core.host.logs import LOG_FILE_NAME
from tests.cli.conftest import TEST_DATABASE_URL, RunCli, python_json

# Runs one command in this process and reports its exit status, its output and every module it loaded.
_REPORT_MODULES = """
import contextlib, io, json, sys
from desktop_app.__main__ import main

with contextlib.redirect_stdout(io.StringIO()) as output:
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "output": output.getvalue(), "modules": sorted(sys.modules)}))
"""

# The database layer and the models: `version` and `--help` answer without them.
DATABASE = ("sqlalchemy", "desktop_app.core.db")
# Letters, PDFs, spreadsheets, schemas and the window: no read command needs them.
DOCUMENTS_AND_WINDOW = ("reportlab", "pikepdf", "PySide6", "openpyxl", "jsonschema", "pypdfium2")


def loaded_by(*arguments: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    report: dict[str, Any] = python_json(_REPORT_MODULES, *arguments, env=env)
    return report


def among(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """The modules that are one of the packages or inside one of them."""
    return [name for name in modules if any(name == top or name.startswith(top + ".") for top in packages)]


def test_version_loads_neither_the_database_nor_documents(data_dir: Path) -> None:
    report = loaded_by("--data-dir", str(data_dir), "version")
    assert report["status"] == 0
    assert among(report["modules"], DATABASE + DOCUMENTS_AND_WINDOW) == []


def test_version_reads_the_installed_version_without_importlib_metadata(data_dir: Path) -> None:
    try:
        installed = metadata.version("sister-city-records")
    except metadata.PackageNotFoundError:
        installed = "0.0.0+unknown"
    report = loaded_by("--data-dir", str(data_dir), "version")
    assert report["output"] == f"sister-city-records {installed}\n"
    if installed != "0.0.0+unknown":
        assert "importlib.metadata" not in report["modules"]


def test_help_loads_neither_the_database_nor_documents(data_dir: Path) -> None:
    report = loaded_by("--data-dir", str(data_dir), "--help")
    assert report["status"] == 0
    assert "sample-data" in report["output"] and "search" in report["output"]
    assert among(report["modules"], DATABASE + DOCUMENTS_AND_WINDOW) == []


# What only some commands use: logging (the log file), the field rules of the records, the data folders' defaults.
START_UP_EXTRAS = ("logging", "dataclasses", "platformdirs", "desktop_app.core.records.fields")


def test_version_and_help_load_no_logging_fields_or_folder_defaults(data_dir: Path) -> None:
    for arguments in (("version",), ("--help",)):
        report = loaded_by("--data-dir", str(data_dir), *arguments)
        assert report["status"] == 0
        assert among(report["modules"], (*START_UP_EXTRAS, "desktop_app.core.host.log_handler")) == []


def test_backups_lists_the_folder_without_the_database_layer(data_dir: Path, run_cli: RunCli) -> None:
    assert run_cli("init", data=data_dir).returncode == 0
    assert run_cli("backup", data=data_dir).returncode == 0
    report = loaded_by("--data-dir", str(data_dir), "backups")
    assert report["status"] == 0
    assert ".sqlite3" in report["output"]
    assert among(report["modules"], ("sqlalchemy", *DOCUMENTS_AND_WINDOW)) == []


def test_new_still_lists_every_kind_and_its_fields(data_dir: Path) -> None:
    """`new` defines its kinds' options only when it is the command run; its help still shows them."""
    kinds = loaded_by("--data-dir", str(data_dir), "new", "--help")
    assert kinds["status"] == 0
    assert "partnership" in kinds["output"] and "inquiry" in kinds["output"]
    fields = loaded_by("--data-dir", str(data_dir), "new", "partnership", "--help")
    assert fields["status"] == 0
    assert "--established-on" in fields["output"]


def test_list_loads_the_database_but_no_documents(run_cli: RunCli, data_dir: Path, sqlite_only: None) -> None:
    assert run_cli("init").returncode == 0
    report = loaded_by("--data-dir", str(data_dir), "list", "partnerships")  # never backed up: the ordinary way
    assert report["status"] == 0
    assert report["output"] == "No partnerships in the records.\n"
    assert "sqlalchemy" in report["modules"]
    assert among(report["modules"], DOCUMENTS_AND_WINDOW) == []
    # Opening the records the ordinary way starts the log, so the backup made on the way is written down there.
    assert "automatic backup written" in (data_dir / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")


def test_list_and_show_on_current_records_load_no_sqlalchemy(run_cli: RunCli, data_dir: Path, on_server: bool) -> None:
    assert run_cli("init").returncode == 0
    assert run_cli("home", "Columbus, OH").returncode == 0
    assert run_cli("new", "partner", "--name", "Hefei").returncode == 0
    assert run_cli("new", "partnership", "--jurisdiction", "1", "--partner", "1").returncode == 0
    where = ["--data-dir", str(data_dir)]
    env = {}
    if on_server:
        where = ["--database", TEST_DATABASE_URL]
        env = {"SISTER_CITY_RECORDS_DATA_DIR": str(data_dir)}
    else:
        assert run_cli("backup").returncode == 0
    for command in (["list", "partnerships"], ["show", "partnership:1"], ["list", "partners", "--json"]):
        report = loaded_by(*where, *command, env=env)
        assert report["status"] == 0
        assert "Hefei" in report["output"]
        assert among(report["modules"], ("sqlalchemy", *DOCUMENTS_AND_WINDOW)) == [], command
        assert "desktop_app.core.host.log_handler" not in report["modules"], command


def test_search_on_current_records_loads_no_sqlalchemy_and_answers_as_the_ordinary_way(
    run_cli: RunCli, data_dir: Path, on_server: bool
) -> None:
    assert run_cli("init").returncode == 0
    for title in ("Lantern festival rules", "Rules for the lantern parade"):
        assert run_cli("new", "policy", "--kind", "ordinance", "--title", title).returncode == 0
    where = ["--data-dir", str(data_dir)]
    env = {}
    if on_server:
        where = ["--database", TEST_DATABASE_URL]
        env = {"SISTER_CITY_RECORDS_DATA_DIR": str(data_dir)}
    searches = (["search", "lantern"], ["search", "--json", "lantern", "rules"], ["search", "nowhere"])
    # With no backup, the first search opens the file the ordinary way, which backs it up today.
    shutil.rmtree(data_dir / "backups", ignore_errors=True)
    ordinary = [loaded_by(*where, *command, env=env) for command in searches]
    quick = [loaded_by(*where, *command, env=env) for command in searches]
    assert "sqlalchemy" in ordinary[0]["modules"] or on_server
    for before, after in zip(ordinary, quick, strict=True):
        assert after["status"] == before["status"] == 0
        assert after["output"] == before["output"]
        assert among(after["modules"], ("sqlalchemy", *DOCUMENTS_AND_WINDOW)) == []
    assert "Lantern festival rules" in quick[0]["output"]
    assert quick[2]["output"] == "Nothing in the records matches 'nowhere'.\n"
