"""Lays the state-law compliance report out with ReportLab Platypus: rules, then partnerships, "Page N of M"."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Spacer,
    Table,
    TableStyle,
)

from .. import vocab
from ..reports.dates import short_date
from ..reports.facts import step_words
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
from ..reports.wording import join_words, plural, state_name
from .rules import NOT_LEGAL_ADVICE, LawRule
from .steps import STEPS

if TYPE_CHECKING:  # the report imports this module when it writes a PDF
    from .report import ComplianceReport, Finding, PartnershipSection, RuleSection

TITLE = "State-law compliance report"
NOTICE_FILL = colors.HexColor("#fff4e0")
NOTICE_EDGE = colors.HexColor("#b36b00")
# The evidence table's columns, as fractions of the text width: step, date, file, number, fingerprint.
EVIDENCE_WIDTHS = (0.25, 0.14, 0.27, 0.06, 0.28)
CELL_PADDING = 4
STEP_OF = {label: step for step, label in STEPS.items()}


def _sheet() -> StyleSheet1:
    sheet = style_sheet()
    base = sheet["Body"]
    sheet.add(ParagraphStyle("ReportTitle", parent=base, fontName=SERIF_BOLD, fontSize=18, leading=22, spaceAfter=4))
    sheet.add(ParagraphStyle("ReportPlace", parent=base, fontSize=12, leading=15, spaceAfter=2))
    sheet.add(ParagraphStyle("Notice", parent=base, fontName=SERIF_BOLD, fontSize=10, leading=13.5, spaceAfter=0))
    sheet.add(
        ParagraphStyle(
            "Section", parent=base, fontName=SERIF_BOLD, fontSize=13.5, leading=17, spaceBefore=14, keepWithNext=1
        )
    )
    sheet.add(
        ParagraphStyle("Item", parent=base, fontName=SERIF_BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4)
    )
    return sheet


def _cell(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A wrapped cell, each line of the text on its own line (a web address too)."""
    room = width - 2 * CELL_PADDING
    lines = [cell_markup(line, room, style.fontName, style.fontSize) for line in text.split("\n")]
    return Paragraph("<br/>".join(lines), style)


def _grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], sheet: StyleSheet1, *, header: bool = False) -> Table:
    """A table of wrapped cells; text cells are plain text, others flowables already made."""
    columns = [TEXT_WIDTH * width for width in widths]
    data: list[list[Any]] = []
    for index, row in enumerate(rows):
        style = sheet["HeaderCell"] if header and index == 0 else sheet["Cell"]
        data.append(
            [_cell(value, style, columns[c]) if isinstance(value, str) else value for c, value in enumerate(row)]
        )
    table = Table(data, colWidths=columns, repeatRows=1 if header else 0, splitByRow=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE)]
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), HEADER_FILL))
    table.setStyle(TableStyle(commands))
    return table


def _fingerprint(sha256: str, sheet: StyleSheet1) -> Paragraph:
    """The full fingerprint in equal groups, as long as fit on a line of the cell, one group a line."""
    style = sheet["Fingerprint"]
    room = TEXT_WIDTH * EVIDENCE_WIDTHS[-1] - 2 * CELL_PADDING
    size = next((n for n in (64, 32, 16, 8) if stringWidth(sha256[:n], style.fontName, style.fontSize) <= room), 4)
    groups = [sha256[start : start + size] for start in range(0, len(sha256), size)] or ["–"]
    return Paragraph("<br/>".join(markup(group) for group in groups), style)


def _front(report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph(TITLE, sheet["ReportTitle"])]
    if report.place:
        flow.append(Paragraph(markup(report.place), sheet["ReportPlace"]))
    else:
        flow.append(Paragraph("Every partnership in these records (no home jurisdiction is set)", sheet["ReportPlace"]))
    flow.append(Paragraph(f"As of {markup(report.date(report.as_of))}", sheet["ReportPlace"]))
    flow.append(Spacer(1, 8))
    notice = Table([[Paragraph(markup(NOT_LEGAL_ADVICE), sheet["Notice"])]], colWidths=[TEXT_WIDTH], hAlign="LEFT")
    notice.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NOTICE_FILL),
                ("BOX", (0, 0), (-1, -1), 1, NOTICE_EDGE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    flow += [notice, Spacer(1, 6)]
    flow.append(
        Paragraph(
            "Each partnership is screened against the rules recorded for its state, from the records alone. The "
            "rules are not a complete list of state laws: a partnership no rule reaches is counted, not listed.",
            sheet["Note"],
        )
    )
    return flow


def _summary(report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    rows = [
        ("Partnerships screened", f"{report.screened:,}"),
        ("Reached by a rule", f"{report.reached:,}"),
        ("Needing action", f"{report.needing_action:,}"),
        ("Overdue", f"{report.overdue:,}"),
        ("Complied", f"{report.complied:,}"),
        ("Reached by no rule (counted, not listed)", f"{report.screened - report.reached:,}"),
    ]
    flow: list[Flowable] = [Paragraph("Summary", sheet["Section"]), _grid(rows, (0.5, 0.15), sheet)]
    if not report.reached:
        flow += [Spacer(1, 6), Paragraph(_no_partnership_reached(report), sheet["Body"])]
    return flow


def _no_partnership_reached(report: ComplianceReport) -> str:
    if report.screened == 0:
        return f"The records hold no partnership to screen as of {report.date(report.as_of)}."
    where = f" of {markup(report.place)}" if report.place else ""
    return f"No partnership{where} is reached by a state-law rule recorded here as of {report.date(report.as_of)}."


def _rule_rows(section: RuleSection, report: ComplianceReport) -> list[tuple[str, str]]:
    rule = section.rule
    countries = join_words([country.name for country in rule.countries])
    dates = [
        f"{label}: {report.date(value)}"
        for label, value in (
            ("Enacted", rule.enacted),
            ("Takes effect", rule.effective),
            ("Deadline", rule.deadline),
            ("Expires", rule.expires),
        )
        if value
    ]
    verified = "Verified" if rule.verified else "Not verified"
    origin = "Shipped with the program" if rule.origin == "shipped" else "Added or corrected by a clerk"
    if rule.supersedes:
        origin += f" (replaces {rule.supersedes})"
    sources = "\n".join(f"{source.title}\n{source.url}" if source.url else source.title for source in rule.sources)
    kinds = join_words([vocab.label(vocab.PARTNERSHIP_KINDS, kind).lower() for kind in rule.reaches])
    binds = join_words([vocab.label(vocab.JURISDICTION_KINDS, kind).lower() for kind in rule.binds])
    rows = [
        ("State", state_name(rule.state)),
        ("Title", rule.title),
        ("What it requires", _sentence("; ".join(rule.requirements)) + "\n" + rule.summary),
        ("Whom it binds", _sentence(binds, "") + (f"\nEnacted by {rule.enacted_by}" if rule.enacted_by else "")),
        ("What it reaches", _sentence(kinds, "") + (f"\n{rule.reaches_note}" if rule.reaches_note else "")),
        (
            "Countries listed",
            f"{countries}\n{rule.countries_source}\nList as of {report.date(rule.countries_as_of)}"
            + ("" if rule.countries_verified else ", not verified")
            + (f"\n{rule.countries_note}" if rule.countries_note else ""),
        ),
        ("Dates", "\n".join(dates) or "None recorded"),
        ("Verified", f"{verified}; checked on {report.date(rule.checked_on)}\n{origin}"),
        ("Sources", sources or "None recorded"),
    ]
    if rule.uncertain:
        rows.append(("Uncertain", "\n".join(rule.uncertain)))
    rows.append(("Partnerships reached", f"{section.reached:,}"))
    return rows


def _sentence(text: str, end: str = ".") -> str:
    return text[:1].upper() + text[1:] + end if text else ""


def _rules(report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("Rules that reach a partnership", sheet["Section"])]
    if not report.rules:
        flow.append(Paragraph("No rule reaches a partnership covered by this report.", sheet["Body"]))
    for section in report.rules:
        heading = Paragraph(markup(section.rule.citation), sheet["Item"])
        flow += [CondPageBreak(1.6 * 72), heading, _grid(_rule_rows(section, report), (0.22, 0.78), sheet)]
    if report.home_state:
        flow += [
            Spacer(1, 8),
            Paragraph(_idle_line(report.home_state, report.idle_rules, bool(report.rules)), sheet["Body"]),
        ]
    return flow


def _idle_line(state: str, idle: Sequence[LawRule], any_reached: bool) -> str:
    name = markup(state_name(state))
    if not idle:
        if any_reached:
            return f"Every rule recorded for {name} reaches at least one partnership."
        return f"No state-law rule is recorded for {name}."
    listed = join_words([f"{markup(rule.citation)} ({markup(rule.title)})" for rule in idle])
    return f"Rules of {name} that reach none of these partnerships: {listed}."


def _partnership(section: PartnershipSection, report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    flow: list[Flowable] = [
        CondPageBreak(1.8 * 72),
        Paragraph(f"Partnership {section.partnership_id}: {markup(section.label)}", sheet["Item"]),
        *([Paragraph(markup(section.native), sheet["Body"])] if section.native else []),
    ]
    for finding in section.findings:
        flow += _finding(finding, report, sheet)
    return flow


def _finding(finding: Finding, report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    screening = finding.screening
    result = Paragraph(f"<b>{markup(screening.result_label)}</b>", sheet["Cell"])
    rows: list[tuple[str, Any]] = [
        ("Rule", screening.citation),
        ("Result", result),
        ("Reason", screening.reason),
        ("Deadline", report.date(screening.deadline)),
        ("Terminated on", report.date(screening.terminated_on)),
    ]
    flow: list[Flowable] = [_grid(rows, (0.22, 0.78), sheet), Spacer(1, 6)]
    if not finding.terminate_existing:
        return [*flow, Spacer(1, 4)]
    if finding.steps:
        header = ("Step", "Date", "File", "No.", "SHA-256 fingerprint")
        evidence: list[Sequence[Any]] = [header]
        for step in finding.steps:
            evidence.append(
                (
                    step.label,
                    short_date(step.done_on, report.date_style),
                    step.file_name or "No file",
                    str(step.attachment_id) if step.attachment_id is not None else "–",
                    _fingerprint(step.sha256, sheet) if step.sha256 else "–",
                )
            )
        flow += [
            CondPageBreak(1.3 * 72),
            Paragraph("Evidence on record", sheet["EvidenceHeading"]),
            _grid(evidence, EVIDENCE_WIDTHS, sheet, header=True),
        ]
    else:
        flow.append(Paragraph("No step of a termination is recorded.", sheet["Cell"]))
    if finding.missing:
        said = join_words([step_words(STEP_OF.get(label, ""), label) for label in finding.missing], "or")
        flow.append(Spacer(1, 4))
        flow.append(Paragraph(f"<b>Missing:</b> no evidence file of {markup(said)}.", sheet["Cell"]))
    elif finding.steps:
        flow.append(Spacer(1, 4))
        flow.append(Paragraph("Every required step has its evidence file.", sheet["Cell"]))
    return [*flow, Spacer(1, 8)]


def _story(report: ComplianceReport, sheet: StyleSheet1) -> list[Flowable]:
    story = _front(report, sheet) + _summary(report, sheet) + _rules(report, sheet)
    if report.partnerships:
        story.append(Paragraph("Partnerships reached", sheet["Section"]))
        count = plural(len(report.partnerships), "partnership")
        story.append(
            Paragraph(
                f"{count}, those needing action first, each with what every rule that reaches it says.", sheet["Note"]
            )
        )
        for section in report.partnerships:
            story += _partnership(section, report, sheet)
    return story


def render_report(report: ComplianceReport) -> bytes:
    """The report as PDF bytes; the same report gives the same bytes (ReportLab's invariant mode)."""
    sheet = _sheet()
    buffer = io.BytesIO()
    place = f"{report.place} · " if report.place else ""
    footer = f"{place}{TITLE} as of {report.date(report.as_of)}"
    template = ReportTemplate(buffer, sheet, title=TITLE, footer=footer, author=report.author)
    template.build(_story(report, sheet), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
