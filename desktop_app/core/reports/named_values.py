"""Named values a narrative may insert, such as {active_partnerships}, and their safe substitution."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import UserError

# Name -> what it stands for, in the order the window's insert menu shows them.
NAMED_VALUES: dict[str, str] = {
    "jurisdiction_name": "The city or county's name with its state, e.g. Kansas City, Missouri",
    "jurisdiction_kind": "City, County or Town, as the jurisdiction is recorded",
    "as_of_date": "The letter's date, e.g. 28 November 2026",
    "inquiry_reference": "The reference of the inquiry being answered",
    "inquiry_date": "The date of the inquiry",
    "signatory_name": "The name of the person who signs the letter",
    "total_partnerships": "Number of partnerships on record (any status)",
    "active_partnerships": "Number of active partnerships",
    "proposed_partnerships": "Number of proposed partnerships",
    "dormant_partnerships": "Number of dormant partnerships",
    "suspended_partnerships": "Number of suspended partnerships",
    "terminated_partnerships": "Number of terminated partnerships",
    "unconfirmed_partnerships": "Number of partnerships loaded from a public list and not yet confirmed",
    "partner_countries": "The partners' countries, e.g. China",
    "agreements_total": "Number of agreements on record",
    "agreements_published": "Number of agreements with a publication date or public address",
    "agreements_unpublished": "Number of agreements not recorded as published",
    "policies_total": "Number of policies on record",
    "oversight_actions_total": "Number of oversight actions on record",
    "open_oversight_actions": "Number of oversight actions still planned or open",
    "last_review_date": "Date of the most recent review, risk assessment, legal review, audit or termination "
    "review (or 'none recorded')",
    "activities_total": "Number of activities on record",
    "participants_total": "Number of participants recorded for activities (counted, never named)",
    "question_policies": "Number of policies on this question's topics",
    "question_oversight_actions": "Number of oversight actions on this question's topics",
}


def named_values() -> dict[str, str]:
    """Every named value with a sentence saying what it stands for (for the insert menu and the help)."""
    return dict(NAMED_VALUES)


def _known_names_sentence() -> str:
    return ", ".join("{" + name + "}" for name in NAMED_VALUES)


def _is_name(text: str) -> bool:
    return (
        bool(text)
        and text[0].isascii()
        and text[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c == "_") for c in text)
    )


def placeholders(text: str) -> list[str]:
    """The names a text uses, in order; a UserError for a malformed brace or an unknown name."""
    return [name for kind, name in _tokens(text) if kind == "name"]


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each {name} replaced by its value; {{ and }} stand for literal braces.

    The text is parsed here, character by character: it never reaches str.format, so it cannot read
    attributes or items of anything.
    """
    out: list[str] = []
    for kind, token in _tokens(text):
        if kind == "text":
            out.append(token)
        else:
            out.append(values.get(token, ""))
    return "".join(out)


def clean_text(text: str) -> str:
    """A narrative as stored: line breaks and tabs kept, other control characters (NUL, escape...) dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or not (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F))


def check_text(text: str) -> None:
    """Raises a UserError when a narrative uses a name that is not a named value."""
    placeholders(text)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        character = text[index]
        if character == "{" and text.startswith("{{", index):
            literal.append("{")
            index += 2
        elif character == "}" and text.startswith("}}", index):
            literal.append("}")
            index += 2
        elif character == "{":
            end = text.find("}", index + 1)
            if end < 0:
                raise UserError(
                    "A '{' in the text opens a named value that is never closed with '}'; "
                    "write {{ for a brace on its own."
                )
            name = text[index + 1 : end].strip()
            if not _is_name(name) or name not in NAMED_VALUES:
                shown = name if len(name) <= 40 else name[:40] + "…"
                raise UserError(
                    f"The text uses {{{shown}}}, which is not a named value; the named values are: "
                    f"{_known_names_sentence()}. Write {{{{ and }}}} for braces on their own."
                )
            if literal:
                tokens.append(("text", "".join(literal)))
                literal = []
            tokens.append(("name", name))
            index = end + 1
        else:
            literal.append(character)
            index += 1
    if literal:
        tokens.append(("text", "".join(literal)))
    return tokens
