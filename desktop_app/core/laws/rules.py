"""The state-law rules: shipped files in resources/laws, schema-checked, plus the ones a clerk added or corrected."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import models
from ..errors import UserError
from ..host.resources import resource_path

NOT_LEGAL_ADVICE = (
    "The state-law rules are a screening aid compiled from published texts, not legal advice; "
    "confirm with the city attorney before acting on them."
)

STEP_FIELDS = ("no_new", "no_renewal", "terminate_existing")
CLAUSE_LABELS = {
    "restricts_speech": "commits the city to restrict speech or promote the foreign party's values",
    "restricts_curriculum": "lets the foreign party direct curriculum or content",
    "political_clause": "commits the city to a political position",
    "confidentiality": "binds the city to confidentiality",
    "funding_obligations": "binds the city to funding obligations",
    "data_sharing": "commits the city to share data",
}


@dataclass(frozen=True)
class Country:
    """A country a rule lists, by ISO 3166 code, with the names a partner record may carry instead."""

    code: str
    name: str
    also_known_as: tuple[str, ...] = ()

    def matches(self, code: str, name: str) -> bool:
        if code and code.upper() == self.code:
            return True
        wanted = name.strip().casefold()
        return bool(wanted) and wanted in {self.name.casefold(), *(alias.casefold() for alias in self.also_known_as)}


@dataclass(frozen=True)
class Source:
    title: str
    url: str = ""


@dataclass(frozen=True)
class LawRule:
    """One law as a screening rule: whom it binds, what it reaches, what it requires, by when."""

    id: str
    citation: str
    title: str
    state: str
    binds: tuple[str, ...]
    reaches: tuple[str, ...]
    countries: tuple[Country, ...]
    countries_source: str
    countries_as_of: dt.date
    countries_verified: bool
    no_new: bool
    no_renewal: bool
    terminate_existing: bool
    clause_conditions: tuple[str, ...]
    enacted: dt.date | None
    effective: dt.date | None
    deadline: dt.date | None
    expires: dt.date | None
    sources: tuple[Source, ...]
    verified: bool
    checked_on: dt.date
    summary: str
    enacted_by: str = ""
    reaches_note: str = ""
    countries_note: str = ""
    uncertain: tuple[str, ...] = ()
    supersedes: str = ""
    origin: str = "shipped"  # "shipped" (a file of the program) or "clerk" (added or corrected in these records)
    superseded_by: str = ""  # set when a clerk's rule replaces this one
    body: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def in_force_here(self) -> bool:
        """Whether screening applies this rule (a superseded rule is kept for the record only)."""
        return not self.superseded_by

    def country_for(self, code: str, name: str) -> Country | None:
        for country in self.countries:
            if country.matches(code, name):
                return country
        return None

    @property
    def requirements(self) -> list[str]:
        said = []
        if self.no_new:
            said.append("no new partnership or agreement")
        if self.no_renewal:
            said.append("no renewal")
        if self.terminate_existing:
            said.append(
                "existing partnerships terminated"
                + (f" by {self.deadline:%b} {self.deadline.day}, {self.deadline.year}" if self.deadline else "")
            )
        if self.clause_conditions:
            said.append("no agreement that " + " or ".join(CLAUSE_LABELS[c] for c in self.clause_conditions))
        return said


@cache
def _validator() -> Any:
    import jsonschema  # loaded only when rules are read: the command line's start stays light

    schema = json.loads(resource_path("schema", "law.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def problems_in(body: Any) -> list[str]:
    """Plain sentences for what makes a rule's body break the schema or its own dates; empty when it is sound."""
    problems = []
    for error in sorted(_validator().iter_errors(body), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "the rule"
        problems.append(f"{where}: {error.message}")
    if problems:
        return problems
    dates = dict(body.get("dates", {}))
    dates.update({"checked_on": body["checked_on"], "countries.as_of": body["countries"]["as_of"]})
    for name, value in dates.items():
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD).")
    if not problems:
        effective, deadline = body["dates"].get("effective"), body["dates"].get("deadline")
        if effective and deadline and deadline < effective:
            problems.append("dates/deadline: the deadline comes before the law takes effect.")
    return problems


def rule_from_body(body: dict[str, Any], *, origin: str) -> LawRule:
    """A LawRule from a body that `problems_in` found sound."""

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    countries, requires, dates = body["countries"], body["requires"], body.get("dates", {})
    return LawRule(
        id=body["id"],
        citation=body["citation"],
        title=body["title"],
        state=body["state"],
        binds=tuple(body["binds"]),
        reaches=tuple(body["reaches"]),
        countries=tuple(
            Country(item["code"], item["name"], tuple(item.get("also_known_as", ()))) for item in countries["list"]
        ),
        countries_source=countries["source"],
        countries_as_of=dt.date.fromisoformat(countries["as_of"]),
        countries_verified=bool(countries.get("verified", False)),
        no_new=requires["no_new"],
        no_renewal=requires["no_renewal"],
        terminate_existing=requires["terminate_existing"],
        clause_conditions=tuple(requires.get("clause_conditions", ())),
        enacted=day(dates.get("enacted")),
        effective=day(dates.get("effective")),
        deadline=day(dates.get("deadline")),
        expires=day(dates.get("expires")),
        sources=tuple(Source(item["title"], item.get("url", "")) for item in body["sources"]),
        verified=body["verified"],
        checked_on=dt.date.fromisoformat(body["checked_on"]),
        summary=body["summary"],
        enacted_by=body.get("enacted_by", ""),
        reaches_note=body.get("reaches_note", ""),
        countries_note=countries.get("note", ""),
        uncertain=tuple(body.get("uncertain", ())),
        supersedes=body.get("supersedes", ""),
        origin=origin,
        body=body,
    )


CHECKED_FILE = "checked.sha256"  # the fingerprints of the shipped files the test suite checked against the schema


def read_rule_files(folder: Path, checked: dict[str, str] | None = None) -> list[LawRule]:
    """Every ``*.json`` rule in a folder, checked; a broken file is refused with its name.

    A file whose SHA-256 is among ``checked`` (name -> fingerprint) was checked against the schema before it
    shipped and is read without loading the schema checker again; any other file is checked in full.
    """
    rules: list[LawRule] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = path.read_bytes()
            body = json.loads(data.decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UserError(f"The state-law rule file {path.name} cannot be read ({exc}); please reinstall.") from exc
        known_good = checked is not None and checked.get(path.name) == hashlib.sha256(data).hexdigest()
        problems = [] if known_good else problems_in(body)
        if problems:
            raise UserError(
                f"The state-law rule file {path.name} breaks the rule schema ({problems[0]}); please reinstall."
            )
        if body["id"] in seen:
            raise UserError(
                f"The state-law rule files {seen[body['id']]} and {path.name} both use the id {body['id']!r}."
            )
        seen[body["id"]] = path.name
        rules.append(rule_from_body(body, origin="shipped"))
    return rules


def read_checked(path: Path) -> dict[str, str]:
    """The fingerprints file, in ``sha256sum`` format; empty when it is missing or unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    pairs = (line.split(maxsplit=1) for line in lines if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in pairs}


@cache
def shipped_rules() -> tuple[LawRule, ...]:
    """The rules the program ships, read (and checked, unless their fingerprints say so already) once per process."""
    folder = resource_path("laws")
    return tuple(read_rule_files(folder, read_checked(folder / CHECKED_FILE)))


def clerk_rule_rows(session: Session, *, include_withdrawn: bool = False) -> list[models.LawRule]:
    query = select(models.LawRule).order_by(models.LawRule.id)
    if not include_withdrawn:
        query = query.where(models.LawRule.deleted_at.is_(None))
    return list(session.scalars(query))


def rules_in(session: Session) -> list[LawRule]:
    """Every rule known to these records, shipped then the clerk's, each marked with what supersedes it."""
    clerk = [rule_from_body(json.loads(row.body_json), origin="clerk") for row in clerk_rule_rows(session)]
    replaced = {rule.supersedes: rule.id for rule in clerk if rule.supersedes}
    every = [*shipped_rules(), *clerk]
    return [
        LawRule(**{**rule.__dict__, "superseded_by": replaced[rule.id]}) if rule.id in replaced else rule
        for rule in every
    ]


def rule_named(session: Session, rule_id: str) -> LawRule:
    for rule in rules_in(session):
        if rule.id == rule_id.strip():
            return rule
    known = ", ".join(rule.id for rule in rules_in(session))
    raise UserError(f"There is no state-law rule {rule_id!r}; the rules are: {known}.")


def rules_for_state(rules: list[LawRule], state: str) -> list[LawRule]:
    return [rule for rule in rules if rule.state == state and rule.in_force_here]
