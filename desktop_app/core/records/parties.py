"""The two sides of a partnership: US jurisdictions (one of them the clerk's own) and partner communities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import current_actor
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from .kinds import JURISDICTION, PARTNER
from .plain import Record, to_plain
from .service import create_in, update_in


def split_city(text: str) -> tuple[str, str]:
    """'Kansas City, MO' -> ('Kansas City', 'MO'): a city or county with its state's two letters."""
    name, comma, state = text.strip().rpartition(",")
    if not comma or not name.strip() or len(state.strip()) != 2 or not state.strip().isalpha():
        raise UserError('Write the city or county with its state\'s two letters, as in "Kansas City, MO".')
    return name.strip(), state.strip().upper()


def find_jurisdiction(session: Session, name: str, state: str) -> models.Jurisdiction | None:
    return session.execute(
        select(models.Jurisdiction)
        .where(
            func.lower(models.Jurisdiction.name) == func.lower(name.strip()),
            func.upper(models.Jurisdiction.state) == func.upper(state.strip()),
            models.Jurisdiction.deleted_at.is_(None),
        )
        .order_by(models.Jurisdiction.id)
        .limit(1)
    ).scalar()


def find_or_create_jurisdiction(
    session: Session, name: str, state: str, actor: str, kind: str = "city"
) -> models.Jurisdiction:
    found = find_jurisdiction(session, name, state)
    if found is not None:
        return found
    created: models.Jurisdiction = create_in(
        session, JURISDICTION, {"name": name, "state": state.upper(), "kind": kind}, actor
    )
    return created


def find_partner(session: Session, name: str, country_name: str, region: str = "") -> models.Partner | None:
    statement = select(models.Partner).where(
        func.lower(models.Partner.name) == func.lower(name.strip()),
        func.lower(models.Partner.country_name) == func.lower(country_name.strip()),
        func.lower(models.Partner.region) == func.lower(region.strip()),
        models.Partner.deleted_at.is_(None),
    )
    found: models.Partner | None = session.execute(statement.order_by(models.Partner.id).limit(1)).scalar()
    return found


def find_or_create_partner(session: Session, values: Mapping[str, Any], actor: str) -> models.Partner:
    found = find_partner(
        session, str(values.get("name", "")), str(values.get("country_name", "")), str(values.get("region", ""))
    )
    if found is not None:
        return found
    created: models.Partner = create_in(session, PARTNER, values, actor)
    return created


def home_jurisdiction_in(session: Session) -> models.Jurisdiction | None:
    home: models.Jurisdiction | None = session.execute(
        select(models.Jurisdiction)
        .where(
            models.Jurisdiction.is_home.is_(True),
            models.Jurisdiction.deleted_at.is_(None),
        )
        .order_by(models.Jurisdiction.id)
        .limit(1)
    ).scalar()
    return home


def home_jurisdiction(db: Database) -> Record | None:
    """The clerk's own jurisdiction, or None before the first run has set it."""
    with db.reading() as session:
        home = home_jurisdiction_in(session)
        return to_plain(JURISDICTION, home) if home else None


def set_home_jurisdiction_in(
    session: Session, name: str, state: str, details: Mapping[str, Any], actor: str
) -> models.Jurisdiction:
    if not name.strip():
        raise UserError("The name of the city or county is required.")
    current = home_jurisdiction_in(session)
    target = find_or_create_jurisdiction(session, name, state, actor, kind=str(details.get("kind") or "city"))
    if current is not None and current.id != target.id:
        update_in(session, JURISDICTION, current.id, {"is_home": False}, actor)
    changes = {**{k: v for k, v in details.items() if k != "kind"}, "is_home": True}
    updated: models.Jurisdiction = update_in(session, JURISDICTION, target.id, changes, actor)
    return updated


def set_home_jurisdiction(
    db: Database, name: str, state: str, details: Mapping[str, Any] | None = None, actor: str | None = None
) -> Record:
    """Makes a city or county the clerk's own, creating it if needed, with its clerk, signatory and address."""
    with db.writing() as session:
        home = set_home_jurisdiction_in(session, name, state, details or {}, actor or current_actor())
        return to_plain(JURISDICTION, home)


def partner_countries(db: Database) -> list[tuple[str, str]]:
    """The countries of the partner communities on record, as (code, name), for a list's filter."""
    statement = (
        select(models.Partner.country_code, models.Partner.country_name)
        .where(models.Partner.deleted_at.is_(None))
        .distinct()
        .order_by(models.Partner.country_name)
    )
    with db.reading() as session:
        return [(code or "", name or code or "") for code, name in session.execute(statement) if code or name]
