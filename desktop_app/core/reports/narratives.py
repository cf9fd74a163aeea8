"""Default texts of a new response: introduction, closing, and a short neutral narrative per question."""

from __future__ import annotations

from ..db.builtin_keys import BLACKBURN_HAWLEY_KEY

_BLACKBURN_HAWLEY: dict[int, str] = {
    1: "{jurisdiction_name} keeps a record of each of its sister-city partnerships, the agreements that establish "
    "them and where those agreements are published. Partnerships on record as of {as_of_date}: "
    "{total_partnerships} (active: {active_partnerships}; suspended: {suspended_partnerships}; terminated: "
    "{terminated_partnerships}). Agreements recorded as published: {agreements_published} of {agreements_total}. "
    "Each partnership and agreement is listed below.",
    2: "The {jurisdiction_kind}'s partnerships are civic and cultural exchanges. The policies and reviews that "
    "concern freedom of expression, and what the {jurisdiction_kind}'s agreements say about speech, curriculum "
    "and content, are listed below.",
    3: "Oversight of the partnerships is recorded as it is done. Most recent review on record: "
    "{last_review_date}. The policies, oversight actions and agreement clauses that concern espionage and "
    "economic coercion are listed below.",
    4: "Visas are issued by the federal government. For activities under the partnerships, the "
    "{jurisdiction_kind}'s records note each visiting participant's visa category, program sponsor and the vetting "
    "steps completed. Participants recorded as of {as_of_date}: {participants_total}. The counts below name no "
    "participant.",
}

_GENERIC = "The records of {jurisdiction_name} that bear on this question, as of {as_of_date}, are listed below."

_INTRODUCTION = (
    "{jurisdiction_name} answers below the questions of the letter referenced above. Each answer is drawn from the "
    "{jurisdiction_kind}'s records of its sister-city partnerships as of {as_of_date}. The documents cited are "
    "enclosed; Appendix A lists the partnerships and Appendix B lists the enclosed documents with their "
    "fingerprints (SHA-256), by which each copy can be checked."
)

_CLOSING = (
    "The records cited in this letter are kept by the {jurisdiction_kind} and are available on request. "
    "Should you need further information, please contact this office."
)


def default_narrative(builtin_key: str | None, position: int) -> str:
    """The narrative a new draft starts with for a question; the clerk edits it."""
    if builtin_key == BLACKBURN_HAWLEY_KEY and position in _BLACKBURN_HAWLEY:
        return _BLACKBURN_HAWLEY[position]
    return _GENERIC


def default_introduction() -> str:
    return _INTRODUCTION


def default_closing() -> str:
    return _CLOSING
