"""Lays the consolidated report of received packages out with ReportLab Platypus: a summary, then a table per city."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.platypus import CondPageBreak, Flowable, Table, TableStyle

from ..reports.fonts import SERIF_BOLD, markup
from ..reports.layout import (
    HEADER_FILL,
    RULE,
    TEXT_WIDTH,
    NumberedCanvas,
    Paragraph,
    ReportTemplate,
    cell_markup,
    style_sheet,
)
from ..reports.wording import plural

if TYPE_CHECKING:  # the report imports this module when it writes a PDF
    from .consolidated import City, Consolidated, Letter, Pair

TITLE = "Consolidated report of received responses"
DUPLICATE_MARK = "◆"
DUPLICATE_LEGEND = (
    f"{DUPLICATE_MARK} marks a duplicate: the same pair (US jurisdiction, partner community and country) reported "
    "by two packages, or by two records of one package. Names are compared without regard to case, accents or "
    "punctuation (Xi'an is Xian). Only each city's current letter counts; superseded letters are listed, not compared."
)
CELL_PADDING = 4
# Columns of a city's table, as fractions of the text width: mark, US jurisdiction, partner, country, relationship
# and status, established, confirmed.
PAIR_WIDTHS = (0.03, 0.17, 0.23, 0.10, 0.17, 0.14, 0.16)
PAIR_HEADER = (
    "",
    "US jurisdiction",
    "Partner community",
    "Country",
    "Relationship, status",
    "Established",
    "Confirmed",
)
SUMMARY_WIDTHS = (0.34, 0.16, 0.16, 0.16, 0.18)
SUMMARY_HEADER = ("City", "Letter dated", "Partnerships", "Duplicates", "Superseded letters")


def _sheet() -> StyleSheet1:
    sheet = style_sheet()
    base = sheet["Body"]
    sheet.add(ParagraphStyle("ReportTitle", parent=base, fontName=SERIF_BOLD, fontSize=18, leading=22, spaceAfter=4))
    sheet.add(
        ParagraphStyle(
            "Section", parent=base, fontName=SERIF_BOLD, fontSize=13.5, leading=17, spaceBefore=14, keepWithNext=1
        )
    )
    sheet.add(
        ParagraphStyle("Item", parent=base, fontName=SERIF_BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3)
    )
    sheet.add(ParagraphStyle("Answer", parent=base, fontSize=9.5, leading=12.5, spaceAfter=5))
    return sheet


def _cell(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    room = width - 2 * CELL_PADDING
    return Paragraph(
        "<br/>".join(cell_markup(line, room, style.fontName, style.fontSize) for line in text.split("\n")), style
    )


def _grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], sheet: StyleSheet1) -> Table:
    """A table of wrapped cells under a header row that repeats on every page."""
    columns = [TEXT_WIDTH * width for width in widths]
    data = [
        [
            _cell(value, sheet["HeaderCell"] if index == 0 else sheet["Cell"], columns[c])
            if isinstance(value, str)
            else value
            for c, value in enumerate(row)
        ]
        for index, row in enumerate(rows)
    ]
    table = Table(data, colWidths=columns, repeatRows=1, splitByRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
            ]
        )
    )
    return table


def _front(report: Consolidated, sheet: StyleSheet1) -> list[Flowable]:
    cities = plural(len(report.cities), "city", "cities")
    packages = plural(report.packages, "package")
    duplicates = plural(report.duplicates, "partnership")
    flow: list[Flowable] = [
        Paragraph(TITLE, sheet["ReportTitle"]),
        Paragraph(f"{cities}, from {packages} received, as of {markup(report.as_of)}", sheet["Body"]),
        Paragraph(
            "Each city's current answer is its newest issued letter; older letters it sent are listed as superseded. "
            "Every entry is read from the package as received, unchanged.",
            sheet["Note"],
        ),
        Paragraph(markup(DUPLICATE_LEGEND), sheet["Note"]),
        Paragraph(f"{duplicates} of the current letters reported elsewhere too.", sheet["Note"]),
    ]
    if not report.cities:
        flow.append(Paragraph("No package has been received yet.", sheet["Body"]))
        return flow
    rows: list[Sequence[Any]] = [SUMMARY_HEADER]
    for city in report.cities:
        listed = city.current.partnerships
        rows.append(
            (
                city.name,
                city.current.letter_date or "–",
                f"{len(listed):,}" if listed is not None else "not listed",
                f"{DUPLICATE_MARK} {city.duplicates:,}" if city.duplicates else "0",
                f"{len(city.superseded):,}",
            )
        )
    return [*flow, Paragraph("Summary", sheet["Section"]), _grid(rows, SUMMARY_WIDTHS, sheet)]


def _letter_lines(letter: Letter) -> list[str]:
    lines = [
        f"<b>Response:</b> {markup(letter.title or 'untitled')}",
        f"<b>Letter dated</b> {markup(letter.letter_date or '–')}; <b>issued</b> {markup(letter.issued_at or '–')}",
        f"<b>Letter SHA-256:</b> {markup(letter.letter_sha256 or '–')}",
        f"Received as package {letter.package_id} ({markup(letter.original_name)}) "
        f"on {markup(letter.received_at[:10])}",
    ]
    return lines


def _pair_row(pair: Pair) -> tuple[str, ...]:
    partner = "\n".join(filter(None, (pair.partner_community, pair.native_name)))
    if pair.duplicate:
        partner += "\nAlso reported by: " + "; ".join(pair.also_reported_by)
    confirmed = {True: "Yes", False: "No, from a public list", None: "–"}[pair.confirmed]
    kind = ", ".join(filter(None, (pair.relationship, pair.status)))
    mark = DUPLICATE_MARK if pair.duplicate else ""
    return (mark, pair.us_jurisdiction, partner, pair.country, kind or "–", pair.established_on or "–", confirmed)


def _city(city: City, sheet: StyleSheet1) -> list[Flowable]:
    letter = city.current
    flow: list[Flowable] = [CondPageBreak(1.6 * 72), Paragraph(markup(city.name), sheet["Section"])]
    flow += [Paragraph(line, sheet["Cell"]) for line in _letter_lines(letter)]
    flow.append(Paragraph("Partnerships", sheet["Item"]))
    if letter.partnerships is None:
        flow.append(Paragraph("The package does not list the letter's partnerships.", sheet["Body"]))
    elif not letter.partnerships:
        flow.append(Paragraph("The letter lists no partnership.", sheet["Body"]))
    else:
        rows: list[Sequence[Any]] = [PAIR_HEADER, *(_pair_row(pair) for pair in letter.partnerships)]
        flow.append(_grid(rows, PAIR_WIDTHS, sheet))
    flow += _answers(letter, sheet)
    if city.superseded:
        flow.append(Paragraph("Superseded letters", sheet["Item"]))
        for old in city.superseded:
            same = " (the same letter, received again)" if old.letter_sha256 == letter.letter_sha256 else ""
            flow.append(
                Paragraph(
                    f"{markup(old.title or 'untitled')}, dated {markup(old.letter_date or '–')}{same}: package "
                    f"{old.package_id}, letter SHA-256 {markup(old.letter_sha256 or '–')}",
                    sheet["Cell"],
                )
            )
    return flow


def _answers(letter: Letter, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("Answers", sheet["Item"])]
    if letter.answers is None:
        return [*flow, Paragraph("The package does not hold the letter's answers.", sheet["Body"])]
    if not letter.answers:
        return [*flow, Paragraph("The letter answers no question.", sheet["Body"])]
    for answer in letter.answers:
        number = f"{answer.number}. " if answer.number is not None else ""
        flow.append(Paragraph(f"<b>{number}{markup(answer.question)}</b>", sheet["EvidenceHeading"]))
        for paragraph in answer.answer.split("\n\n"):
            if paragraph.strip():
                flow.append(Paragraph(markup(paragraph.strip()), sheet["Answer"]))
    return flow


def render_report(report: Consolidated) -> bytes:
    """The report as PDF bytes."""
    sheet = _sheet()
    story = _front(report, sheet)
    for city in report.cities:
        story += _city(city, sheet)
    buffer = io.BytesIO()
    footer = f"{TITLE} as of {report.as_of}"
    ReportTemplate(buffer, sheet, title=TITLE, footer=footer).build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
