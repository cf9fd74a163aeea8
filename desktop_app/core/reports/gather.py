"""The letter's first step: one read of the home jurisdiction's records and of the response, as of its date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..errors import UserError
from ..files.names import display_name
from ..files.store import iter_content
from ..laws.rules import LawRule, rules_in
from ..laws.screening import Screening, screen_in
from ..records.parties import home_jurisdiction_in
from . import oversight
from .dates import date_style_in


@dataclass(frozen=True)
class ParticipantRow:
    """What the letter may count of a participant: never the name."""

    activity_id: int
    visa_category: str
    program_sponsor: str
    vetting_steps: str


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    title: str
    file_name: str
    size: int
    sha256: str


@dataclass
class Gathered:
    """Everything the letter rests on, read once."""

    home: models.Jurisdiction
    inquiry: models.Inquiry
    response: models.Response
    letter_date: dt.date
    date_style: str
    partnerships: list[models.Partnership]
    agreements: list[models.Agreement]
    policies: list[models.Policy]
    activities: list[models.Activity]
    participants: list[ParticipantRow]
    oversight: oversight.Overview
    overdue_actions: list[tuple[int, str]]  # (id, topics) of planned or open actions due before the letter's date
    status_since: dict[int, models.StatusChange]  # each partnership's latest recorded change of status
    links: dict[str, dict[int, tuple[int, ...]]]  # record kind -> record id -> attachment ids, current versions
    attachments: dict[int, AttachmentRow]
    withheld: frozenset[str]  # "kind:id" references the clerk withholds from the letter
    superseded: models.Response | None  # the issued letter this one replaces, if any
    logo: bytes | None
    # The home jurisdiction's partnerships screened against its state's rules as of the letter's date, and those rules.
    state_law: tuple[Screening, ...] = ()
    law_rules: dict[str, LawRule] = field(default_factory=dict)

    @cached_property
    def partnership_by_id(self) -> dict[int, models.Partnership]:
        return {partnership.id: partnership for partnership in self.partnerships}

    def withheld_ids(self, kind: str) -> set[int]:
        """The numbers of the records of one kind the clerk withholds ("oversight:12" gives 12)."""
        prefix = f"{kind}:"
        return {
            int(ref[len(prefix) :]) for ref in self.withheld if ref.startswith(prefix) and ref[len(prefix) :].isdigit()
        }

    @cached_property
    def agreement_by_id(self) -> dict[int, models.Agreement]:
        return {agreement.id: agreement for agreement in self.agreements}

    @cached_property
    def activity_by_id(self) -> dict[int, models.Activity]:
        return {activity.id: activity for activity in self.activities}


def require_home(session: Session) -> models.Jurisdiction:
    home = home_jurisdiction_in(session)
    if home is None:
        raise UserError(
            "The letter needs the city or county it comes from. Set it with the command "
            'home "NAME, ST" (for example home "Kansas City, MO"), or load a city\'s sample data with '
            'sample-data --city "NAME, ST", which also sets it.'
        )
    return home


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts 'District 2' before 'District 10'."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)


def letter_date_of(response: models.Response, today: dt.date) -> dt.date:
    return response.letter_date or today


def withheld_refs(response: models.Response) -> frozenset[str]:
    return frozenset(vocab.split_words(response.withheld_evidence))


def gather(session: Session, response: models.Response, today: dt.date) -> Gathered:
    """The records of the home jurisdiction that a letter may speak of, as plain rows and records."""
    home = require_home(session)
    inquiry = session.get(models.Inquiry, response.inquiry_id)
    if inquiry is None:
        raise UserError(f"There is no inquiry with number {response.inquiry_id}.")
    letter_date = letter_date_of(response, today)
    partnerships = sorted(
        session.scalars(
            select(models.Partnership).where(
                models.Partnership.jurisdiction_id == home.id, models.Partnership.deleted_at.is_(None)
            )
        ),
        key=lambda p: (natural_key(p.partner.name), p.kind, p.id),
    )
    ids = [p.id for p in partnerships]
    order = {pid: index for index, pid in enumerate(ids)}
    # No ORDER BY in these selects: SQLite would then read the table in that order rather than by partnership.
    agreements = list(
        session.scalars(
            select(models.Agreement).where(
                models.Agreement.partnership_id.in_(ids), models.Agreement.deleted_at.is_(None)
            )
        )
    )
    agreements.sort(key=lambda a: (order[a.partnership_id], a.signed_on or dt.date.min, a.id))
    policies = list(session.scalars(select(models.Policy).where(models.Policy.deleted_at.is_(None))))
    policies.sort(key=lambda p: (p.adopted_on or dt.date.min, p.id))
    activities = sorted(
        session.scalars(
            select(models.Activity).where(models.Activity.partnership_id.in_(ids), models.Activity.deleted_at.is_(None))
        ),
        key=lambda a: (a.starts_on is None, a.starts_on or dt.date.min, a.id),
    )
    activity_ids = [a.id for a in activities]
    participants = [
        ParticipantRow(*row)
        for row in session.execute(
            select(
                models.Participant.activity_id,
                models.Participant.visa_category,
                models.Participant.program_sponsor,
                models.Participant.vetting_steps,
            ).where(models.Participant.activity_id.in_(activity_ids), models.Participant.deleted_at.is_(None))
        )
    ]
    status_since: dict[int, models.StatusChange] = {}
    for change in session.scalars(
        select(models.StatusChange)
        .where(models.StatusChange.partnership_id.in_(ids), models.StatusChange.from_status.is_not(None))
        .order_by(models.StatusChange.changed_on, models.StatusChange.id)
    ):
        status_since[change.partnership_id] = change
    overview = oversight.overview(session, ids)
    links = {
        "partnership": links_in(session, "partnership", ids),
        "agreement": links_in(session, "agreement", [a.id for a in agreements]),
        "policy": links_in(session, "policy", [p.id for p in policies]),
        "activity": links_in(session, "activity", activity_ids),
    }
    _add_status_evidence(session, status_since, links["partnership"])
    state_law = _state_law(session, letter_date, home, ids)
    _add_termination_evidence(session, state_law, links["partnership"])
    superseded = session.get(models.Response, response.supersedes_id) if response.supersedes_id else None
    return Gathered(
        home=home,
        inquiry=inquiry,
        response=response,
        letter_date=letter_date,
        date_style=date_style_in(session),
        partnerships=partnerships,
        agreements=agreements,
        policies=policies,
        activities=activities,
        participants=participants,
        oversight=overview,
        overdue_actions=oversight.overdue(session, overview, letter_date),
        status_since=status_since,
        links=links,
        attachments={},
        withheld=withheld_refs(response),
        superseded=superseded,
        logo=_logo(session, home),
        state_law=state_law,
        law_rules={rule.id: rule for rule in rules_in(session) if any(s.rule_id == rule.id for s in state_law)}
        if state_law
        else {},
    )


def read_attachments(session: Session, gathered: Gathered, ids: Sequence[int]) -> None:
    """Reads the enclosures' descriptions once the letter knows which it encloses."""
    wanted = [attachment_id for attachment_id in ids if attachment_id not in gathered.attachments]
    if not wanted:
        return
    for row in session.execute(
        select(
            models.Attachment.id,
            models.Attachment.title,
            models.Attachment.original_name,
            models.Attachment.size,
            models.Attachment.sha256,
        ).where(models.Attachment.id.in_(wanted))
    ):
        # As printed: a right-to-left override in a name must not reorder the letter's text around it.
        gathered.attachments[row[0]] = AttachmentRow(
            row[0], display_name(row[1] or row[2]), display_name(row[2]), row[3], row[4]
        )


def links_in(session: Session, kind: str, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """Attachment ids linked to each record, current versions only, in order."""
    if not ids:
        return {}
    rows = session.execute(
        select(models.AttachmentLink.record_id, models.Attachment.id)
        .join(models.Attachment, models.Attachment.id == models.AttachmentLink.attachment_id)
        .where(
            models.AttachmentLink.record_kind == kind,
            models.AttachmentLink.record_id.in_(list(ids)),
            models.Attachment.deleted_at.is_(None),
            models.Attachment.superseded_by_id.is_(None),
        )
        .order_by(models.AttachmentLink.record_id, models.Attachment.id)
    )
    found: dict[int, list[int]] = {}
    for record_id, attachment_id in rows:
        if attachment_id not in found.setdefault(record_id, []):
            found[record_id].append(attachment_id)
    return {key: tuple(value) for key, value in found.items()}


def _add_status_evidence(
    session: Session, status_since: dict[int, models.StatusChange], partnership_links: dict[int, tuple[int, ...]]
) -> None:
    """A status change's evidence is enclosed with its partnership."""
    for partnership_id, change in status_since.items():
        evidence = change.evidence_attachment_id
        if evidence is not None and evidence not in partnership_links.get(partnership_id, ()):
            attachment = session.get(models.Attachment, evidence)
            if attachment is not None and not attachment.deleted_at:
                partnership_links[partnership_id] = (*partnership_links.get(partnership_id, ()), evidence)


def _state_law(
    session: Session, letter_date: dt.date, home: models.Jurisdiction, ids: Sequence[int]
) -> tuple[Screening, ...]:
    """The home jurisdiction's partnerships that a state-law rule reaches on the letter's date, as screened."""
    wanted = set(ids)
    if not wanted:
        return ()
    # Only the home jurisdiction's are screened: the records may hold tens of thousands of others.
    screened = screen_in(session, letter_date, jurisdiction_id=home.id)
    return tuple(s for s in screened if s.partnership_id in wanted and s.reached)


def _add_termination_evidence(
    session: Session, screenings: Sequence[Screening], partnership_links: dict[int, tuple[int, ...]]
) -> None:
    """The evidence of each step of a termination under a state law is enclosed with its partnership."""
    for screening in screenings:
        for step in screening.evidence:
            evidence = step.attachment_id
            linked = partnership_links.get(screening.partnership_id, ())
            if evidence is None or evidence in linked:
                continue
            attachment = session.get(models.Attachment, evidence)
            if attachment is not None and not attachment.deleted_at:
                partnership_links[screening.partnership_id] = (*linked, evidence)


def _logo(session: Session, home: models.Jurisdiction) -> bytes | None:
    if home.logo_attachment_id is None:
        return None
    attachment = session.get(models.Attachment, home.logo_attachment_id)
    if attachment is None or attachment.deleted_at:
        return None
    return b"".join(iter_content(session, attachment.sha256))


def participant_names_in(session: Session) -> list[str]:
    """Every recorded participant's name, trash included: read only to keep names out of an issued letter."""
    return [name for (name,) in session.execute(select(models.Participant.name)) if name and name.strip()]
