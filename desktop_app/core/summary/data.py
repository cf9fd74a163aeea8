"""The home summary as plain data (no database library), so the window can show a saved one at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

STATUS_CHART = "Partnerships by status over the years"
OVERSIGHT_CHART = "Topics of oversight actions per year (an action counts under each of its topics)"
EVIDENCE_CHART = "Evidence per question of the open inquiry"


@dataclass(frozen=True)
class FollowUp:
    """An oversight action whose follow-up is due."""

    oversight_id: int
    kind_label: str
    due_on: dt.date
    partnership: str


@dataclass(frozen=True)
class UnreviewedPartnership:
    """A partnership with no review in the last twelve months."""

    partnership_id: int
    name: str
    last_review_on: dt.date | None


@dataclass(frozen=True)
class QuestionEvidence:
    """How many records hold evidence for one question of an inquiry."""

    position: int
    short_title: str
    topic_labels: tuple[str, ...]
    policies: int
    oversight_actions: int
    agreements: int

    @property
    def total(self) -> int:
        return self.policies + self.oversight_actions + self.agreements


@dataclass(frozen=True)
class ChartGroup:
    """One bar of a chart: its label (a year, a question) and one count per part of the stack."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Chart:
    """A small stacked bar chart's numbers: the parts' labels in stacking order, and the bars in reading order."""

    title: str
    series: tuple[str, ...] = ()
    groups: tuple[ChartGroup, ...] = ()
    note: str = ""  # shown when there is nothing to draw, or said under the chart

    @property
    def empty(self) -> bool:
        return not any(group.total for group in self.groups)


@dataclass(frozen=True)
class SummaryCharts:
    """The home page's three small charts."""

    status_by_year: Chart
    oversight_by_topic: Chart
    evidence_by_question: Chart

    def __iter__(self) -> Iterator[Chart]:
        return iter((self.status_by_year, self.oversight_by_topic, self.evidence_by_question))


@dataclass(frozen=True)
class DashboardSummary:
    """Everything on the home page, as plain data."""

    as_of: dt.date
    partnership_status_counts: dict[str, int]
    record_counts: dict[str, int]
    unconfirmed_partnerships: int
    overdue_count: int
    due_soon_count: int
    overdue: tuple[FollowUp, ...]
    due_soon: tuple[FollowUp, ...]
    unreviewed_count: int
    unreviewed: tuple[UnreviewedPartnership, ...]
    inquiry_id: int | None = None
    inquiry_subject: str = ""
    questions: tuple[QuestionEvidence, ...] = field(default=())
    charts: SummaryCharts | None = None  # drawn after the rest is shown: None until then
