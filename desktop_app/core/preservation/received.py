"""Packages received from other cities: checked, then kept as received (the file's own bytes), once each, audited."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..clock import current_actor, utc_now_text
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..files.store import store_stream
from ..host.user_files import file_sha256, regular_file_size
from ..wording import plural

RESPONSE_JSON = "data/response.json"
RECEIVED_KIND = "received_package"
_LIST_FIELDS = (
    "id",
    "received_at",
    "received_by",
    "city_display",
    "state",
    "response_title",
    "letter_date",
    "issued_at",
    "letter_sha256",
    "package_sha256",
    "package_size",
    "original_name",
)


def receive_package(db: Database, path: Path, actor: str | None = None) -> dict[str, Any]:
    """Checks the package at ``path`` and keeps it as received: the zip's bytes stored as they are, a row naming the
    city and its letter, and an audit event, in one transaction. Refused, changing nothing, when the package does
    not check, when the same package was received before, or when it is a folder rather than the .zip."""
    path = Path(path)
    size = regular_file_size(
        path, folder_advice="; receive the package as the .zip file the city sent (a folder cannot be kept as received)"
    )
    problems = _check(path)
    if problems:
        raise UserError(
            f"The package {path.name} was not received: it does not check ({plural(len(problems), 'problem')}; "
            f"verify-package lists them all). The first: {problems[0]}"
        )
    described = _response_json(path)
    snapshot = _snapshot(described, path)
    sha256 = file_sha256(path)
    actor = actor or current_actor()
    with db.writing() as session:
        _refuse_if_received(session, sha256, path)
        with path.open("rb") as stream:
            stored, stored_size = store_stream(session, stream)
        if stored != sha256 or stored_size != size:
            raise UserError(f"The file {path.name} changed while it was being received; nothing was kept. Try again.")
        row = _row(session, snapshot, described, sha256, size, path.name, actor)
        session.add(row)
        session.flush()
        _audit(session, row)
        return _plain(row)


def list_received(db: Database) -> list[dict[str, Any]]:
    """Every received package, by city, then by its letter's date."""
    with db.reading() as session:
        rows = session.scalars(
            select(models.ReceivedPackage).order_by(
                models.ReceivedPackage.city_display, models.ReceivedPackage.letter_date, models.ReceivedPackage.id
            )
        )
        return [_plain(row) for row in rows]


def received_snapshots(db: Database) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each received package as listed, with its data/response.json as received."""
    with db.reading() as session:
        rows = session.scalars(select(models.ReceivedPackage).order_by(models.ReceivedPackage.id))
        return [(_plain(row), json.loads(row.response_json)) for row in rows]


# ----- checking and reading the package ---------------------------------------------------------------------------


def _check(path: Path) -> list[str]:
    from .package_check import check_package  # the package's own check, loaded only when a package comes in

    return list(check_package(path).problems)


def _response_json(path: Path) -> str:
    """The text of the package's data/response.json, read from the zip (its one top folder holds the bag)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.count("/") == 2 and name.endswith(RESPONSE_JSON)]
            if len(names) != 1:
                raise UserError(f"The package {path.name} holds no single {RESPONSE_JSON}, so it was not received.")
            return archive.read(names[0]).decode("utf-8")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        raise UserError(f"The package {path.name} cannot be read ({exc}), so it was not received.") from None


def _snapshot(described: str, path: Path) -> dict[str, Any]:
    try:
        snapshot = json.loads(described)
    except ValueError:
        snapshot = None
    if not isinstance(snapshot, dict) or snapshot.get("format") != "sister-city-records/response-package":
        raise UserError(f"The package {path.name} does not describe an issued response, so it was not received.")
    city, response = snapshot.get("city"), snapshot.get("response")
    if not isinstance(city, dict) or not isinstance(response, dict) or not city.get("display"):
        raise UserError(f"The package {path.name} does not name its city and letter, so it was not received.")
    return snapshot


# ----- keeping it -----------------------------------------------------------------------------------------------


def _refuse_if_received(session: Session, sha256: str, path: Path) -> None:
    earlier = session.execute(
        select(models.ReceivedPackage.id, models.ReceivedPackage.received_at).where(
            models.ReceivedPackage.package_sha256 == sha256
        )
    ).first()
    if earlier is not None:
        raise UserError(
            f"The package {path.name} was already received on {earlier.received_at[:10]} (received package "
            f"{earlier.id}); it is kept once, as received."
        )


def _row(
    session: Session,
    snapshot: dict[str, Any],
    described: str,
    sha256: str,
    size: int,
    name: str,
    actor: str,
) -> models.ReceivedPackage:
    city, response = snapshot["city"], snapshot["response"]
    return models.ReceivedPackage(
        received_at=utc_now_text(),
        received_by=_trail_actor(session, actor),
        city_display=str(city["display"])[:200],
        state=str(city.get("state") or "")[:2],
        response_title=str(response.get("title") or ""),
        letter_date=_date(response.get("letter_date")),
        issued_at=str(response["issued_at"])[:32] if response.get("issued_at") else None,
        letter_sha256=str(response.get("letter_sha256") or "")[:64],
        package_sha256=sha256,
        package_size=size,
        original_name=name,
        response_json=described,
    )


def _trail_actor(session: Session, actor: str) -> str:
    """Who the audit trail will name: on a PostgreSQL server the session's account, as the server requires."""
    if session.get_bind().dialect.name == "postgresql":
        return str(session.execute(text("SELECT session_user")).scalar_one())
    return actor


def _audit(session: Session, row: models.ReceivedPackage) -> None:
    from ..records.audit import append_event

    append_event(
        session, actor=row.received_by, action="receive", record_kind=RECEIVED_KIND, record_id=row.id, after=_plain(row)
    )


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _plain(row: models.ReceivedPackage) -> dict[str, Any]:
    plain = {name: getattr(row, name) for name in _LIST_FIELDS}
    plain["letter_date"] = row.letter_date.isoformat() if row.letter_date else None
    return plain
