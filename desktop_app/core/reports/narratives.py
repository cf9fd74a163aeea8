"""Default texts of a new response (introduction, closing; narratives start empty) and the old defaults they replace.

A narrative is the clerk's own words: the program's answer to each question is written from the records (see
wording), so a new draft's narratives start empty rather than with sentences the records might not support.
"""

from __future__ import annotations

_INTRODUCTION = (
    "Each answer below states what the {jurisdiction_kind}'s records of its sister-city partnerships hold as of "
    "{as_of_date}. The records are listed in the appendices, each item once and by number (A1, B1 and so on); the "
    "documents enclosed are listed in Appendix G with their SHA-256 fingerprints, by which each copy can be checked."
)

_CLOSING = (
    "The records cited in this letter are kept by the {jurisdiction_kind} and are available on request. "
    "Should you need further information, please contact the person named below."
)

# Texts earlier versions of the program put in every new draft. Some said more than the records could back
# ("civic and cultural exchanges"); a draft still holding one word for word gets today's default instead.
RETIRED_NARRATIVES = frozenset(
    {
        "{jurisdiction_name} keeps a record of each of its sister-city partnerships, the agreements that establish "
        "them and where those agreements are published. Partnerships on record as of {as_of_date}: "
        "{total_partnerships} (active: {active_partnerships}; suspended: {suspended_partnerships}; terminated: "
        "{terminated_partnerships}). Agreements recorded as published: {agreements_published} of {agreements_total}. "
        "Each partnership and agreement is listed below.",
        "The {jurisdiction_kind}'s partnerships are civic and cultural exchanges. The policies and reviews that "
        "concern freedom of expression, and what the {jurisdiction_kind}'s agreements say about speech, curriculum "
        "and content, are listed below.",
        "Oversight of the partnerships is recorded as it is done. Most recent review on record: "
        "{last_review_date}. The policies, oversight actions and agreement clauses that concern espionage and "
        "economic coercion are listed below.",
        "Visas are issued by the federal government. For activities under the partnerships, the "
        "{jurisdiction_kind}'s records note each visiting participant's visa category, program sponsor and the "
        "vetting steps completed. Participants recorded as of {as_of_date}: {participants_total}. The counts below "
        "name no participant.",
        "The records of {jurisdiction_name} that bear on this question, as of {as_of_date}, are listed below.",
    }
)
RETIRED_INTRODUCTIONS = frozenset(
    {
        "{jurisdiction_name} answers below the questions of the letter referenced above. Each answer is drawn from "
        "the {jurisdiction_kind}'s records of its sister-city partnerships as of {as_of_date}. The documents cited "
        "are enclosed; Appendix A lists the partnerships and Appendix B lists the enclosed documents with their "
        "fingerprints (SHA-256), by which each copy can be checked."
    }
)
RETIRED_CLOSINGS = frozenset(
    {
        "The records cited in this letter are kept by the {jurisdiction_kind} and are available on request. "
        "Should you need further information, please contact this office."
    }
)


def default_introduction() -> str:
    return _INTRODUCTION


def default_closing() -> str:
    return _CLOSING


def current_narrative(text: str) -> str:
    return "" if text.strip() in RETIRED_NARRATIVES else text


def current_introduction(text: str) -> str:
    return _INTRODUCTION if not text.strip() or text.strip() in RETIRED_INTRODUCTIONS else text


def current_closing(text: str) -> str:
    return _CLOSING if not text.strip() or text.strip() in RETIRED_CLOSINGS else text
