"""Reads a user's file safely: checks it is a regular file, tells CSV, XLSX and JSON apart by their content."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from ..errors import UserError
from ..host.user_files import regular_file_size
from .workbook_limits import check_workbook_limits

FileKind = Literal["csv", "xlsx", "json"]
MAX_TABLE_FILE_BYTES = 512 * 1024 * 1024
MAX_CELL_CHARACTERS = 100_000


def sniff_kind(path: Path) -> FileKind:
    """CSV, XLSX or JSON, from the first bytes; a sentence for anything else."""
    size = regular_file_size(path)
    if size == 0:
        raise UserError(f"{path.name} is empty.")
    if size > MAX_TABLE_FILE_BYTES:
        raise UserError(f"{path.name} is larger than {MAX_TABLE_FILE_BYTES // 1024**2} MB, too large to import.")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise UserError(f"The file {path} cannot be read: {exc.strerror or exc}.") from exc
    if head.startswith(b"PK\x03\x04"):
        if zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                raise UserError(f"{path.name} is a damaged compressed file, not a readable Excel workbook.") from None
            if "xl/workbook.xml" in names:
                return "xlsx"
        raise UserError(f"{path.name} is a compressed file but not an Excel workbook (.xlsx).")
    text_head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text_head.startswith(b"{"):
        return "json"
    if b"\x00" in head or _looks_binary(head):
        raise UserError(f"{path.name} is not a CSV, Excel (.xlsx) or records (.json) file.")
    return "csv"


def _looks_binary(head: bytes) -> bool:
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return control > len(head) // 20


def read_text(path: Path) -> str:
    """The file's text, as UTF-8 (with or without a byte-order mark) or, failing that, Windows-1252."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path.name} is not readable text (it is neither UTF-8 nor Windows-1252).")


def read_csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows of a CSV file (row numbers as a spreadsheet shows them)."""
    text = read_text(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_CELL_CHARACTERS)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise UserError(f"{path.name} has no header row.") from None
    except csv.Error as exc:
        raise UserError(f"{path.name} is not a well-formed CSV file: {exc}.") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from enumerate(reader, start=2)
        except csv.Error as exc:
            raise UserError(f"{path.name} is not a well-formed CSV file near row {reader.line_num}: {exc}.") from exc

    return header, rows()


def read_xlsx_rows(path: Path) -> tuple[str, list[str], Iterator[tuple[int, list[str]]]]:
    """The name, header and numbered rows of a workbook's visible active sheet, every cell as text."""
    import openpyxl

    check_workbook_limits(path, MAX_TABLE_FILE_BYTES)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        raise UserError(f"{path.name} is not a readable Excel workbook ({type(exc).__name__}).") from exc
    try:
        sheet = _visible_sheet(path, workbook)
    except UserError:
        workbook.close()
        raise
    # Read-only mode stops at the range the sheet declares, which a workbook may understate; read the rows present.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(cell) for cell in next(values)]
    except StopIteration:
        workbook.close()
        raise UserError(f"{path.name} has no header row.") from None
    except Exception as exc:
        workbook.close()
        raise UserError(f"{path.name} is not a readable Excel workbook ({type(exc).__name__}).") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for number, row in enumerate(values, start=2):
                yield number, [_cell_text(cell) for cell in row]
        except UserError:
            raise
        except Exception as exc:
            raise UserError(f"{path.name} could not be read past row {number}: {type(exc).__name__}.") from exc
        finally:
            workbook.close()

    return str(sheet.title), header, rows()


def _visible_sheet(path: Path, workbook: Any) -> Any:
    """The active sheet when it is a visible worksheet, else the first visible one; never a hidden sheet."""
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not workbook.worksheets:
        raise UserError(f"{path.name} has no worksheet.")
    if not visible:
        raise UserError(f"{path.name} has no visible worksheet: every sheet in it is hidden.")
    active = workbook.active
    return active if any(sheet is active for sheet in visible) else visible[0]


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        text = str(cell.isoformat())
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
