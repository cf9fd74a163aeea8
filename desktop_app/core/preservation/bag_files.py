"""A BagIt bag (RFC 8493) as exact bytes: its payload written with both digests, its tag files, and their checks."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..wording import plural

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "README.txt")
TAG_MANIFESTS = tuple(f"tagmanifest-{algorithm}.txt" for algorithm in ALGORITHMS)
PAYLOAD = "data"
_CHUNK = 1024 * 1024
_HEX = {"sha256": re.compile(r"^[0-9a-fA-F]{64}$"), "sha512": re.compile(r"^[0-9a-fA-F]{128}$")}


@dataclass(frozen=True)
class Digests:
    """A file's size and its SHA-256 and SHA-512, as hex."""

    size: int
    sha256: str
    sha512: str


def digests_of_chunks(chunks: Iterable[bytes], write: Callable[[bytes], object] | None = None) -> Digests:
    """The digests of bytes given in chunks, each chunk handed on to ``write`` as it goes."""
    sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
    for chunk in chunks:
        sha256.update(chunk)
        sha512.update(chunk)
        size += len(chunk)
        if write is not None:
            write(chunk)
    return Digests(size, sha256.hexdigest(), sha512.hexdigest())


def file_chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def file_digests(path: Path) -> Digests:
    return digests_of_chunks(file_chunks(path))


@dataclass
class BagWriter:
    """Writes a bag into an empty folder: payload files one by one, then the tag files that describe them."""

    folder: Path
    payload: dict[str, Digests] = field(default_factory=dict)

    def add(self, relative: str, chunks: Iterable[bytes]) -> Digests:
        """Writes ``data/<relative>`` (forward slashes) from its bytes, chunk by chunk."""
        name = f"{PAYLOAD}/{relative}"
        target = self.folder.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as stream:
            digests = digests_of_chunks(chunks, stream.write)
        self.payload[name] = digests
        return digests

    def add_text(self, relative: str, text: str) -> Digests:
        return self.add(relative, [lf_bytes(text)])

    def finish(self, bag_info: list[tuple[str, str]], readme: str) -> None:
        """Writes bagit.txt, bag-info.txt (with the Payload-Oxum), the manifests, README.txt and the tag manifests."""
        octets = sum(digests.size for digests in self.payload.values())
        info = [*bag_info, ("Payload-Oxum", f"{octets}.{len(self.payload)}")]
        self._write("bagit.txt", BAGIT_TXT)
        self._write("bag-info.txt", lf_bytes("".join(f"{label}: {_one_line(value)}\n" for label, value in info)))
        for algorithm in ALGORITHMS:
            lines = (f"{getattr(d, algorithm)}  {name}\n" for name, d in sorted(self.payload.items()))
            self._write(f"manifest-{algorithm}.txt", "".join(lines).encode("utf-8"))
        self._write("README.txt", lf_bytes(readme))
        tag_digests = {name: file_digests(self.folder / name) for name in TAG_FILES}
        for algorithm in ALGORITHMS:
            lines = (f"{getattr(d, algorithm)}  {name}\n" for name, d in sorted(tag_digests.items()))
            self._write(f"tagmanifest-{algorithm}.txt", "".join(lines).encode("utf-8"))

    def _write(self, name: str, data: bytes) -> None:
        (self.folder / name).write_bytes(data)


def lf_bytes(text: str) -> bytes:
    """Text as UTF-8 with LF line endings, whatever the system writes by default."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def _one_line(value: str) -> str:
    return " ".join(value.split())


# ----- reading a bag back -----------------------------------------------------------------------------------------


@dataclass
class BagReading:
    """What a bag's tag files say, and every problem found checking the bag against them."""

    problems: list[str] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Digests] = field(default_factory=dict)  # as found on disk, only for files the manifests list
    present: list[str] = field(default_factory=list)  # every file under data/, listed or not


def check_bag(folder: Path) -> BagReading:
    """Checks a bag folder: bagit.txt, the Payload-Oxum, both manifests and tag manifests, and that the files present
    are exactly those the manifests list."""
    reading = BagReading()
    problems = reading.problems
    _check_bagit_txt(folder, problems)
    reading.info = _read_bag_info(folder, problems)
    present = _payload_files(folder)
    reading.present = sorted(present)
    listed: dict[str, dict[str, str]] = {}
    for algorithm in ALGORITHMS:
        name = f"manifest-{algorithm}.txt"
        entries = _read_manifest(folder, name, algorithm, problems)
        if entries is None:
            continue
        for path in sorted(entries):
            listed.setdefault(path, {})[algorithm] = entries[path]
            if not path.startswith(f"{PAYLOAD}/"):
                problems.append(f"{name} lists {path}, which is not in the data folder.")
        for path in sorted(set(present) - set(entries)):
            problems.append(f"{path} is not listed in {name}: it was added after packaging.")
    for path in sorted(listed):
        if path not in present:
            problems.append(f"{path} is listed in the manifests but missing from the package.")
            continue
        digests = file_digests(present[path])
        reading.payload[path] = digests
        for algorithm, expected in sorted(listed[path].items()):
            if getattr(digests, algorithm) != expected.lower():
                problems.append(_changed(path, algorithm, f"manifest-{algorithm}.txt"))
    _check_oxum(reading.info, present, problems)
    _check_tag_manifests(folder, problems)
    return reading


def _check_bagit_txt(folder: Path, problems: list[str]) -> None:
    path = folder / "bagit.txt"
    if not path.is_file():
        problems.append("bagit.txt is missing: this is not a complete BagIt bag.")
        return
    tags = dict(_parse_tags(path.read_bytes()))
    if tags.get("BagIt-Version") != "1.0" or tags.get("Tag-File-Character-Encoding", "").upper() != "UTF-8":
        problems.append("bagit.txt does not declare BagIt version 1.0 in UTF-8.")


def _read_bag_info(folder: Path, problems: list[str]) -> dict[str, str]:
    path = folder / "bag-info.txt"
    if not path.is_file():
        problems.append("bag-info.txt is missing from the package.")
        return {}
    return dict(_parse_tags(path.read_bytes()))


def _parse_tags(data: bytes) -> list[tuple[str, str]]:
    """'Label: value' lines; a line starting with white space continues the value before it (RFC 8493 2.2.2)."""
    tags: list[tuple[str, str]] = []
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and tags:
            label, value = tags[-1]
            tags[-1] = (label, f"{value} {line.strip()}")
        elif ":" in line:
            label, _, value = line.partition(":")
            tags.append((label.strip(), value.strip()))
    return tags


def _read_manifest(folder: Path, name: str, algorithm: str, problems: list[str]) -> dict[str, str] | None:
    """A manifest's lines as {path: digest}; CRLF or LF endings alike, as RFC 8493 allows."""
    path = folder / name
    if not path.is_file():
        problems.append(f"{name} is missing from the package.")
        return None
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.strip().split(None, 1)
        if len(parts) != 2 or not _HEX[algorithm].match(parts[0]):
            problems.append(f"Line {number} of {name} is not a digest followed by a file name.")
            continue
        listed = _decode_path(parts[1].lstrip("*"))
        if not _is_safe_relative(listed):
            problems.append(f"Line {number} of {name} names a path outside the bag ({listed!r}).")
            continue
        entries[listed] = parts[0]
    return entries


def _decode_path(path: str) -> str:
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _is_safe_relative(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


def _payload_files(folder: Path) -> dict[str, Path]:
    """Every file under data/, by its bag path (forward slashes)."""
    found: dict[str, Path] = {}
    root = folder / PAYLOAD
    for directory, _, names in os.walk(root):
        for name in names:
            full = Path(directory) / name
            found[full.relative_to(folder).as_posix()] = full
    return found


def _check_oxum(info: dict[str, str], present: dict[str, Path], problems: list[str]) -> None:
    oxum = info.get("Payload-Oxum")
    if oxum is None:
        problems.append("bag-info.txt gives no Payload-Oxum (the payload's size and file count).")
        return
    octets = sum(path.stat().st_size for path in present.values())
    if oxum != f"{octets}.{len(present)}":
        recorded_octets, _, recorded_files = oxum.partition(".")
        problems.append(
            f"The data folder holds {plural(len(present), 'file')} of {octets} bytes in all, but bag-info.txt "
            f"records {recorded_files or '?'} of {recorded_octets or '?'} bytes (its Payload-Oxum)."
        )


def _check_tag_manifests(folder: Path, problems: list[str]) -> None:
    covered: set[str] = set()
    for algorithm in ALGORITHMS:
        name = f"tagmanifest-{algorithm}.txt"
        entries = _read_manifest(folder, name, algorithm, problems)
        if entries is None:
            continue
        covered |= set(entries)
        for required in TAG_FILES:
            if required not in entries:
                problems.append(f"{name} does not cover {required}.")
        for path, expected in sorted(entries.items()):
            target = folder.joinpath(*path.split("/"))
            if not target.is_file():
                problems.append(f"{path} is listed in {name} but missing from the package.")
            elif getattr(file_digests(target), algorithm) != expected.lower():
                problems.append(_changed(path, algorithm, name))
    for entry in sorted(os.listdir(folder)):
        if entry == PAYLOAD or entry in TAG_MANIFESTS or entry in covered:
            continue
        problems.append(f"{entry} is not part of the package as it was written (no tag manifest lists it).")


def _changed(path: str, algorithm: str, manifest: str) -> str:
    shown = algorithm.upper().replace("SHA", "SHA-")
    return f"{path} does not match its {shown} in {manifest}: the file was changed after packaging."
