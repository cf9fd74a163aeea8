"""The home summary as plain data (no database library), so the window can show a saved one at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
