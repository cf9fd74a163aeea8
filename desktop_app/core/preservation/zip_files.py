"""A bag folder as a deterministic zip (one top folder, sorted entries, fixed times), and its safe extraction."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Stopped

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
MAX_ENTRIES = 100_000
MAX_TOTAL_BYTES = 64 * 1024**3
_CHUNK = 1024 * 1024


def write_zip(folder: Path, top: str, target: Path, cancelled: Callable[[], bool] | None = None) -> None:
    """Zips every file under ``folder`` as ``top/<path>``, in sorted order, so that the same files give the same
    bytes on any system."""
    names = sorted(
        (Path(directory) / name).relative_to(folder).as_posix()
        for directory, _, files in os.walk(folder)
        for name in files
    )
    with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in names:
            if cancelled is not None and cancelled():
                raise Stopped()
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same on every system, so the bytes are too
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            with (folder / name).open("rb") as source, archive.open(info, "w", force_zip64=True) as sink:
                shutil.copyfileobj(source, sink, _CHUNK)


@dataclass
class Extraction:
    """A zip unpacked into a folder: the bag's folder within it, and what was wrong with the zip itself."""

    bag: Path | None
    problems: list[str] = field(default_factory=list)


def is_zip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def extract_zip(path: Path, into: Path) -> Extraction:
    """Unpacks a package zip safely: no absolute paths, no '..', no links, bounded sizes; entries outside the one top
    folder are reported (the package was extended) and not unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _extract(archive, into)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as error:
        return Extraction(None, [f"The zip file {path.name} is damaged or truncated and cannot be read ({error})."])


def _extract(archive: zipfile.ZipFile, into: Path) -> Extraction:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        return Extraction(None, [f"The zip holds {len(entries):,} entries, more than any package of this program."])
    if sum(entry.file_size for entry in entries) > MAX_TOTAL_BYTES:
        return Extraction(None, ["The zip would unpack to more than 64 GiB, more than any package of this program."])
    problems: list[str] = []
    tops = {parts[0] for parts in (entry.filename.split("/") for entry in entries) if parts[1:] == ["bagit.txt"]}
    if len(tops) != 1:
        return Extraction(None, ["The zip does not hold one folder with a bag (bagit.txt) in it, as a package does."])
    top = tops.pop()
    for entry in entries:
        name = entry.filename
        unsafe = _unsafe(entry)
        if unsafe:
            problems.append(f"The zip entry {name!r} {unsafe}; it was not unpacked.")
            continue
        if not name.startswith(f"{top}/"):
            problems.append(f"The zip entry {name!r} lies outside the package's folder: the zip was extended.")
            continue
        target = into.joinpath(*name.rstrip("/").split("/"))
        if entry.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        problem = _unpack(archive, entry, target)
        if problem:
            problems.append(problem)
    return Extraction(into / top, problems)


def _unsafe(entry: zipfile.ZipInfo) -> str:
    name = entry.filename
    parts = name.rstrip("/").split("/")
    if name.startswith("/") or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return "names an absolute path or uses backslashes"
    if any(part in ("", ".", "..") for part in parts):
        return "climbs out of its folder"
    if stat.S_ISLNK(entry.external_attr >> 16):
        return "is a symbolic link"
    return ""


def _unpack(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(entry) as source, target.open("xb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > entry.file_size:
                    return f"The zip entry {entry.filename!r} holds more bytes than it declares; the zip is damaged."
                sink.write(chunk)
    except FileExistsError:
        return f"The zip holds {entry.filename!r} twice."
    except (zipfile.BadZipFile, EOFError, zlib.error):
        return f"The zip entry {entry.filename!r} is damaged or truncated and cannot be read."
    return ""
