"""Fixity: verify re-hashes every stored file and names the attachment and records a damaged one belongs to."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.db.engine import Database
from desktop_app.core.files import attach_files
from desktop_app.core.safekeeping.verify import verify_database
from tests import file_samples
from tests.core.test_files import flip_a_byte, make_partnership


def test_verify_passes_then_finds_a_flipped_byte(db: Database, tmp_path: Path) -> None:
    partnership = make_partnership(db)
    good = file_samples.text_pdf(tmp_path / "good.pdf", ["Untouched"])
    bad = file_samples.text_pdf(tmp_path / "evidence.pdf", ["To be damaged"])
    results = attach_files(db, [good, bad], "partnership", partnership["id"])
    report = verify_database(db)
    assert report.ok, report.lines()
    assert report.counts["Stored files"] == 2
    flip_a_byte(db, results[1]["sha256"])
    report = verify_database(db)
    assert not report.ok
    [problem] = report.checks["Stored files"]
    assert results[1]["sha256"][:12] in problem
    assert f"attachment {results[1]['id']}" in problem
    assert "evidence.pdf" in problem
    assert f"partnership {partnership['id']}" in problem
