"""Reads the words of scanned PDF pages with the optional offline OCR engine, only in a contained child process."""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field
from typing import Any

ENGINE_MODULE = "rapidocr_onnxruntime"
# Pages are drawn at about 200 dots per inch, which reads well, but never larger than the engine works at
# (it shrinks anything wider or taller than 2,000 pixels itself).
RENDER_DPI = 200
MAX_RENDER_SIDE = 2000
# The engine looks for lines of text on a picture at most this wide or tall; the words are then read at full size.
DETECTION_SIDE = 1280
# Words the engine is less sure of than this are left out: at lower scores they are mostly noise.
MIN_CONFIDENCE = 0.5


def ocr_available() -> bool:
    """True when the OCR engine is installed (found without importing it: it is loaded only in a child)."""
    try:
        return importlib.util.find_spec(ENGINE_MODULE) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class OcrReading:
    """What OCR read: each page's text by page number, the confidence of each word box, and what was left."""

    texts: dict[int, str] = field(default_factory=dict)
    confidences: list[float] = field(default_factory=list)
    failed: int = 0
    left_for_time: int = 0

    @property
    def pages_with_words(self) -> int:
        return sum(1 for text in self.texts.values() if text.strip())

    @property
    def mean_confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 0.0


def read_pages(document: Any, page_numbers: list[int], time_budget: float) -> OcrReading:
    """OCR of the given pages of an open PDFium document, in page order, within about ``time_budget`` seconds.

    A page is not begun when the time left is shorter than one and a half times the slowest page so far, so that
    the reading ends before the contained process is stopped; the pages left are counted. The engine is loaded
    here, in the child process: it must never be imported where the window runs.
    """
    engine = _engine()
    reading = OcrReading()
    started = time.monotonic()
    slowest = 0.0
    for position, number in enumerate(page_numbers):
        elapsed = time.monotonic() - started
        if position and elapsed + slowest * 1.5 > time_budget:
            reading.left_for_time = len(page_numbers) - position
            break
        page_started = time.monotonic()
        try:
            boxes = _read_page(engine, document, number)
        except (MemoryError, RecursionError):
            raise
        except Exception:  # the engine's own errors: one page it cannot read must not lose the others
            reading.failed += 1
            continue
        finally:
            slowest = max(slowest, time.monotonic() - page_started)
        reading.texts[number] = lines_in_reading_order(boxes)
        reading.confidences.extend(confidence for _, _, confidence in boxes)
    return reading


def has_images(page: Any) -> bool:
    """True when the page draws at least one picture (a blank page is not worth reading)."""
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))


def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # One thread each: the reading processes already run one per core.
    return RapidOCR(
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        det_limit_type="max",
        det_limit_side_len=DETECTION_SIDE,
        text_score=MIN_CONFIDENCE,
    )


Box = tuple[tuple[float, float, float, float], str, float]


def _read_page(engine: Any, document: Any, number: int) -> list[Box]:
    """The word boxes found on one page: (left, top, right, bottom), text, confidence."""
    page = document[number]
    try:
        if not has_images(page):
            return []
        width, height = page.get_size()
        scale = min(RENDER_DPI / 72, MAX_RENDER_SIDE / max(width, height, 1.0))
        bitmap = page.render(scale=scale)
        try:
            pixels = bitmap.to_numpy()
            found, _ = engine(pixels)
        finally:
            bitmap.close()
    finally:
        page.close()
    boxes: list[Box] = []
    for points, text, confidence in found or []:
        xs = [float(point[0]) for point in points]
        ys = [float(point[1]) for point in points]
        if str(text).strip():
            boxes.append(((min(xs), min(ys), max(xs), max(ys)), str(text).strip(), float(confidence)))
    return boxes


def lines_in_reading_order(boxes: list[Box]) -> str:
    """Joins word boxes into lines, top to bottom, each line left to right.

    A box belongs to the current line when its middle lies within the line's height; the engine's own order
    is only roughly by height, and boxes of one line can come out a few pixels apart.
    """
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda item: (item[0][1], item[0][0])):
        (_, top, _, bottom), _, _ = box
        middle = (top + bottom) / 2
        if lines:
            line_top = min(item[0][1] for item in lines[-1])
            line_bottom = max(item[0][3] for item in lines[-1])
            if line_top <= middle <= line_bottom:
                lines[-1].append(box)
                continue
        lines.append([box])
    return "\n".join(" ".join(item[1] for item in sorted(line, key=lambda item: item[0][0])) for line in lines)
