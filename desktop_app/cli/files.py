"""Command-line commands for attachments and search: attach, link, unlink, declare-record, save-attachment, search."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ..core.errors import UserError
from .base import EXIT_OK, Commands, Context, Parser, counting_number, parse_target, record_number

if TYPE_CHECKING:
    from pathlib import Path


def register(commands: Commands) -> None:
    commands.add_command(
        "attach", cmd_attach, _attach_arguments, help="store files inside the records and link them to a record"
    )
    commands.add_command("link", cmd_link, _link_arguments, help="link a stored attachment to another record as well")
    commands.add_command(
        "unlink", cmd_unlink, _link_arguments, help="take an attachment off a record (the file stays stored)"
    )
    commands.add_command(
        "declare-record",
        cmd_declare_record,
        _attachment_number,
        help="declare an attachment a record: its content can never be replaced, only superseded",
    )
    commands.add_command(
        "save-attachment",
        cmd_save_attachment,
        _save_attachment_arguments,
        help="write a stored attachment out to a file, checked",
    )
    commands.add_command(
        "search",
        cmd_search,
        _search_arguments,
        help="full-text search over the records and the attachments' text",
        writes_log=False,
    )


def _attach_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("--to", required=True, metavar="KIND:ID", help="the record, e.g. partnership:12")
    command.add_argument("files", nargs="+", metavar="FILE", type=Path)
    command.add_argument("--title", help="a title for the file (when one file is attached)")


def _link_arguments(command: Parser) -> None:
    command.add_argument("id", type=record_number, metavar="ATTACHMENT_ID")
    command.add_argument("target", metavar="KIND:ID", help="the record, e.g. policy:3")


def _attachment_number(command: Parser) -> None:
    command.add_argument("id", type=record_number, metavar="ATTACHMENT_ID")


def _save_attachment_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("id", type=record_number, metavar="ID")
    command.add_argument("destination", type=Path, metavar="FILE", help="a file name, or a folder")
    command.add_argument("--overwrite", action="store_true", help="replace the file if it exists")


def _search_arguments(command: Parser) -> None:
    command.add_argument("query", nargs="+", metavar="QUERY")
    command.add_argument("--json", action="store_true", help="print JSON instead of lines")
    command.add_argument("--limit", type=counting_number, default=20, help="how many results (default 20)")


def cmd_attach(context: Context) -> int:
    from ..core.files import attach_files
    from ..core.wording import plural

    kind, record_id = parse_target(context.args.to)
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int, what: str) -> None:
        if show_progress:
            print(f"\r{done}/{total} {what[:60]:<60}", end="", file=sys.stderr, flush=True)

    results = attach_files(
        context.database(), context.args.files, kind, record_id, title=context.args.title, progress=progress
    )
    if show_progress:
        print(file=sys.stderr)
    for result in results:
        pages = f", {plural(result['page_count'], 'page')}" if result["page_count"] else ""
        again = " (already stored; linked again)" if result["already_stored"] else ""
        context.say(f"Attachment {result['id']}: {result['display_name']}{again}")
        context.say(f"  SHA-256 {result['sha256']}")
        context.say(f"  {result['media_label']}, {result['size_text']}{pages}; {result['text_state_label']}.")
        if result["text_note"]:
            context.say(f"  {result['text_note']}")
    return EXIT_OK


def cmd_link(context: Context) -> int:
    from ..core.files import link_attachment

    kind, record_id = parse_target(context.args.target)
    attachment = link_attachment(context.database(), context.args.id, kind, record_id)
    context.say(f"Attachment {attachment['id']} ({attachment['display_title']}) belongs to {_links(attachment)}.")
    return EXIT_OK


def cmd_unlink(context: Context) -> int:
    from ..core.files import unlink_attachment

    kind, record_id = parse_target(context.args.target)
    attachment = unlink_attachment(context.database(), context.args.id, kind, record_id)
    context.say(
        f"Took attachment {attachment['id']} ({attachment['display_title']}) off {kind}:{record_id}; "
        f"it belongs to {_links(attachment) or 'no record now, and stays stored'}."
    )
    return EXIT_OK


def _links(attachment: dict[str, Any]) -> str:
    return ", ".join(f"{link['record_kind']}:{link['record_id']}" for link in attachment["links"])


def cmd_declare_record(context: Context) -> int:
    from ..core.files import declare_record

    attachment = declare_record(context.database(), context.args.id)
    context.say(
        f"Attachment {attachment['id']} ({attachment['display_title']}) is a declared record: its content can never be "
        "replaced, only superseded by a new version."
    )
    return EXIT_OK


def cmd_save_attachment(context: Context) -> int:
    from ..core.files import write_attachment
    from ..core.files.names import display_name

    destination: Path = context.args.destination
    if destination.exists() and not destination.is_dir() and not context.args.overwrite:
        raise UserError(f"{display_name(str(destination))} already exists; add --overwrite to replace it.")
    written = write_attachment(context.database(), context.args.id, destination)
    context.say(f"Wrote attachment {context.args.id} to {display_name(str(written))}; its SHA-256 was checked.")
    return EXIT_OK


def cmd_search(context: Context) -> int:
    from ..core.files.names import display_name
    from ..core.search.query import RANK_LIMIT

    query = " ".join(context.args.query)
    page = _search_page(context, query)
    results = page["results"]
    if context.args.json:
        context.print_json(results)
        return EXIT_OK
    if not results:
        context.say(f"Nothing in the records matches {query!r}.")
        return EXIT_OK
    for result in results:
        context.say(
            f"{result['rank']:>3}. {result['record_kind']} {result['record_id']}: {display_name(result['title'])}"
        )
        if result["snippet"]:
            context.say(f"     {display_name(result['snippet'])}")
        for owner in result["belongs_to"]:
            context.say(f"     belongs to {owner['record_kind']} {owner['record_id']}: {display_name(owner['title'])}")
    if page["ordered_by"] == "newest":
        context.say(
            f"More than {RANK_LIMIT} entries hold these words, so the newest are shown first; "
            "add words to narrow the search."
        )
    return EXIT_OK


def _search_page(context: Context, query: str) -> dict[str, Any]:
    """The page of results, read without loading the database layer when the records need nothing done first."""
    from ..core.db.quick_read import quick_answer
    from ..core.search.query import search_page, search_page_in

    page = quick_answer(context.location, lambda reader: search_page_in(reader, query, limit=context.args.limit))
    return page if page is not None else search_page(context.database(), query, limit=context.args.limit)
