"""What a letter says, gathered from the records as plain data: named values, evidence per question, enclosures."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..errors import UserError
from ..files.store import iter_content
from ..records.parties import home_jurisdiction_in
from . import named_values, oversight
from .narratives import default_closing, default_introduction

CLAUSE_TOPICS = ("free_expression", "espionage", "economic_coercion")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: dt.date | None) -> str:
    """'28 November 2026'."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def short_date(value: dt.date | None) -> str:
    """'28 Nov 2026', for tables."""
    return f"{value.day} {MONTHS[value.month - 1][:3]} {value.year}" if value else "–"


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence the clerk can leave out: a record, or one table of counts."""

    ref: str  # stable "kind:id", as kept in ResponseAnswer.excluded_evidence
    description: str  # one line, for the window's checklist
    rows: tuple[tuple[str, ...], ...]  # its row(s) in the letter's table
    attachment_ids: tuple[int, ...] = ()
    excluded: bool = False
    on: dt.date | None = None  # its date, for choosing the most recent when a section is summarised
    facets: tuple[tuple[str, str], ...] = ()  # (what, value) pairs a summarised section counts, e.g. ("Status", "Open")


# A section with more items than this is summarised: counts of all its items and only the most recent listed.
LIST_IN_FULL_UP_TO = 60
MOST_RECENT_LISTED = 40


@dataclass(frozen=True)
class Section:
    """A table of evidence under an answer."""

    key: str
    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]  # fractions of the text width
    items: tuple[EvidenceItem, ...]
    what: str  # what it lists, as in "The City's records hold no {what} ..."
    # Counts taken in the database; when given, items are only those the letter lists, none left out.
    tally: oversight.Tally | None = None

    @cached_property
    def shown(self) -> tuple[EvidenceItem, ...]:
        """The items at hand the clerk has not left out (of a tallied section: the listed ones)."""
        return tuple(item for item in self.items if not item.excluded)

    @property
    def held_count(self) -> int:
        """How many items the records hold, those left out included."""
        return self.tally.held if self.tally else len(self.items)

    @property
    def shown_count(self) -> int:
        """How many items the letter speaks of: all those not left out, listed or only counted."""
        return self.tally.shown if self.tally else len(self.shown)

    @property
    def summarised(self) -> bool:
        """True when the section has too many items to list them all in a letter."""
        return self.shown_count > LIST_IN_FULL_UP_TO

    @cached_property
    def listed(self) -> tuple[EvidenceItem, ...]:
        """The items the letter lists: all of them, or the most recent ones of a summarised section, in order."""
        shown = self.shown
        if self.tally or not self.summarised:
            return shown
        by_date = sorted(range(len(shown)), key=lambda index: (shown[index].on or dt.date.min, index))
        keep = set(by_date[-MOST_RECENT_LISTED:])
        return tuple(item for index, item in enumerate(shown) if index in keep)

    @cached_property
    def facet_counts(self) -> tuple[tuple[str, str, int], ...]:
        """(what, value, number of items) over every shown item, by what in order of appearance, most first."""
        if self.tally:
            return self.tally.facet_counts
        counts: Counter[tuple[str, str]] = Counter(facet for item in self.shown for facet in item.facets)
        order: dict[str, int] = {}
        for what, _ in counts:
            order.setdefault(what, len(order))
        ranked = sorted(counts.items(), key=lambda entry: (order[entry[0][0]], -entry[1], entry[0][1]))
        return tuple((what, value, number) for (what, value), number in ranked)

    @property
    def summary_note(self) -> str:
        """The sentence that says plainly how much a summarised section leaves out; empty when it lists all."""
        if not self.summarised:
            return ""
        total, listed = self.shown_count, len(self.listed)
        names = list(dict.fromkeys(what.lower() for what, _, _ in self.facet_counts))
        counted = " and ".join(filter(None, (", ".join(names[:-1]), names[-1]))) if names else ""
        counted_part = f"they are all counted below by {counted}, and " if counted else ""
        return (
            f"The records hold {total:,} {self.what}, too many to list in this letter: {counted_part}the {listed} "
            f"most recent are listed. The other {total - listed:,} are held in the records and can be provided on "
            "request."
        )


@dataclass(frozen=True)
class Answer:
    question_id: int
    position: int
    short_title: str
    question: str
    topics: tuple[str, ...]
    narrative: str  # named values filled in
    sections: tuple[Section, ...]
    nothing_held: str  # "" when every kind of evidence has something to show


@dataclass(frozen=True)
class Enclosure:
    number: int
    attachment_id: int
    title: str
    file_name: str
    size: int
    sha256: str
    linked_to: str


@dataclass(frozen=True)
class PartnershipRow:
    partner: str
    native_name: str
    place: str
    kind: str
    status: str
    established: str
    last_reviewed: str


@dataclass(frozen=True)
class Letter:
    """Everything the PDF shows, as plain data."""

    draft: bool
    jurisdiction_name: str
    jurisdiction_kind: str
    letterhead_title: str
    letterhead_subtitle: str
    letterhead_lines: tuple[str, ...]
    logo: bytes | None
    letter_date: dt.date
    recipients: tuple[str, ...]
    salutation: str
    reference: str
    subject: str
    footer_inquiry: str
    introduction: str
    answers: tuple[Answer, ...]
    closing: str
    signatory_name: str
    signatory_title: str
    enclosures: tuple[Enclosure, ...]
    partnerships: tuple[PartnershipRow, ...]
    values: dict[str, str] = field(default_factory=dict)


# ----- the records of the home jurisdiction --------------------------------------------------------------------


@dataclass
class _Records:
    home: models.Jurisdiction
    partnerships: list[models.Partnership]
    agreements: list[models.Agreement]
    policies: list[models.Policy]
    oversight: oversight.Overview
    activities: list[models.Activity]
    # (activity_id, visa_category, program_sponsor, vetting_steps): never the name.
    participants: list[tuple[int, str, str, str]]
    status_since: dict[int, models.StatusChange]  # each partnership's latest recorded change of status


def require_home(session: Session) -> models.Jurisdiction:
    home = home_jurisdiction_in(session)
    if home is None:
        raise UserError(
            "The letter needs the city or county it comes from. Set it with the command "
            'home "NAME, ST" (for example home "Kansas City, MO"), or load a city\'s sample data with '
            'sample-data --city "NAME, ST", which also sets it.'
        )
    return home


def _load_records(session: Session) -> _Records:
    home = require_home(session)
    partnerships = sorted(
        session.scalars(
            select(models.Partnership).where(
                models.Partnership.jurisdiction_id == home.id, models.Partnership.deleted_at.is_(None)
            )
        ),
        key=lambda p: (natural_key(p.partner.name), p.kind, p.id),
    )
    ids = [p.id for p in partnerships]
    # No ORDER BY in these selects: SQLite would then read the table in that order rather than by partnership.
    agreements = list(
        session.scalars(
            select(models.Agreement).where(
                models.Agreement.partnership_id.in_(ids), models.Agreement.deleted_at.is_(None)
            )
        )
    )
    order = {pid: index for index, pid in enumerate(ids)}
    agreements.sort(key=lambda a: (order[a.partnership_id], a.signed_on or dt.date.min, a.id))
    policies = list(
        session.scalars(select(models.Policy).where(models.Policy.deleted_at.is_(None)).order_by(models.Policy.id))
    )
    policies.sort(key=lambda p: (p.adopted_on or dt.date.min, p.id))
    activities = sorted(
        session.scalars(
            select(models.Activity).where(models.Activity.partnership_id.in_(ids), models.Activity.deleted_at.is_(None))
        ),
        # Undated first, as SQLite orders them.
        key=lambda a: (a.starts_on is not None, a.starts_on or dt.date.min, a.id),
    )
    activity_ids = [a.id for a in activities]
    participants = [
        (row[0], row[1], row[2], row[3])
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
    summary = oversight.overview(session, ids)
    return _Records(home, partnerships, agreements, policies, summary, activities, participants, status_since)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts 'District 2' before 'District 10'."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)


def _partnership_cell(partnership: models.Partnership) -> str:
    partner = partnership.partner
    return f"{partner.name}\n{partner.native_name}" if partner.native_name else partner.name


def _partnership_name(partnership: models.Partnership) -> str:
    partner = partnership.partner
    native = f" ({partner.native_name})" if partner.native_name else ""
    return f"{partner.name}{native}"


def _is_published(agreement: models.Agreement) -> bool:
    return agreement.published_on is not None or bool(agreement.public_url.strip())


def _publication(agreement: models.Agreement) -> str:
    if not _is_published(agreement):
        return "Not recorded as published"
    parts = []
    if agreement.published_on:
        parts.append(f"Published {short_date(agreement.published_on)}")
    if agreement.public_url.strip():
        parts.append(agreement.public_url.strip())
    return "; ".join(parts) if len(parts) > 1 or agreement.published_on else "Published at " + parts[0]


US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
}


def state_name(code: str) -> str:
    return US_STATES.get(code.strip().upper(), code.strip())


def letterhead_title(home: models.Jurisdiction, kind_label: str) -> str:
    """'City of Kansas City', or the name alone when it already says what it is ('Jackson County')."""
    if home.kind in ("county", "state") and kind_label.lower() in home.name.lower().split():
        return home.name
    return f"{kind_label} of {home.name}"


def jurisdiction_display(home: models.Jurisdiction) -> str:
    """'Kansas City, Missouri'."""
    return f"{home.name}, {state_name(home.state)}" if home.state else home.name


def _values(records: _Records, letter_date: dt.date, inquiry: models.Inquiry, signatory: str) -> dict[str, str]:
    statuses = Counter(p.status for p in records.partnerships)
    reviews = list(records.oversight.latest_reviews.values())
    reviews += [p.last_reviewed_on for p in records.partnerships if p.last_reviewed_on]
    countries = sorted({p.partner.country_name for p in records.partnerships if p.partner.country_name})
    published = sum(1 for a in records.agreements if _is_published(a))
    return {
        "jurisdiction_name": jurisdiction_display(records.home),
        "jurisdiction_kind": vocab.label(vocab.JURISDICTION_KINDS, records.home.kind),
        "as_of_date": long_date(letter_date),
        "inquiry_reference": inquiry.reference or inquiry.subject,
        "inquiry_date": long_date(inquiry.sent_on or inquiry.received_on) or "undated",
        "signatory_name": signatory,
        "total_partnerships": str(len(records.partnerships)),
        "active_partnerships": str(statuses["active"]),
        "proposed_partnerships": str(statuses["proposed"]),
        "dormant_partnerships": str(statuses["dormant"]),
        "suspended_partnerships": str(statuses["suspended"]),
        "terminated_partnerships": str(statuses["terminated"]),
        "unconfirmed_partnerships": str(sum(1 for p in records.partnerships if not p.confirmed)),
        "partner_countries": ", ".join(countries) if countries else "none recorded",
        "agreements_total": str(len(records.agreements)),
        "agreements_published": str(published),
        "agreements_unpublished": str(len(records.agreements) - published),
        "policies_total": str(len(records.policies)),
        "oversight_actions_total": str(records.oversight.total),
        "open_oversight_actions": str(records.oversight.still_open),
        "last_review_date": long_date(max(reviews)) if reviews else "none recorded",
        "activities_total": str(len(records.activities)),
        "participants_total": str(len(records.participants)),
        "question_policies": "0",
        "question_oversight_actions": "0",
    }


# ----- evidence per question ------------------------------------------------------------------------------------


def _links(session: Session, kind: str, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
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


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _clauses(agreement: models.Agreement, topics: set[str]) -> str:
    parts: list[str] = []
    if "free_expression" in topics:
        parts.append("Political clause: " + (agreement.political_clause.strip() or "none recorded"))
        parts.append("Restricts speech: " + _yes(agreement.restricts_speech))
        parts.append("Restricts curriculum or content: " + _yes(agreement.restricts_curriculum))
    if "espionage" in topics:
        parts.append("Data sharing: " + _yes(agreement.data_sharing))
        parts.append("Confidentiality: " + _yes(agreement.confidentiality))
    if "economic_coercion" in topics:
        parts.append("Funding obligations: " + _yes(agreement.funding_obligations))
        parts.append("Legally binding: " + _yes(agreement.binding))
        termination = _yes(agreement.has_termination_clause)
        if agreement.has_termination_clause and agreement.notice_period.strip():
            termination += f" ({agreement.notice_period.strip()} notice)"
        parts.append("Termination clause: " + termination)
    if agreement.clause_notes.strip():
        parts.append("Notes: " + agreement.clause_notes.strip())
    return ". ".join(parts) + "."


def _count_rows(counter: Counter[str], labels: dict[str, str] | None = None) -> tuple[tuple[str, ...], ...]:
    ordered = sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple((labels.get(key, key) if labels else key, str(count)) for key, count in ordered)


class _Builder:
    """Builds the evidence sections of each question from the loaded records.

    For a letter (``whole=False``) oversight actions are counted in the database and only those the letter lists
    are read; the evidence checklist (``whole=True``) reads every one.
    """

    def __init__(self, session: Session, records: _Records, *, whole: bool) -> None:
        self.session = session
        self.whole = whole
        self.records = records
        self.partnership_by_id = {p.id: p for p in records.partnerships}
        self.agreement_links = _links(session, "agreement", [a.id for a in records.agreements])
        self.policy_links = _links(session, "policy", [p.id for p in records.policies])
        self.partnership_links = _links(session, "partnership", [p.id for p in records.partnerships])
        for partnership_id, change in records.status_since.items():
            evidence = change.evidence_attachment_id
            if evidence is not None and evidence not in self.partnership_links.get(partnership_id, ()):
                attachment = session.get(models.Attachment, evidence)
                if attachment is not None and not attachment.deleted_at:
                    self.partnership_links[partnership_id] = (*self.partnership_links.get(partnership_id, ()), evidence)
        self.activity_links = _links(session, "activity", [a.id for a in records.activities])
        self._oversight_cache: list[tuple[set[str], EvidenceItem]] | None = None

    def _partnership_label(self, partnership_id: int | None, *, cell: bool = False) -> str:
        if partnership_id is None:
            return "Program-wide"
        partnership = self.partnership_by_id.get(partnership_id)
        if partnership is None:
            return f"Partnership {partnership_id}"
        return _partnership_cell(partnership) if cell else _partnership_name(partnership)

    def sections(self, topics: set[str], excluded: set[str]) -> list[Section]:
        sections: list[Section] = []
        if "transparency" in topics:
            sections.append(self._partnerships_section(excluded))
        if topics & {"transparency", *CLAUSE_TOPICS}:
            sections.append(self._agreements_section(topics, excluded))
        sections.append(self._policies_section(topics, excluded))
        sections.append(self._oversight_section(topics, excluded))
        if "visa_programs" in topics:
            sections.append(self._activities_section(excluded))
            sections.extend(self._count_sections(excluded))
        return sections

    def _partnerships_section(self, excluded: set[str]) -> Section:
        by_partnership: dict[int, list[models.Agreement]] = {}
        for agreement in self.records.agreements:
            by_partnership.setdefault(agreement.partnership_id, []).append(agreement)
        items = []
        for partnership in self.records.partnerships:
            agreements = by_partnership.get(partnership.id, [])
            published = [a for a in agreements if _is_published(a)]
            status = vocab.label(vocab.PARTNERSHIP_STATUSES, partnership.status)
            if not partnership.confirmed:
                status += "\n(unconfirmed)"
            if not agreements:
                where = "No agreement on record"
            elif published:
                where = "; ".join(_publication(a) for a in published)
                if len(published) < len(agreements):
                    where += f"; {len(agreements) - len(published)} not recorded as published"
            else:
                where = "Not recorded as published"
            ref = f"partnership:{partnership.id}"
            name = _partnership_name(partnership)
            items.append(
                EvidenceItem(
                    ref=ref,
                    description=f"Partnership with {name}: {status.lower().replace(chr(10), ' ')}",
                    rows=(
                        (
                            _partnership_cell(partnership),
                            vocab.label(vocab.PARTNERSHIP_KINDS, partnership.kind),
                            status,
                            str(len(agreements)),
                            where,
                        ),
                    ),
                    attachment_ids=self.partnership_links.get(partnership.id, ()),
                    excluded=ref in excluded,
                )
            )
        return Section(
            "partnerships",
            "Partnerships and where their agreements are published",
            ("Partner", "Kind", "Status", "Agreements", "Publication"),
            (0.24, 0.13, 0.17, 0.15, 0.31),
            tuple(items),
            "partnerships",
        )

    def _agreements_section(self, topics: set[str], excluded: set[str]) -> Section:
        clause_topics = topics & set(CLAUSE_TOPICS)
        with_publication = "transparency" in topics
        headers = ["Agreement", "Partnership", "Signed"]
        widths = [0.25, 0.19, 0.15]
        if with_publication:
            headers.append("Publication")
            widths.append(0.41 if not clause_topics else 0.17)
        if clause_topics:
            headers.append("Clauses")
            widths.append(0.41 if not with_publication else 0.24)
        items = []
        for agreement in self.records.agreements:
            kind = (
                ""
                if agreement.kind == "agreement"
                else f" ({vocab.label(vocab.AGREEMENT_KINDS, agreement.kind).lower()})"
            )
            row = [
                f"{agreement.title}{kind}",
                self._partnership_label(agreement.partnership_id, cell=True),
                short_date(agreement.signed_on),
            ]
            if with_publication:
                row.append(_publication(agreement))
            if clause_topics:
                row.append(_clauses(agreement, clause_topics))
            ref = f"agreement:{agreement.id}"
            items.append(
                EvidenceItem(
                    ref=ref,
                    description=f"Agreement: {agreement.title}",
                    rows=(tuple(row),),
                    attachment_ids=self.agreement_links.get(agreement.id, ()),
                    excluded=ref in excluded,
                    on=agreement.signed_on,
                    facets=(("Kind", vocab.label(vocab.AGREEMENT_KINDS, agreement.kind)),),
                )
            )
        title = "Agreements and their clauses" if clause_topics else "Agreements and their publication"
        return Section("agreements", title, tuple(headers), tuple(widths), tuple(items), "agreements")

    def _policies_section(self, topics: set[str], excluded: set[str]) -> Section:
        items = []
        for policy in self.records.policies:
            if not topics & set(vocab.split_words(policy.topics)):
                continue
            reference = f" ({policy.reference_number})" if policy.reference_number else ""
            adopted = short_date(policy.adopted_on)
            if policy.adopted_by:
                adopted += f", {policy.adopted_by}"
            ref = f"policy:{policy.id}"
            items.append(
                EvidenceItem(
                    ref=ref,
                    description=f"Policy: {policy.title}",
                    rows=(
                        (
                            f"{policy.title}{reference}",
                            vocab.label(vocab.POLICY_KINDS, policy.kind),
                            adopted,
                            policy.summary.strip() or "–",
                        ),
                    ),
                    attachment_ids=self.policy_links.get(policy.id, ()),
                    excluded=ref in excluded,
                    on=policy.adopted_on,
                    facets=(("Kind", vocab.label(vocab.POLICY_KINDS, policy.kind)),),
                )
            )
        return Section(
            "policies",
            "Policies",
            ("Policy", "Kind", "Adopted", "Summary"),
            (0.28, 0.14, 0.18, 0.40),
            tuple(items),
            "policies",
        )

    def _oversight_item(self, action: oversight.ActionRow, links: dict[int, tuple[int, ...]]) -> EvidenceItem:
        """The evidence item of one oversight action, from the columns of oversight.ITEM_COLUMNS."""
        finding = action.finding.strip() or "–"
        if action.risk_level and action.risk_level != "none":
            finding += f" Risk: {vocab.label(vocab.RISK_LEVELS, action.risk_level).lower()}."
        status = vocab.label(vocab.OVERSIGHT_STATUSES, action.status)
        if action.due_on and action.status != "closed":
            status += f", due {short_date(action.due_on)}"
        kind = vocab.label(vocab.OVERSIGHT_KINDS, action.kind)
        return EvidenceItem(
            ref=f"oversight:{action.id}",
            description=f"{kind} of {short_date(action.action_on)}: {self._partnership_label(action.partnership_id)}",
            rows=(
                (
                    short_date(action.action_on),
                    kind,
                    self._partnership_label(action.partnership_id, cell=True),
                    finding,
                    status,
                ),
            ),
            attachment_ids=links.get(action.id, ()),
            on=action.action_on,
            facets=oversight.facets(action.kind, action.status, action.risk_level),
        )

    def _oversight_items(self) -> list[tuple[set[str], EvidenceItem]]:
        """Every oversight action's topics and evidence item, read once for all the questions of the checklist."""
        if self._oversight_cache is not None:
            return self._oversight_cache
        actions: list[oversight.ActionRow] = []
        for scope in oversight.scopes([p.id for p in self.records.partnerships]):
            actions += self.session.execute(select(*oversight.ITEM_COLUMNS).where(scope.condition)).all()
        actions.sort(key=lambda action: (action.action_on, action.id))
        links = _links(self.session, "oversight", [action.id for action in actions])
        self._oversight_cache = [
            (set(vocab.split_words(action.topics)), self._oversight_item(action, links)) for action in actions
        ]
        return self._oversight_cache

    def _oversight_section(self, topics: set[str], excluded: set[str]) -> Section:
        headers = ("Date", "Kind", "Partnership", "Finding", "Status")
        widths = (0.14, 0.15, 0.19, 0.38, 0.14)
        if not self.whole:
            return self._tallied_oversight_section(topics, excluded, headers, widths)
        items = []
        for action_topics, item in self._oversight_items():
            if topics & action_topics:
                items.append(replace(item, excluded=True) if item.ref in excluded else item)
        return Section("oversight", "Oversight actions", headers, widths, tuple(items), "oversight actions")

    def _tallied_oversight_section(
        self, topics: set[str], excluded: set[str], headers: tuple[str, ...], widths: tuple[float, ...]
    ) -> Section:
        """The section as a letter shows it, counted in the database with only the listed actions read."""
        excluded_ids = {int(ref.split(":", 1)[1]) for ref in excluded if re.fullmatch(r"oversight:[1-9][0-9]*", ref)}
        tally = oversight.tally(self.session, self.records.oversight, topics, excluded_ids)
        listing = tally.shown if tally.shown <= LIST_IN_FULL_UP_TO else MOST_RECENT_LISTED
        actions = oversight.most_recent(self.session, self.records.oversight, topics, excluded_ids, listing)
        links = _links(self.session, "oversight", [action.id for action in actions])
        items = tuple(self._oversight_item(action, links) for action in actions)
        return Section("oversight", "Oversight actions", headers, widths, items, "oversight actions", tally)

    def _activities_section(self, excluded: set[str]) -> Section:
        counts = Counter(activity_id for activity_id, _, _, _ in self.records.participants)
        items = []
        for activity in self.records.activities:
            recorded = counts.get(activity.id, 0)
            if not recorded and not activity.participant_count:
                continue
            kind = vocab.label(vocab.ACTIVITY_KINDS, activity.kind)
            title = f"{kind}: {activity.title}" if activity.title else kind
            number = str(recorded) if recorded else "–"
            if activity.participant_count and activity.participant_count != recorded:
                number += f" (of {activity.participant_count})"
            ref = f"activity:{activity.id}"
            items.append(
                EvidenceItem(
                    ref=ref,
                    description=f"{title}, {short_date(activity.starts_on)}",
                    rows=(
                        (
                            short_date(activity.starts_on),
                            title,
                            self._partnership_label(activity.partnership_id, cell=True),
                            number,
                        ),
                    ),
                    attachment_ids=self.activity_links.get(activity.id, ()),
                    excluded=ref in excluded,
                    on=activity.starts_on,
                    facets=(("Kind", kind),),
                )
            )
        return Section(
            "activities",
            "Activities with participants on record",
            ("Date", "Activity", "Partnership", "Participants recorded"),
            (0.15, 0.4, 0.27, 0.18),
            tuple(items),
            "activities",
        )

    def _count_sections(self, excluded: set[str]) -> list[Section]:
        participants = self.records.participants
        by_visa: Counter[str] = Counter(visa for _, visa, _, _ in participants)
        by_sponsor: Counter[str] = Counter((sponsor.strip() or "None recorded") for _, _, sponsor, _ in participants)
        by_step: Counter[str] = Counter()
        for _, _, _, steps in participants:
            words = vocab.split_words(steps)
            by_step.update(words or ["(none)"])
        step_labels = {**vocab.VETTING_STEPS, "(none)": "No vetting step recorded"}
        specs = (
            ("counts:visa_category", "Participants by visa category", "Visa category", by_visa, vocab.VISA_CATEGORIES),
            ("counts:sponsor", "Participants by program sponsor", "Program sponsor", by_sponsor, None),
            ("counts:vetting_step", "Participants by vetting step done", "Vetting step", by_step, step_labels),
        )
        sections = []
        for ref, title, header, counter, labels in specs:
            items: tuple[EvidenceItem, ...] = ()
            if counter:
                items = (
                    EvidenceItem(
                        ref=ref,
                        description=f"{title} ({len(participants)} participants)",
                        rows=_count_rows(counter, labels),
                        excluded=ref in excluded,
                    ),
                )
            sections.append(
                Section(
                    ref.split(":")[1],
                    title,
                    (header, "Participants"),
                    (0.75, 0.25),
                    items,
                    "participants",
                )
            )
        return sections


def _nothing_held(sections: Sequence[Section], kind_label: str, topics: Sequence[str], letter_date: dt.date) -> str:
    empty: list[str] = []
    for section in sections:
        # Evidence the clerk left out is still held: only a kind with nothing on record is said to be missing.
        if not section.held_count and section.what not in empty:
            empty.append(section.what)
    if not empty:
        return ""
    what = empty[0] if len(empty) == 1 else ", ".join(empty[:-1]) + " or " + empty[-1]
    topic_labels = [vocab.label(vocab.TOPICS, t).lower() for t in topics]
    about = topic_labels[0] if len(topic_labels) == 1 else ", ".join(topic_labels[:-1]) + " or " + topic_labels[-1]
    concerning = f" concerning {about}" if about else ""
    return f"The {kind_label}'s records hold no {what}{concerning} as of {long_date(letter_date)}."


# ----- the whole letter ------------------------------------------------------------------------------------------


def _signatory(response: models.Response, home: models.Jurisdiction) -> tuple[str, str]:
    if response.signatory_name.strip():
        return response.signatory_name.strip(), response.signatory_title.strip()
    if home.signatory_name.strip():
        return home.signatory_name.strip(), home.signatory_title.strip()
    return home.clerk_name.strip(), home.clerk_title.strip()


def _address_blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _logo(session: Session, home: models.Jurisdiction) -> bytes | None:
    if home.logo_attachment_id is None:
        return None
    attachment = session.get(models.Attachment, home.logo_attachment_id)
    if attachment is None or attachment.deleted_at:
        return None
    return b"".join(iter_content(session, attachment.sha256))


def excluded_refs(answer: models.ResponseAnswer | None) -> set[str]:
    return set(vocab.split_words(answer.excluded_evidence if answer else ""))


def letter_date_of(response: models.Response, today: dt.date) -> dt.date:
    return response.letter_date or today


def answers_by_question(response: models.Response) -> dict[int, models.ResponseAnswer]:
    return {answer.question_id: answer for answer in response.answers}


def gather_letter(session: Session, response: models.Response, today: dt.date) -> Letter:
    """The letter for a response, from the records as they are now."""
    records = _load_records(session)
    inquiry = session.get(models.Inquiry, response.inquiry_id)
    if inquiry is None:
        raise UserError(f"There is no inquiry with number {response.inquiry_id}.")
    letter_date = letter_date_of(response, today)
    signatory_name, signatory_title = _signatory(response, records.home)
    values = _values(records, letter_date, inquiry, signatory_name)
    kind_label = values["jurisdiction_kind"]
    builder = _Builder(session, records, whole=False)
    stored = answers_by_question(response)
    answers: list[Answer] = []
    for question in inquiry.questions:
        topics = vocab.split_words(question.topics)
        answer = stored.get(question.id)
        sections = builder.sections(set(topics), excluded_refs(answer))
        question_values = {
            **values,
            "question_policies": str(sum(s.shown_count for s in sections if s.key == "policies")),
            "question_oversight_actions": str(sum(s.shown_count for s in sections if s.key == "oversight")),
        }
        narrative = named_values.fill(answer.narrative if answer else "", question_values)
        answers.append(
            Answer(
                question_id=question.id,
                position=question.position,
                short_title=question.short_title,
                question=question.text,
                topics=tuple(topics),
                narrative=narrative,
                sections=tuple(s for s in sections if s.shown_count),
                nothing_held=_nothing_held(sections, kind_label, topics, letter_date),
            )
        )
    enclosures = _enclosures(session, answers, builder)
    home = records.home
    letterhead = [line.strip() for line in home.postal_address.splitlines() if line.strip()]
    contact = " · ".join(part for part in (home.phone.strip(), home.email.strip()) if part)
    if contact:
        letterhead.append(contact)
    recipients = _address_blocks(inquiry.recipients)
    if response.include_optional_recipients:
        recipients += _address_blocks(inquiry.optional_recipients)
    if not recipients and inquiry.from_whom.strip():
        recipients = [inquiry.from_whom.strip()]
    introduction = response.introduction if response.introduction.strip() else default_introduction()
    closing = response.closing if response.closing.strip() else default_closing()
    footer_inquiry = inquiry.subject
    if inquiry.sent_on:
        footer_inquiry = f"{inquiry.subject} ({long_date(inquiry.sent_on)})"
    return Letter(
        draft=response.status == "draft",
        jurisdiction_name=values["jurisdiction_name"],
        jurisdiction_kind=kind_label,
        letterhead_title=letterhead_title(home, kind_label),
        letterhead_subtitle=state_name(home.state),
        letterhead_lines=tuple(letterhead),
        logo=_logo(session, home),
        letter_date=letter_date,
        recipients=tuple(recipients),
        salutation=inquiry.salutation.strip() or "Dear Sir or Madam:",
        reference=inquiry.reference.strip(),
        subject=inquiry.subject.strip(),
        footer_inquiry=footer_inquiry,
        introduction=named_values.fill(introduction, values),
        answers=tuple(answers),
        closing=named_values.fill(closing, values),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        enclosures=enclosures,
        partnerships=tuple(_partnership_rows(records)),
        values=values,
    )


def _enclosures(session: Session, answers: Sequence[Answer], builder: _Builder) -> tuple[Enclosure, ...]:
    order: list[int] = []
    linked_to: dict[int, str] = {}
    for answer in answers:
        for section in answer.sections:
            for item in section.listed:
                for attachment_id in item.attachment_ids:
                    if attachment_id not in linked_to:
                        order.append(attachment_id)
                        linked_to[attachment_id] = item.description
    enclosures = []
    for number, attachment_id in enumerate(order, start=1):
        attachment = session.get(models.Attachment, attachment_id)
        assert attachment is not None  # selected by join just before
        enclosures.append(
            Enclosure(
                number=number,
                attachment_id=attachment_id,
                title=attachment.title or attachment.original_name,
                file_name=attachment.original_name,
                size=attachment.size,
                sha256=attachment.sha256,
                linked_to=linked_to[attachment_id],
            )
        )
    return tuple(enclosures)


def _last_reviews(records: _Records) -> dict[int, dt.date]:
    """Each partnership's latest review: its recorded date, or a later review, assessment or audit."""
    latest = {p.id: p.last_reviewed_on for p in records.partnerships if p.last_reviewed_on}
    for partnership_id, reviewed_on in records.oversight.latest_reviews.items():
        if partnership_id is not None:
            known = latest.get(partnership_id)
            if known is None or reviewed_on > known:
                latest[partnership_id] = reviewed_on
    return latest


def _partnership_rows(records: _Records) -> list[PartnershipRow]:
    rows = []
    reviews = _last_reviews(records)
    for partnership in records.partnerships:
        partner = partnership.partner
        status = vocab.label(vocab.PARTNERSHIP_STATUSES, partnership.status)
        change = records.status_since.get(partnership.id)
        if change is not None:
            status += f" since {short_date(change.changed_on)}"
            if change.legal_basis.strip():
                status += f"\n({change.legal_basis.strip()})"
        if not partnership.confirmed:
            status += "\n(unconfirmed)"
        established = short_date(partnership.established_on) if partnership.established_on else ""
        if not established and partnership.established_year:
            established = str(partnership.established_year)
        place = ", ".join(part for part in (partner.region, partner.country_name) if part)
        rows.append(
            PartnershipRow(
                partner=partner.name,
                native_name=partner.native_name,
                place=place,
                kind=vocab.label(vocab.PARTNERSHIP_KINDS, partnership.kind),
                status=status,
                established=established or "–",
                last_reviewed=short_date(reviews.get(partnership.id)),
            )
        )
    return rows


def evidence_catalogue(session: Session, response: models.Response) -> list[dict[str, object]]:
    """Per question, every piece of evidence the records offer, whether the clerk left it out or not."""
    records = _load_records(session)
    inquiry = session.get(models.Inquiry, response.inquiry_id)
    if inquiry is None:
        raise UserError(f"There is no inquiry with number {response.inquiry_id}.")
    builder = _Builder(session, records, whole=True)
    stored = answers_by_question(response)
    result: list[dict[str, object]] = []
    for question in inquiry.questions:
        topics = set(vocab.split_words(question.topics))
        excluded = excluded_refs(stored.get(question.id))
        items = [
            {
                "ref": item.ref,
                "section": section.title,
                "description": item.description,
                "excluded": item.excluded,
                "attachment_ids": list(item.attachment_ids),
            }
            for section in builder.sections(topics, excluded)
            for item in section.items
        ]
        result.append({"question_id": question.id, "position": question.position, "items": items})
    return result
