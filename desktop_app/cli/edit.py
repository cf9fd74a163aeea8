"""Command-line commands that change records as the window does: new, edit, show, (un)trash, purge, status, question."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..core.errors import RecordConflict, UserError, ValidationError
from ..core.wording import plural
from .base import (
    EXIT_OK,
    PROGRAM,
    CheckFailed,
    Commands,
    Context,
    Parser,
    counting_number,
    parse_target,
    record_number,
)
from .records import one_line

if TYPE_CHECKING:
    from ..core.db.row_source import RowSource
    from ..core.records.fields import Field
    from ..core.records.kinds import Kind

# Where a field's value waits in the parsed arguments, apart from the command's own arguments.
_FIELD = "field."

_METAVARS = {
    "date": "YYYY-MM-DD",
    "bool": "yes|no",
    "cents": "AMOUNT",
    "int": "NUMBER",
    "ref": "ID",
    "choice": "CHOICE",
    "words": "A,B,...",
}

# The status command's values, named as the window's status dialog names them.
_STATUS_FIELDS = {
    "status": ("New status", "STATUS"),
    "changed_on": ("Date", "--on"),
    "reason": ("Reason", "--reason"),
    "legal_basis": ("Legal basis", "--legal-basis"),
    "evidence_attachment_id": ("Evidence", "--evidence"),
}


def register(commands: Commands) -> None:
    commands.add_command(
        "new",
        None,
        _add_kinds,
        help="add a record of one kind (see 'new KIND --help' for its fields); prints its number",
        description="Adds a record. Each field is an option named as the field (--starts-on, --partnership 3 for "
        "a reference). A response is a new draft answering an inquiry (the letter of October 8, 2020 unless "
        "--inquiry is given).",
    )
    commands.add_command(
        "edit",
        cmd_edit,
        _edit_arguments,
        help="change fields of a record: edit KIND:ID --FIELD VALUE ...",
        description="Changes the fields given and leaves the others as they are; the fields are the options of "
        "'new KIND' (a response's letter: its date, signatory, introduction and closing). An empty value clears "
        "a field. A partnership's status is changed with 'status'.",
    )
    commands.add_command(
        "show",
        cmd_show,
        _show_arguments,
        help="show one record with its files (participants' names included)",
        writes_log=False,
    )
    commands.add_command(
        "trash", cmd_trash, _targets_arguments, help="move records to the trash (untrash brings them back)"
    )
    commands.add_command("untrash", cmd_untrash, _targets_arguments, help="take records out of the trash")
    commands.add_command(
        "purge",
        cmd_purge,
        _purge_arguments,
        help="delete records in the trash for good (the audit trail keeps a note of it)",
    )
    commands.add_command(
        "status",
        cmd_status,
        _status_arguments,
        help="record a change of a partnership's status, with its date, reason and legal basis",
    )
    commands.add_command("question", None, _question_actions, help="add, change or remove a question of an inquiry")


def _edit_arguments(command: Parser) -> None:
    command.add_argument("target", metavar="KIND:ID", help="the record, e.g. agreement:4")
    command.add_argument("changes", nargs=argparse.REMAINDER, metavar="--FIELD VALUE", help="the fields to change")


def _show_arguments(command: Parser) -> None:
    command.add_argument("target", metavar="KIND:ID", help="the record, e.g. partnership:3, or attachment:7")
    command.add_argument("--json", action="store_true", help="print JSON instead of text")


def _targets_arguments(command: Parser) -> None:
    command.add_argument("targets", nargs="+", metavar="KIND:ID")


def _purge_arguments(command: Parser) -> None:
    command.add_argument("targets", nargs="+", metavar="KIND:ID", help="records in the trash, in the order to purge")


def _status_arguments(command: Parser) -> None:
    command.add_argument("target", metavar="partnership:ID")
    command.add_argument("status", metavar="STATUS", help=", ".join(vocab.PARTNERSHIP_STATUSES))
    command.add_argument("--on", metavar="YYYY-MM-DD", help="the date of the change (today if not given)")
    command.add_argument("--reason", default="", help="why the status changed (required)")
    command.add_argument("--legal-basis", default="", help="the council resolution, ordinance or decision")
    command.add_argument(
        "--evidence", type=record_number, metavar="ATTACHMENT_ID", help="a file that documents the change"
    )


def _question_actions(command: Parser) -> None:
    actions = command.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    action = actions.add_parser("add", help="add a question, at the end or --at NUMBER")
    action.add_argument("inquiry", type=record_number, metavar="INQUIRY_ID")
    action.add_argument("--text", required=True, help="the question as the inquiry asks it")
    _add_question_options(action)
    action.add_argument(
        "--at", type=counting_number, metavar="NUMBER", help="its place among the questions (the end if not given)"
    )
    action.set_defaults(handler=cmd_question_add)
    action = actions.add_parser("edit", help="change a question's text, topics or short title")
    action.add_argument("inquiry", type=record_number, metavar="INQUIRY_ID")
    action.add_argument("number", type=counting_number, metavar="QUESTION_NUMBER")
    action.add_argument("--text", help="the question as the inquiry asks it")
    _add_question_options(action)
    action.set_defaults(handler=cmd_question_edit)
    action = actions.add_parser("remove", help="remove a question; the ones after it move up")
    action.add_argument("inquiry", type=record_number, metavar="INQUIRY_ID")
    action.add_argument("number", type=counting_number, metavar="QUESTION_NUMBER")
    action.set_defaults(handler=cmd_question_remove)
    for action in actions.choices.values():
        action.add_argument("--json", action="store_true", help="print the inquiry with its questions as JSON")


def _add_kinds(command: Parser) -> None:
    """The kinds of 'new', each with its fields as options."""
    from ..core.records.kinds import KINDS

    kinds = command.add_subparsers(dest="record_kind", metavar="KIND", parser_class=Parser, required=True)
    for kind in KINDS:
        one_kind = kinds.add_parser(kind.name, help=f"a new {kind.label.lower()}")
        add_field_options(one_kind, fields_of_new(kind))
        one_kind.add_argument("--json", action="store_true", help="print the new record as JSON")
        one_kind.set_defaults(handler=cmd_new)


def _add_question_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topics", metavar="A,B,...", help="what it is about: any of " + ", ".join(vocab.TOPICS))
    parser.add_argument("--short-title", metavar="TEXT", help="a few words naming it in the letter's headings")


# ----- fields as options ---------------------------------------------------------------------------------------


def option_of(field: Field) -> str:
    """The option naming a field: --starts-on; --partnership for partnership_id; --funding-city for its cents."""
    name = field.name
    if field.type == "ref":
        name = name.removesuffix("_id")
    elif field.type == "cents":
        name = name.removesuffix("_cents")
    return "--" + name.replace("_", "-")


def add_field_options(parser: argparse.ArgumentParser, fields: Sequence[Field]) -> None:
    for field in fields:
        spellings = [option_of(field)]
        exact = "--" + field.name.replace("_", "-")
        if exact not in spellings:
            spellings.append(exact)
        parser.add_argument(
            *spellings,
            dest=_FIELD + field.name,
            metavar=_METAVARS.get(field.type, "TEXT"),
            default=argparse.SUPPRESS,
            help=_field_help(field),
        )


def _field_help(field: Field) -> str:
    if field.type == "ref":
        return f"{field.label}: the number of a {field.ref_kind}"
    if field.vocabulary is not None:
        values = ", ".join(field.vocabulary)
        return f"{field.label}: {'one' if field.type == 'choice' else 'any'} of {values}"
    if field.type == "cents":
        return f"{field.label}, such as 1250.00"
    return field.label


def fields_of_new(kind: Kind) -> tuple[Field, ...]:
    """A new response is a draft answering an inquiry: its letter is written afterwards, with edit."""
    from ..core.records.kinds import RESPONSE

    return (RESPONSE.field("inquiry_id"),) if kind is RESPONSE else kind.fields


def fields_of_edit(kind: Kind) -> tuple[Field, ...]:
    """A response answers the same inquiry for good; its letter is what changes."""
    from ..core.records.kinds import RESPONSE

    return tuple(field for field in kind.fields if field.name != "inquiry_id") if kind is RESPONSE else kind.fields


def given_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {name.removeprefix(_FIELD): value for name, value in vars(args).items() if name.startswith(_FIELD)}


@contextmanager
def problems_named(names: Mapping[str, tuple[str, str]]) -> Iterator[None]:
    """Core's problems with the fields, each said with the field's label and the option that gives it."""
    try:
        yield
    except ValidationError as error:
        sentences = []
        for name, problem in error.problems.items():
            label, option = names.get(name, ("", ""))
            if not label:
                sentences.append(problem)
            elif problem.startswith(label):
                sentences.append(f"{label} ({option}){problem[len(label) :]}")
            else:
                sentences.append(f"{label} ({option}): {problem}")
        raise UserError(" ".join(sentences)) from None


def names_of(kind: Kind) -> dict[str, tuple[str, str]]:
    return {field.name: (field.label, option_of(field)) for field in kind.fields}


def record_target(value: str) -> tuple[Kind, int]:
    from ..core.records.kinds import kind_named

    kind_name, record_id = parse_target(value)
    return kind_named(kind_name), record_id


# ----- new and edit ---------------------------------------------------------------------------------------------


def cmd_new(context: Context) -> int:
    from ..core.records import service as records
    from ..core.records.kinds import RESPONSE, kind_named
    from ..core.records.plain import describe

    kind = kind_named(context.args.record_kind)
    values = given_fields(context.args)
    db = context.database()
    with problems_named(names_of(kind)):
        if kind is RESPONSE:
            from ..core.reports.responses import create_draft

            record = create_draft(db, _inquiry_number(values.get("inquiry_id")))
        else:
            record = records.create(db, kind.name, values)
    if context.args.json:
        context.print_json(record)
    else:
        context.say(f"Added {kind.label.lower()} {record['id']}: {describe(kind, record)}.")
    return EXIT_OK


def _inquiry_number(raw: str | None) -> int | None:
    """The inquiry a new draft answers; None for the built-in letter."""
    from ..core.records.fields import parse_value
    from ..core.records.kinds import RESPONSE

    if raw is None:
        return None
    number, problem = parse_value(RESPONSE.field("inquiry_id"), raw)
    if problem:
        raise ValidationError({"inquiry_id": problem})
    return int(number)


def cmd_edit(context: Context) -> int:
    from ..core.records import service as records
    from ..core.records.kinds import RESPONSE
    from ..core.records.plain import describe

    kind, record_id = record_target(context.args.target)
    parser = Parser(prog=f"{PROGRAM} edit {kind.name}:{record_id}", description=f"Changes a {kind.label.lower()}.")
    add_field_options(parser, fields_of_edit(kind))
    parser.add_argument(
        "--if-version",
        type=counting_number,
        metavar="N",
        help="save only over version N of the record (as 'show' gives it); if it has been changed since, nothing "
        "is saved and the exit status is 1",
    )
    parser.add_argument("--json", action="store_true", help="print the changed record as JSON")
    try:
        options = parser.parse_args(context.args.changes)
    except SystemExit:  # --help has printed the fields
        return EXIT_OK
    changes = given_fields(options)
    if not changes:
        example = next(field for field in fields_of_edit(kind) if field.type in ("text", "longtext"))
        raise UserError(
            f"Name at least one field to change, such as {option_of(example)} TEXT; "
            f"'{PROGRAM} edit {kind.name}:{record_id} --help' lists them."
        )
    db = context.database()
    try:
        with problems_named(names_of(kind)):
            if kind is RESPONSE:
                from ..core.reports.responses import set_letter

                record = set_letter(db, record_id, changes, expected_version=options.if_version)
            else:
                record = records.update(db, kind.name, record_id, changes, expected_version=options.if_version)
    except RecordConflict as conflict:
        # Not bad input: the record moved on since the clerk read it. A status of its own lets a script tell.
        raise CheckFailed(conflict.message) from None
    if options.json:
        context.print_json(record)
    else:
        context.say(
            f"Saved {kind.label.lower()} {record_id}, now at version {record['version']}: {describe(kind, record)}."
        )
    return EXIT_OK


# ----- show -----------------------------------------------------------------------------------------------------


def cmd_show(context: Context) -> int:
    kind_name, record_id = parse_target(context.args.target)
    if kind_name in ("attachment", "attachments", "file", "files"):
        return _show_attachment(context, record_id)
    from ..core.records.fields import display_value
    from ..core.records.kinds import RESPONSE, kind_named
    from ..core.records.plain import describe

    kind = kind_named(kind_name)
    record, referred_to = _quick_record(context, kind, record_id) or _ordinary_record(context, kind, record_id)
    if context.args.json:
        context.print_json(record)
        return EXIT_OK
    context.say(f"{kind.label} {record_id}: {describe(kind, record)}")
    _say_labelled(context, "Version", str(record["version"]))
    for field in kind.fields:
        value = record.get(field.name)
        if value is None or value == "":
            continue
        shown = display_value(field, value)
        if field.type == "ref":
            shown = f"{value} ({referred_to(field, value)})"
        _say_labelled(context, field.label, shown)
    if kind is RESPONSE:
        _say_labelled(context, "Status", vocab.label(vocab.RESPONSE_STATUSES, record["status"]))
        _say_answers(context, record["answers"])
        if record.get("withheld_evidence"):
            _say_labelled(context, "Withheld from the letter", ", ".join(record["withheld_evidence"]))
            _say_labelled(context, "Reason the letter gives", record.get("withheld_reason") or "(not given yet)")
    _say_questions(context, record.get("questions", []))
    _say_status_history(context, record.get("status_history", []))
    if record["files"]:
        context.say("Files:")
        for attachment in record["files"]:
            context.say("  " + one_line("attachments", attachment).lstrip())
    if record["deleted_at"]:
        context.say(f"In the trash since {record['deleted_at']}; 'untrash {kind.name}:{record_id}' brings it back.")
    return EXIT_OK


# A record to show, with its status history and files, and what names the records its references refer to.
ShownRecord = tuple[dict[str, Any], Callable[["Field", int], str]]


def _ordinary_record(context: Context, kind: Kind, record_id: int) -> ShownRecord:
    from ..core.files import list_attachments
    from ..core.records import service as records
    from ..core.records.kinds import INQUIRY, PARTNERSHIP, RESPONSE

    db = context.database()
    if kind is INQUIRY:
        from ..core.records.inquiries import get_inquiry

        record = get_inquiry(db, record_id)
    elif kind is RESPONSE:
        from ..core.reports.responses import get_response

        record = get_response(db, record_id)
    else:
        record = records.get(db, kind.name, record_id)
    if kind is PARTNERSHIP:
        record["status_history"] = records.status_history(db, record_id)
    record["files"] = list_attachments(db, kind.name, record_id)
    return record, lambda field, value: _referred_to(context, field, value)


def _quick_record(context: Context, kind: Kind, record_id: int) -> ShownRecord | None:
    """The record read without the database layer, when the records need nothing done first and nothing it
    refers to is missing (the ordinary way then gives its sentence)."""
    from ..core.records.kinds import INQUIRY, RESPONSE

    if kind in (INQUIRY, RESPONSE):
        return None
    from ..core.db.quick_read import quick_answer

    with_names = not context.args.json
    return quick_answer(context.location, lambda reader: _record_read_with(reader, kind, record_id, with_names))


def _record_read_with(rows: RowSource, kind: Kind, record_id: int, with_names: bool) -> ShownRecord | None:
    from ..core.files.record_files import record_files
    from ..core.records.kinds import PARTNERSHIP
    from ..core.records.plain_rows import get_plain, status_history_plain

    record = get_plain(rows, kind, record_id)
    if kind is PARTNERSHIP:
        record["status_history"] = status_history_plain(rows, record_id)
    record["files"] = record_files(rows, kind.name, record_id)
    names: dict[str, str] = {}
    for field in kind.fields if with_names else ():
        value = record.get(field.name)
        if field.type == "ref" and value is not None and value != "":
            name = _name_read_with(rows, field, value)
            if name is None:
                return None
            names[field.name] = name
    return record, lambda field, _value: names[field.name]


def _name_read_with(rows: RowSource, field: Field, record_id: int) -> str | None:
    """What a reference names, as _referred_to says it; None when there is no such record."""
    if field.ref_kind == "attachment":
        from ..core.files.record_files import attachment_title

        return attachment_title(rows, record_id)
    from ..core.records.kinds import kind_named
    from ..core.records.plain import describe
    from ..core.records.plain_rows import get_plain

    kind = kind_named(field.ref_kind or "")
    try:
        return describe(kind, get_plain(rows, kind, record_id))
    except UserError:
        return None


def _say_answers(context: Context, answers: list[dict[str, Any]]) -> None:
    for answer in answers:
        context.say(f"Question {answer['position']}: {answer['short_title'] or answer['question']}")
        _say_labelled(context, "Narrative", answer["narrative"])


def _say_questions(context: Context, questions: list[dict[str, Any]]) -> None:
    for question in questions:
        topics = f" [{', '.join(question['topic_labels'])}]" if question["topic_labels"] else ""
        title = f" ({question['short_title']})" if question["short_title"] else ""
        context.say(f"Question {question['position']}{title}{topics}:")
        _say_labelled(context, "Text", question["text"])


def _say_status_history(context: Context, changes: list[dict[str, Any]]) -> None:
    if changes:
        context.say("Status history:")
    for change in changes:
        was = vocab.label(vocab.PARTNERSHIP_STATUSES, change["from_status"]) if change["from_status"] else "(new)"
        now = vocab.label(vocab.PARTNERSHIP_STATUSES, change["to_status"])
        basis = f" Legal basis: {change['legal_basis']}." if change["legal_basis"] else ""
        evidence = change["evidence_attachment_id"]
        proof = f" Evidence: attachment {evidence}." if evidence else ""
        context.say(f"  {change['changed_on']}  {was} → {now}: {change['reason']}{basis}{proof}")


def _referred_to(context: Context, field: Field, record_id: int) -> str:
    """What a reference names, as the window's choice of a record shows it."""
    db = context.database()
    if field.ref_kind == "attachment":
        from ..core.files import get_attachment

        return str(get_attachment(db, record_id)["display_title"])
    from ..core.records import service as records
    from ..core.records.kinds import kind_named
    from ..core.records.plain import describe

    kind = kind_named(field.ref_kind or "")
    return describe(kind, records.get(db, kind.name, record_id))


def _say_labelled(context: Context, label: str, text: str) -> None:
    first, *rest = str(text).splitlines() or [""]
    context.say(f"  {label}: {first}")
    for line in rest:
        context.say(f"    {line}")


def _show_attachment(context: Context, attachment_id: int) -> int:
    from ..core.files import get_attachment

    attachment = get_attachment(context.database(), attachment_id)
    if context.args.json:
        context.print_json(attachment)
        return EXIT_OK
    context.say(f"Attachment {attachment_id}: {attachment['display_title']}")
    pages = f", {plural(attachment['page_count'], 'page')}" if attachment["page_count"] else ""
    _say_labelled(context, "File", f"{attachment['media_label']}, {attachment['size_text']}{pages}")
    _say_labelled(context, "Text", attachment["text_state_label"])
    _say_labelled(context, "Original name", attachment["display_name"])
    _say_labelled(context, "SHA-256", attachment["sha256"])
    if attachment["is_record"]:
        _say_labelled(context, "Declared a record", "its content can never be replaced, only superseded")
    for key, words in (("supersedes_id", "Supersedes attachment"), ("superseded_by_id", "Superseded by attachment")):
        if attachment[key]:
            _say_labelled(context, words, str(attachment[key]))
    for link in attachment["links"]:
        _say_labelled(context, "Belongs to", f"{link['record_kind']}:{link['record_id']} ({link['role']})")
    if attachment["deleted_at"]:
        context.say(f"In the trash since {attachment['deleted_at']}.")
    return EXIT_OK


# ----- trash, untrash, purge ------------------------------------------------------------------------------------


def cmd_trash(context: Context) -> int:
    from ..core.records import service as records
    from ..core.records.plain import describe

    for kind, record_id in _targets(context):
        record = records.trash(context.database(), kind.name, record_id)
        context.say(
            f"Moved {kind.label.lower()} {record_id} ({describe(kind, record)}) to the trash; "
            f"'untrash {kind.name}:{record_id}' brings it back."
        )
    return EXIT_OK


def cmd_untrash(context: Context) -> int:
    from ..core.records import service as records
    from ..core.records.plain import describe

    for kind, record_id in _targets(context):
        record = records.restore(context.database(), kind.name, record_id)
        context.say(f"Took {kind.label.lower()} {record_id} ({describe(kind, record)}) out of the trash.")
    return EXIT_OK


def cmd_purge(context: Context) -> int:
    from ..core.records import service as records

    for kind, record_id in _targets(context):
        records.purge(context.database(), kind.name, record_id)
        context.say(
            f"Purged {kind.label.lower()} {record_id} for good; the audit trail keeps a note that it was purged."
        )
    return EXIT_OK


def _targets(context: Context) -> list[tuple[Kind, int]]:
    """Every record named, each found before any is changed, so a mistyped name or number changes nothing."""
    from ..core.records import service as records

    targets = [record_target(value) for value in context.args.targets]
    for kind, record_id in targets:
        records.get(context.database(), kind.name, record_id)
    return targets


# ----- status ---------------------------------------------------------------------------------------------------


def cmd_status(context: Context) -> int:
    from ..core.clock import today
    from ..core.records import service as records
    from ..core.records.kinds import PARTNERSHIP
    from ..core.records.plain import describe

    kind, partnership_id = record_target(context.args.target)
    if kind is not PARTNERSHIP:
        raise UserError(
            f"Only a partnership has a status; name it as partnership:NUMBER (not {context.args.target!r})."
        )
    args = context.args
    with problems_named(_STATUS_FIELDS):
        record = records.change_status(
            context.database(),
            partnership_id,
            args.status,
            changed_on=args.on if args.on is not None else today(),
            reason=args.reason,
            legal_basis=args.legal_basis,
            evidence_attachment_id=args.evidence,
        )
    status = vocab.label(vocab.PARTNERSHIP_STATUSES, record["status"]).lower()
    context.say(f"Partnership {partnership_id} ({describe(PARTNERSHIP, record)}) is now {status}.")
    return EXIT_OK


# ----- an inquiry's questions ------------------------------------------------------------------------------------

Questions = list[dict[str, Any]]


def cmd_question_add(context: Context) -> int:
    args = context.args

    def add(questions: Questions) -> str:
        number = len(questions) + 1 if args.at is None else _question_number(args, args.at, len(questions) + 1)
        questions.insert(number - 1, {"text": args.text, "topics": args.topics, "short_title": args.short_title})
        return f"Added question {number}."

    return _change_questions(context, add)


def cmd_question_edit(context: Context) -> int:
    args = context.args
    changes = {name: value for name in ("text", "topics", "short_title") if (value := getattr(args, name)) is not None}
    if not changes:
        raise UserError("Give the question's new --text, --topics or --short-title.")

    def edit(questions: Questions) -> str:
        questions[_question_number(args, args.number, len(questions)) - 1].update(changes)
        return f"Changed question {args.number}."

    return _change_questions(context, edit)


def cmd_question_remove(context: Context) -> int:
    args = context.args

    def remove(questions: Questions) -> str:
        del questions[_question_number(args, args.number, len(questions)) - 1]
        return f"Removed question {args.number}."

    return _change_questions(context, remove)


def _change_questions(context: Context, change: Callable[[Questions], str]) -> int:
    """Writes the inquiry's questions back whole, changed, as the window's questions tab saves them."""
    from ..core.records.inquiries import get_inquiry, update_inquiry

    db = context.database()
    inquiry = get_inquiry(db, context.args.inquiry)
    questions = [{key: question[key] for key in ("text", "topics", "short_title")} for question in inquiry["questions"]]
    done = change(questions)
    updated = update_inquiry(db, inquiry["id"], {}, questions)
    if context.args.json:
        context.print_json(updated)
    else:
        context.say(f"{done} Inquiry {inquiry['id']} now has {plural(len(updated['questions']), 'question')}.")
    return EXIT_OK


def _question_number(args: argparse.Namespace, number: int, last: int) -> int:
    if not 1 <= number <= last:
        raise UserError(f"Inquiry {args.inquiry} has no question {number}; its questions are numbered 1 to {last}.")
    return number
