"""The record kinds: which model, which fields, which checks across fields, and what a kind is called."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import vocab
from ..errors import UserError
from .fields import Field, cents, choice, date, flag, integer, longtext, ref, text, words

if TYPE_CHECKING:
    from ..db import models

CrossCheck = Callable[[dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class Kind:
    """A record kind as the use cases, the command line and the window see it."""

    name: str  # singular, as used in "KIND:ID"
    plural: str  # as used by `list KIND`
    label: str
    model_name: str  # its class in db.models, loaded only when asked for (the command line's reads need no ORM)
    table: str
    fields: tuple[Field, ...]
    checks: tuple[CrossCheck, ...] = ()
    default_order: str = "id"
    aliases: tuple[str, ...] = field(default=())

    @property
    def model(self) -> type[models.Base]:
        from ..db import models

        model: type[models.Base] = getattr(models, self.model_name)
        return model

    def missing(self, record_id: int) -> UserError:
        """The sentence for a record of this kind that is not in the records."""
        return UserError(f"There is no {self.label.lower()} with number {record_id}.")

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def dates_in_order(first: str, second: str, first_label: str, second_label: str) -> CrossCheck:
    """A check that one date does not come after another."""

    def check(values: dict[str, Any]) -> dict[str, str]:
        start, end = values.get(first), values.get(second)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            return {second: f"{second_label} cannot be before {first_label.lower()}."}
        return {}

    return check


def _participant_letter(values: dict[str, Any]) -> dict[str, str]:
    if values.get("invitation_letter_on") and not values.get("invitation_letter_issued"):
        return {"invitation_letter_on": "An invitation letter date is given but the letter is marked as not issued."}
    return {}


JURISDICTION = Kind(
    "jurisdiction",
    "jurisdictions",
    "Jurisdiction",
    "Jurisdiction",
    "jurisdiction",
    (
        text("name", "Name", required=True, searchable=True),
        text("state", "State (two letters)", max_length=2),
        choice("kind", "Kind", vocab.JURISDICTION_KINDS),
        flag("is_home", "This is the clerk's own jurisdiction"),
        text("clerk_name", "Clerk's name"),
        text("clerk_title", "Clerk's title"),
        text("mayor_name", "Mayor's name"),
        text("mayor_title", "Mayor's title"),
        text("signatory_name", "Signatory's name"),
        text("signatory_title", "Signatory's title"),
        longtext("postal_address", "Postal address", searchable=False),
        text("email", "Email"),
        text("phone", "Telephone", max_length=60),
        ref("logo_attachment_id", "Letterhead logo or seal", "attachment", required=False),
    ),
    default_order="name",
)

PARTNER = Kind(
    "partner",
    "partners",
    "Partner community",
    "Partner",
    "partner",
    (
        text("name", "Name (romanized)", required=True, searchable=True),
        text("native_name", "Native name", searchable=True),
        text("region", "Province or region", searchable=True),
        text("country_code", "Country code (ISO 3166)", max_length=2),
        text("country_name", "Country", max_length=100),
        choice("level", "Level", vocab.PARTNER_LEVELS),
    ),
    default_order="name",
)

PARTNERSHIP = Kind(
    "partnership",
    "partnerships",
    "Partnership",
    "Partnership",
    "partnership",
    (
        ref("jurisdiction_id", "US jurisdiction", "jurisdiction"),
        ref("partner_id", "Partner community", "partner"),
        choice("kind", "Kind", vocab.PARTNERSHIP_KINDS),
        choice("status", "Status", vocab.PARTNERSHIP_STATUSES),
        date("established_on", "Established on"),
        integer("established_year", "Year established"),
        text("council_resolution_number", "Council resolution number", max_length=100),
        date("council_resolution_on", "Council resolution date"),
        flag("recognised_by_sci", "Recognised by Sister Cities International"),
        longtext("intermediaries", "Intermediaries"),
        longtext("counterpart_contacts", "Counterpart contacts", searchable=False),
        longtext("notes", "Notes"),
        flag("confirmed", "Confirmed by the clerk"),
        longtext("source", "Source", searchable=False),
        date("last_reviewed_on", "Last reviewed on"),
    ),
    checks=(dates_in_order("established_on", "council_resolution_on", "Established on", "Council resolution date"),),
)

AGREEMENT = Kind(
    "agreement",
    "agreements",
    "Agreement",
    "Agreement",
    "agreement",
    (
        ref("partnership_id", "Partnership", "partnership"),
        choice("kind", "Kind", vocab.AGREEMENT_KINDS),
        text("title", "Title", required=True, max_length=300, searchable=True),
        date("signed_on", "Signed on"),
        text("signed_at", "Signed at (place)"),
        longtext("signatories", "Signatories"),
        date("effective_on", "Effective on"),
        text("term", "Term", max_length=100),
        date("expires_on", "Expires on"),
        text("languages", "Languages"),
        text("authoritative_language", "Authoritative text", max_length=100),
        flag("binding", "Legally binding"),
        flag("has_termination_clause", "Has a termination clause"),
        text("notice_period", "Notice period", max_length=100),
        longtext("political_clause", 'Political clause (e.g. "One China")'),
        flag("restricts_speech", "Commits to restrict speech"),
        flag("restricts_curriculum", "Commits to restrict curriculum or content"),
        flag("confidentiality", "Confidentiality clause"),
        flag("funding_obligations", "Funding obligations"),
        flag("data_sharing", "Data sharing"),
        longtext("clause_notes", "Clause notes"),
        words("topics", "Topics", vocab.TOPICS),
        date("published_on", "Published on"),
        text("public_url", "Public address (URL)", max_length=500),
        longtext("notes", "Notes"),
    ),
    checks=(
        dates_in_order("signed_on", "expires_on", "Signed on", "Expires on"),
        dates_in_order("effective_on", "expires_on", "Effective on", "Expires on"),
    ),
)

ACTIVITY = Kind(
    "activity",
    "activities",
    "Activity",
    "Activity",
    "activity",
    (
        ref("partnership_id", "Partnership", "partnership"),
        choice("kind", "Kind", vocab.ACTIVITY_KINDS),
        text("title", "Title", max_length=300, searchable=True),
        date("starts_on", "Starts on", required=True),
        date("ends_on", "Ends on"),
        text("place", "Place", searchable=True),
        integer("participant_count", "Number of participants"),
        text("currency", "Currency", max_length=3),
        cents("funding_city_cents", "Funding by the city"),
        cents("funding_nonprofit_cents", "Funding by nonprofits"),
        cents("funding_foreign_government_cents", "Funding by a foreign government"),
        cents("funding_private_cents", "Private funding"),
        longtext("foreign_government_involvement", "Foreign-government involvement"),
        longtext("gifts_given", "Gifts given"),
        longtext("gifts_received", "Gifts received"),
        cents("gifts_value_cents", "Value of gifts"),
        longtext("notes", "Notes"),
    ),
    checks=(dates_in_order("starts_on", "ends_on", "Starts on", "Ends on"),),
    default_order="starts_on",
)

PARTICIPANT = Kind(
    "participant",
    "participants",
    "Participant",
    "Participant",
    "participant",
    (
        ref("activity_id", "Activity", "activity"),
        text("name", "Name (personal data, optional)", personal=True),
        choice("role", "Role", vocab.PARTICIPANT_ROLES),
        text("nationality", "Nationality", max_length=100),
        choice("visa_category", "Visa category", vocab.VISA_CATEGORIES),
        text("program_sponsor", "Program sponsor"),
        flag("invitation_letter_issued", "Invitation letter issued by the city"),
        date("invitation_letter_on", "Invitation letter date"),
        words("vetting_steps", "Vetting steps done", vocab.VETTING_STEPS),
    ),
    checks=(_participant_letter,),
)

POLICY = Kind(
    "policy",
    "policies",
    "Policy",
    "Policy",
    "policy",
    (
        choice("kind", "Kind", vocab.POLICY_KINDS),
        text("title", "Title", required=True, max_length=300, searchable=True),
        date("adopted_on", "Adopted on"),
        text("adopted_by", "Adopted by"),
        text("reference_number", "Reference number", max_length=100),
        longtext("summary", "Summary"),
        words("topics", "Topics", vocab.TOPICS),
    ),
    default_order="adopted_on",
)

OVERSIGHT = Kind(
    "oversight",
    "oversight",
    "Oversight action",
    "OversightAction",
    "oversight_action",
    (
        ref("partnership_id", "Partnership (empty for program-wide)", "partnership", required=False),
        choice("kind", "Kind", vocab.OVERSIGHT_KINDS),
        date("action_on", "Date", required=True),
        text("officer", "Officer"),
        words("topics", "Topics", vocab.TOPICS),
        longtext("finding", "Finding"),
        choice("risk_level", "Risk level", vocab.RISK_LEVELS),
        choice("status", "Status", vocab.OVERSIGHT_STATUSES),
        date("due_on", "Follow-up due on"),
        longtext("follow_up", "Follow-up"),
    ),
    checks=(dates_in_order("action_on", "due_on", "Date", "Follow-up due on"),),
    default_order="action_on",
    aliases=("oversight_action", "oversight-actions", "oversight_actions"),
)

INQUIRY = Kind(
    "inquiry",
    "inquiries",
    "Inquiry",
    "Inquiry",
    "inquiry",
    (
        text("subject", "Subject", required=True, max_length=300, searchable=True),
        text("reference", "Reference", max_length=300),
        date("sent_on", "Dated"),
        date("received_on", "Received on"),
        longtext("from_whom", "From"),
        longtext("to_whom", "Addressed to"),
        longtext("recipients", "Reply to (address block)", searchable=False),
        longtext("optional_recipients", "Copy to, if chosen (address block)", searchable=False),
        text("salutation", "Salutation", max_length=300),
        date("due_on", "Answer due on"),
        longtext("notes", "Notes"),
    ),
    checks=(dates_in_order("sent_on", "due_on", "Dated", "Answer due on"),),
)

RESPONSE = Kind(
    "response",
    "responses",
    "Response",
    "Response",
    "response",
    (
        ref("inquiry_id", "Inquiry", "inquiry"),
        date("letter_date", "Letter date"),
        text("signatory_name", "Signatory's name"),
        text("signatory_title", "Signatory's title"),
        flag("include_optional_recipients", "Also address the optional recipients"),
        longtext("introduction", "Introduction"),
        longtext("closing", "Closing"),
    ),
)

KINDS: tuple[Kind, ...] = (
    JURISDICTION,
    PARTNER,
    PARTNERSHIP,
    AGREEMENT,
    ACTIVITY,
    PARTICIPANT,
    POLICY,
    OVERSIGHT,
    INQUIRY,
    RESPONSE,
)
_BY_NAME: dict[str, Kind] = {}
for _kind in KINDS:
    for _alias in (_kind.name, _kind.plural, *_kind.aliases):
        _BY_NAME[_alias] = _kind


def kind_named(name: str) -> Kind:
    """The kind by its singular, plural or alias name; a plain sentence when unknown."""
    found = _BY_NAME.get(name.strip().lower())
    if found is None:
        known = ", ".join(kind.plural for kind in KINDS)
        raise UserError(f"There is no record kind called {name!r}; the kinds are: {known}.")
    return found
