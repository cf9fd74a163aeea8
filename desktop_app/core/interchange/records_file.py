"""The records file: every record as one JSON document with a format version, checked against a JSON Schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ... import __version__
from ..clock import current_actor
from ..db import models
from ..db.builtin_keys import BLACKBURN_HAWLEY_KEY
from ..db.engine import Database
from ..errors import Stopped, UserError
from ..host.resources import resource_path
from ..laws.rules import problems_in
from ..laws.steps import STEPS
from ..records.audit import append_event
from ..records.fields import LARGEST_CENTS, LARGEST_WHOLE_NUMBER, Field, has_lone_surrogate
from ..records.indexing import rebuild_in
from ..records.inquiries import INQUIRY_TOPICS_FIELD
from ..records.kinds import (
    ACTIVITY,
    AGREEMENT,
    INQUIRY,
    JURISDICTION,
    OVERSIGHT,
    PARTICIPANT,
    PARTNER,
    PARTNERSHIP,
    POLICY,
    RESPONSE,
    Kind,
)

FORMAT_NAME = "sister-city-records"
FORMAT_VERSION = 1
SCHEMA_FILE = ("schema", "records-file.schema.json")

# In the order they are written and read back, so every reference points to a record already read.
SECTIONS: tuple[tuple[str, Kind], ...] = (
    ("jurisdictions", JURISDICTION),
    ("partners", PARTNER),
    ("partnerships", PARTNERSHIP),
    ("agreements", AGREEMENT),
    ("activities", ACTIVITY),
    ("participants", PARTICIPANT),
    ("policies", POLICY),
    ("oversight_actions", OVERSIGHT),
    ("inquiries", INQUIRY),
    ("responses", RESPONSE),
)
# Attachments are not carried in the records file (a backup carries them); references to them are left empty.
ATTACHMENT_REFERENCES = {"logo_attachment_id", "evidence_attachment_id", "pdf_attachment_id"}
RESPONSE_EXTRA = (
    "status",
    "issued_on",
    "issued_at",
    "pdf_sha256",
    "supersedes_id",
    "withheld_evidence",
    "withheld_reason",
)
STATUS_CHANGE_FIELDS = (
    "id",
    "partnership_id",
    "changed_on",
    "from_status",
    "to_status",
    "reason",
    "legal_basis",
    "recorded_at",
)
TERMINATION_STEP_FIELDS = ("id", "partnership_id", "rule_id", "step", "done_on", "note", "recorded_at")
LAW_RULE_FIELDS = ("id", "rule_id", "supersedes", "created_at", "updated_at", "deleted_at")
QUESTION_FIELDS = ("id", "position", "text", "topics", "short_title")
ANSWER_FIELDS = ("id", "question_id", "narrative")
# The largest record number a records file may give: half an INTEGER column, leaving room for the records added later.
LARGEST_NUMBER_IN_FILE = 2**30
# What the entries of each list are called in sentences about them.
ENTRY_NAMES = {name: kind.label.lower() for name, kind in SECTIONS} | {
    "status_changes": "status change",
    "law_rules": "state-law rule",
    "termination_steps": "termination step",
    "questions": "question",
    "answers": "answer",
}


# ----- the schema ------------------------------------------------------------------------------------------


def _field_schema(spec: Field) -> dict[str, Any]:
    if spec.name in ATTACHMENT_REFERENCES:
        return {"type": "null"}
    if spec.type in ("text", "longtext"):
        schema: dict[str, Any] = {"type": "string"}
        if spec.max_length:
            schema["maxLength"] = spec.max_length
        return schema
    if spec.type == "date":
        return {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if spec.type in ("int", "ref"):
        return {"type": ["integer", "null"], "minimum": 0}
    if spec.type == "cents":
        return {"type": "integer", "minimum": 0}
    if spec.type == "bool":
        return {"type": "boolean"}
    if spec.type == "choice":
        assert spec.vocabulary is not None
        return {"enum": sorted(spec.vocabulary)}
    if spec.type == "words":
        assert spec.vocabulary is not None
        return {
            "type": "string",
            "pattern": r"^(|("
            + "|".join(sorted(spec.vocabulary))
            + r")( ("
            + "|".join(sorted(spec.vocabulary))
            + r"))*)$",
        }
    raise AssertionError(spec.type)


def _record_schema(kind: Kind, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    timestamp = {"type": "string", "maxLength": 32}
    properties: dict[str, Any] = {
        "id": {"type": "integer", "minimum": 1},
        "created_at": timestamp,
        "updated_at": timestamp,
        "deleted_at": {"type": ["string", "null"]},
    }
    for spec in kind.fields:
        properties[spec.name] = _field_schema(spec)
    properties.update(extra or {})
    required = ["id", "created_at", "updated_at"] + [s.name for s in kind.fields if s.required and s.type == "ref"]
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


def build_schema() -> dict[str, Any]:
    """The JSON Schema of the records file, made from the record kinds' fields (the shipped file is this)."""
    topics = _field_schema(INQUIRY_TOPICS_FIELD)
    question = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "position", "text"],
        "properties": {
            "id": {"type": "integer"},
            "position": {"type": "integer", "minimum": 1},
            "text": {"type": "string", "minLength": 1},
            "topics": topics,
            "short_title": {"type": "string", "maxLength": 100},
        },
    }
    answer = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "question_id"],
        "properties": {
            "id": {"type": "integer"},
            "question_id": {"type": "integer"},
            "narrative": {"type": "string"},
            # Written by earlier versions; read into the response's withheld evidence.
            "excluded_evidence": {"type": "string"},
        },
    }
    status_change = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "partnership_id", "changed_on", "to_status"],
        "properties": {
            "id": {"type": "integer"},
            "partnership_id": {"type": "integer"},
            "changed_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "from_status": {"enum": [None, *sorted(PARTNERSHIP.field("status").vocabulary or {})]},
            "to_status": {"enum": sorted(PARTNERSHIP.field("status").vocabulary or {})},
            "reason": {"type": "string"},
            "legal_basis": {"type": "string"},
            "recorded_at": {"type": "string"},
        },
    }
    extras: dict[str, dict[str, Any]] = {
        "inquiries": {"builtin_key": {"type": ["string", "null"]}, "questions": {"type": "array", "items": question}},
        "responses": {
            "status": {"enum": ["draft", "issued", "superseded"]},
            "issued_on": {"type": ["string", "null"]},
            "issued_at": {"type": ["string", "null"]},
            "pdf_sha256": {"type": "string"},
            "supersedes_id": {"type": ["integer", "null"]},
            "withheld_evidence": {"type": "string"},
            "withheld_reason": {"type": "string"},
            "answers": {"type": "array", "items": answer},
        },
        "participants": {},
    }
    records = {name: {"type": "array", "items": _record_schema(kind, extras.get(name))} for name, kind in SECTIONS}
    records["status_changes"] = {"type": "array", "items": status_change}
    records.update(_state_law_schemas())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sister-city-records.invalid/records-file.schema.json",
        "title": "Sister City Records: records file",
        "description": "Every record of a Sister City Records database (attachments are carried by backups, "
        "not by this file). Participants' names appear only when personal_data_included is true.",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "format_version", "records"],
        "properties": {
            "format": {"const": FORMAT_NAME},
            "format_version": {"const": FORMAT_VERSION},
            "program_version": {"type": "string"},
            "personal_data_included": {"type": "boolean"},
            "records": {
                "type": "object",
                "additionalProperties": False,
                "required": [name for name, _ in SECTIONS],
                "properties": records,
            },
        },
    }


def _state_law_schemas() -> dict[str, Any]:
    """A clerk's state-law rules (each body checked against the rule schema when read) and termination steps."""
    day = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "partnership_id", "rule_id", "step", "done_on"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "partnership_id": {"type": "integer"},
            "rule_id": {"type": "string", "maxLength": 64},
            "step": {"enum": sorted(STEPS)},
            "done_on": day,
            "note": {"type": "string"},
            "recorded_at": {"type": "string", "maxLength": 32},
        },
    }
    rule = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "rule_id", "body", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "rule_id": {"type": "string", "maxLength": 64},
            "supersedes": {"type": "string", "maxLength": 64},
            "body": {"type": "object"},
            "created_at": {"type": "string", "maxLength": 32},
            "updated_at": {"type": "string", "maxLength": 32},
            "deleted_at": {"type": ["string", "null"]},
        },
    }
    return {"law_rules": {"type": "array", "items": rule}, "termination_steps": {"type": "array", "items": step}}


@cache
def shipped_schema() -> dict[str, Any]:
    with resource_path(*SCHEMA_FILE).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


# ----- export ----------------------------------------------------------------------------------------------


def _plain_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _export_record(kind: Kind, obj: Any, include_personal: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": obj.id,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "deleted_at": obj.deleted_at,
    }
    for spec in kind.fields:
        if spec.personal and not include_personal:
            continue
        record[spec.name] = None if spec.name in ATTACHMENT_REFERENCES else _plain_value(getattr(obj, spec.name))
    return record


def build_records_document(
    session: Session, *, include_personal_data: bool = False, next_section: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Every record as plain JSON-ready data; ``next_section(done, total)`` hears each section begin (and may raise
    to stop)."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for done, (name, kind) in enumerate(SECTIONS):
        if next_section is not None:
            next_section(done, len(SECTIONS) + 1)
        model: Any = kind.model
        rows = []
        for obj in session.scalars(select(model).order_by(model.id)).unique():
            record = _export_record(kind, obj, include_personal_data)
            if kind is INQUIRY:
                record["builtin_key"] = obj.builtin_key
                record["questions"] = [{key: getattr(q, key) for key in QUESTION_FIELDS} for q in obj.questions]
            if kind is RESPONSE:
                record.update({key: _plain_value(getattr(obj, key)) for key in RESPONSE_EXTRA})
                record["answers"] = [
                    {key: getattr(a, key) for key in ANSWER_FIELDS} for a in sorted(obj.answers, key=lambda a: a.id)
                ]
            rows.append(record)
        sections[name] = rows
    sections["status_changes"] = [
        {key: _plain_value(getattr(change, key)) for key in STATUS_CHANGE_FIELDS}
        for change in session.scalars(select(models.StatusChange).order_by(models.StatusChange.id))
    ]
    sections["law_rules"] = [
        {key: getattr(row, key) for key in LAW_RULE_FIELDS} | {"body": json.loads(row.body_json)}
        for row in session.scalars(select(models.LawRule).order_by(models.LawRule.id))
    ]
    sections["termination_steps"] = [
        {key: _plain_value(getattr(step, key)) for key in TERMINATION_STEP_FIELDS}
        for step in session.scalars(select(models.TerminationStep).order_by(models.TerminationStep.id))
    ]
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "program_version": __version__,
        "personal_data_included": include_personal_data,
        "records": sections,
    }


def export_records_file(
    db: Database,
    destination: Path,
    *,
    include_personal_data: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> str:
    """Writes the records file (atomically) and returns a sentence saying what it holds.

    ``progress(done, total)`` hears each section read; when ``cancel()`` is true before the file is written it
    raises Stopped and writes nothing.
    """
    destination = Path(destination)
    if destination.is_dir():
        raise UserError(f"{destination} is a folder; name the file to write, e.g. records.json.")

    def next_section(done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Stopped("Stopped; no records file was written.")
        if progress is not None:
            progress(done, total)

    with db.reading() as session:
        document = build_records_document(
            session, include_personal_data=include_personal_data, next_section=next_section
        )
    _validate(document, destination.name)
    next_section(len(SECTIONS), len(SECTIONS) + 1)
    payload = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    _write_atomically(destination, payload.encode("utf-8"))
    counts = ", ".join(f"{len(rows)} {name.replace('_', ' ')}" for name, rows in document["records"].items() if rows)
    personal = " including participants' names" if include_personal_data else " without personal data"
    return f"Wrote {destination}{personal}: {counts or 'no records'}."


def _write_atomically(destination: Path, data: bytes) -> None:
    parent = destination.parent if str(destination.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"The folder {parent} does not exist.")
    try:
        descriptor, partial = tempfile.mkstemp(prefix=".partial-", dir=parent)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    except OSError as exc:
        raise UserError(f"The file {destination} could not be written: {exc.strerror or exc}.") from exc


# ----- import ----------------------------------------------------------------------------------------------


@dataclass
class RecordsFileReport:
    """What importing a records file did (or would do)."""

    file_name: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in self.counts.items() if count)
        lines = [f"{verb} from {self.file_name}: {counts or 'no records'}."]
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return lines


def _validate(document: Any, file_name: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(shipped_schema())
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise UserError(f"{file_name} is not a valid records file: at {where}, {_short(error.message)}.")


def _short(message: str) -> str:
    return message if len(message) <= 160 else message[:157] + "..."


def load_document(path: Path) -> dict[str, Any]:
    from .reading import read_text

    try:
        document = json.loads(read_text(path), parse_int=_read_integer)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path.name} is not well-formed JSON (line {exc.lineno}, column {exc.colno}).") from exc
    except RecursionError:
        raise UserError(f"{path.name} is nested too deeply to be a records file.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise UserError(f"{path.name} is not a Sister City Records records file.")
    _check_values(document, (), path.name)
    if isinstance(document.get("format_version"), int) and document["format_version"] > FORMAT_VERSION:
        raise UserError(
            f"{path.name} was written by a newer version of Sister City Records; install it to read this file."
        )
    _validate(document, path.name)
    return document


class _LongNumber(str):
    """A number in the file too long to be read as one (Python refuses thousands of digits); refused by name."""


def _read_integer(digits: str) -> int | _LongNumber:
    if len(digits.lstrip("-").lstrip("0")) > 40:
        return _LongNumber(digits)
    return int(digits)


Place = tuple[str | int, ...]
_BROKEN_CHARACTER = "a broken character (an unpaired UTF-16 surrogate such as \\udc80) that cannot be stored"


def _check_values(value: Any, place: Place, file_name: str) -> None:
    """Refuses, naming the entry and field, text no database can store and numbers out of every field's range."""
    if isinstance(value, dict):
        for key, item in value.items():
            if has_lone_surrogate(key):
                raise UserError(f"{file_name}: {_where(place)} has a field name holding {_BROKEN_CHARACTER}.")
            _check_values(item, (*place, key), file_name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, (*place, index), file_name)
    elif isinstance(value, _LongNumber):
        digits = len(value.lstrip("-").lstrip("0"))
        raise UserError(
            f"{file_name}: {_what(place)} is a number of {digits:,} digits, larger than any the records hold."
        )
    elif isinstance(value, str):
        if has_lone_surrogate(value):
            raise UserError(f"{file_name}: {_what(place)} holds {_BROKEN_CHARACTER}.")
    elif isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        _check_number(value, place, file_name)


def _check_number(value: float, place: Place, file_name: str) -> None:
    name = str(place[-1]) if place else ""
    if name == "id" or name.endswith("_id"):
        if not 1 <= value <= LARGEST_NUMBER_IN_FILE:
            raise UserError(
                f"{file_name}: {_what(place)} is {int(value):,}; a record's number in a records file "
                f"must be from 1 to {LARGEST_NUMBER_IN_FILE:,}."
            )
        return
    largest = LARGEST_CENTS if name.endswith("_cents") else LARGEST_WHOLE_NUMBER
    if abs(value) > largest:
        raise UserError(f"{file_name}: {_what(place)} is {int(value):,}; it must be at most {largest:,}.")


def _what(place: Place) -> str:
    """'the id of partner community entry 1' for records/partners/0/id."""
    if place and isinstance(place[-1], str) and "body" not in place:
        return f"the {place[-1]} of {_where(place[:-1])}" if place[:-1] else f"the {place[-1]}"
    return _where(place)


def _where(place: Place) -> str:
    """'question entry 2 of inquiry entry 1' for records/inquiries/0/questions/1; a law rule's body by its path."""
    outer, inside = (place[: place.index("body")], place[place.index("body") + 1 :]) if "body" in place else (place, ())
    entries = [
        f"{ENTRY_NAMES.get(str(name), str(name))} entry {index + 1}"
        for name, index in itertools.pairwise(outer)
        if isinstance(index, int)
    ]
    if not entries:
        return "/".join(str(part) for part in place) or "the top level"
    where = " of ".join(reversed(entries))
    return f"{'/'.join(str(part) for part in inside)} in the body of {where}" if inside else where


def _target_is_empty(session: Session) -> bool:
    if session.execute(select(func.count()).select_from(models.LawRule)).scalar_one():
        return False
    for _, kind in SECTIONS:
        model: Any = kind.model
        statement = select(func.count()).select_from(model)
        if kind is INQUIRY:
            statement = statement.where(model.builtin_key.is_(None))
        if session.execute(statement).scalar_one():
            return False
    return True


def import_records_file(session: Session, path: Path, *, dry_run: bool) -> RecordsFileReport:
    """Reads a records file into a database that holds no records yet, keeping every record's number."""
    document = load_document(path)
    if not _target_is_empty(session):
        raise UserError(
            "A records file is read into empty records only (a new data folder); these records "
            "already hold entries. To add partnerships to existing records, import a CSV or XLSX table."
        )
    records = document["records"]
    _check_references(records)
    report = RecordsFileReport(path.name, dry_run)
    for name, kind in SECTIONS:
        report.counts[name] = _insert_section(session, kind, records[name])
    history: Any = models.StatusChange.__table__
    changes = [
        _dated(change, ("changed_on",)) | {"evidence_attachment_id": None}
        for change in records.get("status_changes", [])
    ]
    if changes:
        session.execute(insert(history), changes)
    report.counts["status_changes"] = len(changes)
    report.counts.update(_insert_state_law(session, records))
    _advance_sequences(session)
    rebuild_in(session)
    append_event(
        session,
        actor=current_actor(),
        action="import",
        record_kind="records_file",
        record_id=None,
        after={"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "counts": report.counts},
    )
    return report


def _insert_state_law(session: Session, records: dict[str, Any]) -> dict[str, int]:
    """A clerk's rules (each checked as a rule file would be) and the termination steps, without their files."""
    rules = []
    for row in records.get("law_rules", []):
        problems = problems_in(row["body"])
        if problems or row["body"]["id"] != row["rule_id"]:
            problem = problems[0] if problems else "its body names another rule"
            raise UserError(f"The records file's state-law rule {row['rule_id']!r} is not a valid rule: {problem}.")
        body_json = json.dumps(row["body"], ensure_ascii=False, sort_keys=True)
        rules.append({key: row.get(key) for key in LAW_RULE_FIELDS} | {"body_json": body_json})
    for rule in rules:
        rule["supersedes"] = rule["supersedes"] or ""
    if rules:
        session.execute(insert(models.LawRule), rules)
    steps = [
        _dated(step, ("done_on",)) | {"evidence_attachment_id": None, "note": step.get("note", "")}
        for step in records.get("termination_steps", [])
    ]
    if steps:
        session.execute(insert(models.TerminationStep), steps)
    return {"law_rules": len(rules), "termination_steps": len(steps)}


def _dated(record: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    result = dict(record)
    for name in names:
        if result.get(name):
            try:
                result[name] = dt.date.fromisoformat(result[name])
            except ValueError:
                raise UserError(f"The date {result[name]!r} in the records file is not a real date.") from None
    return result


def _insert_section(session: Session, kind: Kind, rows: list[dict[str, Any]]) -> int:
    model: Any = kind.model
    date_fields = [spec.name for spec in kind.fields if spec.type == "date"]
    count = 0
    for row in rows:
        values = _dated(row, date_fields + (["issued_on"] if kind is RESPONSE else []))
        questions = values.pop("questions", None)
        answers = values.pop("answers", None)
        if answers:
            answers = [dict(answer) for answer in answers]
            earlier = sorted({ref for a in answers for ref in str(a.pop("excluded_evidence", "")).split()})
            if earlier:
                values["withheld_evidence"] = " ".join(sorted({*values.get("withheld_evidence", "").split(), *earlier}))
        if kind is INQUIRY and values.get("builtin_key") == BLACKBURN_HAWLEY_KEY:
            _refresh_builtin(session, values, questions or [])
            count += 1
            continue
        session.execute(insert(model.__table__), values)
        if questions:
            session.execute(insert(models.InquiryQuestion), [{**q, "inquiry_id": values["id"]} for q in questions])
        if answers:
            session.execute(insert(models.ResponseAnswer), [{**a, "response_id": values["id"]} for a in answers])
        count += 1
    return count


def _refresh_builtin(session: Session, values: dict[str, Any], questions: list[dict[str, Any]]) -> None:
    """The built-in letter is already in every database: it takes the file's values, keeping its number."""
    builtin = session.execute(
        select(models.Inquiry).where(models.Inquiry.builtin_key == BLACKBURN_HAWLEY_KEY)
    ).scalar_one()
    if builtin.id != values["id"] or [q.id for q in builtin.questions] != [q["id"] for q in questions]:
        raise UserError(
            "The records file numbers the built-in 2020 letter differently from this program; it cannot be read here."
        )
    for name, value in values.items():
        setattr(builtin, name, value)
    for stored, given in zip(builtin.questions, questions, strict=True):
        for name, value in given.items():
            setattr(stored, name, value)
    session.flush()


def _check_references(records: dict[str, list[dict[str, Any]]]) -> None:
    ids = {name: {row["id"] for row in rows} for name, rows in records.items()}
    question_ids = {q["id"] for inquiry in records["inquiries"] for q in inquiry.get("questions", [])}
    targets = {
        "jurisdiction": "jurisdictions",
        "partner": "partners",
        "partnership": "partnerships",
        "activity": "activities",
        "inquiry": "inquiries",
    }
    for name, kind in SECTIONS:
        for row in records[name]:
            for spec in kind.fields:
                if spec.type != "ref" or spec.name in ATTACHMENT_REFERENCES or row.get(spec.name) is None:
                    continue
                if row[spec.name] not in ids[targets[spec.ref_kind or ""]]:
                    raise UserError(
                        f"The records file is inconsistent: {kind.label.lower()} {row['id']} refers to "
                        f"{spec.ref_kind} {row[spec.name]}, which is not in the file."
                    )
            for answer in row.get("answers", []):
                if answer["question_id"] not in question_ids:
                    raise UserError(
                        f"The records file is inconsistent: response {row['id']} answers question "
                        f"{answer['question_id']}, which is not in the file."
                    )
    for change in [*records.get("status_changes", []), *records.get("termination_steps", [])]:
        if change["partnership_id"] not in ids["partnerships"]:
            raise UserError(
                f"The records file is inconsistent: a status change or termination step ({change['id']}) belongs to "
                f"partnership {change['partnership_id']}, which is not in the file."
            )


def _advance_sequences(session: Session) -> None:
    """PostgreSQL's id sequences must move past ids written explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    tables = [str(kind.model.__tablename__) for _, kind in SECTIONS] + [
        "status_change",
        "law_rule",
        "termination_step",
        "inquiry_question",
        "response_answer",
    ]
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
            )
        )
