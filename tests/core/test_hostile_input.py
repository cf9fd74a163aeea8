"""Hostile input: generated files for every importer and generated command lines end in a sentence or success,
never a traceback, and a refused input changes nothing.

Hypothesis runs SCR_HYPOTHESIS_EXAMPLES examples per test (40 by default; 2000 for the full run).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from desktop_app.cli.main import run
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.partnership_table import HEADER_SYNONYMS

EXAMPLES = int(os.environ.get("SCR_HYPOTHESIS_EXAMPLES", "40"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
HEADERS = sorted({synonym for synonyms in HEADER_SYNONYMS.values() for synonym in synonyms})

# Text as a clerk's spreadsheet (or an attacker) may hold it: any character but NUL, often short.
cell_text = st.one_of(
    st.sampled_from(["", " ", "Hefei", "合肥", "active", "terminated", "1988", "2024-02-30", "=1+2", "@x", "-3", "\t"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
)


def state(db: Database) -> tuple[int, ...]:
    """The number of rows in the tables an import writes, and of audit events."""
    with db.reading() as session:
        return tuple(
            int(session.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (models.Partnership, models.Partner, models.Jurisdiction, models.AuditEvent)
        )


def import_ends_in_a_sentence_or_success(db: Database, path: Path, dry_run: bool) -> None:
    before = state(db)
    try:
        report = import_file(db, path, dry_run=dry_run)
    except UserError as exc:
        assert exc.message.strip() and "Traceback" not in exc.message
        assert state(db) == before, "a refused import changed the records"
        return
    assert all(isinstance(line, str) for line in report.lines())
    if dry_run:
        assert state(db) == before


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), cell_text), min_size=0, max_size=8))
    rows = draw(st.lists(st.lists(cell_text, max_size=10), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.booleans())

    def line(cells: list[str]) -> str:
        if quote:
            return delimiter.join('"' + cell.replace('"', '""') + '"' for cell in cells)
        return delimiter.join(cells)

    text = "\n".join([line(headers), *(line(row) for row in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        # damage: cut it, or splice in random bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=30)) + data[cut:]
    return data


def test_generated_csv_files_end_in_a_sentence_or_success(db: Database, tmp_path: Path) -> None:
    @HYPOTHESIS
    @given(data=csv_bytes(), dry_run=st.booleans(), name=st.sampled_from(["t.csv", "t.txt", "合肥 表.csv", "t"]))
    def check(data: bytes, dry_run: bool, name: str) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        import_ends_in_a_sentence_or_success(db, path, dry_run)

    check()


xlsx_cell = st.one_of(
    st.none(),
    cell_text.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),  # characters a workbook cannot hold at all
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["=SUM(A1:A3)", "=1/0", '=HYPERLINK("http://example.org")']),
)


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if draw(st.booleans()):
        sheet.append(draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8)))
    for row in draw(st.lists(st.lists(xlsx_cell, max_size=9), max_size=10)):
        sheet.append(row)
    if draw(st.booleans()):
        workbook.create_sheet("Second").append(["city", "partner"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    # The workbook's bytes hold the time it was written, so damage is placed by fractions, not byte counts.
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "strip-part"]))
    where = draw(st.floats(0, 1))
    if damage == "truncate":
        data = data[: int(where * len(data))]
    elif damage == "flip":
        spot = min(int(where * len(data)), len(data) - 1)
        data = data[:spot] + bytes([data[spot] ^ 0xFF]) + data[spot + 1 :]
    elif damage == "strip-part":
        left_out = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml"]))
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                if item.filename != left_out:
                    target.writestr(item, source.read(item.filename))
        data = out.getvalue()
    return data


def test_generated_xlsx_files_end_in_a_sentence_or_success(db: Database, tmp_path: Path) -> None:
    @HYPOTHESIS
    @given(data=xlsx_bytes(), dry_run=st.booleans())
    def check(data: bytes, dry_run: bool) -> None:
        path = tmp_path / "table.xlsx"
        path.write_bytes(data)
        import_ends_in_a_sentence_or_success(db, path, dry_run)

    check()


def valid_records_document(tmp_path: Path) -> dict[str, Any]:
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.core.interchange.records_file import export_records_file
    from desktop_app.core.records import service as records
    from desktop_app.core.safekeeping.opening import open_database

    source, _ = open_database(resolve_location(tmp_path / "source"))
    try:
        home = records.create(source, "jurisdiction", {"name": "Columbus", "state": "OH", "is_home": True})
        partner = records.create(source, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China"})
        partnership = records.create(
            source, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"], "status": "active"}
        )
        activity = records.create(
            source,
            "activity",
            {"partnership_id": partnership["id"], "kind": "cultural_event", "starts_on": "2020-01-01"},
        )
        records.create(source, "participant", {"activity_id": activity["id"], "role": "student"})
        export_records_file(source, tmp_path / "valid.json")
    finally:
        source.dispose()
    loaded: dict[str, Any] = json.loads((tmp_path / "valid.json").read_text(encoding="utf-8"))
    return loaded


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), cell_text),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(cell_text, children, max_size=4)),
    max_leaves=12,
)


@st.composite
def mutated_document(draw: st.DrawFn, document: dict[str, Any]) -> bytes:
    doc = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(0, 4))):
        # walk to a random container and change, add or remove something in it
        node: Any = doc
        for _depth in range(draw(st.integers(0, 4))):
            children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
            containers = [child for child in children if isinstance(child, dict | list)]
            if not containers:
                break
            node = draw(st.sampled_from(containers))
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(json_value)
        elif isinstance(node, list):
            node.append(draw(json_value))
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data = data[: max(1, int(draw(st.floats(0, 1)) * len(data)))]
    return data


def test_generated_records_files_end_in_a_sentence_or_success(db: Database, tmp_path: Path) -> None:
    document = valid_records_document(tmp_path)

    @HYPOTHESIS
    @given(data=st.one_of(mutated_document(document), json_value.map(lambda v: ("{" + json.dumps(v)).encode())))
    def check(data: bytes) -> None:
        path = tmp_path / "records.json"
        path.write_bytes(data)
        import_ends_in_a_sentence_or_success(db, path, dry_run=True)

    check()
    # And one real import of the untouched document into the empty records works.
    (tmp_path / "records.json").write_text(json.dumps(document), encoding="utf-8")
    import_file(db, tmp_path / "records.json")
    assert state(db)[0] == 1


COMMANDS = [
    "version",
    "init",
    "sample-data",
    "home",
    "import",
    "export",
    "list",
    "verify",
    "backup",
    "restore",
    "backups",
    "backup-folder",
    "export-csv",
]
argument = st.one_of(
    st.sampled_from(
        [
            "--city",
            "--json",
            "--dry-run",
            "--include-personal-data",
            "--trash",
            "--default",
            "partnerships",
            "participants",
            "audit",
            "Columbus, OH",
            "x.csv",
            "records.json",
            "sub/../odd.csv",
            "./",
            "-",
            "--",
            "--help",
            "a" * 300,
            "合肥.sqlite3",
            "--database",
            "--data-dir",
        ]
    ),
    # Generated words stay inside the test's own folder: no absolute paths, no way up, no home folder.
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30).filter(
        lambda word: not word.startswith(("/", "~", "\\")) and ".." not in word and ":" not in word
    ),
)


def command_line_ends_in_a_sentence_or_success(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = run(argv, out, err)
    printed = out.getvalue() + err.getvalue() + "".join(capsys.readouterr())
    assert status in (0, 1, 2), status
    assert "Traceback" not in printed
    assert "Something unexpected" not in err.getvalue(), err.getvalue()
    if status != 0:
        assert err.getvalue().strip(), "a failure must say why"


def test_generated_command_lines_end_in_a_sentence_or_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "data"
    assert (
        run(["--data-dir", str(data_dir), "sample-data", "--city", "Columbus, OH"], io.StringIO(), io.StringIO()) == 0
    )

    @HYPOTHESIS
    @given(command=st.sampled_from(COMMANDS), arguments=st.lists(argument, max_size=4))
    def check(command: str, arguments: list[str]) -> None:
        command_line_ends_in_a_sentence_or_success(["--data-dir", str(data_dir), command, *arguments], capsys)

    check()


RECORD_COMMANDS = [
    "new",
    "edit",
    "show",
    "trash",
    "untrash",
    "purge",
    "status",
    "question",
    "link",
    "unlink",
    "declare-record",
    "narrative",
    "evidence",
    "withhold",
    "leave-out",
    "put-back",
]
record_argument = st.one_of(
    st.sampled_from(
        [
            "partnership",
            "agreement",
            "participant",
            "response",
            "partnership:1",
            "partnership:2",
            "policy:1",
            "inquiry:1",
            "response:1",
            "attachment:1",
            "add",
            "edit",
            "remove",
            "1",
            "2",
            "0",
            "-1",
            "9" * 30,
            "--text",
            "--topics",
            "--title",
            "--notes",
            "--on",
            "--reason",
            "--evidence",
            "--partnership",
            "--funding-city",
            "--json",
            "--help",
            "suspended",
            "2024-01-01",
            "{nonsense}",
            "transparency",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)


def test_generated_record_command_lines_end_in_a_sentence_or_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "data"
    for setup in (["sample-data", "--city", "Columbus, OH"], ["new", "response"]):
        assert run(["--data-dir", str(data_dir), *setup], io.StringIO(), io.StringIO()) == 0

    @HYPOTHESIS
    @given(command=st.sampled_from(RECORD_COMMANDS), arguments=st.lists(record_argument, max_size=5))
    def check(command: str, arguments: list[str]) -> None:
        command_line_ends_in_a_sentence_or_success(["--data-dir", str(data_dir), command, *arguments], capsys)

    check()
