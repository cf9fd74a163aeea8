"""Excel imports within a CSV's limits: the real range read, sizes and shared strings bounded, no hidden sheet."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.interchange import reading, workbook_limits
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction

HEADER = ["US city", "US state", "Partner city", "Country"]
SPREADSHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_OVERRIDE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def partnership_rows(count: int, partner: str = "Partner city") -> list[list[str]]:
    return [["Columbus", "OH", f"{partner} {number}", "China"] for number in range(1, count + 1)]


def save_workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def rewrite_parts(
    path: Path, changes: dict[str, Callable[[bytes], bytes]], added: dict[str, bytes] | None = None
) -> None:
    """Rewrites the workbook with some parts changed and others added, as a damaged or hostile file would hold them."""
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    for name, change in changes.items():
        changed = change(parts[name])
        assert changed != parts[name], f"{name} was not changed"
        parts[name] = changed
    parts.update(added or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def with_shared_strings_declared(content_types: bytes) -> bytes:
    return content_types.replace(b"</Types>", SHARED_STRINGS_OVERRIDE + b"</Types>")


def shared_strings(texts: list[str], unique_count: int | None = None) -> bytes:
    declared = len(texts) if unique_count is None else unique_count
    entries = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (
        f'<sst xmlns="{SPREADSHEET_NAMESPACE}" count="{len(texts)}" uniqueCount="{declared}">{entries}</sst>'.encode()
    )


def state(db: Database) -> tuple[int, int, int]:
    return (
        records.count_records(db, "partnerships"),
        records.count_records(db, "jurisdictions"),
        records.count_records(db, "partners"),
    )


def refused(db: Database, path: Path, sentence: str) -> None:
    before = state(db)
    with pytest.raises(UserError, match=sentence):
        import_file(db, path)
    assert state(db) == before, "a refused import changed the records"


def test_a_sheet_that_understates_its_range_is_read_whole(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(50)]})
    rewrite_parts(
        path,
        {
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<dimension ref="A1:D51"/>', b'<dimension ref="A1:B2"/>'
            )
        },
    )
    report = import_file(db, path)
    assert "50 rows read; added 50 partnerships" in " ".join(report.lines())
    names = {row["partner_name"] for row in records.list_records(db, "partnerships")}
    assert names == {f"Partner city {number}" for number in range(1, 51)}


def test_a_workbook_that_would_unpack_past_the_limit_is_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    # A limit the file itself keeps, which its unpacked parts pass.
    limit = path.stat().st_size
    assert unpacked > limit
    monkeypatch.setattr(reading, "MAX_TABLE_FILE_BYTES", limit)
    refused(db, path, r"book\.xlsx would unpack to .* MB, more than the .* MB a table may have")


def test_a_zip_bomb_is_refused_before_it_is_opened(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    rewrite_parts(path, {}, added={"xl/media/image1.png": bytes(8 * 1024 * 1024)})
    refused(db, path, r'book\.xlsx was not opened: its part "xl/media/image1\.png" unpacks to [\d,]+ times')


def test_thirty_million_shared_strings_in_a_small_file_are_refused(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    rewrite_parts(path, {"[Content_Types].xml": with_shared_strings_declared})
    count = 30_000_000
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part,
    ):
        part.write(f'<sst xmlns="{SPREADSHEET_NAMESPACE}" count="{count}" uniqueCount="{count}">'.encode())
        block = b"<si><t/></si>" * 100_000
        for _ in range(count // 100_000):
            part.write(block)
        part.write(b"</sst>")
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(db, path, r'book\.xlsx was not opened: its part "xl/sharedStrings\.xml" unpacks to')


def test_a_workbook_declaring_too_many_shared_strings_is_refused(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    rewrite_parts(
        path,
        {"[Content_Types].xml": with_shared_strings_declared},
        added={"xl/sharedStrings.xml": shared_strings(["Hefei", "China"], unique_count=30_000_000)},
    )
    refused(db, path, r"book\.xlsx declares 30,000,000 different text values, more than the 1,000,000 a table may have")


def test_a_workbook_holding_more_shared_strings_than_it_declares_is_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook_limits, "MAX_SHARED_STRINGS", 1_000)
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    rewrite_parts(
        path,
        {"[Content_Types].xml": with_shared_strings_declared},
        added={"xl/sharedStrings.xml": shared_strings([f"text {number}" for number in range(1_001)], unique_count=2)},
    )
    refused(db, path, r"book\.xlsx holds more than 1,000 different text values")


def test_a_workbook_with_shared_strings_within_the_bound_imports(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [["Partner city", "Country"], ["x", "x"]]})
    cells = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    )
    rewrite_parts(
        path,
        {
            "[Content_Types].xml": with_shared_strings_declared,
            "xl/worksheets/sheet1.xml": lambda xml: (
                xml[: xml.index(b"<sheetData>") + len(b"<sheetData>")] + cells + xml[xml.index(b"</sheetData>") :]
            ),
        },
        added={"xl/sharedStrings.xml": shared_strings(["Partner city", "Country", "Hefei", "China"])},
    )
    set_home_jurisdiction(db, "Columbus", "OH")  # the table has no US city column
    import_file(db, path)
    (row,) = records.list_records(db, "partnerships")
    assert (row["partner_name"], row["country_name"]) == ("Hefei", "China")


def test_a_very_hidden_first_sheet_is_never_read(db: Database, tmp_path: Path) -> None:
    path = save_workbook(
        tmp_path / "book.xlsx",
        {"Secret": [HEADER, *partnership_rows(2, "Decoy")], "Partnerships": [HEADER, *partnership_rows(2)]},
    )
    rewrite_parts(
        path,
        {
            "xl/workbook.xml": lambda xml: xml.replace(
                b'name="Secret" sheetId="1" state="visible"', b'name="Secret" sheetId="1" state="veryHidden"'
            ).replace(b'activeTab="0"', b'activeTab="1"')
        },
    )
    report = import_file(db, path)
    assert report.lines()[0] == 'Read the sheet "Partnerships" of book.xlsx.'
    names = {row["partner_name"] for row in records.list_records(db, "partnerships")}
    assert names == {"Partner city 1", "Partner city 2"}


def test_a_hidden_active_sheet_gives_way_to_the_first_visible_one(db: Database, tmp_path: Path) -> None:
    path = save_workbook(
        tmp_path / "book.xlsx",
        {"Old": [HEADER, *partnership_rows(2, "Decoy")], "Current": [HEADER, *partnership_rows(3)]},
    )
    rewrite_parts(
        path,
        {
            "xl/workbook.xml": lambda xml: xml.replace(
                b'name="Old" sheetId="1" state="visible"', b'name="Old" sheetId="1" state="hidden"'
            )
        },
    )
    report = import_file(db, path, dry_run=True)
    assert report.lines()[0] == 'Read the sheet "Current" of book.xlsx.'
    assert "3 rows read; would add 3 partnerships" in " ".join(report.lines())


def test_a_workbook_whose_every_sheet_is_hidden_is_refused(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(2)]})
    rewrite_parts(path, {"xl/workbook.xml": lambda xml: xml.replace(b'state="visible"', b'state="hidden"')})
    refused(db, path, r"book\.xlsx has no visible worksheet: every sheet in it is hidden\.")


def test_a_csv_report_names_no_sheet(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text(",".join(HEADER) + "\nColumbus,OH,Hefei,China\n", encoding="utf-8")
    lines = import_file(db, path).lines()
    assert lines[0].startswith("table.csv: 1 row read") and not any("sheet" in line for line in lines)


def test_shared_strings_with_a_document_type_are_refused(db: Database, tmp_path: Path) -> None:
    path = save_workbook(tmp_path / "book.xlsx", {"Partnerships": [HEADER, *partnership_rows(3)]})
    entities = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    rewrite_parts(
        path,
        {"[Content_Types].xml": with_shared_strings_declared},
        added={"xl/sharedStrings.xml": entities + shared_strings(["&b;"])},
    )
    refused(db, path, r"book\.xlsx was not opened: its part xl/sharedStrings\.xml declares a document type")
