"""The fixed vocabularies of the records: kinds, statuses, topics, each value with the label a clerk reads."""

from __future__ import annotations

from collections.abc import Iterable

Vocabulary = dict[str, str]  # stored value -> label

TOPICS: Vocabulary = {
    "transparency": "Transparency",
    "free_expression": "Freedom of expression",
    "espionage": "Espionage",
    "economic_coercion": "Economic coercion",
    "visa_programs": "Visa programs",
    "termination": "Termination and suspension",
}

JURISDICTION_KINDS: Vocabulary = {"city": "City", "county": "County", "state": "State", "town": "Town"}

PARTNER_LEVELS: Vocabulary = {
    "city": "City",
    "county": "County",
    "district": "District",
    "province": "Province",
    "state": "State",
}

PARTNERSHIP_KINDS: Vocabulary = {
    "sister_city": "Sister city",
    "friendship_city": "Friendship city",
    "sister_state": "Sister state or province",
    "letter_of_intent": "Letter of intent",
}

PARTNERSHIP_STATUSES: Vocabulary = {
    "proposed": "Proposed",
    "active": "Active",
    "dormant": "Dormant",
    "suspended": "Suspended",
    "terminated": "Terminated",
}

AGREEMENT_KINDS: Vocabulary = {
    "agreement": "Agreement",
    "mou": "Memorandum of understanding",
    "amendment": "Amendment",
    "renewal": "Renewal",
    "termination_notice": "Termination notice",
    "council_resolution": "Council resolution",
}

ACTIVITY_KINDS: Vocabulary = {
    "inbound_delegation": "Inbound delegation",
    "outbound_delegation": "Outbound delegation",
    "student_exchange": "Student exchange",
    "cultural_event": "Cultural event",
    "trade_mission": "Trade mission",
    "virtual_meeting": "Virtual meeting",
    "gift_exchange": "Gift exchange",
}

PARTICIPANT_ROLES: Vocabulary = {
    "official": "Official",
    "delegate": "Delegate",
    "student": "Student",
    "teacher": "Teacher",
    "performer": "Performer",
    "business": "Business",
}

VISA_CATEGORIES: Vocabulary = {
    "b1_b2": "B-1/B-2 visitor",
    "j1": "J-1 exchange visitor",
    "f1": "F-1 student",
    "a_g_official": "A or G official",
    "visa_waiver": "Visa waiver",
    "other": "Other",
    "unknown": "Unknown",
    "not_applicable": "Not applicable (US national)",
}

VETTING_STEPS: Vocabulary = {
    "identity_checked": "Identity checked",
    "sponsor_confirmed": "Program sponsor confirmed",
    "invitation_reviewed": "Invitation letter reviewed",
    "security_briefing": "Security briefing given",
    "federal_consultation": "Federal agency consulted",
    "itinerary_approved": "Itinerary approved",
}

POLICY_KINDS: Vocabulary = {
    "ordinance": "Ordinance",
    "council_policy": "Council policy",
    "code_of_conduct": "Code of conduct",
    "procedure": "Procedure",
    "training": "Training",
}

OVERSIGHT_KINDS: Vocabulary = {
    "annual_review": "Annual review",
    "risk_assessment": "Risk assessment",
    "legal_review": "Legal review",
    "council_briefing": "Council briefing",
    "public_disclosure": "Public disclosure",
    "training": "Training",
    "security_consultation": "Security consultation",
    "incident_report": "Incident report",
    "audit": "Audit",
    "termination_review": "Termination review",
}

RISK_LEVELS: Vocabulary = {"none": "None", "low": "Low", "medium": "Medium", "high": "High"}

OVERSIGHT_STATUSES: Vocabulary = {"planned": "Planned", "open": "Open", "closed": "Closed"}

RESPONSE_STATUSES: Vocabulary = {"draft": "Draft", "issued": "Issued", "superseded": "Superseded"}


def label(vocabulary: Vocabulary, value: str | None) -> str:
    """The label of a stored value, or the value itself when unknown."""
    if value is None:
        return ""
    return vocabulary.get(value, value)


def split_words(value: str | None) -> list[str]:
    """Splits a stored space-separated list (topics, vetting steps) into its words."""
    return [word for word in (value or "").split() if word]


def join_words(values: Iterable[str]) -> str:
    """Stores a list of words (topics, vetting steps) as one space-separated text, sorted and unique."""
    return " ".join(sorted({value.strip() for value in values if value and value.strip()}))
