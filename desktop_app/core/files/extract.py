"""Reads the text of one stored file (PDF, Word .docx, plain text); meant to run in a child process."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.etree import ElementTree

from . import detect, ocr

# What a clerk is told about each text state.
TEXT_STATES: dict[str, str] = {
    "pending": "text not read yet",
    "extracted": "text extracted",
    "ocr": "text read by OCR from a scan (words may be misread)",
    "no_text": "no text layer (a scan or an image)",
    "encrypted": "encrypted: stored, but the text needs a password and was not read",
    "unreadable": "unreadable: damaged or incomplete, stored as received",
    "not_read": "text not read (this kind of file has no text the program reads)",
}

MAX_TEXT_CHARS = 2_000_000
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024
MAX_PLAIN_TEXT_BYTES = 16 * 1024 * 1024
READ_BLOCK = 1024 * 1024
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Asked once before OCR begins: the contained process widens its limits for it and says how many seconds OCR may
# take. Without it (a file read outside a contained process) pages are never read by OCR.
OcrPermission = Callable[[], float]
_OCR_NOT_INSTALLED = "not installed"


@dataclass
class Extraction:
    """What reading a file gave: its state, a note for the clerk, pages, the text, and what was read."""

    state: str
    note: str = ""
    page_count: int | None = None
    text: str = ""
    media_type: str = detect.OCTET_STREAM
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def state_label(state: str) -> str:
    return TEXT_STATES.get(state, state)


def extract_path(path: str, allow_ocr: OcrPermission | None = None) -> dict[str, Any]:
    """Reads one file and returns its Extraction as a dict (plain data crosses the process boundary).

    With ``allow_ocr``, the pages of a PDF that have no text layer are read by OCR when it is installed.
    """
    file_path = Path(path)
    try:
        sha256, head = _fingerprint(file_path)
    except OSError as exc:
        return Extraction(
            "unreadable", f"The file could not be read again for its text: {exc.strerror or exc}."
        ).as_dict()
    media_type = detect.media_type_of(head)
    try:
        result = _extract_by_type(file_path, media_type, allow_ocr)
    except MemoryError:
        result = Extraction("unreadable", "Reading its text needed more memory than allowed; the file is kept as is.")
    except RecursionError:
        result = Extraction("unreadable", "Its structure refers to itself without end, so its text was not read.")
    result.sha256 = sha256
    if result.media_type == detect.OCTET_STREAM:
        result.media_type = media_type
    result.text = result.text[:MAX_TEXT_CHARS]
    return result.as_dict()


def _fingerprint(path: Path) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    head = b""
    with path.open("rb") as handle:
        while block := handle.read(READ_BLOCK):
            if not head:
                head = block[: detect.HEAD_SIZE]
            digest.update(block)
    return digest.hexdigest(), head


def _extract_by_type(path: Path, media_type: str, allow_ocr: OcrPermission | None) -> Extraction:
    if media_type == detect.PDF:
        return _extract_pdf(path, allow_ocr)
    if media_type == detect.ZIP:
        return _extract_zip(path)
    if media_type == detect.PLAIN_TEXT:
        return _extract_plain_text(path)
    if media_type.startswith("image/"):
        return Extraction("no_text", "An image: it has no text layer.", media_type=media_type)
    return Extraction(
        "not_read", f"A {detect.describe_media_type(media_type)}: its text is not read.", media_type=media_type
    )


# ----- PDF -------------------------------------------------------------------------------------------------

# PDFium's document-loading errors that mean "a password is needed" or "an encryption it does not support".
_PASSWORD_ERRORS = (4, 5)  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
_RTL = "\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
# A run of right-to-left letters (with their marks and the spaces between them) on one line.
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL} ]*[{_RTL}])?")
_SPACE = re.compile(r"\s")
# Control codes other than white space, private-use code points and the replacement mark.
_UNDECODED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")


def _extract_pdf(path: Path, allow_ocr: OcrPermission | None = None) -> Extraction:
    """Reads a PDF's text with PDFium (C code: this runs only in the contained child process)."""
    import pypdfium2 as pdfium

    with path.open("rb") as handle:
        truncated = not _ends_like_pdf(handle)
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in _PASSWORD_ERRORS:
            return Extraction(
                "encrypted",
                "The PDF is protected by a password; it is stored as received but its text was not read.",
                media_type=detect.PDF,
            )
        return Extraction("unreadable", _pdf_problem(truncated), media_type=detect.PDF)
    try:
        page_count = len(document)
        pages, pages_read, failed_pages = _pdf_pages(document, page_count)
        reading = None
        if allow_ocr is not None and not truncated and not _looks_undecodable(_joined(pages)):
            reading = _read_scanned_pages(document, pages, allow_ocr)
    finally:
        document.close()
    text = _joined(pages, reading.texts if isinstance(reading, ocr.OcrReading) else {})
    if truncated:
        kept = " The text of the pages that could be read is kept for searching." if text.strip() else ""
        return Extraction(
            "unreadable",
            "The PDF is incomplete (it stops before its end, as a cut-off download does); it is stored as received."
            + kept,
            page_count=page_count or None,
            text=text,
            media_type=detect.PDF,
        )
    if page_count == 0:
        return Extraction("unreadable", "The PDF has no pages; it is stored as received.", media_type=detect.PDF)
    if failed_pages == page_count:
        return Extraction(
            "unreadable",
            "No page of the PDF could be read; it is stored as received.",
            page_count,
            media_type=detect.PDF,
        )
    notes = []
    if failed_pages:
        notes.append(f"{failed_pages} of {page_count} pages could not be read.")
    if pages_read < page_count:
        notes.append(f"Only the text of the first {pages_read} pages was read (the text limit was reached).")
    if isinstance(reading, ocr.OcrReading) and reading.pages_with_words:
        notes.insert(0, _ocr_note(reading, len(pages)))
        return Extraction("ocr", " ".join(notes), page_count, text, media_type=detect.PDF)
    if not text.strip():
        return Extraction(
            "no_text",
            "The PDF has no text layer (it looks like a scan); its words cannot be searched." + _no_ocr_note(reading),
            page_count,
            media_type=detect.PDF,
        )
    if _looks_undecodable(text):
        return Extraction(
            "no_text",
            "The PDF's text is written in fonts without a table of their characters, so its words cannot be "
            "read or searched (it shows correctly only on a computer that has those fonts).",
            page_count,
            media_type=detect.PDF,
        )
    return Extraction("extracted", " ".join(notes), page_count, text, media_type=detect.PDF)


def _pdf_pages(document: Any, page_count: int) -> tuple[list[tuple[int, str]], int, int]:
    """Each page's number and text, how many pages were read, and how many failed."""
    parts: list[tuple[int, str]] = []
    length = 0
    failed = 0
    read = 0
    for number in range(page_count):
        if length >= MAX_TEXT_CHARS:
            break
        read += 1
        try:
            page = document[number]
            try:
                text_page = page.get_textpage()
                try:
                    page_text = text_page.get_text_bounded()
                finally:
                    text_page.close()
            finally:
                page.close()
        except (MemoryError, RecursionError):
            raise
        except Exception:  # one bad page must not lose the others
            failed += 1
            continue
        page_text = logical_order(page_text.replace("\r\n", "\n").replace("\r", "\n"))
        parts.append((number, page_text))
        length += len(page_text)
    return parts, read, failed


def _joined(pages: list[tuple[int, str]], ocr_texts: dict[int, str] | None = None) -> str:
    """The pages' text, pages apart by a form feed; a page read by OCR gives that text instead of its own."""
    ocr_texts = ocr_texts or {}
    return "\n\f\n".join(ocr_texts.get(number, text) for number, text in pages)


def _read_scanned_pages(
    document: Any, pages: list[tuple[int, str]], allow_ocr: OcrPermission
) -> ocr.OcrReading | str | None:
    """OCR of the pages that have no text but show a picture; "not installed" when OCR is not, None if no such page."""
    scanned = [number for number, text in pages if not text.strip() and _shows_picture(document, number)]
    if not scanned:
        return None
    if not ocr.ocr_available():
        return _OCR_NOT_INSTALLED
    return ocr.read_pages(document, scanned, allow_ocr())


def _shows_picture(document: Any, number: int) -> bool:
    page = document[number]
    try:
        return ocr.has_images(page)
    finally:
        page.close()


def _ocr_note(reading: ocr.OcrReading, pages_read: int) -> str:
    count = reading.pages_with_words
    note = (
        f"Text read by OCR from {_scanned_pages(count)}, mean confidence {reading.mean_confidence:.0%}; "
        "OCR can misread words."
    )
    if count < pages_read:
        note += " The other pages' text is the PDF's own."
    if reading.failed:
        note += f" OCR could not read {_scanned_pages(reading.failed)}."
    if reading.left_for_time:
        note += f" {_scanned_pages(reading.left_for_time).capitalize()} more were not read (OCR's time limit)."
    return note


def _scanned_pages(count: int) -> str:
    return f"{count} scanned page" + ("" if count == 1 else "s")


def _no_ocr_note(reading: ocr.OcrReading | str | None) -> str:
    if reading == _OCR_NOT_INSTALLED:
        return " OCR, which could read them, is not installed."
    if isinstance(reading, ocr.OcrReading):
        if reading.failed and not reading.confidences:
            return " OCR could not read its pages."
        if reading.left_for_time and not reading.confidences:
            return " OCR ran out of time before it found any words."
        return " OCR found no words on its pages."
    return ""


def logical_order(text: str) -> str:
    """Puts right-to-left words (Arabic, Hebrew) back in reading order.

    PDFium gives characters in the order they stand on the page, left to right, so a right-to-left word comes
    out reversed; reversing each run of right-to-left letters gives the order in which the word is typed.
    """
    if text.isascii():
        return text
    return _RTL_RUN.sub(lambda match: match.group()[::-1], text)


def _looks_undecodable(text: str) -> bool:
    """True when most characters read are control codes, private-use code points or replacement marks.

    That is what text drawn in fonts without a table of their characters gives: glyph numbers, not letters.
    """
    sample = text[:20_000]
    visible = len(sample) - len(_SPACE.findall(sample))
    return visible > 0 and len(_UNDECODED.findall(sample)) * 2 > visible


def _ends_like_pdf(handle: BinaryIO) -> bool:
    """True when the file ends with the %%EOF mark, as a complete PDF does."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - 2048))
    tail = handle.read()
    handle.seek(0)
    return b"%%EOF" in tail


def _pdf_problem(truncated: bool) -> str:
    if truncated:
        return "The PDF is incomplete (it stops before its end, as a cut-off download does); it is stored as received."
    return "The file is named or marked as a PDF but cannot be read as one (it is damaged); it is stored as received."


# ----- Word .docx and other ZIP-based files --------------------------------------------------------------


def _extract_zip(path: Path) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            media_type = detect.zip_media_type(names)
            if media_type != detect.DOCX:
                return Extraction(
                    "not_read",
                    f"A {detect.describe_media_type(media_type)}: its text is not read.",
                    media_type=media_type,
                )
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                return Extraction(
                    "unreadable",
                    "The Word document's text part is too large to read safely; it is stored as received.",
                    media_type=media_type,
                )
            with archive.open(info) as member:
                text = _docx_text(member)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, OSError, ValueError, NotImplementedError):
        return Extraction(
            "unreadable", "The file looks like a ZIP or Word document but is damaged; it is stored as received."
        )
    if not text.strip():
        return Extraction("no_text", "The Word document holds no text.", media_type=detect.DOCX)
    return Extraction("extracted", "", None, text, media_type=detect.DOCX)


def _docx_text(member: IO[bytes]) -> str:
    """The paragraphs of word/document.xml, read as a stream; stops at the text limit."""
    parts: list[str] = []
    length = 0
    for _event, element in ElementTree.iterparse(member, events=("end",)):
        tag = element.tag
        if tag == _WORD_NS + "t" and element.text:
            parts.append(element.text)
            length += len(element.text)
        elif tag == _WORD_NS + "tab":
            parts.append("\t")
        elif tag in (_WORD_NS + "br", _WORD_NS + "cr", _WORD_NS + "p"):
            parts.append("\n")
            if tag == _WORD_NS + "p":
                element.clear()
        if length > MAX_TEXT_CHARS:
            break
    return "".join(parts)


# ----- plain text ------------------------------------------------------------------------------------------


def _extract_plain_text(path: Path) -> Extraction:
    with path.open("rb") as handle:
        data = handle.read(MAX_PLAIN_TEXT_BYTES + 1)
    note = ""
    if len(data) > MAX_PLAIN_TEXT_BYTES:
        data = data[:MAX_PLAIN_TEXT_BYTES]
        note = "Only the first 16 MiB of the text was read."
    text = _decode(data)
    if not text.strip():
        return Extraction("no_text", "The text file holds only blank space.", media_type=detect.PLAIN_TEXT)
    return Extraction("extracted", note, None, text, media_type=detect.PLAIN_TEXT)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
