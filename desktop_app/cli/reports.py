"""Command-line command for the response letter: write a draft, issue it, supersede it, check it."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from ..core.errors import UserError
from .base import EXIT_OK, CheckFailed, Context


def register(commands: Any) -> None:
    command = commands.add_parser(
        "respond",
        help="write the response letter to an inquiry as PDF (a draft unless --issue)",
        description="Writes the letter answering an inquiry (the letter of 8 October 2020 unless --inquiry is "
        "given), from the latest draft or a new one. --issue freezes it and stores it with its fingerprint; "
        "--supersede starts a new draft after an issued letter; --check regenerates an issued letter and "
        "compares it with its fingerprint.",
    )
    command.add_argument("--inquiry", type=int, metavar="ID", help="the inquiry to answer (see 'list inquiries')")
    command.add_argument("--out", type=Path, metavar="FILE.pdf", help="where to write the letter")
    command.add_argument("--issue", action="store_true", help="issue the draft: freeze it and store its PDF")
    command.add_argument("--supersede", type=int, metavar="ID", help="start a new draft replacing issued response ID")
    command.add_argument("--check", type=int, metavar="ID", help="check issued response ID against its fingerprint")
    command.add_argument("--signatory-name", metavar="NAME", help="who signs the letter")
    command.add_argument("--signatory-title", metavar="TITLE", help="the signatory's title")
    command.add_argument("--letter-date", metavar="YYYY-MM-DD", help="the letter's date (today if not given)")
    command.set_defaults(handler=cmd_respond)


def cmd_respond(context: Context) -> int:
    args = context.args
    if args.check is not None:
        return _check(context, args.check)
    if args.supersede is not None:
        return _supersede(context, args.supersede)
    if args.out is None:
        raise UserError("Say where to write the letter with --out FILE.pdf.")
    return _respond(context)


def _respond(context: Context) -> int:
    from ..core.reports import responses

    args = context.args
    changes = _letter_changes(args)
    db = context.database()
    latest = responses.latest_response(db, args.inquiry)
    if latest is not None and latest["status"] == "issued":
        if args.issue or changes:
            raise UserError(
                f"Response {latest['id']} has been issued and can no longer be changed; start a new draft with "
                f"respond --supersede {latest['id']}."
            )
        _write(args.out, responses.issued_pdf(db, latest["id"]))
        context.say(
            f"Wrote issued response {latest['id']} to {args.out}; its fingerprint (SHA-256) is {latest['pdf_sha256']}."
        )
        return EXIT_OK
    response_id = latest["id"] if latest is not None else responses.create_draft(db, args.inquiry)["id"]
    if changes:
        responses.set_letter(db, response_id, changes)
    if args.issue:
        issued = responses.issue(db, response_id)
        _write(args.out, responses.issued_pdf(db, response_id))
        context.say(f"Issued response {response_id} and wrote it to {args.out}.")
        context.say(f"Its fingerprint (SHA-256) is {issued['pdf_sha256']}.")
        return EXIT_OK
    _write(args.out, responses.render_pdf(db, response_id))
    context.say(f"Wrote draft response {response_id} to {args.out}. Issue it with respond --issue --out FILE.pdf.")
    return EXIT_OK


def _letter_changes(args: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.signatory_name is not None:
        changes["signatory_name"] = args.signatory_name
    if args.signatory_title is not None:
        changes["signatory_title"] = args.signatory_title
    if args.letter_date is not None:
        try:
            changes["letter_date"] = dt.date.fromisoformat(args.letter_date)
        except ValueError as exc:
            raise UserError(f"The letter date {args.letter_date!r} is not a date written as YYYY-MM-DD.") from exc
    return changes


def _supersede(context: Context, response_id: int) -> int:
    from ..core.reports import responses

    db = context.database()
    draft = responses.supersede(db, response_id)
    context.say(f"Started draft response {draft['id']}, which supersedes response {response_id}.")
    if context.args.out is not None:
        _write(context.args.out, responses.render_pdf(db, draft["id"]))
        context.say(f"Wrote the new draft to {context.args.out}.")
    return EXIT_OK


def _check(context: Context, response_id: int) -> int:
    from ..core.reports import responses

    result = responses.check_issued(context.database(), response_id)
    if not result["stored_intact"]:
        raise CheckFailed(
            f"The stored letter of response {response_id} no longer matches its fingerprint "
            f"{result['pdf_sha256']}; run 'verify' and restore a backup."
        )
    if not result["regenerated_matches"]:
        raise CheckFailed(
            f"The stored letter of response {response_id} is intact, but the records have changed since it was "
            "issued: regenerating it now gives a different letter (fingerprint "
            f"{result['regenerated_sha256']})."
        )
    context.say(
        f"Response {response_id} checks out: the stored letter and the letter regenerated from the records both "
        f"have the fingerprint {result['pdf_sha256']}."
    )
    return EXIT_OK


def _write(destination: Path, data: bytes) -> None:
    """Writes the PDF whole or not at all."""
    destination = Path(destination)
    if destination.is_dir():
        raise UserError(f"{destination} is a folder; give a file name such as response.pdf.")
    folder = destination.parent if str(destination.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist.")
    try:
        descriptor, partial_name = tempfile.mkstemp(prefix=".partial-", suffix=".pdf", dir=folder)
    except OSError as exc:
        raise UserError(f"The letter could not be written to {destination}: {exc.strerror or exc}.") from exc
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(partial, destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The letter could not be written to {destination}: {exc.strerror or exc}.") from exc
