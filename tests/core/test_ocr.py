"""OCR of scanned PDFs: English and Chinese words on a scan become searchable, pages with text keep their own, the
stored file is never altered, and without the OCR engine a scan stays without a text layer."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from desktop_app.core.db.engine import Database
from desktop_app.core.files import attach_files, get_attachment, write_attachment
from desktop_app.core.files import ocr as ocr_module
from desktop_app.core.files.extract import extract_path
from desktop_app.core.search.query import search
from tests.core.test_files import make_partnership

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
LATIN_FONT = FONTS / "DejaVuSerif.ttf"
CHINESE_FONT = FONTS / "DroidSansFallbackFull.ttf"  # it has no Latin letters
ENGLISH_LINE = "Friendship agreement with Hefei"
CHINESE_LINE = "合肥市友好城市协议"
TEXT_LAYER_LINE = "Minutes of the council meeting"

needs_ocr = pytest.mark.skipif(
    not ocr_module.ocr_available(),
    reason="the optional OCR engine (rapidocr_onnxruntime, installed by the 'ocr' extra) is not installed",
)


def scanned_picture(lines: list[str]) -> Image.Image:
    """A white page strip with black lines of text, as a scanner gives it (no text layer anywhere)."""
    picture = Image.new("L", (900, 80 + 70 * len(lines)), 255)
    drawing = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        font = ImageFont.truetype(str(LATIN_FONT if line.isascii() else CHINESE_FONT), 40)
        drawing.text((40, 40 + 70 * number), line, font=font, fill=0)
    return picture


def image_only_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF holding only a picture of the lines, saved by Pillow as a scanner's software would."""
    scanned_picture(lines).save(path, "PDF", resolution=150)
    return path


def text_and_scan_pdf(path: Path) -> Path:
    """Page 1 has a text layer; page 2 is only a picture of English and Chinese lines."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(letter[0], 200), invariant=True)  # a strip: quick to read
    drawing.setFont("Helvetica", 12)
    drawing.drawString(72, 150, TEXT_LAYER_LINE)
    drawing.showPage()
    picture = scanned_picture([ENGLISH_LINE, CHINESE_LINE])
    drawing.drawImage(ImageReader(picture), 72, 50, width=picture.width * 0.48, height=picture.height * 0.48)
    drawing.showPage()
    drawing.save()
    path.write_bytes(buffer.getvalue())
    return path


def attach(db: Database, path: Path) -> dict[str, Any]:
    partnership = make_partnership(db)
    [result] = attach_files(db, [path], "partnership", partnership["id"])
    return result


def found_ids(db: Database, query: str) -> list[int]:
    return [hit["record_id"] for hit in search(db, query) if hit["record_kind"] == "attachment"]


def confidence_in(note: str) -> int:
    match = re.search(r"mean confidence (\d+)%", note)
    assert match, note
    return int(match.group(1))


@needs_ocr
def test_a_scan_in_english_and_chinese_becomes_searchable_and_is_stored_unchanged(db: Database, tmp_path: Path) -> None:
    scan = image_only_pdf(tmp_path / "scan.pdf", [ENGLISH_LINE, CHINESE_LINE])
    result = attach(db, scan)
    assert result["text_state"] == "ocr", result["text_note"]
    assert result["text_note"].startswith("Text read by OCR from 1 scanned page, mean confidence")
    assert confidence_in(result["text_note"]) >= 80
    assert "OCR" in result["text_state_label"]
    text = get_attachment(db, result["id"], with_text=True)["text"]
    assert "Hefei" in text and "友好城市" in text
    assert found_ids(db, "Friendship Hefei") == [result["id"]]
    assert found_ids(db, "友好城市") == [result["id"]]
    copy = write_attachment(db, result["id"], tmp_path / "copy.pdf")
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(scan.read_bytes()).hexdigest()


@needs_ocr
def test_a_page_with_text_keeps_its_own_and_the_scanned_page_is_read(db: Database, tmp_path: Path) -> None:
    result = attach(db, text_and_scan_pdf(tmp_path / "minutes.pdf"))
    assert result["text_state"] == "ocr", result["text_note"]
    assert result["page_count"] == 2
    assert result["text_note"].startswith("Text read by OCR from 1 scanned page, mean confidence")
    assert "The other pages' text is the PDF's own." in result["text_note"]
    first_page, second_page = get_attachment(db, result["id"], with_text=True)["text"].split("\f")
    assert first_page.strip() == TEXT_LAYER_LINE
    assert "Hefei" in second_page and "合肥" in second_page
    assert found_ids(db, "council") == [result["id"]]
    assert found_ids(db, "合肥市") == [result["id"]]


@needs_ocr
def test_a_scan_without_words_stays_without_a_text_layer(db: Database, tmp_path: Path) -> None:
    blank = tmp_path / "blank.pdf"
    Image.new("L", (600, 300), 255).save(blank, "PDF", resolution=150)
    result = attach(db, blank)
    assert result["text_state"] == "no_text"
    assert result["text_note"] == (
        "The PDF has no text layer (it looks like a scan); its words cannot be searched. "
        "OCR found no words on its pages."
    )


def test_without_the_ocr_engine_a_scan_stays_without_a_text_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr_module, "ocr_available", lambda: False)
    scan = image_only_pdf(tmp_path / "scan.pdf", [ENGLISH_LINE, CHINESE_LINE])

    def must_not_be_asked() -> float:
        raise AssertionError("OCR was begun although its engine is not installed")

    result = extract_path(str(scan), must_not_be_asked)
    assert result["state"] == "no_text"
    assert result["text"] == ""
    assert result["note"] == (
        "The PDF has no text layer (it looks like a scan); its words cannot be searched. "
        "OCR, which could read them, is not installed."
    )


def test_read_outside_a_contained_process_a_scan_is_never_given_to_ocr(tmp_path: Path) -> None:
    result = extract_path(str(image_only_pdf(tmp_path / "scan.pdf", [ENGLISH_LINE])))
    assert result["state"] == "no_text"
    assert result["note"] == "The PDF has no text layer (it looks like a scan); its words cannot be searched."


def test_word_boxes_are_joined_into_lines_top_to_bottom_and_left_to_right() -> None:
    boxes = [
        ((300.0, 12.0, 400.0, 40.0), "Hefei", 0.9),
        ((10.0, 60.0, 200.0, 88.0), "second line", 0.9),
        ((10.0, 10.0, 280.0, 38.0), "Agreement with", 0.9),
    ]
    assert ocr_module.lines_in_reading_order(boxes) == "Agreement with Hefei\nsecond line"
