"""Command-line commands over the records: version, init, sample-data, import, export, list, verify."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.errors import UserError
from .base import EXIT_OK, CheckFailed, Commands, Context, Parser

LIST_KINDS = (
    "partnerships",
    "agreements",
    "activities",
    "participants",
    "policies",
    "oversight",
    "inquiries",
    "responses",
    "attachments",
    "audit",
    "partners",
    "jurisdictions",
)

# What `home` sets besides the name: the jurisdiction's fields of the same names.
HOME_DETAILS = (
    "clerk_name",
    "clerk_title",
    "mayor_name",
    "mayor_title",
    "signatory_name",
    "signatory_title",
    "postal_address",
    "email",
    "phone",
)


def register(commands: Commands) -> None:
    commands.add_command("version", cmd_version, help="print the program's version", writes_log=False)
    commands.add_command("init", cmd_init, help="create or upgrade the database")
    commands.add_command(
        "sample-data",
        cmd_sample_data,
        _sample_data_arguments,
        help="load the bundled public list of US–China partnerships",
    )
    commands.add_command("home", cmd_home, _home_arguments, help="set the clerk's own city or county and its signatory")
    commands.add_command(
        "import",
        cmd_import,
        _import_arguments,
        help="import partnerships from CSV/XLSX, or a records file (.json)",
    )
    commands.add_command("export", cmd_export, _export_arguments, help="write the whole records file (.json)")
    commands.add_command("list", cmd_list, _list_arguments, help="list the records of one kind", writes_log=False)
    commands.add_command(
        "verify",
        cmd_verify,
        _verify_arguments,
        help="check the database, every stored file and the audit trail (--quick: what needs no full read)",
    )


def _sample_data_arguments(command: Parser) -> None:
    command.add_argument("--city", metavar='"NAME, ST"', help="load only this city's partnerships")


def _home_arguments(command: Parser) -> None:
    command.add_argument("city", metavar='"NAME, ST"')
    for detail in HOME_DETAILS:
        command.add_argument(f"--{detail.replace('_', '-')}")
    command.add_argument("--kind", choices=("city", "county", "town", "state"))


def _import_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("file", type=Path)
    command.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")


def _export_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("file", type=Path)
    command.add_argument(
        "--include-personal-data", action="store_true", help="also write participants' names (personal data)"
    )


def _list_arguments(command: Parser) -> None:
    command.add_argument("kind", metavar="KIND", help=", ".join(LIST_KINDS))
    command.add_argument("--json", action="store_true", help="print JSON instead of a table")
    command.add_argument("--trash", action="store_true", help="list the records in the trash")
    command.add_argument(
        "--include-personal-data", action="store_true", help="also print participants' names (personal data)"
    )


def cmd_version(context: Context) -> int:
    from .. import __version__

    context.say(f"sister-city-records {__version__}")
    return EXIT_OK


def cmd_init(context: Context) -> int:
    from ..core.safekeeping.opening import open_database

    db, result = open_database(context.location, create=True)
    db.dispose()
    where = context.location.sqlite_path or "the database server"
    if result.created:
        context.say(f"Created the records at {where}.")
    elif result.migrated:
        # On a server no copy is made here: its backups are the server's own.
        made = f"; the copy made before is {result.backup_path}" if result.backup_path else ""
        context.say(f"Upgraded the records at {where}{made}.")
    else:
        context.say(f"The records at {where} are up to date.")
    from ..core.host.paths import cloud_sync_warning

    warning = cloud_sync_warning(context.location.sqlite_path or context.location.data_dir)
    if warning:
        context.say("Warning: " + warning)
    return EXIT_OK


def cmd_sample_data(context: Context) -> int:
    from ..core.interchange.sample_data import load_sample_data
    from ..core.wording import plural

    result = load_sample_data(context.database(create=True), context.args.city)
    scope = f"for {context.args.city}" if context.args.city else "from the bundled public list"
    context.say(
        f"Loaded {plural(result.added, 'partnership')} {scope}, marked unconfirmed; "
        f"{result.already_present} {'was' if result.already_present == 1 else 'were'} already in the records."
    )
    context.say("Please confirm each one against the city's own records. About this list:")
    for caveat in result.caveats:
        context.say(f"  - {caveat}")
    return EXIT_OK


def cmd_home(context: Context) -> int:
    from ..core.interchange.sample_data import sample_cities
    from ..core.records.parties import set_home_jurisdiction
    from ..core.records.place_names import parse_place

    name, state = parse_place(context.args.city, sample_cities())
    details = {key: value for key in (*HOME_DETAILS, "kind") if (value := getattr(context.args, key)) is not None}
    home = set_home_jurisdiction(context.database(create=True), name, state, details)
    context.say(f"The records are now kept for {home['name']}, {home['state']}.")
    return EXIT_OK


def cmd_import(context: Context) -> int:
    from ..core.interchange.importing import import_file

    report = import_file(context.database(create=True), context.args.file, dry_run=context.args.dry_run)
    for line in report.lines():
        context.say(line)
    return EXIT_OK


def cmd_export(context: Context) -> int:
    from ..core.interchange.records_file import export_records_file

    summary = export_records_file(
        context.database(), context.args.file, include_personal_data=context.args.include_personal_data
    )
    context.say(summary)
    return EXIT_OK


def cmd_list(context: Context) -> int:
    name = context.args.kind.strip().lower()
    if name == "audit":
        rows = _audit_rows(context)
    elif name in ("inquiries", "inquiry"):
        from ..core.records.inquiries import list_inquiries

        rows = list_inquiries(context.database(), in_trash=context.args.trash)
    elif name in ("attachments", "attachment", "files"):
        rows = _attachment_rows(context)
    else:
        rows = _record_rows(context, name)
    if context.args.json:
        context.print_json(rows)
        return EXIT_OK
    if not rows:
        context.say(f"No {name} in the records.")
        return EXIT_OK
    context.say_lines(map(line_maker(name), rows))
    return EXIT_OK


def one_line(kind_name: str, row: dict[str, Any]) -> str:
    """A row of `list KIND` as one line: its number, its name and what tells it apart."""
    return line_maker(kind_name)(row)


# What tells records of one kind apart, after each one's name, in the order shown.
_DETAILS = ("status", "kind", "action_on", "starts_on", "adopted_on", "visa_category")


def line_maker(kind_name: str) -> Callable[[dict[str, Any]], str]:
    """What writes the rows of `list KIND` as lines, worked out once for the whole list."""
    if kind_name == "audit":
        return _audit_line
    from ..core.records.kinds import kind_named

    try:
        kind = kind_named(kind_name)
    except UserError:
        return _file_line_maker()
    from ..core.records.plain import describe

    shown: tuple[str, ...] | None = None  # the details the rows hold, the same in every row of a list

    def record_line(row: dict[str, Any]) -> str:
        nonlocal shown
        if shown is None:
            shown = tuple(key for key in _DETAILS if key in row)
        detail = ", ".join([str(value) for key in shown if (value := row[key])])
        return f"{row['id']:>6}  {describe(kind, row)}  [{detail}]"

    return record_line


def _audit_line(row: dict[str, Any]) -> str:
    return (
        f"{row['seq']:>6}  {row['occurred_at']}  {row['actor']}  {row['action']} "
        f"{row['record_kind']} {row['record_id'] or ''}"
    )


def _file_line_maker() -> Callable[[dict[str, Any]], str]:
    from ..core.files.names import display_name as shown
    from ..core.wording import plural

    def file_line(row: dict[str, Any]) -> str:
        if "text_state_label" in row:
            pages = f", {plural(row['page_count'], 'page')}" if row.get("page_count") else ""
            name = row["display_name"] if row["title"] == row["original_name"] else shown(row["title"])
            return (
                f"{row['id']:>6}  {name}  [{row['media_label']}, {row['size_text']}{pages}; {row['text_state_label']}]"
            )
        return f"{row.get('id', ''):>6}  {shown(row.get('title') or row.get('original_name', ''))}"

    return file_line


def _record_rows(context: Context, name: str) -> list[dict[str, Any]]:
    """The records of a kind, read without the database layer when the records need nothing done first."""
    from ..core.db.quick_read import quick_answer
    from ..core.records.kinds import kind_named
    from ..core.records.plain import DESCRIBED_BY
    from ..core.records.plain_rows import list_plain

    kind = kind_named(name)
    in_trash, include_personal = context.args.trash, context.args.include_personal_data
    # Lines show only a record's number, its name and what tells it apart: the long texts are not read for them.
    only = None if context.args.json else {"id", *DESCRIBED_BY, *_DETAILS}
    rows = quick_answer(
        context.location,
        lambda reader: list_plain(reader, kind, in_trash=in_trash, include_personal=include_personal, only=only),
    )
    if rows is not None:
        return rows
    from ..core.records import service as records

    query = records.ListQuery(in_trash=in_trash, include_personal=include_personal)
    return records.list_records(context.database(), kind.name, query)


def _audit_rows(context: Context) -> list[dict[str, Any]]:
    from ..core.records.audit import audit_page

    return audit_page(context.database(), limit=None, descending=False, with_changes=context.args.json)


def _attachment_rows(context: Context) -> list[dict[str, Any]]:
    from ..core.files import list_attachments

    return list_attachments(context.database(), in_trash=context.args.trash)


def _verify_arguments(command: Parser) -> None:
    command.add_argument(
        "--quick",
        action="store_true",
        help="only the checks that need no full read: the database's quick check, the schema, the audit trail's "
        "links, seals and anchor; not every stored file, event or record",
    )


def cmd_verify(context: Context) -> int:
    if context.args.quick:
        from ..core.safekeeping.quick_verify import verify_quickly_at

        report = verify_quickly_at(context.location)
    else:
        from ..core.safekeeping.opening import open_database
        from ..core.safekeeping.verify import verify_database

        # Records whose schema is not the program's are opened as they are, so that verify names what differs.
        db, _ = open_database(context.location, create=False, refuse_other_schema=False)
        try:
            report = verify_database(db)
        finally:
            db.dispose()
    for line in report.lines():
        context.say(line)
    if not report.ok:
        raise CheckFailed("")
    return EXIT_OK
