"""Create, read, update, trash, restore and purge for every record kind, each in one audited transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from .. import vocab
from ..clock import current_actor, today, utc_now_text
from ..db import models
from ..db.engine import Database
from ..db.row_source import ConnectionRows
from ..errors import RecordConflict, UserError, ValidationError
from ..search.index import drop_record_in
from .audit import append_event, record_change_in
from .fields import parse_value
from .indexing import index_record_in
from .kinds import PARTNERSHIP, RESPONSE, Kind, kind_named
from .plain import Record, audit_snapshot, plain_columns, plain_from_row, to_plain
from .plain_rows import list_plain, own_orders, status_history_plain, unsortable
from .trash_rules import refuse_trashing_home

# ----- validation ------------------------------------------------------------------------------------------

# Values a new record takes when the user gives none.
_DEFAULTS: dict[tuple[str, str], Any] = {
    ("partnership", "confirmed"): True,
    ("partnership", "kind"): "sister_city",
    ("partnership", "status"): "active",
    ("jurisdiction", "kind"): "city",
    ("partner", "level"): "city",
    ("agreement", "kind"): "agreement",
    ("participant", "role"): "delegate",
    ("participant", "visa_category"): "unknown",
    ("oversight", "risk_level"): "none",
    ("oversight", "status"): "closed",
}


def _parse(session: Session, kind: Kind, values: Mapping[str, Any], existing: Record | None) -> Record:
    unknown = [name for name in values if name not in kind.field_names]
    if unknown:
        raise UserError(
            f"A {kind.label.lower()} has no field {unknown[0]!r}; its fields are: {', '.join(kind.field_names)}."
        )
    problems: dict[str, str] = {}
    parsed: Record = {}
    fields_to_read = kind.fields if existing is None else [kind.field(name) for name in values]
    for field in fields_to_read:
        if existing is None and field.name not in values:
            default = _DEFAULTS.get((kind.name, field.name))
            if default is not None:
                parsed[field.name] = default
                continue
            if field.required:
                problems[field.name] = f"{field.label} is required."
                continue
        value, problem = parse_value(field, values.get(field.name))
        if problem:
            problems[field.name] = problem
        else:
            parsed[field.name] = value
    merged = {**(existing or {}), **parsed}
    for field in kind.fields:
        if field.type == "ref" and field.name in parsed and parsed[field.name] is not None:
            problem = _check_reference(session, field.ref_kind or "", parsed[field.name], field.label)
            if problem:
                problems[field.name] = problem
    if not problems:
        for check in kind.checks:
            problems.update(check(merged))
    if problems:
        raise ValidationError(problems)
    return parsed


def _check_reference(session: Session, ref_kind: str, ref_id: int, label: str) -> str | None:
    target: Any
    if ref_kind == "attachment":
        target = session.get(models.Attachment, ref_id)
    else:
        target = session.get(kind_named(ref_kind).model, ref_id)
    if target is None:
        return f"{label}: there is no {ref_kind} with number {ref_id}."
    if getattr(target, "deleted_at", None):
        return f"{label}: {ref_kind} {ref_id} is in the trash; restore it first."
    return None


# ----- use cases inside a session (for callers that compose several in one transaction) --------------------


def load(session: Session, kind: Kind, record_id: int) -> Any:
    obj = session.get(kind.model, record_id)
    if obj is None:
        raise kind.missing(record_id)
    return obj


def create_in(session: Session, kind: Kind, values: Mapping[str, Any], actor: str) -> Any:
    parsed = _parse(session, kind, values, None)
    if kind is PARTNERSHIP:
        _refuse_duplicate_partnership(session, parsed)
    now = utc_now_text()
    obj: Any = kind.model(**parsed, created_at=now, updated_at=now)
    session.add(obj)
    session.flush()
    if kind is PARTNERSHIP:
        session.add(
            models.StatusChange(
                partnership_id=obj.id,
                changed_on=obj.established_on or today(),
                from_status=None,
                to_status=obj.status,
                reason="Status when the partnership was entered.",
                legal_basis="",
                recorded_at=now,
            )
        )
    append_event(
        session, actor=actor, action="create", record_kind=kind.name, record_id=obj.id, after=audit_snapshot(kind, obj)
    )
    index_record_in(session, kind.name, obj.id)
    return obj


def _refuse_duplicate_partnership(session: Session, parsed: Record) -> None:
    exists = session.execute(
        select(models.Partnership.id).where(
            models.Partnership.jurisdiction_id == parsed["jurisdiction_id"],
            models.Partnership.partner_id == parsed["partner_id"],
            models.Partnership.kind == parsed["kind"],
        )
    ).scalar()
    if exists:
        raise UserError(f"This partnership is already recorded (partnership {exists}).")


def update_in(
    session: Session,
    kind: Kind,
    record_id: int,
    changes: Mapping[str, Any],
    actor: str,
    expected_version: int | None = None,
) -> Any:
    """Changes the fields given, with the audit event, in the caller's transaction.

    With ``expected_version`` the change is saved only over that version of the record: any other raises
    RecordConflict. When another transaction saves the record between this one's reading and writing it, the
    flush raises SQLAlchemy's StaleDataError and the caller's transaction is lost; ``update`` turns that into
    RecordConflict too.
    """
    obj = load(session, kind, record_id)
    if expected_version is not None and obj.version != expected_version:
        raise conflict_in(session, kind, record_id, parsed_changes(kind, changes))
    _refuse_if_frozen(kind, obj)
    if obj.deleted_at:
        raise UserError(f"{kind.label} {record_id} is in the trash; restore it before changing it.")
    before = audit_snapshot(kind, obj)
    if kind is PARTNERSHIP and "status" in changes and changes["status"] not in (None, obj.status):
        parsed_status, _ = parse_value(kind.field("status"), changes["status"])
        if parsed_status != obj.status:
            raise UserError(
                "A partnership's status is changed with a status change, which records its date and reason."
            )
    parsed = _parse(session, kind, changes, to_plain(kind, obj))
    if kind is PARTNERSHIP:
        parsed.pop("status", None)
    if all(getattr(obj, name) == value for name, value in parsed.items()):
        return obj
    for name, value in parsed.items():
        setattr(obj, name, value)
    obj.updated_at = utc_now_text()
    session.flush()
    append_event(
        session,
        actor=actor,
        action="update",
        record_kind=kind.name,
        record_id=obj.id,
        before=before,
        after=audit_snapshot(kind, obj),
    )
    index_record_in(session, kind.name, obj.id)
    return obj


def parsed_changes(kind: Kind, changes: Mapping[str, Any]) -> Record:
    """The values a clerk tried to save, each as its field stores it where it can be read (as given where not)."""
    parsed: Record = {}
    for name, raw in changes.items():
        value, problem = parse_value(kind.field(name), raw) if name in kind.field_names else (raw, None)
        parsed[name] = raw if problem else value
    return parsed


def conflict_in(session: Session, kind: Kind, record_id: int, mine: Record) -> RecordConflict:
    """The conflict of ``mine`` with the record as it now is, and who changed it last, read in ``session``."""
    obj = load(session, kind, record_id)
    changed_by, changed_at = record_change_in(session, kind.name, record_id, newest=True)
    return RecordConflict(
        kind.name,
        record_id,
        mine=mine,
        theirs=to_plain(kind, obj),
        theirs_version=obj.version,
        changed_by=changed_by,
        changed_at=changed_at,
        kind_label=kind.label,
    )


def _refuse_if_frozen(kind: Kind, obj: Any) -> None:
    if kind is RESPONSE and obj.status != "draft":
        raise UserError(
            "This response has been issued and can no longer be changed; start a new draft that supersedes it."
        )


def change_status_in(
    session: Session,
    partnership_id: int,
    to_status: str,
    *,
    changed_on: dt.date | str | None,
    reason: str,
    legal_basis: str = "",
    evidence_attachment_id: int | None = None,
    actor: str,
) -> models.StatusChange:
    obj = load(session, PARTNERSHIP, partnership_id)
    if obj.deleted_at:
        raise UserError(f"Partnership {partnership_id} is in the trash; restore it first.")
    problems: dict[str, str] = {}
    status, problem = parse_value(PARTNERSHIP.field("status"), to_status)
    if problem:
        problems["status"] = problem
    elif status == obj.status:
        problems["status"] = f"The partnership is already {vocab.label(vocab.PARTNERSHIP_STATUSES, status).lower()}."
    when, problem = parse_value(PARTNERSHIP.field("established_on"), changed_on)
    if problem or when is None:
        problems["changed_on"] = "The date of the status change is required (YYYY-MM-DD)."
    elif when > today():
        problems["changed_on"] = "The date of the status change cannot be in the future."
    if not reason or not reason.strip():
        problems["reason"] = "The reason for the status change is required."
    if evidence_attachment_id is not None:
        problem = _check_reference(session, "attachment", evidence_attachment_id, "Evidence")
        if problem:
            problems["evidence_attachment_id"] = problem
    if problems:
        raise ValidationError(problems)
    before = audit_snapshot(PARTNERSHIP, obj)
    change = models.StatusChange(
        partnership_id=obj.id,
        changed_on=when,
        from_status=obj.status,
        to_status=status,
        reason=reason.strip(),
        legal_basis=(legal_basis or "").strip(),
        evidence_attachment_id=evidence_attachment_id,
        recorded_at=utc_now_text(),
    )
    session.add(change)
    obj.status = status
    obj.updated_at = change.recorded_at
    session.flush()
    append_event(
        session,
        actor=actor,
        action="status_change",
        record_kind="partnership",
        record_id=obj.id,
        before=before,
        after={
            **audit_snapshot(PARTNERSHIP, obj),
            "status_change": {
                "changed_on": when,
                "reason": change.reason,
                "legal_basis": change.legal_basis,
                "evidence_attachment_id": evidence_attachment_id,
            },
        },
    )
    index_record_in(session, "partnership", obj.id)
    return change


def trash_in(session: Session, kind: Kind, record_id: int, actor: str) -> Any:
    refuse_trashing_home(kind, load(session, kind, record_id))
    return _set_trashed(session, kind, record_id, actor, trashed=True)


def restore_in(session: Session, kind: Kind, record_id: int, actor: str) -> Any:
    return _set_trashed(session, kind, record_id, actor, trashed=False)


def _set_trashed(session: Session, kind: Kind, record_id: int, actor: str, *, trashed: bool) -> Any:
    """Moves a record to the trash or back, with its audit event and its search entry; nothing when already so."""
    obj = load(session, kind, record_id)
    if trashed:
        _refuse_if_frozen(kind, obj)
    if bool(obj.deleted_at) == trashed:
        return obj
    before = audit_snapshot(kind, obj)
    obj.deleted_at = utc_now_text() if trashed else None
    session.flush()
    append_event(
        session,
        actor=actor,
        action="trash" if trashed else "restore",
        record_kind=kind.name,
        record_id=obj.id,
        before=before,
        after=audit_snapshot(kind, obj),
    )
    index_record_in(session, kind.name, obj.id)
    return obj


def purge_in(session: Session, kind: Kind, record_id: int, actor: str) -> None:
    obj = load(session, kind, record_id)
    if not obj.deleted_at:
        raise UserError(f"{kind.label} {record_id} is not in the trash; move it to the trash before purging it.")
    before = audit_snapshot(kind, obj)
    _delete_dependents(session, kind, record_id)
    try:
        with session.begin_nested():
            session.delete(obj)
            session.flush()
    except IntegrityError as exc:
        raise UserError(
            f"{kind.label} {record_id} cannot be purged while other records refer to it; purge or change those first."
        ) from exc
    append_event(session, actor=actor, action="purge", record_kind=kind.name, record_id=record_id, before=before)
    drop_record_in(session, kind.name, record_id)


def _delete_dependents(session: Session, kind: Kind, record_id: int) -> None:
    """Rows that belong to the record alone and go with it (its status history, termination steps, links)."""
    if kind is PARTNERSHIP:
        for change in session.scalars(
            select(models.StatusChange).where(models.StatusChange.partnership_id == record_id)
        ):
            session.delete(change)
        for step in session.scalars(
            select(models.TerminationStep).where(models.TerminationStep.partnership_id == record_id)
        ):
            session.delete(step)
    for link in session.scalars(
        select(models.AttachmentLink).where(
            models.AttachmentLink.record_kind == kind.name, models.AttachmentLink.record_id == record_id
        )
    ):
        session.delete(link)
    session.flush()


# ----- public use cases: one transaction each --------------------------------------------------------------


class _SavedMeanwhile(Exception):
    """Another transaction saved the record between this one's reading and writing it (StaleDataError)."""


def _saved_or_conflict(
    db: Database, kind: Kind, record_id: int, mine: Record, work: Callable[[Session], Record | None]
) -> Record | None:
    """Runs ``work`` in one writing transaction; when another transaction saved the record meanwhile, the whole of
    it rolls back and RecordConflict (``mine`` against the record as it now is) is raised instead."""
    try:
        with db.writing() as session:
            try:
                result = work(session)
                session.flush()
            except StaleDataError as error:
                # Raised on as this module's own error: the transaction then rolls back whole, and nothing on the
                # way out can take it for another kind of failure.
                raise _SavedMeanwhile from error
            return result
    except (_SavedMeanwhile, StaleDataError):
        pass
    with db.reading() as session:
        conflict = conflict_in(session, kind, record_id, mine)
    raise conflict


def _saved_record_or_conflict(
    db: Database, kind: Kind, record_id: int, mine: Record, work: Callable[[Session], Record]
) -> Record:
    record = _saved_or_conflict(db, kind, record_id, mine, work)
    assert record is not None  # work returns the record
    return record


def create(db: Database, kind_name: str, values: Mapping[str, Any], actor: str | None = None) -> Record:
    kind = kind_named(kind_name)
    with db.writing() as session:
        return to_plain(kind, create_in(session, kind, values, actor or current_actor()))


def get(db: Database, kind_name: str, record_id: int, *, include_personal: bool = True) -> Record:
    kind = kind_named(kind_name)
    with db.reading() as session:
        return to_plain(kind, load(session, kind, record_id), include_personal=include_personal)


def update(
    db: Database,
    kind_name: str,
    record_id: int,
    changes: Mapping[str, Any],
    actor: str | None = None,
    *,
    expected_version: int | None = None,
) -> Record:
    """Changes the fields given in one transaction; with ``expected_version``, only over that version.

    Raises RecordConflict, with nothing saved, when the record is at another version, or when another clerk's
    change to it is saved while this one is being written.
    """
    kind = kind_named(kind_name)
    actor = actor or current_actor()
    return _saved_record_or_conflict(
        db,
        kind,
        record_id,
        parsed_changes(kind, changes),
        lambda session: to_plain(kind, update_in(session, kind, record_id, changes, actor, expected_version)),
    )


def current_version(db: Database, kind_name: str, record_id: int) -> int:
    """The version the record is at now: what an edit begun now passes as ``expected_version``."""
    kind = kind_named(kind_name)
    model: Any = kind.model
    with db.reading() as session:
        version = session.execute(select(model.version).where(model.id == record_id)).scalar()
    if version is None:
        raise kind.missing(record_id)
    return int(version)


def change_status(
    db: Database,
    partnership_id: int,
    to_status: str,
    *,
    changed_on: dt.date | str | None,
    reason: str,
    legal_basis: str = "",
    evidence_attachment_id: int | None = None,
    actor: str | None = None,
) -> Record:
    def work(session: Session) -> Record:
        change_status_in(
            session,
            partnership_id,
            to_status,
            changed_on=changed_on,
            reason=reason,
            legal_basis=legal_basis,
            evidence_attachment_id=evidence_attachment_id,
            actor=actor or current_actor(),
        )
        return to_plain(PARTNERSHIP, load(session, PARTNERSHIP, partnership_id))

    mine = parsed_changes(PARTNERSHIP, {"status": to_status})
    return _saved_record_or_conflict(db, PARTNERSHIP, partnership_id, mine, work)


def status_history(db: Database, partnership_id: int) -> list[Record]:
    with db.reading() as session:
        load(session, PARTNERSHIP, partnership_id)
        return status_history_plain(ConnectionRows(session.connection()), partnership_id)


def trash(db: Database, kind_name: str, record_id: int, actor: str | None = None) -> Record:
    kind = kind_named(kind_name)
    actor = actor or current_actor()
    return _saved_record_or_conflict(
        db, kind, record_id, {}, lambda session: to_plain(kind, trash_in(session, kind, record_id, actor))
    )


def restore(db: Database, kind_name: str, record_id: int, actor: str | None = None) -> Record:
    kind = kind_named(kind_name)
    actor = actor or current_actor()
    return _saved_record_or_conflict(
        db, kind, record_id, {}, lambda session: to_plain(kind, restore_in(session, kind, record_id, actor))
    )


def purge(db: Database, kind_name: str, record_id: int, actor: str | None = None) -> None:
    kind = kind_named(kind_name)
    actor = actor or current_actor()

    def work(session: Session) -> None:
        purge_in(session, kind, record_id, actor)

    _saved_or_conflict(db, kind, record_id, {}, work)


# ----- lists -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """What a list shows: filters on fields, an optional text filter, order and the window of rows."""

    filters: Mapping[str, Any] | None = None
    text: str = ""
    date_field: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order_by: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int | None = None
    in_trash: bool = False
    include_personal: bool = True


# Filters of a partnership list that look at its partner community.
PARTNER_FILTERS = ("country_code", "country_name")


def _list_statement(kind: Kind, query: ListQuery) -> Select[Any]:
    model: Any = kind.model
    statement = select(model)
    statement = statement.where(model.deleted_at.is_not(None) if query.in_trash else model.deleted_at.is_(None))
    for name, value in (query.filters or {}).items():
        if kind is PARTNERSHIP and name in PARTNER_FILTERS:
            if value:
                partners = select(models.Partner.id).where(getattr(models.Partner, name) == value)
                statement = statement.where(model.partner_id.in_(partners))
            continue
        if name not in kind.field_names:
            raise UserError(f"A {kind.label.lower()} list cannot be filtered by {name!r}.")
        field = kind.field(name)
        if value is None or value == "":
            continue
        if field.type == "words":
            statement = statement.where(getattr(model, name).contains(str(value)))
        elif isinstance(value, list | tuple | set):
            statement = statement.where(getattr(model, name).in_(list(value)))
        else:
            statement = statement.where(getattr(model, name) == value)
    if query.date_field and (query.date_from or query.date_to):
        column = getattr(model, query.date_field)
        if query.date_from:
            statement = statement.where(column >= query.date_from)
        if query.date_to:
            statement = statement.where(column <= query.date_to)
    if query.text.strip():
        pattern = f"%{query.text.strip()}%"
        text_columns = [
            getattr(model, f.name) for f in kind.fields if f.type in ("text", "longtext") and not f.personal
        ]
        conditions = [column.ilike(pattern) for column in text_columns]
        if kind is PARTNERSHIP:
            conditions += _sides_named(model, pattern)
        elif "partnership_id" in kind.field_names:
            # A record of a partnership is found by the partnership's names too ("Hefei" finds its agreements).
            conditions.append(model.partnership_id.in_(_partnerships_named(pattern)))
        elif "activity_id" in kind.field_names:
            activities = select(models.Activity.id).where(
                models.Activity.partnership_id.in_(_partnerships_named(pattern))
            )
            conditions.append(model.activity_id.in_(activities))
        if conditions:
            statement = statement.where(or_(*conditions))
    return statement


def _sides_named(partnership: Any, pattern: str) -> list[ColumnElement[bool]]:
    """A clerk looks a partnership up by the names of its two sides."""
    partners = select(models.Partner.id).where(
        or_(
            models.Partner.name.ilike(pattern),
            models.Partner.native_name.ilike(pattern),
            models.Partner.region.ilike(pattern),
            models.Partner.country_name.ilike(pattern),
        )
    )
    jurisdictions = select(models.Jurisdiction.id).where(models.Jurisdiction.name.ilike(pattern))
    return [partnership.partner_id.in_(partners), partnership.jurisdiction_id.in_(jurisdictions)]


def _partnerships_named(pattern: str) -> Select[Any]:
    return select(models.Partnership.id).where(or_(*_sides_named(models.Partnership, pattern)))


# Lists sorted by the names of the partnership a row belongs to (a participant's, through its activity).
PARTNERSHIP_ORDER = "partnership"


def _ordered_by_names(kind: Kind, statement: Select[Any], order_name: str) -> tuple[Select[Any], list[Any]] | None:
    """The statement joined to the tables that hold the names a list is sorted by, and those name columns; None
    when the order is by one of the kind's own columns."""
    model: Any = kind.model
    jurisdiction, partner, partnership = models.Jurisdiction, models.Partner, models.Partnership
    if kind is PARTNERSHIP and order_name == "jurisdiction":
        joined = statement.join(jurisdiction, jurisdiction.id == model.jurisdiction_id)
        return joined, [jurisdiction.name, jurisdiction.state]
    if kind is PARTNERSHIP and order_name in ("partner", "country"):
        joined = statement.join(partner, partner.id == model.partner_id)
        return joined, [partner.country_name, partner.name] if order_name == "country" else [partner.name]
    if order_name != PARTNERSHIP_ORDER:
        return None
    if "partnership_id" in kind.field_names:
        link = model.partnership_id
    elif "activity_id" in kind.field_names:
        statement = statement.outerjoin(models.Activity, models.Activity.id == model.activity_id)
        link = models.Activity.partnership_id
    else:
        return None
    joined = (
        statement.outerjoin(partnership, partnership.id == link)
        .outerjoin(jurisdiction, jurisdiction.id == partnership.jurisdiction_id)
        .outerjoin(partner, partner.id == partnership.partner_id)
    )
    return joined, [jurisdiction.name, jurisdiction.state, partner.name]


def _unfiltered_by_own_column(kind: Kind, query: ListQuery) -> bool:
    """Whether a list is the whole of a kind (in or out of the trash) sorted by one of its own columns, which
    list_plain reads with SQL text alone."""
    filtered = query.filters or query.text.strip() or (query.date_field and (query.date_from or query.date_to))
    return not filtered and (query.order_by or kind.default_order) in own_orders(kind)


def list_records(db: Database, kind_name: str, query: ListQuery | None = None) -> list[Record]:
    """The records of a kind, filtered and ordered in the database, one window of rows at a time."""
    kind = kind_named(kind_name)
    query = query or ListQuery()
    if _unfiltered_by_own_column(kind, query):
        # The same SQL text the command line reads without the ORM.
        with db.reading_rows() as connection:
            return list_plain(
                ConnectionRows(connection),
                kind,
                order_by=query.order_by,
                descending=query.descending,
                offset=max(0, query.offset),
                limit=query.limit,
                in_trash=query.in_trash,
                include_personal=query.include_personal,
            )
    model: Any = kind.model
    statement = _list_statement(kind, query)
    order_name = query.order_by or kind.default_order
    by_names = _ordered_by_names(kind, statement, order_name)
    if by_names is not None:
        statement, order_columns = by_names
    elif order_name in own_orders(kind):
        order_columns = [getattr(model, order_name)]
    else:
        raise unsortable(kind, order_name)
    order_columns.append(model.id)
    statement = statement.order_by(*(column.desc() if query.descending else column for column in order_columns))
    statement = statement.offset(max(0, query.offset))
    if query.limit is not None:
        statement = statement.limit(query.limit)
    jurisdiction, partner = aliased(models.Jurisdiction), aliased(models.Partner)
    columns = plain_columns(
        kind, {"jurisdiction": jurisdiction, "partner": partner}, include_personal=query.include_personal
    )
    statement = statement.with_only_columns(*columns.values())
    if kind is PARTNERSHIP:
        statement = statement.outerjoin(jurisdiction, jurisdiction.id == model.jurisdiction_id).outerjoin(
            partner, partner.id == model.partner_id
        )
    names = tuple(columns)
    with db.reading() as session:
        return [plain_from_row(kind, names, row) for row in session.execute(statement)]


def count_records(db: Database, kind_name: str, query: ListQuery | None = None) -> int:
    kind = kind_named(kind_name)
    statement = _list_statement(kind, query or ListQuery())
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


def get_many(db: Database, kind_name: str, ids: Sequence[int]) -> dict[int, Record]:
    kind = kind_named(kind_name)
    model: Any = kind.model
    with db.reading() as session:
        return {obj.id: to_plain(kind, obj) for obj in session.scalars(select(model).where(model.id.in_(ids)))}
