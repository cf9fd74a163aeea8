"""The home page: counts by status, follow-ups due and overdue, reviews due, state laws, and evidence per question."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.errors import Stopped, UserError
from ...core.summary.data import EVIDENCE_CHART, OVERSIGHT_CHART, STATUS_CHART, Chart, SummaryCharts
from ..context import AppContext
from ..widgets.charts import BarChart
from ..widgets.colours import in_red
from .base import RecordlessPage

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ...core.db.engine import Database
    from ...core.host.paths import DataLocation
    from ...core.summary.cache import RecordsState
    from ...core.summary.data import DashboardSummary, FollowUp
    from ...core.summary.first_count import Counted
    from ..operations import Changes
    from ..widgets.related import Navigator

log = logging.getLogger(__name__)
THIN_EVIDENCE = 2  # below this many records, a question's answer is called thin
NO_LAW_ACTION = "No partnership needs action under the state-law rules recorded."
# The statuses whose partnerships are due a yearly review (as the summary counts them).
CURRENT_STATUSES = ("active", "proposed", "dormant", "suspended")
LAW_ROWS_LISTED = 10  # the most urgent; the State laws page lists every one
DRAWING = "Drawing the chart…"


@dataclass(frozen=True)
class LawRow:
    """A partnership needing action under a state law, as the home card lists it."""

    partnership_id: int
    partnership: str
    result: str
    result_label: str
    citation: str
    when: str  # "deadline October 1, 2025", "terminated on …", or ""

    @property
    def overdue(self) -> bool:
        return self.result == "overdue"


@dataclass(frozen=True)
class LawsCard:
    rows: list[LawRow]
    note: str  # the sentence saying the rules are a screening aid, not legal advice


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


class _Links(QLabel):
    """Rich text whose links name records as ``kind:id``; clicking one opens it."""

    def __init__(self, navigator: Navigator, accessible: str) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(accessible)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.linkActivated.connect(self._open)
        self._navigator = navigator

    def _open(self, link: str) -> None:
        kind_name, _, record_id = link.partition(":")
        if record_id.isdigit():
            self._navigator.open_record(kind_name, int(record_id))
        else:
            self._navigator.open_record(kind_name, 0)


class DashboardPage(QWidget, RecordlessPage):
    """Refreshed on the worker whenever records change; never reads a table whole."""

    def __init__(self, context: AppContext, navigator: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self.summary: DashboardSummary | None = None
        self.summary_from_saved = False  # the summary shown is the one saved at the last start
        self._summed_from_records = False  # a summary was read through the open records
        self.setAccessibleName("Home")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.title = _heading("Home")
        layout.addWidget(self.title)
        self.subtitle = QLabel("Reading the records…")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(18)
        self.partnerships_box, self.partnerships = self._box("Partnerships by status", navigator)
        self.records_box, self.records = self._box("Records kept", navigator)
        self.follow_ups_box, self.follow_ups = self._box("Follow-ups", navigator)
        self.reviews_box, self.reviews = self._box("Partnerships not reviewed in the last 12 months", navigator)
        grid.addWidget(self.partnerships_box, 0, 0)
        grid.addWidget(self.records_box, 0, 1)
        grid.addWidget(self.follow_ups_box, 1, 0)
        grid.addWidget(self.reviews_box, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addWidget(self._charts_box())

        self.laws_box, self.laws = self._box("State laws: partnerships needing action", navigator)
        self.laws.setText("Screening the partnerships against the state-law rules…")
        self.laws_card: LawsCard | None = None
        layout.addWidget(self.laws_box)
        self.laws_note = QLabel()
        self.laws_note.setWordWrap(True)
        small = self.laws_note.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.laws_note.setFont(small)
        self.laws_note.hide()
        layout.addWidget(self.laws_note)

        self.evidence_box = QGroupBox("Evidence for the open inquiry")
        self.evidence_box.setAccessibleName("Evidence for each question of the open inquiry")
        self.evidence_layout = QGridLayout(self.evidence_box)
        self.evidence_layout.setColumnStretch(1, 1)
        layout.addWidget(self.evidence_box)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        context.ops.changed.connect(self._changed)

    def _charts_box(self) -> QGroupBox:
        box = QGroupBox("At a glance")
        box.setAccessibleName("Charts of the records")
        row = QHBoxLayout(box)
        row.setSpacing(18)
        self.status_chart = BarChart(Chart(STATUS_CHART, note=DRAWING))
        self.oversight_chart = BarChart(Chart(OVERSIGHT_CHART, note=DRAWING))
        self.evidence_chart = BarChart(Chart(EVIDENCE_CHART, note=DRAWING))
        self._charts_stale = False  # the records changed since the charts shown were drawn
        self._charts_drawing = False
        self._saved_charts_current = False  # the charts shown came with the saved summary of these very records
        for chart in (self.status_chart, self.oversight_chart, self.evidence_chart):
            column = QVBoxLayout()
            caption = QLabel(f"<b>{html.escape(chart.chart.title)}</b>")
            caption.setWordWrap(True)
            caption.setBuddy(chart)
            column.addWidget(caption)
            column.addWidget(chart)
            column.addStretch(1)
            row.addLayout(column, 1)
        return box

    def _box(self, title: str, navigator: Navigator) -> tuple[QGroupBox, _Links]:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        layout = QVBoxLayout(box)
        label = _Links(navigator, title)
        layout.addWidget(label)
        layout.addStretch(1)
        return box, label

    def _changed(self, changes: Changes, _initiator: object) -> None:
        self._saved_charts_current = False
        if not changes.wording_only:
            self.refresh()
        else:  # evidence withheld from a draft changes its chart, and nothing else on the page
            self._charts_stale = True
            self.draw_charts()

    def refresh(self, then: Callable[[], object] | None = None) -> None:
        """Sums the records up on the worker; ``then`` runs once the summary is shown, or could not be read."""
        if self._context.db is None:
            if then is not None:
                then()
            return

        def failed(error: BaseException) -> None:
            if not isinstance(error, Stopped):
                self._context.runner.unhandled_error.emit(error)
            if then is not None:
                then()

        def read(summary: DashboardSummary) -> None:
            self._summary_read(summary)
            if then is not None:
                then()

        self._context.ops.query(
            _summary, self._context.location, label="Summing up the records…", on_done=read, on_error=failed
        )

    def _summary_read(self, summary: DashboardSummary) -> None:
        self.summary_from_saved = False
        self._summed_from_records = True
        self.show_summary(summary)
        # The first summary summed after a saved one was shown is of the same records: its charts still hold.
        # Queued once the summary is shown, so the screening never holds up the home page's first paint.
        self._context.ops.query(_laws_card, label="Screening against the state laws…", on_done=self.show_laws)
        self._charts_stale = self._charts_stale or not self._saved_charts_current
        self._saved_charts_current = False
        self.draw_charts()

    def show_laws(self, card: LawsCard) -> None:
        self.laws_card = card
        self.laws_note.setText(card.note)
        self.laws_note.show()
        if not card.rows:
            self.laws.setText(NO_LAW_ACTION)
            return
        count = len(card.rows)
        lines = [f"<b>{count:,}</b> {'screening needs' if count == 1 else 'screenings need'} action:"]
        # Plain lines, not a rich-text table: a wrapping label measures the height of lines correctly.
        for row in card.rows[:LAW_ROWS_LISTED]:
            said = " · ".join(html.escape(part) for part in (row.result_label, row.citation, row.when) if part)
            link = f'<a href="partnership:{row.partnership_id}">{html.escape(row.partnership)}</a>'
            lines.append(f"{link}: {in_red(said) if row.overdue else said}")
        if count > LAW_ROWS_LISTED:
            lines.append(f"… and {count - LAW_ROWS_LISTED:,} more, listed on the State laws page.")
        self.laws.setText("<br>".join(lines))

    def show_first_summary(self) -> None:
        """Before the records are open: shows the summary saved at the last start when the records have not changed
        since (checked exactly), else has the figures counted afresh before the opening, without the database layer.
        """
        from ...core.summary.cache import saved_summary

        summary = saved_summary(self._context.location)
        if summary is not None:
            self.show_summary(summary)
            self.summary_from_saved = True
            self._saved_charts_current = summary.charts is not None
            return
        # On the records worker, ahead of the opening queued next: counting takes a fraction of the time loading the
        # database layer takes, and the two contend for the processor when run side by side.
        self._context.runner.run(
            functools.partial(_first_count, self._context.location, self._context.first_count),
            label="Counting the records…",
            on_done=self._first_counted,
            on_error=self._first_count_failed,
        )

    def _first_counted(self, summary: DashboardSummary | None) -> None:
        if summary is not None and not self._summed_from_records:  # else the records' own summary is newer
            self.show_summary(summary)

    def _first_count_failed(self, error: BaseException) -> None:
        # The records are summed up once open all the same, and opening them reports what is wrong with them.
        log.warning("The home summary could not be counted before the records were opened: %s", error)

    # --- the charts: drawn on their own, only while the page is in sight --------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.draw_charts()

    def draw_charts(self) -> None:
        """Draws the charts afresh when the records changed since, one drawing at a time, while the page is seen."""
        if not self._charts_stale or self._charts_drawing or not self.isVisible() or self._context.db is None:
            return
        self._charts_stale = False
        self._charts_drawing = True
        self._context.ops.query(
            _charts,
            self._context.location,
            label="Drawing the charts…",
            on_done=self._charts_drawn,
            on_error=self._charts_failed,
        )

    def _charts_drawn(self, charts: SummaryCharts) -> None:
        self._charts_drawing = False
        self.show_charts(charts)
        self.draw_charts()  # again, when the records changed meanwhile

    def _charts_failed(self, error: BaseException) -> None:
        self._charts_drawing = False
        self._context.runner.unhandled_error.emit(error)

    def show_charts(self, charts: SummaryCharts) -> None:
        self.status_chart.set_chart(charts.status_by_year)
        self.oversight_chart.set_chart(charts.oversight_by_topic)
        self.evidence_chart.set_chart(charts.evidence_by_question)

    # --- showing --------------------------------------------------------------------------------------------

    def show_summary(self, summary: DashboardSummary) -> None:
        self.summary = summary
        self.subtitle.setText(f"The records as of {summary.as_of:%A %d %B %Y}.")
        self.partnerships.setText(self._partnership_text(summary))
        counts = summary.record_counts
        labels = (
            ("agreements", "agreement"),
            ("activities", "activity"),
            ("participants", "participant"),
            ("policies", "policy"),
            ("oversight", "oversight action"),
            ("inquiries", "inquiry"),
            ("responses", "response"),
            ("attachments", "stored file"),
        )
        lines = [f"{counts.get(key, 0):,} {_plural(counts.get(key, 0), singular)}" for key, singular in labels]
        self.records.setText("<br>".join(lines))
        self.follow_ups.setText(self._follow_up_text(summary))
        self.reviews.setText(self._review_text(summary))
        self._show_evidence(summary)
        if summary.charts is not None:
            self.show_charts(summary.charts)

    def _partnership_text(self, summary: DashboardSummary) -> str:
        counts = summary.partnership_status_counts
        total = sum(counts.values())
        if not total:
            return (
                "No partnerships are recorded yet. Use <b>New partnership</b> on the Partnerships page, "
                "or load your city's from the public list on the first run."
            )
        lines = [f"<b>{total:,}</b> {_plural(total, 'partnership')}"]
        for value, label in vocab.PARTNERSHIP_STATUSES.items():
            if counts.get(value):
                lines.append(f"{label}: {counts[value]:,}")
        if summary.unconfirmed_partnerships:
            lines.append(
                f"<i>{summary.unconfirmed_partnerships:,} not yet confirmed against the city's own records</i>"
            )
        return "<br>".join(lines)

    def _follow_up_text(self, summary: DashboardSummary) -> str:
        if not summary.overdue_count and not summary.due_soon_count:
            return "No follow-up is due in the next 30 days, and none is overdue."
        parts = []
        if summary.overdue_count:
            parts.append(f"<b>{summary.overdue_count:,} overdue</b>")
            parts += [_follow_up_line(item) for item in summary.overdue]
        if summary.due_soon_count:
            parts.append(f"<b>{summary.due_soon_count:,} due in the next 30 days</b>")
            parts += [_follow_up_line(item) for item in summary.due_soon]
        return "<br>".join(parts)

    def _review_text(self, summary: DashboardSummary) -> str:
        current = sum(summary.partnership_status_counts.get(status, 0) for status in CURRENT_STATUSES)
        if not summary.unreviewed_count:
            if not current:
                return "No partnership has a review on record."
            return "Every current partnership has had a review in the last 12 months."
        lines = [f"<b>{summary.unreviewed_count:,}</b> {_plural(summary.unreviewed_count, 'partnership')} to review:"]
        never = all(item.last_review_on is None for item in summary.unreviewed)
        if never and summary.unreviewed_count == current == len(summary.unreviewed):
            lines.insert(0, "No partnership has a review on record.")
        for item in summary.unreviewed:
            when = f"last reviewed {item.last_review_on.isoformat()}" if item.last_review_on else "never reviewed"
            lines.append(f'<a href="partnership:{item.partnership_id}">{html.escape(item.name)}</a> ({when})')
        if summary.unreviewed_count > len(summary.unreviewed):
            lines.append(f"…and {summary.unreviewed_count - len(summary.unreviewed):,} more")
        return "<br>".join(lines)

    def _show_evidence(self, summary: DashboardSummary) -> None:
        while self.evidence_layout.count():
            item = self.evidence_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if summary.inquiry_id is None:
            self.evidence_layout.addWidget(QLabel("No inquiry is waiting for an answer."), 0, 0)
            return
        self.evidence_box.setTitle(f"Evidence for the open inquiry: {summary.inquiry_subject}")
        most = max((question.total for question in summary.questions), default=0)
        for row, question in enumerate(summary.questions):
            name = QLabel(f"{question.position}. {question.short_title}")
            name.setToolTip(", ".join(question.topic_labels))
            bar = QProgressBar()
            bar.setRange(0, max(most, THIN_EVIDENCE, 1))
            bar.setValue(question.total)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"Evidence for question {question.position}")
            detail = QLabel(_evidence_words(question.policies, question.oversight_actions, question.agreements))
            thin = QLabel("<b>Thin: add evidence</b>" if question.total < THIN_EVIDENCE else "")
            self.evidence_layout.addWidget(name, row, 0)
            self.evidence_layout.addWidget(bar, row, 1)
            self.evidence_layout.addWidget(detail, row, 2)
            self.evidence_layout.addWidget(thin, row, 3)


def _summary(db: Database, location: DataLocation) -> DashboardSummary:
    # Imported on the worker, so the window is shown before the database layer is loaded.
    from ...core.summary.compute import summary_and_state

    summary, state = summary_and_state(db)
    if state is not None:
        _save_for_next_start(location, summary, state)
    return summary


def _first_count(location: DataLocation, started: Future[Counted] | None, _control: object) -> DashboardSummary | None:
    """The figures counted before the records are opened (begun at the start when ``started``), saved for the next
    start as the open records' are."""
    from ...core.summary.first_count import count_before_opening

    counted = started.result() if started is not None else count_before_opening(location)
    if counted is None:
        return None
    summary, state = counted
    if state is not None:
        _save_for_next_start(location, summary, state)
    return summary


def _save_for_next_start(location: DataLocation, summary: DashboardSummary, state: RecordsState) -> None:
    from ...core.summary.cache import save_summary

    try:
        save_summary(location, summary, state)
    except (OSError, UserError) as error:
        # The saved copy only speeds up the next start: the summary is shown all the same.
        log.warning("The home summary could not be saved for the next start: %s", error)


def _charts(db: Database, location: DataLocation) -> SummaryCharts:
    from ...core.summary.cache import save_charts
    from ...core.summary.compute import charts_and_state

    charts, state = charts_and_state(db)
    if state is not None:
        try:
            save_charts(location, charts, state)
        except (OSError, UserError) as error:
            log.warning("The home charts could not be saved for the next start: %s", error)
    return charts


def _laws_card(db: Database) -> LawsCard:
    from ...core.laws.rules import NOT_LEGAL_ADVICE
    from ...core.laws.screening import needing_action, screen
    from ...core.reports.dates import long_date

    rows = []
    for screening in needing_action(screen(db)):
        if screening.result == "evidence_missing" and screening.terminated_on:
            when = f"terminated on {long_date(screening.terminated_on)}"
        elif screening.deadline:
            when = f"{'was due' if screening.result == 'overdue' else 'deadline'} {long_date(screening.deadline)}"
        else:
            when = ""
        rows.append(
            LawRow(
                screening.partnership_id,
                screening.partnership,
                screening.result,
                screening.result_label,
                screening.citation,
                when,
            )
        )
    return LawsCard(rows, NOT_LEGAL_ADVICE)


def _plural(count: int, singular: str) -> str:
    if count == 1:
        return singular
    if singular.endswith("y") and not singular.endswith("ey"):
        return singular[:-1] + "ies"
    return singular + "s"


def _evidence_words(policies: int, oversight: int, agreements: int) -> str:
    return (
        f"{policies} {_plural(policies, 'policy')}, {oversight} oversight {_plural(oversight, 'action')}, "
        f"{agreements} {_plural(agreements, 'agreement')}"
    )


def _follow_up_line(item: FollowUp) -> str:
    return (
        f'<a href="oversight:{item.oversight_id}">{html.escape(item.kind_label)}</a> due '
        f"{item.due_on.isoformat()} – {html.escape(item.partnership)}"
    )
