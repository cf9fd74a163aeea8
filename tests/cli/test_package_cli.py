"""The package and verify-package commands: an issued Kansas City letter packaged and checked, with the program and
with sha256sum alone, and a flipped byte found by both."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.core.report_records import tiny_pdf

from .conftest import LETTER_DAY, RunCli, assert_plain_failure

SHA256SUM = shutil.which("sha256sum")


def _sha256sum(bag: Path, manifest: str) -> subprocess.CompletedProcess[str]:
    assert SHA256SUM is not None
    return subprocess.run([SHA256SUM, "-c", manifest], cwd=bag, capture_output=True, text=True, check=False, timeout=60)


def test_a_packaged_letter_checks_and_a_flipped_byte_fails_both_checks(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    agreement = tmp_path / "Agreement – Xi’an 1989.pdf"
    agreement.write_bytes(tiny_pdf("Sister City Agreement, Kansas City and Xi'an"))
    assert run_cli("attach", "--to", "partnership:1", str(agreement)).returncode == 0
    issued = run_cli(
        "respond",
        "--out",
        str(tmp_path / "letter.pdf"),
        "--issue",
        "--acknowledge-unconfirmed",
        "--signatory-name",
        "A. Clerk",
        env=LETTER_DAY,
    )
    assert issued.returncode == 0, issued.stderr
    fingerprint = hashlib.sha256((tmp_path / "letter.pdf").read_bytes()).hexdigest()
    bag = tmp_path / "package"
    written = run_cli("package", "1", "--out", str(bag), env=LETTER_DAY)
    assert written.returncode == 0, written.stderr
    assert f"to the folder {bag}: 12 files" in written.stdout and fingerprint in written.stdout
    enclosed = bag / "data" / "enclosures" / "01-Agreement-Xian-1989.pdf"
    assert enclosed.read_bytes() == agreement.read_bytes()
    checked = run_cli("verify-package", str(bag))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("The package checks: the letter of Kansas City, MO dated 2026-11-28")
    assert fingerprint in checked.stdout
    if SHA256SUM is None:
        pytest.skip("sha256sum is not installed here")
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert _sha256sum(bag, manifest).returncode == 0, _sha256sum(bag, manifest).stdout

    letter = bag / "data" / "letter.pdf"
    data = bytearray(letter.read_bytes())
    data[len(data) // 2] ^= 0x01
    letter.write_bytes(bytes(data))
    readme = bag / "README.txt"
    readme.write_bytes(readme.read_bytes().replace(b"BagIt", b"Bagit", 1))
    damaged = run_cli("verify-package", str(bag))
    assert_plain_failure(damaged, 1)
    assert "data/letter.pdf does not match its SHA-256 in manifest-sha256.txt" in damaged.stdout
    assert "README.txt does not match its SHA-256 in tagmanifest-sha256.txt" in damaged.stdout
    assert "data/letter.pdf: FAILED" in _sha256sum(bag, "manifest-sha256.txt").stdout
    assert "README.txt: FAILED" in _sha256sum(bag, "tagmanifest-sha256.txt").stdout


def test_a_missing_path_and_a_draft_get_a_sentence(run_cli: RunCli, tmp_path: Path) -> None:
    missing = run_cli("verify-package", str(tmp_path / "nowhere"))
    assert_plain_failure(missing)
    assert "There is no file or folder" in missing.stderr
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    assert run_cli("respond", "--out", str(tmp_path / "draft.pdf"), env=LETTER_DAY).returncode == 0
    draft = run_cli("package", "1", "--out", str(tmp_path / "draft-package"))
    assert_plain_failure(draft)
    assert "Response 1 is a draft" in draft.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "draft.pdf"]
