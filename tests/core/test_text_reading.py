"""Reading PDF text with PDFium in the child processes: text (Latin and Chinese), passwords, cut-off files, and a
pool that keeps going when one file makes its reader stop."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from desktop_app.core.files.extract import logical_order
from desktop_app.core.files.pool import ExtractionPool
from tests import file_samples


def read_all(paths: list[Path], **options: Any) -> list[dict[str, Any]]:
    """The results of reading the files in the child processes, in order."""
    pool = ExtractionPool(**options)
    pool.start([(index, str(path)) for index, path in enumerate(paths)])
    try:
        results = pool.wait()
    finally:
        pool.stop()
    return [results[index] for index in range(len(paths))]


def bilingual_pdf(path: Path) -> Path:
    """Two pages, each with an English line in Helvetica and a Chinese line in a CID font."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    for page in (1, 2):
        drawing.setFont("Helvetica", 12)
        drawing.drawString(72, 720, f"Friendship agreement between Columbus and Hefei, page {page}")
        drawing.setFont("STSong-Light", 12)
        drawing.drawString(72, 700, "合肥市与哥伦布市友好城市协议")
        drawing.showPage()
    drawing.save()
    path.write_bytes(buffer.getvalue())
    return path


def test_generated_pdf_text_is_read_with_its_chinese_line(tmp_path: Path) -> None:
    [result] = read_all([bilingual_pdf(tmp_path / "agreement.pdf")])
    assert result["state"] == "extracted", result["note"]
    assert result["page_count"] == 2
    assert result["media_type"] == "application/pdf"
    assert "Columbus and Hefei, page 2" in result["text"]
    assert "合肥市与哥伦布市友好城市协议" in result["text"]
    assert "\r" not in result["text"]


def test_password_protected_pdf_ends_encrypted_and_cut_off_pdf_unreadable(tmp_path: Path) -> None:
    locked = file_samples.encrypted_pdf(tmp_path / "locked.pdf")
    cut = file_samples.truncated_pdf(tmp_path / "cut.pdf", ["Minutes of the council"] * 30)
    open_to_all = file_samples.encrypted_pdf(tmp_path / "open.pdf", password="", lines=["Open to all readers"])
    locked_result, cut_result, open_result = read_all([locked, cut, open_to_all])
    assert locked_result["state"] == "encrypted"
    assert "password" in locked_result["note"]
    assert locked_result["text"] == ""
    assert cut_result["state"] == "unreadable"
    assert "incomplete" in cut_result["note"]
    assert open_result["state"] == "extracted"
    assert "Open to all readers" in open_result["text"]


def test_damaged_and_imageonly_pdfs_get_their_states(tmp_path: Path) -> None:
    header_only = tmp_path / "header-only.pdf"
    header_only.write_bytes(b"%PDF-1.4\n%%EOF\n")
    scan = file_samples.image_only_pdf(tmp_path / "scan.pdf")
    damaged, scanned = read_all([header_only, scan])
    assert damaged["state"] == "unreadable" and "damaged" in damaged["note"]
    assert scanned["state"] == "no_text" and "no text layer" in scanned["note"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO to make a reader wait for ever")
def test_a_reader_that_stops_does_not_lose_the_files_queued_behind_it(tmp_path: Path) -> None:
    texts = [file_samples.text_pdf(tmp_path / f"t{n}.pdf", [f"Report number {n}"]) for n in range(6)]
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)  # opening it for reading waits for a writer that never comes
    paths = [texts[0], stuck, *texts[1:]]
    results = read_all(paths, timeout=3.0, workers=1)
    assert results[1]["state"] == "unreadable" and "took longer" in results[1]["note"]
    others = [result for index, result in enumerate(results) if index != 1]
    assert [result["state"] for result in others] == ["extracted"] * 6
    assert [f"Report number {n}" in result["text"] for n, result in enumerate(others)] == [True] * 6


def test_right_to_left_words_are_put_in_reading_order() -> None:
    # PDFium gives the letters of حبيبي as they stand on the page, left to right: reversed.
    assert logical_order("\u064a\u0628\u064a\u0628\u062d habibi") == "\u062d\u0628\u064a\u0628\u064a habibi"
    assert logical_order("םולש world") == "שלום world"
    # Two words in a row: the run is turned as a whole, so the first word read is the rightmost.
    assert logical_order("םלוע םולש") == "שלום עולם"
    assert logical_order("plain text, 2023") == "plain text, 2023"
    assert logical_order("合肥 2023") == "合肥 2023"
