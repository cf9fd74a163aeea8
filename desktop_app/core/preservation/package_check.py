"""Checks a package of an issued response, folder or zip: the bag, the audit extract, the letter's fingerprint."""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .audit_extract import extract_problems, printed_at_issue
from .bag_files import BagReading, check_bag
from .zip_files import extract_zip, is_zip

LETTER = "data/letter.pdf"
ARCHIVAL = "data/letter-archival-PDF-A-2b.pdf"
RESPONSE_JSON = "data/response.json"
AUDIT_EXTRACT = "data/audit-extract.json"
ENCLOSURES = "data/enclosures/"


@dataclass
class PackageCheck:
    """What checking a package found: one plain sentence per problem, and what the package says it holds."""

    problems: list[str] = field(default_factory=list)
    city: str | None = None
    response_id: int | None = None
    response_title: str | None = None
    letter_date: str | None = None
    letter_sha256: str | None = None
    files: int = 0
    payload_bytes: int = 0
    enclosures: int = 0
    audit_events: int = 0
    audit_links: int = 0

    @property
    def sound(self) -> bool:
        return not self.problems


def check_package(path: Path) -> PackageCheck:
    """Checks the package at ``path`` (a bag folder or a .zip of one). A path that is not a package at all is refused
    with a UserError; anything wrong inside a package is a problem of the result."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"There is no file or folder {path}.") from None
    if stat.S_ISDIR(mode):
        if not (path / "bagit.txt").exists() and not (path / "data").is_dir():
            raise UserError(f"{path} is not a package: it holds no bagit.txt and no data folder.")
        return _check_folder(path, [])
    if not stat.S_ISREG(mode) or not is_zip(path):
        raise UserError(f"{path} is not a package: it is neither a bag folder nor a zip file.")
    scratch = Path(tempfile.mkdtemp(prefix="package-check-"))
    try:
        extraction = extract_zip(path, scratch)
        if extraction.bag is None:
            return PackageCheck(problems=extraction.problems)
        return _check_folder(extraction.bag, extraction.problems)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _check_folder(folder: Path, problems: list[str]) -> PackageCheck:
    reading = check_bag(folder)
    result = PackageCheck(problems=[*problems, *reading.problems])
    result.files = len(reading.present)
    result.payload_bytes = sum(digests.size for digests in reading.payload.values())
    letter = reading.payload.get(LETTER)
    result.letter_sha256 = letter.sha256 if letter else None
    if letter is None and not _told_missing(result.problems, LETTER):
        result.problems.append(f"{LETTER}, the issued letter, is missing from the package.")
    snapshot = _read_json(folder, RESPONSE_JSON, result.problems)
    extract = _read_json(folder, AUDIT_EXTRACT, result.problems)
    if isinstance(snapshot, dict):
        _read_snapshot(snapshot, result)
        result.problems += _snapshot_problems(snapshot, reading)
    if isinstance(snapshot, dict):
        result.problems += _printed_problems(snapshot, printed_at_issue(extract))
    if extract is not None:
        archival = reading.payload.get(ARCHIVAL)
        result.problems += extract_problems(extract, result.letter_sha256, archival.sha256 if archival else None)
        if isinstance(extract, dict):
            result.audit_events = len(extract.get("events") or [])
            result.audit_links = len(extract.get("links") or [])
    if not result.problems:
        result.problems += _second_opinion(folder)
    return result


def _read_json(folder: Path, name: str, problems: list[str]) -> Any:
    target = folder.joinpath(*name.split("/"))
    if not target.is_file():
        if not _told_missing(problems, name):
            problems.append(f"{name} is missing from the package.")
        return None
    try:
        return json.loads(target.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        problems.append(f"{name} is not readable JSON: it was damaged.")
        return None


def _read_snapshot(snapshot: dict[str, Any], result: PackageCheck) -> None:
    city, response = snapshot.get("city"), snapshot.get("response")
    if isinstance(city, dict):
        result.city = city.get("display")
    if isinstance(response, dict):
        result.response_id = response.get("id")
        result.response_title = response.get("title")
        result.letter_date = response.get("letter_date")
    enclosures = snapshot.get("enclosures")
    result.enclosures = len(enclosures) if isinstance(enclosures, list) else 0


def _snapshot_problems(snapshot: dict[str, Any], reading: BagReading) -> list[str]:
    """The letter's and the enclosures' fingerprints as response.json records them, against the files present."""
    problems = []
    response: dict[str, Any] = snapshot["response"] if isinstance(snapshot.get("response"), dict) else {}
    letter = reading.payload.get(LETTER)
    if letter is not None and response.get("letter_sha256") != letter.sha256:
        problems.append(f"{LETTER} is not the letter {RESPONSE_JSON} describes: their SHA-256 fingerprints differ.")
    archival = reading.payload.get(ARCHIVAL)
    if archival is None and not _told_missing(reading.problems, ARCHIVAL):
        problems.append(f"{ARCHIVAL}, the letter's archival copy, is missing from the package.")
    elif archival is not None and response.get("archival_sha256") not in (None, archival.sha256):
        problems.append(f"{ARCHIVAL} is not the archival copy {RESPONSE_JSON} describes: their SHA-256 differ.")
    listed: list[Any] = snapshot["enclosures"] if isinstance(snapshot.get("enclosures"), list) else []
    paths = set()
    for enclosure in listed:
        path = enclosure.get("path") if isinstance(enclosure, dict) else None
        paths.add(path)
        found = reading.payload.get(path) if isinstance(path, str) else None
        if found is None and isinstance(path, str) and _told_missing(reading.problems, path):
            continue
        if found is None:
            problems.append(f"The enclosed document {path} that {RESPONSE_JSON} lists is missing from the package.")
        elif found.sha256 != enclosure.get("sha256") or found.size != enclosure.get("size"):
            problems.append(f"{path} is not the document {RESPONSE_JSON} lists: its SHA-256 or size differs.")
    for path in [p for p in reading.present if p.startswith(ENCLOSURES) and p not in paths]:
        problems.append(f"{path} is not one of the enclosures {RESPONSE_JSON} lists.")
    return problems


def _printed_problems(snapshot: dict[str, Any], printed: dict[str, Any] | None) -> list[str]:
    """response.json against what the letter printed as its issue event recorded it, which the event's hash and
    the chain vouch for: an answer, a partnership or an enclosure rewritten in response.json is found."""
    if printed is None:
        return []
    where = f"as its issue event in {AUDIT_EXTRACT} records them"
    problems = []
    for part in ("answers", "partnerships"):
        if snapshot.get(part) != printed.get(part):
            problems.append(f"The {part} in {RESPONSE_JSON} are not those the letter printed, {where}.")

    def fingerprints(enclosures: Any) -> list[tuple[Any, ...]]:
        listed = enclosures if isinstance(enclosures, list) else []
        return [tuple(e.get(k) for k in ("ref", "title", "sha256", "size")) for e in listed if isinstance(e, dict)]

    if fingerprints(snapshot.get("enclosures")) != fingerprints(printed.get("enclosures")):
        problems.append(f"The enclosures in {RESPONSE_JSON} are not those the letter enclosed, {where}.")
    return problems


def _told_missing(problems: list[str], path: str) -> bool:
    """Whether the bag's check already said that this file is missing, so it is not said twice."""
    return f"{path} is listed in the manifests but missing from the package." in problems


def _second_opinion(folder: Path) -> list[str]:
    """The Library of Congress's reference validator, over a bag this module found sound."""
    import bagit

    try:
        bagit.Bag(str(folder)).validate()
    except bagit.BagError as error:
        return [f"The BagIt reference validator finds the bag invalid: {error}"]
    return []
