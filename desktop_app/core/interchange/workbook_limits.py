"""Refuses an Excel workbook that would unpack too large or hold too many shared strings, before it is opened."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from ..errors import UserError

# More different text values than a clerk's sheet ever holds; the reader keeps every one of them in memory.
MAX_SHARED_STRINGS = 1_000_000
# A workbook's parts pack some 5 to 50 times smaller; a large part packed far tighter than that is a zip bomb.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE_BYTES = 4 * 1024 * 1024

_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_OVERRIDE = "http://schemas.openxmlformats.org/package/2006/content-types Override"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SPREADSHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_STRINGS_ROOT = f"{_SPREADSHEET_NAMESPACE} sst"
_SHARED_STRING = f"{_SPREADSHEET_NAMESPACE} si"
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,  # an encrypted part
    NotImplementedError,  # a part packed in a way zipfile cannot unpack
)
_MB = 1024 * 1024
_CHUNK_BYTES = 1024 * 1024

StartHandler = Callable[[str, dict[str, str]], None]


def check_workbook_limits(path: Path, max_unpacked_bytes: int) -> None:
    """Refuses, with a sentence, a workbook too large unpacked, packed like a zip bomb, or with too many strings."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(path, archive.infolist(), max_unpacked_bytes)
            strings_part = _shared_strings_part(path, archive)
            if strings_part is not None:
                _check_shared_strings(path, archive, strings_part)
    except _DAMAGED:
        raise UserError(f"{path.name} is a damaged compressed file, not a readable Excel workbook.") from None


def _check_sizes(path: Path, members: list[zipfile.ZipInfo], max_unpacked_bytes: int) -> None:
    # zipfile never unpacks a part past the size its directory declares, so the declared sizes bound the reading.
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise UserError(
            f"{path.name} would unpack to {unpacked // _MB:,} MB, more than the {max_unpacked_bytes // _MB:,} MB "
            "a table may have, so it is too large to import."
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size // max(member.compress_size, 1)
            raise UserError(
                f'{path.name} was not opened: its part "{member.filename[:100]}" unpacks to {ratio:,} times '
                "its packed size, which no real workbook does (it is built like a zip bomb)."
            )


def _shared_strings_part(path: Path, archive: zipfile.ZipFile) -> str | None:
    """The part holding the shared strings, found as the reader finds it: the first one [Content_Types].xml names."""
    if _CONTENT_TYPES not in archive.namelist():
        return None  # the reader refuses such a workbook itself
    found: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == _CONTENT_TYPES_OVERRIDE and attributes.get("ContentType") == _SHARED_STRINGS_TYPE and not found:
            found.append(attributes.get("PartName", "")[1:])

    _stream_xml(path, archive, _CONTENT_TYPES, start)
    return found[0] if found and found[0] in archive.namelist() else None


def _check_shared_strings(path: Path, archive: zipfile.ZipFile, part: str) -> None:
    """Refuses shared strings declared (uniqueCount) or found to be more than MAX_SHARED_STRINGS, stopping there."""
    held = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal held
        if name == _SHARED_STRING:
            held += 1
            if held > MAX_SHARED_STRINGS:
                raise UserError(
                    f"{path.name} holds more than {MAX_SHARED_STRINGS:,} different text values, "
                    "more than a table may have, so it is too large to import."
                )
        elif name == _SHARED_STRINGS_ROOT:
            # "count" is the number of cells using the strings, which a large sheet rightly has more of.
            declared = attributes.get("uniqueCount", "").strip()
            if declared.isascii() and declared.isdigit() and int(declared) > MAX_SHARED_STRINGS:
                raise UserError(
                    f"{path.name} declares {int(declared):,} different text values, more than the "
                    f"{MAX_SHARED_STRINGS:,} a table may have, so it is too large to import."
                )

    _stream_xml(path, archive, part, start)


def _stream_xml(path: Path, archive: zipfile.ZipFile, part: str, on_start: StartHandler) -> None:
    """Parses a part as it unpacks, building nothing; on_start sees each element ("namespace name") as it begins."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = on_start

    def refuse_declarations(*_: object) -> None:
        raise UserError(
            f"{path.name} was not opened: its part {part} declares a document type, which Excel never does."
        )

    parser.StartDoctypeDeclHandler = refuse_declarations
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
