"""The letter's second step: every statement it may make, each with the records it rests on; the truth rules live here.

Items of evidence are numbered once, by appendix (A1, B2 ...), and every count the body gives is taken from the items
an appendix lists or counts, after what the clerk withholds is taken out; a statement with nothing behind it is not
made, and a kind of record with nothing on file is said to be missing instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..laws.rules import CLAUSE_LABELS
from ..laws.screening import NEEDS_ACTION, Screening
from ..laws.steps import STEPS
from . import oversight
from .dates import short_date
from .gather import Gathered, links_in, read_attachments

# An appendix with more items than this lists only the most recent ones (by their date) and counts all.
LIST_IN_FULL_UP_TO = 60
MOST_RECENT_LISTED = 40
# A review older than this is flagged.
REVIEW_DUE_AFTER_DAYS = 365
# A count of participants smaller than this could single out a person: it is printed as "fewer than 3".
SMALLEST_SHOWN_COUNT = 3
STATUSES_IN_FORCE = ("proposed", "active", "dormant", "suspended")
CLAUSES: dict[str, tuple[tuple[str, str], ...]] = {
    # topic -> (agreement flag, what it means), in the order the letter names them
    "free_expression": (
        ("political_clause", "a political clause"),
        ("restricts_speech", "a restriction on speech"),
        ("restricts_curriculum", "a restriction on curriculum or content"),
    ),
    "espionage": (("data_sharing", "data sharing"), ("confidentiality", "a confidentiality clause")),
    "economic_coercion": (
        ("funding_obligations", "funding obligations"),
        ("binding", "legally binding terms"),
    ),
}
# What names a partnership in another appendix's cell: "A2, Xi'an", or that it is withheld.
PartnershipCell: TypeAlias = Callable[[int | None], str]
FUNDING_SOURCES = (
    ("funding_city_cents", "the City"),
    ("funding_nonprofit_cents", "nonprofit organisations"),
    ("funding_foreign_government_cents", "foreign governments"),
    ("funding_private_cents", "private sources"),
)


@dataclass(frozen=True)
class Item:
    """One record as the letter lists it, numbered within its appendix."""

    ref: str  # "kind:id", as the clerk withholds it
    number: str  # "A1"
    description: str  # one line, for the window's checklist
    cells: tuple[str, ...]
    record_id: int
    on: dt.date | None = None
    topics: frozenset[str] = frozenset()
    attachment_ids: tuple[int, ...] = ()
    partnership_id: int | None = None


@dataclass(frozen=True)
class Catalogue:
    """The items of one kind of record: those listed, and how many the records hold and the letter counts."""

    key: str
    letter: str
    what: str  # plural noun: "partnerships"
    items: tuple[Item, ...]  # listed, in order
    held: int  # on record, withheld ones included
    withheld: int
    undated: int = 0  # of those counted but not listed because they have no date to order by
    # (what, value, number) over every item counted: always for the oversight log, for activities when summarised
    facet_counts: tuple[tuple[str, str, int], ...] = ()

    @property
    def counted(self) -> int:
        """How many the letter speaks of: all those on record that are not withheld."""
        return self.held - self.withheld

    @property
    def summarised(self) -> bool:
        return len(self.items) < self.counted

    def numbers(self, items: Iterable[Item] | None = None) -> tuple[str, ...]:
        return tuple(item.number for item in (self.items if items is None else items))


@dataclass(frozen=True)
class Statement:
    """One thing the letter says, with its figures and the numbers of the items behind it."""

    kind: str
    figures: dict[str, Any] = field(default_factory=dict)
    backing: tuple[str, ...] = ()  # item numbers ("A1", "D4") the statement rests on
    warning: bool = False


@dataclass(frozen=True)
class QuestionFacts:
    position: int
    short_title: str
    text: str
    topics: tuple[str, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Withheld:
    ref: str
    description: str


@dataclass(frozen=True)
class Facts:
    gathered: Gathered
    partnerships: Catalogue
    agreements: Catalogue
    activities: Catalogue
    oversight: Catalogue
    policies: Catalogue
    participants: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (counted by, ((value, number), ...))
    participants_total: int
    participants_withheld: bool
    enclosures: tuple[tuple[str, int, str], ...]  # (number "G1", attachment id, what it concerns: "A1, B2")
    withheld: tuple[Withheld, ...]
    unconfirmed: tuple[str, ...]  # A numbers of partnerships not confirmed against the city's records
    questions: tuple[QuestionFacts, ...]
    flags_unplaced: tuple[Statement, ...]  # warnings no question's topics took
    overdue: tuple[str, ...]  # D numbers of listed actions whose follow-up is overdue
    stale_reviews: tuple[str, ...]  # A numbers
    expired_agreements: tuple[str, ...]  # B numbers
    state_law_unplaced: tuple[Statement, ...] = ()  # said in the opening when no question concerns termination


def catalogues(facts: Facts) -> tuple[Catalogue, ...]:
    """The letter's appendices of records, in order: partnerships, agreements, activities, oversight, policies."""
    return (facts.partnerships, facts.agreements, facts.activities, facts.oversight, facts.policies)


def _topics(text: str) -> frozenset[str]:
    return frozenset(vocab.split_words(text))


def build(session: Session, gathered: Gathered) -> Facts:
    """Every statement the letter may make about these records, as of the letter's date."""
    style = gathered.date_style
    withheld_refs = gathered.withheld
    partnership_items: list[Item] = []
    withheld: list[Withheld] = []
    stale: list[str] = []
    unconfirmed: list[str] = []
    reviews = _last_reviews(gathered)
    as_of = gathered.letter_date
    number_of_partnership: dict[int, str] = {}
    for partnership in gathered.partnerships:
        ref = f"partnership:{partnership.id}"
        name = _partner_name(partnership)
        if ref in withheld_refs:
            withheld.append(Withheld(ref, f"Partnership with {name}"))
            continue
        number = f"A{len(partnership_items) + 1}"
        number_of_partnership[partnership.id] = number
        status = vocab.label(vocab.PARTNERSHIP_STATUSES, partnership.status)
        change = gathered.status_since.get(partnership.id)
        if change is not None:
            status += f" since {short_date(change.changed_on, style)}"
            if change.legal_basis.strip():
                status += f"\n({change.legal_basis.strip()})"
        established = short_date(partnership.established_on, style) if partnership.established_on else ""
        if not established and partnership.established_year:
            established = str(partnership.established_year)
        reviewed = reviews.get(partnership.id)
        review_cell = short_date(reviewed, style) if reviewed else "None recorded"
        if partnership.status in STATUSES_IN_FORCE and (
            reviewed is None or (as_of - reviewed).days > REVIEW_DUE_AFTER_DAYS
        ):
            stale.append(number)
            review_cell += "\n(none in the last 12 months)" if reviewed else ""
        if partnership.confirmed:
            record = "Confirmed in the City's records"
        else:
            unconfirmed.append(number)
            record = "Unconfirmed: from a public list"
        if partnership.source.strip():
            record += f"\nSource: {partnership.source.strip()}"
        partner = partnership.partner
        place = ", ".join(part for part in (partner.region, partner.country_name) if part)
        kind = vocab.label(vocab.PARTNERSHIP_KINDS, partnership.kind)
        partner_cell = "\n".join(filter(None, (partner.name, partner.native_name, place, kind)))
        partnership_items.append(
            Item(
                ref=ref,
                number=number,
                description=f"Partnership with {name}: {status.splitlines()[0].lower()}",
                cells=(number, partner_cell, status, established or "–", review_cell, record),
                record_id=partnership.id,
                on=partnership.established_on,
                attachment_ids=gathered.links["partnership"].get(partnership.id, ()),
                partnership_id=partnership.id,
            )
        )
    partnerships = Catalogue(
        "partnerships", "A", "partnerships", tuple(partnership_items), len(gathered.partnerships), len(withheld)
    )

    def partnership_cell(partnership_id: int | None) -> str:
        if partnership_id is None:
            return "Program-wide"
        number = number_of_partnership.get(partnership_id)
        partnership = gathered.partnership_by_id.get(partnership_id)
        name = partnership.partner.name if partnership is not None else f"Partnership {partnership_id}"
        return f"{number}, {name}" if number else f"{name} (withheld)"

    agreements, expired = _agreements(gathered, withheld, partnership_cell)
    activities = _activities(gathered, withheld, partnership_cell)
    policies = _policies(gathered, withheld)
    oversight_catalogue, overdue = _oversight(session, gathered, withheld, partnership_cell)
    counts_ref = "counts:participants"
    participants_withheld = counts_ref in withheld_refs
    if participants_withheld and gathered.participants:
        withheld.append(Withheld(counts_ref, "Counts of participants by visa category, sponsor and vetting step"))
    participant_tables = () if participants_withheld else _participant_counts(gathered)
    catalogues = (partnerships, agreements, activities, oversight_catalogue, policies)
    enclosures = _enclosures(session, gathered, withheld, catalogues)
    facts = Facts(
        gathered=gathered,
        partnerships=partnerships,
        agreements=agreements,
        activities=activities,
        oversight=oversight_catalogue,
        policies=policies,
        participants=participant_tables,
        participants_total=0 if participants_withheld else len(gathered.participants),
        participants_withheld=participants_withheld,
        enclosures=enclosures,
        withheld=tuple(withheld),
        unconfirmed=tuple(unconfirmed),
        questions=(),
        flags_unplaced=(),
        overdue=overdue,
        stale_reviews=tuple(stale),
        expired_agreements=expired,
    )
    questions, unplaced = _questions(session, facts)
    placed = any(s.kind == "state_law" for question in questions for s in question.statements)
    opening_law = () if placed else tuple(s for s in _state_law_statements(facts) if not s.warning)
    return dataclasses.replace(facts, questions=questions, flags_unplaced=unplaced, state_law_unplaced=opening_law)


# ----- the catalogues ---------------------------------------------------------------------------------------------


def _partner_name(partnership: models.Partnership) -> str:
    partner = partnership.partner
    native = f" ({partner.native_name})" if partner.native_name else ""
    return f"{partner.name}{native}"


def _last_reviews(gathered: Gathered) -> dict[int, dt.date]:
    """Each partnership's latest review: its recorded date, or a later review, assessment or audit."""
    latest = {p.id: p.last_reviewed_on for p in gathered.partnerships if p.last_reviewed_on}
    for partnership_id, reviewed_on in gathered.oversight.latest_reviews.items():
        if partnership_id is not None:
            known = latest.get(partnership_id)
            if known is None or reviewed_on > known:
                latest[partnership_id] = reviewed_on
    return latest


def _is_published(agreement: models.Agreement) -> bool:
    return agreement.published_on is not None or bool(agreement.public_url.strip())


def _agreements(
    gathered: Gathered, withheld: list[Withheld], partnership_cell: PartnershipCell
) -> tuple[Catalogue, tuple[str, ...]]:
    style = gathered.date_style
    items: list[Item] = []
    expired: list[str] = []
    left_out = 0
    for agreement in gathered.agreements:
        ref = f"agreement:{agreement.id}"
        if ref in gathered.withheld:
            withheld.append(Withheld(ref, f"Agreement: {agreement.title}"))
            left_out += 1
            continue
        number = f"B{len(items) + 1}"
        kind = vocab.label(vocab.AGREEMENT_KINDS, agreement.kind)
        described = "\n".join(
            (
                agreement.title,
                f"{kind}, signed {short_date(agreement.signed_on, style)}"
                if agreement.signed_on
                else f"{kind}, date of signature not recorded",
                f"Partnership: {partnership_cell(agreement.partnership_id)}",
            )
        )
        publication: list[str] = []
        if agreement.published_on:
            publication.append(f"Published {short_date(agreement.published_on, style)}")
        if agreement.public_url.strip():
            publication.append(agreement.public_url.strip())
        expiry = "No expiry recorded"
        if agreement.expires_on:
            expiry = f"Expires {short_date(agreement.expires_on, style)}"
            if agreement.expires_on < gathered.letter_date:
                expiry = f"Expired {short_date(agreement.expires_on, style)}"
                expired.append(number)
        if agreement.term.strip():
            expiry += f"\nTerm: {agreement.term.strip()}"
        items.append(
            Item(
                ref=ref,
                number=number,
                description=f"Agreement: {agreement.title}",
                cells=(
                    number,
                    described,
                    "\n".join(publication) or "Not recorded as published",
                    expiry,
                    _clauses_cell(agreement),
                ),
                record_id=agreement.id,
                on=agreement.signed_on,
                topics=_topics(agreement.topics),
                attachment_ids=gathered.links["agreement"].get(agreement.id, ()),
                partnership_id=agreement.partnership_id,
            )
        )
    catalogue = Catalogue("agreements", "B", "agreements", tuple(items), len(gathered.agreements), left_out)
    return catalogue, tuple(expired)


def _clauses_cell(agreement: models.Agreement) -> str:
    """Every clause of concern the agreement is recorded to have, or that none is recorded."""
    found: list[str] = []
    if agreement.political_clause.strip():
        found.append(f"Political clause: {agreement.political_clause.strip()}")
    for flag, label in (
        ("restricts_speech", "Restricts speech"),
        ("restricts_curriculum", "Restricts curriculum or content"),
        ("data_sharing", "Data sharing"),
        ("confidentiality", "Confidentiality clause"),
        ("funding_obligations", "Funding obligations"),
        ("binding", "Legally binding"),
    ):
        if getattr(agreement, flag):
            found.append(label)
    termination = "Termination clause"
    if agreement.has_termination_clause:
        notice = agreement.notice_period.strip()
        found.append(f"{termination} ({notice} notice)" if notice else termination)
    else:
        found.append(f"No {termination.lower()} recorded")
    if agreement.clause_notes.strip():
        found.append(f"Notes: {agreement.clause_notes.strip()}")
    return "\n".join(found)


def money(cents: int, currency: str) -> str:
    amount = f"{cents / 100:,.2f}"
    return f"${amount}" if currency in ("USD", "") else f"{currency} {amount}"


def _activities(gathered: Gathered, withheld: list[Withheld], partnership_cell: PartnershipCell) -> Catalogue:
    style = gathered.date_style
    participants = Counter(row.activity_id for row in gathered.participants)
    kept: list[models.Activity] = []
    for activity in gathered.activities:
        ref = f"activity:{activity.id}"
        if ref in gathered.withheld:
            withheld.append(Withheld(ref, f"Activity: {_activity_title(activity)}"))
        else:
            kept.append(activity)
    listed = kept
    undated = 0
    if len(kept) > LIST_IN_FULL_UP_TO:
        dated = [activity for activity in kept if activity.starts_on is not None]
        undated = len(kept) - len(dated)
        listed = sorted(dated, key=lambda a: (a.starts_on or dt.date.min, a.id))[-MOST_RECENT_LISTED:]
    items: list[Item] = []
    for activity in listed:
        number = f"C{len(items) + 1}"
        dates = short_date(activity.starts_on, style)
        if activity.ends_on and activity.ends_on != activity.starts_on:
            dates += f" to\n{short_date(activity.ends_on, style)}"
        recorded = participants.get(activity.id, 0)
        described = [_activity_title(activity), f"Partnership: {partnership_cell(activity.partnership_id)}"]
        if activity.place.strip():
            described.append(f"Place: {activity.place.strip()}")
        if recorded or activity.participant_count:
            count = str(recorded)
            if activity.participant_count and activity.participant_count != recorded:
                count = f"{recorded} recorded of {activity.participant_count}"
            described.append(f"Participants: {count}")
        funding = [
            f"{label[0].upper()}{label[1:]}: {money(getattr(activity, name), activity.currency)}"
            for name, label in FUNDING_SOURCES
            if getattr(activity, name)
        ]
        concerns: list[str] = []
        if activity.foreign_government_involvement.strip():
            concerns.append(f"Foreign government: {activity.foreign_government_involvement.strip()}")
        if activity.gifts_given.strip():
            concerns.append(f"Gifts given: {activity.gifts_given.strip()}")
        if activity.gifts_received.strip():
            concerns.append(f"Gifts received: {activity.gifts_received.strip()}")
        if activity.gifts_value_cents:
            concerns.append(f"Value of gifts: {money(activity.gifts_value_cents, activity.currency)}")
        items.append(
            Item(
                ref=f"activity:{activity.id}",
                number=number,
                description=f"Activity: {_activity_title(activity)}, {short_date(activity.starts_on, style)}",
                cells=(
                    number,
                    dates,
                    "\n".join(described),
                    "\n".join(funding) or "None recorded",
                    "\n".join(concerns) or "None recorded",
                ),
                record_id=activity.id,
                on=activity.starts_on,
                attachment_ids=gathered.links["activity"].get(activity.id, ()),
                partnership_id=activity.partnership_id,
            )
        )
    facets: tuple[tuple[str, str, int], ...] = ()
    if len(listed) < len(kept):
        kinds = Counter(vocab.label(vocab.ACTIVITY_KINDS, activity.kind) for activity in kept)
        facets = tuple(("Kind", kind, number) for kind, number in sorted(kinds.items(), key=lambda e: (-e[1], e[0])))
    left_out = len(gathered.activities) - len(kept)
    return Catalogue("activities", "C", "activities", tuple(items), len(gathered.activities), left_out, undated, facets)


def _activity_title(activity: models.Activity) -> str:
    kind = vocab.label(vocab.ACTIVITY_KINDS, activity.kind)
    return f"{kind}: {activity.title}" if activity.title else kind


def activity_totals(gathered: Gathered) -> dict[str, Any]:
    """Funding by source, gifts and foreign-government involvement over every activity the letter counts."""
    totals: dict[tuple[str, str], int] = {}
    involvement = gifts = 0
    for activity in gathered.activities:
        if f"activity:{activity.id}" in gathered.withheld:
            continue
        for name, label in FUNDING_SOURCES:
            amount = getattr(activity, name)
            if amount:
                key = (label, activity.currency or "USD")
                totals[key] = totals.get(key, 0) + amount
        involvement += bool(activity.foreign_government_involvement.strip())
        gifts += _has_gifts(activity)
    order = {label: index for index, (_, label) in enumerate(FUNDING_SOURCES)}
    ordered = dict(sorted(totals.items(), key=lambda entry: (order[entry[0][0]], entry[0][1])))
    return {"funding": ordered, "foreign_government": involvement, "gifts": gifts}


def _policies(gathered: Gathered, withheld: list[Withheld]) -> Catalogue:
    style = gathered.date_style
    items: list[Item] = []
    left_out = 0
    for policy in gathered.policies:
        ref = f"policy:{policy.id}"
        if ref in gathered.withheld:
            withheld.append(Withheld(ref, f"Policy: {policy.title}"))
            left_out += 1
            continue
        number = f"E{len(items) + 1}"
        reference = f"\n{policy.reference_number}" if policy.reference_number else ""
        adopted = short_date(policy.adopted_on, style) if policy.adopted_on else "Date not recorded"
        if policy.adopted_by:
            adopted += f"\n{policy.adopted_by}"
        topics = _topics(policy.topics)
        about = ", ".join(vocab.label(vocab.TOPICS, topic) for topic in vocab.TOPICS if topic in topics)
        items.append(
            Item(
                ref=ref,
                number=number,
                description=f"Policy: {policy.title}",
                cells=(
                    number,
                    f"{policy.title}{reference}\n{vocab.label(vocab.POLICY_KINDS, policy.kind)}",
                    adopted,
                    about or "–",
                    policy.summary.strip() or "–",
                ),
                record_id=policy.id,
                on=policy.adopted_on,
                topics=topics,
                attachment_ids=gathered.links["policy"].get(policy.id, ()),
            )
        )
    return Catalogue("policies", "E", "policies", tuple(items), len(gathered.policies), left_out)


def _oversight(
    session: Session, gathered: Gathered, withheld: list[Withheld], partnership_cell: PartnershipCell
) -> tuple[Catalogue, tuple[str, ...]]:
    """The oversight log: counted in the database, the actions read only as far as the letter lists them."""
    style = gathered.date_style
    withheld_ids = gathered.withheld_ids("oversight")
    tally = oversight.tally(session, gathered.oversight, None, withheld_ids)
    listing = tally.shown if tally.shown <= LIST_IN_FULL_UP_TO else MOST_RECENT_LISTED
    actions = oversight.most_recent(session, gathered.oversight, None, withheld_ids, listing)
    links = links_in(session, "oversight", [action.id for action in actions])
    overdue_ids = {action_id for action_id, _ in gathered.overdue_actions}
    items: list[Item] = []
    overdue: list[str] = []
    for action in actions:
        number = f"D{len(items) + 1}"
        kind = vocab.label(vocab.OVERSIGHT_KINDS, action.kind)
        finding = action.finding.strip() or "No finding recorded"
        if action.risk_level and action.risk_level != "none":
            finding += f"\nRisk: {vocab.label(vocab.RISK_LEVELS, action.risk_level).lower()}"
        status = vocab.label(vocab.OVERSIGHT_STATUSES, action.status)
        if action.due_on and action.status != "closed":
            status += f", due {short_date(action.due_on, style)}"
            if action.id in overdue_ids:
                status += "\nOVERDUE"
                overdue.append(number)
        items.append(
            Item(
                ref=f"oversight:{action.id}",
                number=number,
                description=f"{kind} of {short_date(action.action_on, style)}",
                cells=(
                    number,
                    short_date(action.action_on, style),
                    f"{kind}\n{partnership_cell(action.partnership_id)}",
                    finding,
                    status,
                ),
                record_id=action.id,
                on=action.action_on,
                topics=_topics(action.topics),
                attachment_ids=links.get(action.id, ()),
                partnership_id=action.partnership_id,
            )
        )
    for action_id in oversight.existing(session, gathered.oversight, withheld_ids):
        withheld.append(Withheld(f"oversight:{action_id}", f"Oversight action {action_id}"))
    catalogue = Catalogue(
        "oversight",
        "D",
        "oversight actions",
        tuple(items),
        tally.held,
        tally.held - tally.shown,
        facet_counts=tally.facet_counts,
    )
    return catalogue, tuple(overdue)


def suppressed(number: int, total: int) -> str:
    """A count of participants as the letter prints it: never one that, or whose complement, is 1 or 2.

    "fewer than 3" for a small count; "more than N" when the others are so few that the count would give them away
    (5 of 6 with a sponsor tells that 1 has none).
    """
    if 0 < number < SMALLEST_SHOWN_COUNT:
        return f"fewer than {SMALLEST_SHOWN_COUNT}"
    if 0 < total - number < SMALLEST_SHOWN_COUNT:
        return f"more than {max(total - SMALLEST_SHOWN_COUNT, 0):,}"
    return f"{number:,}"


def _participant_counts(gathered: Gathered) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    rows = gathered.participants
    if not rows:
        return ()
    by_visa = Counter(vocab.label(vocab.VISA_CATEGORIES, row.visa_category) for row in rows)
    sponsored = sum(1 for row in rows if row.program_sponsor.strip())
    by_step: Counter[str] = Counter()
    for row in rows:
        by_step.update(vocab.label(vocab.VETTING_STEPS, step) for step in set(vocab.split_words(row.vetting_steps)))
    vetted = sum(1 for row in rows if vocab.split_words(row.vetting_steps))

    def ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(counter.items(), key=lambda entry: (-entry[1], entry[0])))

    return (
        ("Visa category", ranked(by_visa)),
        ("Program sponsor", (("Sponsor recorded", sponsored), ("No sponsor recorded", len(rows) - sponsored))),
        (
            "Vetting step done",
            (*ranked(by_step), ("At least one step recorded", vetted), ("No step recorded", len(rows) - vetted)),
        ),
    )


def participant_cell(number: int, total: int) -> str:
    """'X of Y participants', with a count small enough to single out a person suppressed."""
    return f"{suppressed(number, total)} of {total:,}"


def _enclosures(
    session: Session, gathered: Gathered, withheld: list[Withheld], catalogues: Sequence[Catalogue]
) -> tuple[tuple[str, int, str], ...]:
    order: list[int] = []
    concerns: dict[int, list[str]] = {}
    held_back: list[int] = []
    for catalogue in catalogues:
        for item in catalogue.items:
            for attachment_id in item.attachment_ids:
                if f"attachment:{attachment_id}" in gathered.withheld:
                    if attachment_id not in held_back:
                        held_back.append(attachment_id)
                    continue
                if attachment_id not in concerns:
                    order.append(attachment_id)
                    concerns[attachment_id] = []
                concerns[attachment_id].append(item.number)
    read_attachments(session, gathered, order + held_back)
    for attachment_id in held_back:
        withheld.append(Withheld(f"attachment:{attachment_id}", gathered.attachments[attachment_id].title))
    return tuple(
        (f"G{index}", attachment_id, ", ".join(concerns[attachment_id]))
        for index, attachment_id in enumerate(order, start=1)
    )


# ----- what each question's answer says ----------------------------------------------------------------------------

ACTIVITY_TOPICS = {"transparency", "espionage", "economic_coercion", "visa_programs"}
SAID_ONCE = {
    "partnerships",
    "agreements",
    "activities",
    "funding",
    "gifts",
    "foreign_government",
    "intermediaries",
    "participants",
    "participants_withheld",
    "ended",
}
REVIEW_TOPICS = ("espionage", "economic_coercion", "transparency")


def _questions(session: Session, facts: Facts) -> tuple[tuple[QuestionFacts, ...], tuple[Statement, ...]]:
    gathered = facts.gathered
    questions = list(gathered.inquiry.questions)
    all_topics = [frozenset(vocab.split_words(question.topics)) for question in questions]
    # The questions that take each flag: the first whose topics it concerns.
    review_home = next((i for topic in REVIEW_TOPICS for i, t in enumerate(all_topics) if topic in t), None)
    expiry_home = next((i for i, t in enumerate(all_topics) if "transparency" in t), None)
    if expiry_home is None:
        expiry_home = next((i for i, t in enumerate(all_topics) if t & set(CLAUSES)), None)
    withheld_ids = gathered.withheld_ids("oversight")
    overdue_topics = {action_id: _topics(words) for action_id, words in gathered.overdue_actions}
    overdue_by_number = {item.number: item for item in facts.oversight.items if item.number in facts.overdue}
    coercion_home = next((i for i, t in enumerate(all_topics) if t & {"espionage", "economic_coercion"}), None)
    # The state law belongs where terminations are said; without such a question, where partnerships are listed.
    law_home = next((i for i, t in enumerate(all_topics) if "termination" in t), None)
    if law_home is None:
        law_home = next((i for i, t in enumerate(all_topics) if "transparency" in t), None)
    law_statements = _state_law_statements(facts)
    result: list[QuestionFacts] = []
    overdue_placed: set[int] = set()
    said_before: set[tuple[str, str]] = set()
    for index, question in enumerate(questions):
        topics = all_topics[index]
        said: list[Statement] = []
        if "transparency" in topics or not topics:
            said += _partnership_statements(facts)
        if index == law_home and "termination" not in topics:
            said += law_statements
        if "transparency" in topics:
            said += _agreement_statements(facts)
        if topics & set(CLAUSES):
            said += _clause_statements(facts, topics)
        if index == expiry_home and facts.expired_agreements:
            said.append(_expired_statement(facts))
        if topics & ACTIVITY_TOPICS:
            # Involvement of foreign governments and intermediaries belongs to the question on coercion, if any.
            coercion_elsewhere = coercion_home is not None and index != coercion_home
            said += _activity_statements(facts, topics, coercion_elsewhere=coercion_elsewhere)
        if "visa_programs" in topics:
            said += _participant_statements(facts)
        if "termination" in topics:
            said += _termination_statements(facts)
            if index == law_home:
                said += law_statements
        if topics:
            said += _policy_statements(facts, topics)
            tally = oversight.tally(session, gathered.oversight, set(topics), withheld_ids)
            on_topics = [item for item in facts.oversight.items if item.topics & topics]
            figures: dict[str, Any] = {
                "count": tally.shown,
                "withheld": tally.held - tally.shown,
                "topics": sorted(topics),
                "listed": len(on_topics),
            }
            if tally.shown:
                figures["open"] = sum(
                    n for what, value, n in tally.facet_counts if what == "Status" and value != "Closed"
                )
            said.append(Statement("oversight", figures, facts.oversight.numbers(on_topics)))
            due = [
                action_id
                for action_id, action_topics in overdue_topics.items()
                if action_topics & topics and action_id not in withheld_ids
            ]
            if due:
                overdue_placed.update(due)
                numbers = tuple(n for n, item in overdue_by_number.items() if item.record_id in due)
                said.append(Statement("overdue", {"count": len(due)}, numbers, warning=True))
        if index == review_home and facts.stale_reviews:
            said.append(_stale_statement(facts))
        # What the records hold of partnerships, agreements and activities is said once, where first asked.
        kept: list[Statement] = []
        for statement in said:
            key = (statement.kind, str(statement.figures.get("what", "")))
            if statement.kind in SAID_ONCE or statement.kind in ("none_held", "all_withheld"):
                if key in said_before:
                    continue
                said_before.add(key)
            kept.append(statement)
        said = kept
        result.append(
            QuestionFacts(question.position, question.short_title, question.text, tuple(sorted(topics)), tuple(said))
        )
    unplaced: list[Statement] = []
    if law_home is None:
        unplaced += [statement for statement in law_statements if statement.warning]
    if review_home is None and facts.stale_reviews:
        unplaced.append(_stale_statement(facts))
    if expiry_home is None and facts.expired_agreements:
        unplaced.append(_expired_statement(facts))
    left = [
        action_id for action_id in overdue_topics if action_id not in overdue_placed and action_id not in withheld_ids
    ]
    if left:
        numbers = tuple(n for n, item in overdue_by_number.items() if item.record_id in left)
        unplaced.append(Statement("overdue", {"count": len(left)}, numbers, warning=True))
    return tuple(result), tuple(unplaced)


def _expired_statement(facts: Facts) -> Statement:
    return Statement("expired", {"count": len(facts.expired_agreements)}, facts.expired_agreements, warning=True)


def _stale_statement(facts: Facts) -> Statement:
    in_force = [item for item in facts.partnerships.items if _status_of(facts, item) in STATUSES_IN_FORCE]
    return Statement(
        "stale_reviews",
        {"count": len(facts.stale_reviews), "in_force": len(in_force)},
        facts.stale_reviews,
        warning=True,
    )


def _status_of(facts: Facts, item: Item) -> str:
    return facts.gathered.partnership_by_id[item.record_id].status


def _has_gifts(activity: models.Activity) -> bool:
    return bool(activity.gifts_given.strip() or activity.gifts_received.strip() or activity.gifts_value_cents)


def _partnership_statements(facts: Facts) -> list[Statement]:
    catalogue = facts.partnerships
    if not catalogue.items:
        return [_nothing_listed("partnerships", catalogue.withheld)]
    statuses = Counter(_status_of(facts, item) for item in catalogue.items)
    by_status = [(vocab.label(vocab.PARTNERSHIP_STATUSES, s).lower(), statuses[s]) for s in vocab.PARTNERSHIP_STATUSES]
    figures = {"count": len(catalogue.items), "withheld": catalogue.withheld, "by_status": by_status}
    return [Statement("partnerships", figures, catalogue.numbers())]


def _nothing_listed(what: str, withheld: int) -> Statement:
    """That the records hold none, or that all they hold is withheld: never "none" when some are withheld."""
    if withheld:
        return Statement("all_withheld", {"what": what, "count": withheld})
    return Statement("none_held", {"what": what})


def _agreement_statements(facts: Facts) -> list[Statement]:
    catalogue = facts.agreements
    if not catalogue.items:
        return [_nothing_listed("agreements", catalogue.withheld)]
    agreements = facts.gathered.agreement_by_id
    published = [item for item in catalogue.items if _is_published(agreements[item.record_id])]
    linked = [item for item in catalogue.items if agreements[item.record_id].public_url.strip()]
    with_agreement = {item.partnership_id for item in catalogue.items}
    without = [item.number for item in facts.partnerships.items if item.record_id not in with_agreement]
    return [
        Statement(
            "agreements",
            {
                "count": len(catalogue.items),
                "withheld": catalogue.withheld,
                "published": len(published),
                "linked": len(linked),
                "partnerships_without": len(without),
            },
            catalogue.numbers(),
        )
    ]


def _clause_statements(facts: Facts, topics: frozenset[str]) -> list[Statement]:
    catalogue = facts.agreements
    if not catalogue.items:
        return [] if "transparency" in topics else [_nothing_listed("agreements", catalogue.withheld)]
    agreements = facts.gathered.agreement_by_id
    found: list[tuple[str, int, tuple[str, ...]]] = []
    for topic in (t for t in CLAUSES if t in topics):
        for flag, label in CLAUSES[topic]:
            having = [item.number for item in catalogue.items if _has_clause(agreements[item.record_id], flag)]
            found.append((label, len(having), tuple(having)))
    backing = tuple(dict.fromkeys(number for _, _, numbers in found for number in numbers))
    return [Statement("clauses", {"count": len(catalogue.items), "clauses": found}, backing)]


def _has_clause(agreement: models.Agreement, flag: str) -> bool:
    value = getattr(agreement, flag)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _activity_statements(facts: Facts, topics: frozenset[str], *, coercion_elsewhere: bool) -> list[Statement]:
    catalogue = facts.activities
    if not catalogue.counted:
        return [_nothing_listed("activities under the partnerships", catalogue.withheld)]
    dated = sorted(
        a.starts_on
        for a in facts.gathered.activities
        if a.starts_on and f"activity:{a.id}" not in facts.gathered.withheld
    )
    said = [
        Statement(
            "activities",
            {
                "count": catalogue.counted,
                "withheld": catalogue.withheld,
                "listed": len(catalogue.items),
                "first": dated[0] if dated else None,
                "last": dated[-1] if dated else None,
                "undated": catalogue.counted - len(dated),
            },
            catalogue.numbers(),
        )
    ]
    totals = activity_totals(facts.gathered)
    if topics & {"transparency", "economic_coercion"}:
        said.append(Statement("funding", {"totals": totals["funding"]}, ("C",)))
    activities = facts.gathered.activity_by_id
    if topics & {"espionage", "economic_coercion"} or ("transparency" in topics and not coercion_elsewhere):
        involved = [
            item.number for item in catalogue.items if activities[item.record_id].foreign_government_involvement.strip()
        ]
        said.append(
            Statement(
                "foreign_government", {"count": totals["foreign_government"], "of": catalogue.counted}, tuple(involved)
            )
        )
        intermediaries = [
            item.number
            for item in facts.partnerships.items
            if facts.gathered.partnership_by_id[item.record_id].intermediaries.strip()
        ]
        said.append(
            Statement(
                "intermediaries",
                {"count": len(intermediaries), "of": len(facts.partnerships.items)},
                tuple(intermediaries),
            )
        )
    if topics & {"transparency", "economic_coercion"}:
        gifts = [item.number for item in catalogue.items if _has_gifts(activities[item.record_id])]
        said.append(Statement("gifts", {"count": totals["gifts"], "of": catalogue.counted}, tuple(gifts)))
    return said


def _participant_statements(facts: Facts) -> list[Statement]:
    rows = facts.gathered.participants
    if facts.participants_withheld:
        return [Statement("participants_withheld", {"count": len(rows)})]
    if not rows:
        return [Statement("none_held", {"what": "participants in partnership activities"})]
    visa = sum(1 for row in rows if row.visa_category not in ("unknown", ""))
    sponsor = sum(1 for row in rows if row.program_sponsor.strip())
    vetted = sum(1 for row in rows if vocab.split_words(row.vetting_steps))
    return [
        Statement(
            "participants",
            {"count": len(rows), "visa": visa, "sponsor": sponsor, "vetted": vetted},
            ("F",),
        )
    ]


def _policy_statements(facts: Facts, topics: frozenset[str]) -> list[Statement]:
    on_topics = [item for item in facts.policies.items if item.topics & topics]
    withheld = sum(
        1
        for policy in facts.gathered.policies
        if f"policy:{policy.id}" in facts.gathered.withheld and _topics(policy.topics) & topics
    )
    figures = {"count": len(on_topics), "withheld": withheld, "topics": sorted(topics)}
    return [Statement("policies", figures, facts.policies.numbers(on_topics))]


def _termination_statements(facts: Facts) -> list[Statement]:
    """Which partnerships are terminated and which only suspended, since when and on what basis; the notices."""
    gathered = facts.gathered
    ended: dict[str, list[tuple[str, dt.date | None, str]]] = {"terminated": [], "suspended": []}
    for item in facts.partnerships.items:
        partnership = gathered.partnership_by_id[item.record_id]
        if partnership.status in ended:
            change = gathered.status_since.get(partnership.id)
            since = change.changed_on if change is not None and change.to_status == partnership.status else None
            basis = change.legal_basis.strip() if change is not None and since is not None else ""
            ended[partnership.status].append((item.number, since, basis))
    notices = [
        item.number
        for item in facts.agreements.items
        if gathered.agreement_by_id[item.record_id].kind == "termination_notice"
    ]
    backing = tuple(number for rows in ended.values() for number, _, _ in rows) + tuple(notices)
    figures = {"listed": len(facts.partnerships.items), "notices": notices, **ended}
    return [Statement("ended", figures, backing)]


# ----- the state law that applies, and how the City complied ---------------------------------------------------------

# The steps of a termination as a sentence names them ("with evidence on record of a council ... resolution").
_STEP_ARTICLES = {"resolution": "a "}


def step_words(step: str, label: str) -> str:
    return _STEP_ARTICLES.get(step, "") + label[:1].lower() + label[1:]


@dataclass(frozen=True)
class LawCase:
    """What the records show of one listed partnership that a state-law rule reaches."""

    number: str  # "A2"
    result: str  # a screening result ("complied", "overdue" ...)
    status: str  # the partnership's status on the letter's date, as a word ("active")
    terminated_on: dt.date | None
    late: bool  # terminated after the rule's deadline
    steps: tuple[str, ...]  # the steps with evidence on record, as words
    enclosed: tuple[str, ...]  # G numbers of their files
    files_withheld: int  # files of those steps withheld from this letter
    missing: tuple[str, ...]  # the required steps with no evidence file, as words
    agreements: tuple[str, ...] = ()  # B numbers of the agreements the screening names
    established_after: bool = False  # established on or after the day the law took effect


def _state_law_statements(facts: Facts) -> list[Statement]:
    """Per rule of the home state that reaches a partnership: what it requires, and each partnership's case.

    Only what the screening of the records finds is said; a partnership the clerk withholds is counted, not named,
    and a case that needs action is a warning of its own, never said to be complied.
    """
    gathered = facts.gathered
    if not gathered.state_law:
        return []
    number_of = {item.record_id: item.number for item in facts.partnerships.items}
    enclosure_of = {attachment_id: number for number, attachment_id, _ in facts.enclosures}
    agreement_number = {item.record_id: item.number for item in facts.agreements.items}
    said: list[Statement] = []
    for rule_id, rule in gathered.law_rules.items():
        screenings = [s for s in gathered.state_law if s.rule_id == rule_id]
        if not screenings:
            continue
        cases: list[LawCase] = []
        withheld = 0
        for screening in screenings:
            number = number_of.get(screening.partnership_id)
            if number is None:
                withheld += 1
                continue
            cases.append(_law_case(facts, screening, number, enclosure_of, agreement_number))
        cases.sort(key=lambda case: natural_number(case.number))
        figures: dict[str, Any] = {
            "citation": rule.citation,
            "title": rule.title,
            "countries": [country.name for country in rule.countries],
            "terminate_existing": rule.terminate_existing,
            "no_new": rule.no_new,
            "no_renewal": rule.no_renewal,
            "clauses": [CLAUSE_LABELS[name] for name in rule.clause_conditions],
            "effective": rule.effective,
            "deadline": rule.deadline,
            "count": len(cases),
            "withheld": withheld,
            "cases": [case for case in cases if case.result not in NEEDS_ACTION],
        }
        backing = tuple(case.number for case in cases) + tuple(
            number for case in cases if case.result not in NEEDS_ACTION for number in case.enclosed
        )
        said.append(Statement("state_law", figures, backing))
        for case in cases:
            if case.result in NEEDS_ACTION:
                due = {**figures, "case": case}
                said.append(Statement("state_law_due", due, (case.number, *case.agreements, *case.enclosed), True))
    return said


def natural_number(number: str) -> tuple[str, int]:
    return number[:1], int(number[1:]) if number[1:].isdigit() else 0


def _law_case(
    facts: Facts,
    screening: Screening,
    number: str,
    enclosure_of: dict[int, str],
    agreement_number: dict[int, str],
) -> LawCase:
    gathered = facts.gathered
    steps: list[str] = []
    enclosed: list[str] = []
    files_withheld = 0
    for step in screening.evidence:
        if step.attachment_id is None:
            continue
        steps.append(step_words(step.step, step.label))
        if step.attachment_id in enclosure_of:
            if enclosure_of[step.attachment_id] not in enclosed:
                enclosed.append(enclosure_of[step.attachment_id])
        elif f"attachment:{step.attachment_id}" in gathered.withheld:
            files_withheld += 1
    missing_steps = {label: key for key, label in STEPS.items()}
    partnership = gathered.partnership_by_id[screening.partnership_id]
    rule = gathered.law_rules[screening.rule_id]
    established = partnership.established_on
    return LawCase(
        number=number,
        result=screening.result,
        status=vocab.label(vocab.PARTNERSHIP_STATUSES, screening.status_on).lower(),
        terminated_on=screening.terminated_on,
        late=bool(screening.terminated_on and screening.deadline and screening.terminated_on > screening.deadline),
        steps=tuple(steps),
        enclosed=tuple(sorted(enclosed, key=natural_number)),
        files_withheld=files_withheld,
        missing=tuple(step_words(missing_steps.get(label, ""), label) for label in screening.missing),
        agreements=tuple(
            sorted((agreement_number[a] for a in screening.agreements if a in agreement_number), key=natural_number)
        ),
        established_after=bool(rule.no_new and rule.effective and established and established >= rule.effective),
    )
