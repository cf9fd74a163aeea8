"""A clerk's own rules: added, or correcting another by superseding it; shipped files are never edited in place."""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import select

from ..clock import current_actor, utc_now_text
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..records.audit import append_event
from .rules import LawRule, problems_in, rule_from_body, rules_in, shipped_rules


def _checked(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise UserError("A state-law rule must be a JSON object with the fields of the rule schema.")
    checked: dict[str, Any] = {"format": 1, **copy.deepcopy(dict(body))}
    problems = problems_in(checked)
    if problems:
        raise UserError(
            f"The rule cannot be saved: {problems[0]}"
            + (f" ({len(problems) - 1} more problems)" if len(problems) > 1 else "")
        )
    return checked


def add_rule(db: Database, body: Any, *, actor: str | None = None) -> LawRule:
    """Saves a new rule of the clerk's (which supersedes another when its body says so), audited."""
    body = _checked(body)
    with db.writing() as session:
        known = {rule.id: rule for rule in rules_in(session)}
        withdrawn = {row.rule_id for row in session.scalars(select(models.LawRule))}
        if body["id"] in known or body["id"] in withdrawn:
            raise UserError(f"A rule with the id {body['id']!r} already exists; give the new rule an id of its own.")
        supersedes = body.get("supersedes", "")
        if supersedes:
            if supersedes not in known:
                raise UserError(f"There is no rule {supersedes!r} for this one to supersede.")
            if known[supersedes].superseded_by:
                raise UserError(
                    f"The rule {supersedes} is already superseded by {known[supersedes].superseded_by}; "
                    "correct that one instead."
                )
        now = utc_now_text()
        row = models.LawRule(
            rule_id=body["id"],
            supersedes=supersedes,
            body_json=json.dumps(body, ensure_ascii=False, sort_keys=True),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        append_event(
            session,
            actor=actor or current_actor(),
            action="create",
            record_kind="law_rule",
            record_id=row.id,
            after={"rule_id": row.rule_id, "supersedes": supersedes, "body": body},
        )
        return rule_from_body(body, origin="clerk")


def correction_of(db: Database, rule_id: str) -> dict[str, Any]:
    """A starting body for correcting a rule: its own body with a fresh id and "supersedes" set."""
    with db.reading() as session:
        rules = rules_in(session)
        taken = {rule.id for rule in rules} | {row.rule_id for row in session.scalars(select(models.LawRule))}
    found = next((rule for rule in rules if rule.id == rule_id), None)
    if found is None:
        raise UserError(f"There is no state-law rule {rule_id!r}.")
    if found.superseded_by:
        raise UserError(f"The rule {rule_id} is already superseded by {found.superseded_by}; correct that one instead.")
    base = rule_id.rsplit("-c", 1)[0] if found.supersedes else rule_id
    number = 1
    while f"{base}-c{number}" in taken:
        number += 1
    body = copy.deepcopy(found.body)
    body.update({"id": f"{base}-c{number}", "supersedes": rule_id})
    return body


def withdraw_rule(db: Database, rule_id: str, *, actor: str | None = None) -> None:
    """Withdraws a clerk's rule (the rule it superseded applies again); a shipped rule can only be superseded."""
    if any(rule.id == rule_id for rule in shipped_rules()):
        raise UserError(f"{rule_id} is one of the program's rules; correct it with a rule of your own instead.")
    with db.writing() as session:
        row = session.scalars(
            select(models.LawRule).where(models.LawRule.rule_id == rule_id, models.LawRule.deleted_at.is_(None))
        ).first()
        if row is None:
            raise UserError(f"There is no rule of yours with the id {rule_id!r}.")
        if any(rule.supersedes == rule_id for rule in rules_in(session)):
            raise UserError(f"The rule {rule_id} is superseded by a later correction; withdraw that one first.")
        row.deleted_at = row.updated_at = utc_now_text()
        session.flush()
        append_event(
            session,
            actor=actor or current_actor(),
            action="trash",
            record_kind="law_rule",
            record_id=row.id,
            before={"rule_id": row.rule_id},
            after={"rule_id": row.rule_id, "withdrawn_at": row.deleted_at},
        )
