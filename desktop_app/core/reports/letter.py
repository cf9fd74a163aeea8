"""Lays the letter out with ReportLab Platypus: letterhead, answers with evidence tables, appendices, page numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
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
from .content import Answer, Letter, Section, long_date
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
# A table cell: plain text, or flowables laid out by the caller.
Cell: TypeAlias = str | Flowable | list[Flowable]


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


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], sheet: StyleSheet1
) -> Table:
    """A table that splits across pages with its header row repeated; every cell wraps."""
    cell, header_cell = sheet["Cell"], sheet["HeaderCell"]
    data: list[list[Any]] = [[Paragraph(markup(h), header_cell) for h in headers]]
    data += [
        [value if isinstance(value, Flowable | list) else Paragraph(multiline_markup(value), cell) for value in row]
        for row in rows
    ]
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
    return table


def _letterhead(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    lines: list[Flowable] = [Paragraph(markup(letter.letterhead_title), sheet["Letterhead"])]
    detail = [letter.letterhead_subtitle, *letter.letterhead_lines]
    lines += [Paragraph(markup(line), sheet["LetterheadLine"]) for line in detail]
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
    blocks = [Paragraph(multiline_markup(block), sheet["Address"]) for block in letter.recipients]
    if not blocks:
        return []
    rows = [blocks[index : index + 2] for index in range(0, len(blocks), 2)]
    if len(rows[-1]) == 1 and len(blocks) > 1:
        rows[-1].append(Spacer(1, 1))
    width = TEXT_WIDTH / 2 if len(blocks) > 1 else TEXT_WIDTH
    table = Table(rows, colWidths=[width] * len(rows[0]), hAlign="LEFT")
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


def _answer(answer: Answer, sheet: StyleSheet1) -> list[Flowable]:
    title = answer.short_title or f"Question {answer.position}"
    flow: list[Flowable] = [
        CondPageBreak(1.6 * inch),
        Paragraph(f"{answer.position}. {markup(title)}", sheet["Question"]),
        Paragraph(f"“{markup(answer.question)}”", sheet["Quote"]),
    ]
    flow += _paragraphs(answer.narrative, sheet["Body"])
    if answer.nothing_held:
        flow.append(Paragraph(markup(answer.nothing_held), sheet["Body"]))
    for section in answer.sections:
        flow += _section(section, sheet)
    return flow


def _section(section: Section, sheet: StyleSheet1) -> list[Flowable]:
    rows = [row for item in section.listed for row in item.rows]
    # Room for the heading, the table's header row and a row or two; a table longer than that splits.
    flow: list[Flowable] = [CondPageBreak(1.1 * inch), Paragraph(markup(section.title), sheet["EvidenceHeading"])]
    if section.summarised:
        flow.append(Paragraph(markup(section.summary_note), sheet["Body"]))
        counts = [(what, value, f"{number:,}") for what, value, number in section.facet_counts]
        if counts:
            flow += [_table(("Counted by", "Value", "Number"), counts, (0.25, 0.55, 0.2), sheet), Spacer(1, 8)]
    flow += [_table(section.headers, rows, section.widths, sheet), Spacer(1, 8)]
    return flow


def _closing(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    signature: list[Flowable] = [Spacer(1, 6), *_paragraphs(letter.closing, sheet["Body"])]
    signature += [Paragraph("Sincerely,", sheet["Body"]), Spacer(1, 34)]
    name = letter.signatory_name or "(name of the signatory)"
    signature.append(Paragraph(markup(name), sheet["Address"]))
    if letter.signatory_title:
        signature.append(Paragraph(markup(letter.signatory_title), sheet["Address"]))
    signature.append(Paragraph(markup(letter.letterhead_title), sheet["Address"]))
    signature.append(Spacer(1, 10))
    enclosure_style = ParagraphStyle("Enclosure", parent=sheet["Note"], leftIndent=12, spaceAfter=1)
    if letter.enclosures:
        signature.append(Paragraph("Enclosures:", sheet["Note"]))
        enclosures = [Paragraph(f"{e.number}. {markup(e.title)}", enclosure_style) for e in letter.enclosures]
        # A long list may run on; the signature keeps the closing and the first enclosures with it.
        signature += enclosures[:3]
        rest = enclosures[3:]
    else:
        signature.append(Paragraph("Enclosures: none.", sheet["Note"]))
        rest = []
    attached = Paragraph(
        "Attached: Appendix A, the partnerships on record; Appendix B, the enclosed documents and their fingerprints.",
        ParagraphStyle("Attached", parent=sheet["Note"], spaceBefore=4),
    )
    if rest:
        return [KeepTogether(signature), *rest, attached]
    return [KeepTogether([*signature, attached])]


def _appendix_a(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [
        PageBreak(),
        Paragraph("Appendix A. Partnerships on record", sheet["Appendix"]),
        Paragraph(
            markup(
                f"The partnerships of {letter.jurisdiction_name} as recorded on {long_date(letter.letter_date)}. "
                "Those marked unconfirmed come from a public list and have not yet been checked against the "
                f"{letter.jurisdiction_kind}'s own records."
            ),
            sheet["Note"],
        ),
    ]
    if not letter.partnerships:
        flow.append(Paragraph(markup(f"The {letter.jurisdiction_kind}'s records hold no partnerships."), sheet["Body"]))
        return flow
    rows = []
    for number, row in enumerate(letter.partnerships, start=1):
        partner = f"{row.partner}\n{row.native_name}" if row.native_name else row.partner
        rows.append((str(number), partner, row.place, row.kind, row.status, row.established, row.last_reviewed))
    headers = ("No.", "Partner", "Region, country", "Kind", "Status", "Established", "Last reviewed")
    flow.append(_table(headers, rows, (0.065, 0.2, 0.165, 0.13, 0.17, 0.13, 0.14), sheet))
    return flow


def _appendix_b(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [
        Spacer(1, 18),
        CondPageBreak(1.5 * inch),
        Paragraph("Appendix B. Enclosed documents and their fingerprints", sheet["Appendix"]),
        Paragraph(
            "Each enclosed document is identified by its SHA-256 fingerprint: any copy whose fingerprint matches "
            "is exactly the document kept in the records.",
            sheet["Note"],
        ),
    ]
    if not letter.enclosures:
        flow.append(Paragraph("No documents are enclosed with this letter.", sheet["Body"]))
        return flow
    rows: list[list[Cell]] = []
    for enclosure in letter.enclosures:
        described = [
            Paragraph(markup(enclosure.title), sheet["HeaderCell"]),
            Paragraph(
                multiline_markup(
                    f"File: {enclosure.file_name}, {_size(enclosure.size)}\nConcerns: {enclosure.linked_to}"
                ),
                sheet["Cell"],
            ),
            Paragraph(f"SHA-256: {enclosure.sha256}", sheet["Fingerprint"]),
        ]
        rows.append([str(enclosure.number), described])
    flow.append(_table(("No.", "Document and its fingerprint"), rows, (0.065, 0.935), sheet))
    return flow


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _story(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = _letterhead(letter, sheet)
    story.append(Paragraph(markup(long_date(letter.letter_date)), sheet["Body"]))
    story.append(Spacer(1, 8))
    story += _recipients(letter, sheet)
    if letter.reference:
        story.append(Paragraph("Re: " + markup(letter.reference), sheet["Reference"]))
    elif letter.subject:
        story.append(Paragraph("Re: " + markup(letter.subject), sheet["Reference"]))
    story.append(Paragraph(markup(letter.salutation), sheet["Body"]))
    story += _paragraphs(letter.introduction, sheet["Body"])
    for answer in letter.answers:
        story += _answer(answer, sheet)
    story += _closing(letter, sheet)
    story += _appendix_a(letter, sheet)
    story += _appendix_b(letter, sheet)
    return story


class _LetterTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Letter-size pages; every page carries the jurisdiction, the inquiry and "Page N of M" in its footer."""

    def __init__(self, buffer: io.BytesIO, letter: Letter, sheet: StyleSheet1) -> None:
        super().__init__(
            buffer,
            pagesize=LETTER,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=f"Response of {letter.jurisdiction_name}: {letter.subject}",
            author=letter.jurisdiction_name,
            subject=letter.footer_inquiry,
            creator="Sister City Records",
            producer="Sister City Records (ReportLab)",
            invariant=1,
            initialFontName=SERIF,
            initialFontSize=10,
            pageCompression=1,
            lang="en-US",
        )
        self.letter = letter
        self.sheet = sheet
        frame = Frame(MARGIN, BOTTOM_MARGIN, TEXT_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN, id="text")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        rule_y = BOTTOM_MARGIN - 0.3 * inch
        canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
        left = Paragraph(
            markup(f"{self.letter.jurisdiction_name} · Response to: {self.letter.footer_inquiry}"), self.sheet["Footer"]
        )
        right_width = 0.9 * inch
        _, left_height = left.wrap(TEXT_WIDTH - right_width - 12, BOTTOM_MARGIN)
        left.drawOn(canvas, MARGIN, rule_y - 4 - left_height)
        if self.letter.draft:
            draft = Paragraph("DRAFT, not issued", self.sheet["Draft"])
            draft.wrap(TEXT_WIDTH, 20)
            draft.drawOn(canvas, MARGIN, PAGE_HEIGHT - 0.55 * inch)
        canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]
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


def render_letter(letter: Letter) -> bytes:
    """The letter as PDF bytes; the same letter gives the same bytes (ReportLab's invariant mode)."""
    sheet = style_sheet()
    buffer = io.BytesIO()
    _LetterTemplate(buffer, letter, sheet).build(_story(letter, sheet), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
