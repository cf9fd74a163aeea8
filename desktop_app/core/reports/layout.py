"""Lays the letter out with ReportLab Platypus: letterhead, answers with evidence tables, appendices, page numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as PlatypusParagraph

from ..errors import UserError
from .document import AnswerText, Appendix, Letter
from .fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, markup, multiline_markup, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 1 * inch
TOP_MARGIN = 0.9 * inch
BOTTOM_MARGIN = 0.95 * inch
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#e9ecef")
# A cell longer than this (in characters) shows its first SHORT_CELL and is printed in full below its table:
# a table row cannot split across pages.
LONG_CELL = 900
SHORT_CELL = 500
LIST_ENCLOSURES_UP_TO = 8


class Paragraph(PlatypusParagraph):  # type: ignore[misc]
    """A paragraph that keeps its lines for the width it was last wrapped to.

    A table wraps every cell again each time it is split across a page, and again when the cell is drawn; the
    lines for one width never change, so breaking them once is enough.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # split() may drop the lines (blPara) to push the paragraph on: then they are broken again.
        if self._wrapped is not None and self._wrapped[0] == availWidth and hasattr(self, "blPara"):
            return self._wrapped[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


def style_sheet() -> StyleSheet1:
    """The letter's styles: body text, headings, quoted questions, table cells, footer."""
    register_fonts()
    sheet = StyleSheet1()
    base = ParagraphStyle("Body", fontName=SERIF, fontSize=10.5, leading=14.5, textColor=INK, spaceAfter=7)
    sheet.add(base)
    sheet.add(ParagraphStyle("Letterhead", parent=base, fontName=SERIF_BOLD, fontSize=17, leading=21, spaceAfter=2))
    sheet.add(ParagraphStyle("LetterheadLine", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=0))
    sheet.add(ParagraphStyle("Address", parent=base, spaceAfter=0))
    sheet.add(ParagraphStyle("Reference", parent=base, fontName=SERIF_BOLD, spaceAfter=10))
    sheet.add(
        ParagraphStyle(
            "Question",
            parent=base,
            fontName=SERIF_BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=12,
            spaceAfter=5,
            keepWithNext=1,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Quote",
            parent=base,
            fontName=SERIF_ITALIC,
            leftIndent=18,
            rightIndent=18,
            textColor=MUTED,
            spaceAfter=8,
            keepWithNext=1,
        )
    )
    sheet.add(
        ParagraphStyle(
            "EvidenceHeading",
            parent=base,
            fontName=SERIF_BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=6,
            spaceAfter=3,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Appendix", parent=base, fontName=SERIF_BOLD, fontSize=13, leading=17, spaceAfter=4, keepWithNext=1
        )
    )
    sheet.add(ParagraphStyle("Note", parent=base, fontSize=9, leading=12, textColor=MUTED))
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0))
    sheet.add(ParagraphStyle("Flag", parent=base, leftIndent=12, textColor=colors.HexColor("#7a2e00")))
    sheet.add(ParagraphStyle("HeaderCell", parent=base, fontName=SERIF_BOLD, fontSize=8, leading=10.5, spaceAfter=0))
    sheet.add(ParagraphStyle("Fingerprint", parent=base, fontSize=7.6, leading=10, spaceAfter=0))
    sheet.add(ParagraphStyle("Footer", parent=base, fontSize=7.5, leading=9, textColor=MUTED, spaceAfter=0))
    sheet.add(
        ParagraphStyle(
            "Draft",
            parent=base,
            fontName=SERIF_BOLD,
            fontSize=8,
            textColor=colors.HexColor("#b00020"),
            alignment=TA_LEFT,
        )
    )
    return sheet


def _paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """Plain text as paragraphs: a blank line starts a new one, a single line break is kept."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(multiline_markup(block), style) for block in blocks if block]


_URL = re.compile(r"https?://[^\s<>\"]+")
# Where a web address may break: after a slash, and before a query, a fragment or a word separator.
_URL_BREAK = re.compile(r"(?<=/)|(?=[?#&=_.-])")


def _url_lines(url: str, width: float, font: str, size: float) -> list[str]:
    """The address cut into lines that fit the width, each cut at a sensible place (a long part is cut where needed)."""
    parts = [part for part in _URL_BREAK.split(url) if part]
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and stringWidth(current + part, font, size) > width:
            lines.append(current)
            current = ""
        while stringWidth(part, font, size) > width and len(part) > 1:
            cut = len(part)
            while cut > 1 and stringWidth(part[:cut], font, size) > width:
                cut -= 1
            lines.append(part[:cut])
            part = part[cut:]
        current += part
    if current:
        lines.append(current)
    return lines


def cell_markup(text: str, width: float = 0, font: str = SERIF, size: float = 8.5) -> str:
    """A cell's text as markup: line breaks kept, web addresses made into links broken at sensible places."""
    out: list[str] = []
    position = 0
    for found in _URL.finditer(text):
        out.append(multiline_markup(text[position : found.start()]))
        url = found.group(0).rstrip(".,;)")
        href = escape(url, {'"': "&quot;"})
        if width and stringWidth(url, font, size) > width:
            shown = "<br/>".join(markup(line) for line in _url_lines(url, width, font, size))
            if out and out[-1] and not out[-1].endswith("<br/>"):
                out.append("<br/>")
        else:
            shown = markup(url)
        out.append(f'<a href="{href}" color="#1a4f8b"><u>{shown}</u></a>')
        out.append(multiline_markup(found.group(0)[len(url) :]))
        position = found.end()
    out.append(multiline_markup(text[position:]))
    return "".join(out)


class _Bookmark(Flowable):  # type: ignore[misc]
    """An invisible mark that adds an entry to the PDF's bookmarks where it is drawn."""

    def __init__(self, title: str, key: str, level: int = 0) -> None:
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def _cut(text: str) -> tuple[str, bool]:
    """A cell's text short enough for a table row; True when the rest is printed below the table."""
    if len(text) <= LONG_CELL:
        return text, False
    cut = text.rfind(" ", 0, SHORT_CELL)
    cut = cut if cut > SHORT_CELL // 2 else SHORT_CELL
    return text[:cut].rstrip() + " … (continued below the table)", True


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    sheet: StyleSheet1,
    numbers: Sequence[str] = (),
) -> list[Flowable]:
    """A table that splits across pages with its header row repeated; a text too long for a row follows it."""
    cell, header_cell = sheet["Cell"], sheet["HeaderCell"]
    data: list[list[Any]] = [[Paragraph(markup(h), header_cell) for h in headers]]
    continued: list[tuple[str, str]] = []
    for index, row in enumerate(rows):
        cells = []
        for column, value in enumerate(row):
            shown, cut = _cut(value)
            if cut:
                label = numbers[index] if index < len(numbers) else f"Row {index + 1}"
                continued.append((f"{label}, {headers[column].lower()}", value))
            room = TEXT_WIDTH * widths[column] - 8  # the cell's padding
            cells.append(Paragraph(cell_markup(shown, room, cell.fontName, cell.fontSize), cell))
        data.append(cells)
    table = Table(data, colWidths=[TEXT_WIDTH * w for w in widths], repeatRows=1, splitByRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flow: list[Flowable] = [table, Spacer(1, 8)]
    for label, text in continued:
        flow.append(Paragraph(f"<b>{markup(label)}</b>", sheet["Note"]))
        flow += _paragraphs(text, sheet["Cell"])
    return flow


def _letterhead(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    lines: list[Flowable] = [Paragraph(markup(letter.letterhead_title), sheet["Letterhead"])]
    lines += [Paragraph(markup(line), sheet["LetterheadLine"]) for line in letter.letterhead_lines]
    if letter.logo:
        logo = _logo_flowable(letter.logo)
        head = Table([[logo, lines]], colWidths=[logo.drawWidth + 12, TEXT_WIDTH - logo.drawWidth - 12], hAlign="LEFT")
        head.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SERIF),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        flow: list[Flowable] = [head]
    else:
        flow = lines
    return [*flow, Spacer(1, 6), HRFlowable(width="100%", thickness=0.8, color=RULE, spaceAfter=16)]


def _logo_flowable(data: bytes) -> Image:
    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception as exc:  # ReportLab and PIL raise many kinds of errors for a file that is not an image
        raise UserError(
            "The letterhead logo is not an image the letter can use; choose a PNG or JPEG file as the logo."
        ) from exc
    scale = min(64 / height, 120 / width)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def _recipients(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    blocks = [block for block in letter.recipients if block.strip()]
    if not blocks:
        return []
    if len(blocks) == 1 or sum(len(block) for block in blocks) > LONG_CELL:
        # One address, or addresses too long to sit side by side: one under the other, free to split.
        flow: list[Flowable] = []
        for block in blocks:
            flow += [Paragraph(multiline_markup(block), sheet["Address"]), Spacer(1, 8)]
        return flow
    cells = [Paragraph(multiline_markup(block), sheet["Address"]) for block in blocks]
    rows = [cells[index : index + 2] for index in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append(Spacer(1, 1))
    table = Table(rows, colWidths=[TEXT_WIDTH / 2] * 2, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [table, Spacer(1, 8)]


def _answer(answer: AnswerText, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [
        CondPageBreak(1.4 * inch),
        _Bookmark(f"{answer.position}. {answer.title}", f"answer-{answer.position}", 1),
        Paragraph(f"{answer.position}. {markup(answer.title)}", sheet["Question"]),
        Paragraph(f"“{markup(answer.question)}”", sheet["Quote"]),
    ]
    for paragraph in answer.paragraphs:
        flow += _paragraphs(paragraph, sheet["Body"])
    for warning in answer.warnings:
        flow.append(Paragraph(f"<b>Flagged:</b> {markup(warning)}", sheet["Flag"]))
    return flow


def _closing(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = []
    if letter.other_warnings:
        flow.append(Paragraph("Other matters the records flag", sheet["Question"]))
        flow += [Paragraph(f"<b>Flagged:</b> {markup(w)}", sheet["Flag"]) for w in letter.other_warnings]
    closing: list[Flowable] = [Spacer(1, 6)]
    for paragraph in letter.closing:
        closing += _paragraphs(paragraph, sheet["Body"])
    signature: list[Flowable] = [Paragraph("Sincerely,", sheet["Body"]), Spacer(1, 34)]
    signature.append(Paragraph(markup(letter.signatory_name or "(name of the signatory)"), sheet["Address"]))
    if letter.signatory_title:
        signature.append(Paragraph(markup(letter.signatory_title), sheet["Address"]))
    signature.append(Paragraph(markup(letter.letterhead_title), sheet["Address"]))
    signature.append(Spacer(1, 10))
    notes: list[Flowable] = []
    if letter.contact:
        notes.append(Paragraph(markup(letter.contact), sheet["Note"]))
    if letter.cc:
        notes.append(Paragraph("cc: " + markup("; ".join(letter.cc)), sheet["Note"]))
    if not letter.enclosures:
        notes.append(Paragraph("Enclosures: none.", sheet["Note"]))
    elif len(letter.enclosures) <= LIST_ENCLOSURES_UP_TO:
        listed = "; ".join(f"{e.number}, {e.title}" for e in letter.enclosures)
        notes.append(Paragraph(markup(f"Enclosures (Appendix G): {listed}."), sheet["Note"]))
    else:
        notes.append(
            Paragraph(f"Enclosures: {len(letter.enclosures):,} documents, listed in Appendix G.", sheet["Note"])
        )
    notes.append(Paragraph(markup(letter.attached), sheet["Note"]))
    # The closing stays with the signature (KeepTogether still splits a closing too long for one page).
    return [*flow, KeepTogether([*closing, *signature, *notes])]


def _appendix(appendix: Appendix, sheet: StyleSheet1, first: bool) -> list[Flowable]:
    heading = f"Appendix {appendix.letter}. {appendix.title}"
    # Room for the heading, its notes and the first rows; a short appendix moves whole to the next page.
    flow: list[Flowable] = [PageBreak()] if first else [Spacer(1, 14), CondPageBreak(2.4 * inch)]
    flow += [_Bookmark(heading, f"appendix-{appendix.letter}"), Paragraph(markup(heading), sheet["Appendix"])]
    flow += [Paragraph(markup(note), sheet["Note"]) for note in appendix.notes]
    for table in appendix.tables:
        if table.heading:
            flow += [CondPageBreak(1.0 * inch), Paragraph(markup(table.heading), sheet["EvidenceHeading"])]
        flow += _table(table.headers, table.rows, table.widths, sheet, table.numbers)
    return flow


def _story(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_Bookmark("Letter", "letter"), *_letterhead(letter, sheet)]
    story.append(Paragraph(markup(letter.date_text), sheet["Body"]))
    if letter.status_line:
        story.append(Paragraph(markup(letter.status_line), sheet["Note"]))
    story.append(Spacer(1, 8))
    story += _recipients(letter, sheet)
    if letter.reference:
        story.append(Paragraph("Re: " + markup(letter.reference), sheet["Reference"]))
    story.append(Paragraph(markup(letter.salutation), sheet["Body"]))
    for paragraph in letter.opening:
        story += _paragraphs(paragraph, sheet["Body"])
    for answer in letter.answers:
        story += _answer(answer, sheet)
    story += _closing(letter, sheet)
    for index, appendix in enumerate(letter.appendices):
        story += _appendix(appendix, sheet, index == 0)
    return story


def document_settings(title: str, **described: str) -> dict[str, Any]:
    """What every PDF the program lays out shares: Letter pages, the margins, the fonts, the producer, and
    ReportLab's invariant mode (the same content gives the same bytes); ``described`` adds author or subject."""
    return {
        "pagesize": LETTER,
        "leftMargin": MARGIN,
        "rightMargin": MARGIN,
        "topMargin": TOP_MARGIN,
        "bottomMargin": BOTTOM_MARGIN,
        "title": title,
        **described,
        "creator": "Sister City Records",
        "producer": "Sister City Records (ReportLab)",
        "invariant": 1,
        "initialFontName": SERIF,
        "initialFontSize": 10,
        "pageCompression": 1,
        "lang": "en-US",
    }


def text_page(decorate: Any) -> PageTemplate:
    """A page whose one frame is the text block between the margins, ``decorate`` drawing its footer."""
    frame = Frame(MARGIN, BOTTOM_MARGIN, TEXT_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN, id="text")
    return PageTemplate(id="page", frames=[frame], onPage=decorate)


def footer_rule(canvas: Canvas) -> float:
    """Draws the thin rule above every page's footer and returns its height on the page."""
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    rule_y = BOTTOM_MARGIN - 0.3 * inch
    canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
    return float(rule_y)


class ReportTemplate(BaseDocTemplate):  # type: ignore[misc]
    """A report's pages: its footer says what the report is, and NumberedCanvas adds "Page N of M" beside it."""

    def __init__(self, buffer: io.BytesIO, sheet: StyleSheet1, *, title: str, footer: str, **described: str) -> None:
        super().__init__(buffer, **document_settings(title, **described))
        self.sheet = sheet
        self.footer = footer
        self.addPageTemplates([text_page(self._decorate)])

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        rule_y = footer_rule(canvas)
        footer = Paragraph(markup(self.footer), self.sheet["Footer"])
        _, height = footer.wrap(TEXT_WIDTH - 72, 40)  # room on the right for "Page N of M"
        footer.drawOn(canvas, MARGIN, rule_y - 2 - height)
        canvas.restoreState()


class _LetterTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Letter-size pages; every page carries the jurisdiction, the inquiry and "Page N of M" in its footer."""

    def __init__(self, buffer: io.BytesIO, letter: Letter, sheet: StyleSheet1) -> None:
        super().__init__(
            buffer, **document_settings(letter.title, author=letter.letterhead_title, subject=letter.subject)
        )
        self.letter = letter
        self.sheet = sheet
        self.addPageTemplates([text_page(self._decorate)])

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        rule_y = footer_rule(canvas)
        footer = _fit(self.letter.footer, SERIF, 7.5, TEXT_WIDTH - 1.0 * inch)
        canvas.setFont(SERIF, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, rule_y - 4 - 7.5, footer)
        if self.letter.draft:
            draft = Paragraph("DRAFT, not issued: not to be sent", self.sheet["Draft"])
            draft.wrap(TEXT_WIDTH, 20)
            draft.drawOn(canvas, MARGIN, PAGE_HEIGHT - 0.55 * inch)
        canvas.restoreState()


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds each page back until the end, so every footer can say "Page N of M" in one pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(SERIF, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, BOTTOM_MARGIN - 0.3 * inch - 4 - 7.5, f"Page {self._pageNumber} of {total}"
            )
            self.restoreState()
            super().showPage()
        super().save()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text cut with an ellipsis so that it fits on one line of the width."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_letter(letter: Letter) -> bytes:
    """The letter as PDF bytes; the same letter gives the same bytes (ReportLab's invariant mode)."""
    sheet = style_sheet()
    buffer = io.BytesIO()
    _LetterTemplate(buffer, letter, sheet).build(_story(letter, sheet), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
