"""Command-line commands for attachments and search: attach, link, unlink, declare-record, save-attachment, search."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..core.errors import UserError
from ..core.files.names import display_name
from ..core.wording import plural
from .base import EXIT_OK, Context, counting_number, parse_target, record_number


def register(commands: Any) -> None:
    command = commands.add_parser("attach", help="store files inside the records and link them to a record")
    command.add_argument("--to", required=True, metavar="KIND:ID", help="the record, e.g. partnership:12")
    command.add_argument("files", nargs="+", metavar="FILE", type=Path)
    command.add_argument("--title", help="a title for the file (when one file is attached)")
    command.set_defaults(handler=cmd_attach)

    command = commands.add_parser("link", help="link a stored attachment to another record as well")
    command.add_argument("id", type=record_number, metavar="ATTACHMENT_ID")
    command.add_argument("target", metavar="KIND:ID", help="the record, e.g. policy:3")
    command.set_defaults(handler=cmd_link)

    command = commands.add_parser("unlink", help="take an attachment off a record (the file stays stored)")
    command.add_argument("id", type=record_number, metavar="ATTACHMENT_ID")
    command.add_argument("target", metavar="KIND:ID", help="the record, e.g. policy:3")
    command.set_defaults(handler=cmd_unlink)

    command = commands.add_parser(
        "declare-record", help="declare an attachment a record: its content can never be replaced, only superseded"
    )
    command.add_argument("id", type=record_number, metavar="ATTACHMENT_ID")
    command.set_defaults(handler=cmd_declare_record)

    command = commands.add_parser("save-attachment", help="write a stored attachment out to a file, checked")
    command.add_argument("id", type=record_number, metavar="ID")
    command.add_argument("destination", type=Path, metavar="FILE", help="a file name, or a folder")
    command.add_argument("--overwrite", action="store_true", help="replace the file if it exists")
    command.set_defaults(handler=cmd_save_attachment)

    command = commands.add_parser("search", help="full-text search over the records and the attachments' text")
    command.add_argument("query", nargs="+", metavar="QUERY")
    command.add_argument("--json", action="store_true", help="print JSON instead of lines")
    command.add_argument("--limit", type=counting_number, default=20, help="how many results (default 20)")
    command.set_defaults(handler=cmd_search)


def cmd_attach(context: Context) -> int:
    from ..core.files import attach_files

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

    destination: Path = context.args.destination
    if destination.exists() and not destination.is_dir() and not context.args.overwrite:
        raise UserError(f"{display_name(str(destination))} already exists; add --overwrite to replace it.")
    written = write_attachment(context.database(), context.args.id, destination)
    context.say(f"Wrote attachment {context.args.id} to {display_name(str(written))}; its SHA-256 was checked.")
    return EXIT_OK


def cmd_search(context: Context) -> int:
    from ..core.search.query import RANK_LIMIT, search_page

    query = " ".join(context.args.query)
    page = search_page(context.database(), query, limit=context.args.limit)
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
