"""Command-line commands for the response letter: respond, and a draft's narratives and evidence left out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.errors import UserError
from .base import EXIT_OK, CheckFailed, Commands, Context, Parser, counting_number, record_number

if TYPE_CHECKING:
    from pathlib import Path


def register(commands: Commands) -> None:
    commands.add_command(
        "respond",
        cmd_respond,
        _respond_arguments,
        help="write the response letter to an inquiry as PDF (a draft unless --issue)",
        description="Writes the letter answering an inquiry (the letter of October 8, 2020 unless --inquiry is "
        "given), from the latest draft or a new one. --issue freezes it and stores it with its fingerprint; "
        "--supersede starts a new draft after an issued letter; --check regenerates an issued letter and "
        "compares it, the stored copy, the response's record and (with --letter) the letter as sent with the "
        "fingerprint the sealed audit trail recorded at issue, and says which of them disagree.",
    )
    commands.add_command(
        "narrative",
        cmd_narrative,
        _narrative_arguments,
        help="set the narrative answering one question of a draft response",
    )
    commands.add_command(
        "evidence",
        cmd_evidence,
        _evidence_arguments,
        help="list the evidence the records offer a response, question by question, and what is left out",
    )
    commands.add_command(
        "withhold",
        cmd_withhold,
        _withhold_arguments,
        aliases=["leave-out"],
        help="withhold evidence from a draft letter, and give the reason the letter states",
        description="Withholds evidence (as 'evidence' names it, e.g. policy:3) from the whole letter of a draft "
        "response. The letter says how many items it withholds and why: --reason is needed before it is issued.",
    )
    commands.add_command(
        "put-back", cmd_put_back, _put_back_arguments, help="put evidence withheld from a draft letter back into it"
    )


def _respond_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument(
        "--inquiry", type=record_number, metavar="ID", help="the inquiry to answer (see 'list inquiries')"
    )
    command.add_argument("--out", type=Path, metavar="FILE.pdf", help="where to write the letter")
    command.add_argument("--issue", action="store_true", help="issue the draft: freeze it and store its PDF")
    command.add_argument(
        "--supersede", type=record_number, metavar="ID", help="start a new draft replacing issued response ID"
    )
    command.add_argument(
        "--check", type=record_number, metavar="ID", help="check issued response ID against its fingerprint"
    )
    command.add_argument(
        "--letter",
        type=Path,
        metavar="FILE.pdf",
        help="with --check: the letter as it was sent, compared too with the fingerprint recorded at issue",
    )
    command.add_argument("--signatory-name", metavar="NAME", help="who signs the letter")
    command.add_argument("--signatory-title", metavar="TITLE", help="the signatory's title")
    command.add_argument("--letter-date", metavar="YYYY-MM-DD", help="the letter's date (today if not given)")
    command.add_argument(
        "--acknowledge-unconfirmed",
        action="store_true",
        help="with --issue: send the letter although it states partnerships not yet confirmed (it says so)",
    )
    command.add_argument(
        "--redact-names",
        action="store_true",
        help="with --issue: print [name withheld] wherever a recorded participant's name appears",
    )
    command.add_argument(
        "--date-style",
        choices=("us", "day_first"),
        help="how letters write dates: us (December 2, 2026, the default) or day_first (2 December 2026)",
    )


def _narrative_arguments(command: Parser) -> None:
    command.add_argument("response", type=record_number, metavar="RESPONSE_ID")
    command.add_argument("question", type=counting_number, metavar="QUESTION_NUMBER")
    command.add_argument(
        "--text", required=True, help="the answer; named values such as {active_partnerships} are filled in"
    )


def _evidence_arguments(command: Parser) -> None:
    command.add_argument("response", type=record_number, metavar="RESPONSE_ID")
    command.add_argument(
        "question", type=counting_number, nargs="?", metavar="QUESTION_NUMBER", help="one question only"
    )
    command.add_argument("--json", action="store_true", help="print JSON instead of lines")


def _withhold_arguments(command: Parser) -> None:
    command.add_argument("response", type=record_number, metavar="RESPONSE_ID")
    command.add_argument("refs", nargs="*", metavar="EVIDENCE", help="as 'evidence' names it, e.g. policy:3")
    command.add_argument("--reason", metavar="TEXT", help="why the letter withholds them, in one sentence")


def _put_back_arguments(command: Parser) -> None:
    command.add_argument("response", type=record_number, metavar="RESPONSE_ID")
    command.add_argument("refs", nargs="+", metavar="EVIDENCE", help="as 'evidence' names it, e.g. policy:3")


def cmd_respond(context: Context) -> int:
    args = context.args
    if args.date_style is not None:
        from ..core.reports.dates import set_date_style

        set_date_style(context.database(), args.date_style)
        context.say(f"Letters now write dates in the {args.date_style.replace('_', ' ')} style.")
        if args.out is None and args.check is None and args.supersede is None:
            return EXIT_OK
    if args.check is not None:
        return _check(context, args.check)
    if args.letter is not None:
        raise UserError("--letter names the letter as sent, to check with --check ID; give the response's number.")
    if args.supersede is not None:
        return _supersede(context, args.supersede)
    if args.out is None:
        raise UserError("Say where to write the letter with --out FILE.pdf.")
    return _respond(context)


def _respond(context: Context) -> int:
    from ..core.host.user_files import write_whole
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
        write_whole(args.out, responses.issued_pdf(db, latest["id"]), example="response.pdf", what="The letter")
        context.say(
            f"Wrote issued response {latest['id']} to {args.out}; its fingerprint (SHA-256) is {latest['pdf_sha256']}."
        )
        return EXIT_OK
    response_id = latest["id"] if latest is not None else responses.create_draft(db, args.inquiry)["id"]
    if changes:
        responses.set_letter(db, response_id, changes)
    if args.issue:
        issued = responses.issue(
            db,
            response_id,
            acknowledge_unconfirmed=args.acknowledge_unconfirmed,
            redact_names=args.redact_names,
        )
        write_whole(args.out, responses.issued_pdf(db, response_id), example="response.pdf", what="The letter")
        context.say(f"Issued response {response_id} and wrote it to {args.out}.")
        context.say(f"Its fingerprint (SHA-256) is {issued['pdf_sha256']}.")
        return EXIT_OK
    write_whole(args.out, responses.render_pdf(db, response_id), example="response.pdf", what="The letter")
    context.say(f"Wrote draft response {response_id} to {args.out}. Issue it with respond --issue --out FILE.pdf.")
    return EXIT_OK


def _letter_changes(args: Any) -> dict[str, Any]:
    import datetime as dt

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
    from ..core.host.user_files import write_whole
    from ..core.reports import responses

    db = context.database()
    draft = responses.supersede(db, response_id)
    context.say(f"Started draft response {draft['id']}, which supersedes response {response_id}.")
    if context.args.out is not None:
        write_whole(context.args.out, responses.render_pdf(db, draft["id"]), example="response.pdf", what="The letter")
        context.say(f"Wrote the new draft to {context.args.out}.")
    return EXIT_OK


def _check(context: Context, response_id: int) -> int:
    from ..core.reports import responses

    result = responses.check_issued(context.database(), response_id)
    recorded = result["audit_sha256"]
    if recorded is None:
        raise CheckFailed(
            f"The audit trail holds no record of the issue of response {response_id}, so its letter cannot be "
            "checked against the fingerprint recorded when it was issued. Unless the response was read in from a "
            "records file, run 'verify'."
        )
    letter = context.args.letter
    letter_sha256 = _file_sha256(letter) if letter is not None else None
    findings = _check_findings(response_id, result, letter, letter_sha256)
    if findings:
        # Each source in one line on the output, and the first disagreement as the failure's sentence.
        for line in _check_diagnosis(response_id, result, letter, letter_sha256):
            context.say(line)
        raise CheckFailed(findings[0])
    context.say(
        f"Response {response_id} checks out: the stored letter and the letter regenerated from the records both "
        f"have the fingerprint {recorded}, the one the audit trail recorded when it was issued."
    )
    if letter is not None:
        context.say(f"The letter {letter} is that letter: it has the same fingerprint.")
    return EXIT_OK


def _check_findings(
    response_id: int, result: dict[str, Any], letter: Path | None, letter_sha256: str | None
) -> list[str]:
    """The sentences for what disagrees with the fingerprint the audit trail recorded at issue, gravest first."""
    recorded = result["audit_sha256"]
    findings = []
    if result["audit_sound"] is False:
        findings.append(
            f"The audit record of the issue of response {response_id} was rewritten around the program (its seal "
            "does not match), so the fingerprint it holds cannot be trusted; run 'verify' and restore a backup."
        )
    if result["head_intact"] is False:
        findings.append(
            f"The audit trail the letter of response {response_id} was issued on has been rewritten since (event "
            f"{result['audit_head'][0]} is not the one the letter names); run 'verify' and restore a backup."
        )
    if not result["matches_audit"]:
        findings.append(
            f"The record of response {response_id} was changed outside the program: its fingerprint no longer "
            f"matches the one recorded when it was issued ({recorded}); run 'verify' and restore a backup."
        )
    if not result["stored_intact"]:
        findings.append(
            f"The stored letter of response {response_id} no longer matches its fingerprint "
            f"{recorded}; run 'verify' and restore a backup."
        )
    if letter is not None and letter_sha256 != recorded:
        findings.append(
            f"The letter {letter} is not the letter issued as response {response_id}: its fingerprint is "
            f"{letter_sha256}, not the {recorded} recorded at issue."
        )
    if not result["regenerated_matches"]:
        findings.append(
            f"The stored letter of response {response_id} is intact, but the records have changed since it was "
            "issued: regenerating it now gives a different letter (fingerprint "
            f"{result['regenerated_sha256']})."
        )
    return findings


def _check_diagnosis(
    response_id: int, result: dict[str, Any], letter: Path | None, letter_sha256: str | None
) -> list[str]:
    """One line for each of the audit record, the response's record, the stored copy, the letter and the records."""
    recorded = result["audit_sha256"]
    sealed = {True: "sealed as the program wrote it", False: "REWRITTEN (its seal does not match)"}.get(
        result["audit_sound"], "its seal cannot be checked on this computer"
    )

    def verdict(fingerprint: str | None) -> str:
        if fingerprint == recorded:
            return "agrees"
        return f"DISAGREES ({fingerprint or 'nothing stored'})"

    lines = [
        f"Response {response_id}, checked against the fingerprint {recorded} recorded at issue:",
        f"  the audit record of the issue: {sealed}",
        f"  the response's record: {verdict(result['pdf_sha256'])}",
        f"  the stored copy: {verdict(result['stored_sha256'])}",
    ]
    if letter is not None:
        lines.append(f"  the letter {letter}: {verdict(letter_sha256)}")
    lines.append(f"  the letter regenerated from the records now: {verdict(result['regenerated_sha256'])}")
    return lines


def _file_sha256(path: Path) -> str:
    from ..core.host.user_files import file_sha256, regular_file_size

    regular_file_size(path)
    try:
        return file_sha256(path)
    except OSError as exc:
        raise UserError(f"The letter {path} cannot be read: {exc.strerror or exc}.") from exc


def cmd_narrative(context: Context) -> int:
    from ..core.reports import responses

    args = context.args
    db = context.database()
    answer = _question_of(responses.get_response(db, args.response)["answers"], args.response, args.question)
    responses.set_answer(db, args.response, answer["question_id"], narrative=args.text)
    context.say(f"Saved the narrative answering question {args.question} of response {args.response}.")
    return EXIT_OK


def cmd_evidence(context: Context) -> int:
    from ..core.reports import responses

    args = context.args
    catalogue = responses.evidence(context.database(), args.response)
    if args.question is not None:
        catalogue = [_question_of(catalogue, args.response, args.question)]
    if args.json:
        context.print_json(catalogue)
        return EXIT_OK
    for question in catalogue:
        context.say(f"Question {question['position']}:")
        if not question["items"]:
            context.say("  The records hold no evidence on this question's topics yet.")
        width = max((len(item["ref"]) for item in question["items"]), default=0)
        for item in question["items"]:
            mark = " " if item["excluded"] else "x"
            context.say(f"  [{mark}] {item['ref']:<{width}}  {item['section']}: {item['description']}")
    context.say("[x] in the letter, [ ] withheld from it; 'withhold' and 'put-back' change them.")
    return EXIT_OK


def cmd_withhold(context: Context) -> int:
    from ..core.reports import responses

    args = context.args
    if not args.refs and args.reason is None:
        raise UserError("Name the evidence to withhold (as 'evidence' lists it), or give --reason.")
    updated = responses.set_withheld(context.database(), args.response, withhold=args.refs, reason=args.reason)
    if args.refs:
        context.say(f"Withheld {', '.join(args.refs)} from the letter of response {args.response}.")
    if args.reason is not None:
        context.say(f"The letter gives as its reason: {updated['withheld_reason'] or '(none)'}")
    elif updated["withheld_evidence"] and not updated["withheld_reason"]:
        context.say(f'Give the reason the letter states before issuing it: withhold {args.response} --reason "…".')
    return EXIT_OK


def cmd_put_back(context: Context) -> int:
    from ..core.reports import responses

    args = context.args
    current = responses.get_response(context.database(), args.response)["withheld_evidence"]
    unknown = [ref for ref in args.refs if ref not in current]
    if unknown:
        raise UserError(f"{unknown[0]} is not withheld from the letter of response {args.response}.")
    responses.set_withheld(context.database(), args.response, put_back=args.refs)
    context.say(f"Put {', '.join(args.refs)} back into the letter of response {args.response}.")
    return EXIT_OK


def _question_of(questions: list[dict[str, Any]], response_id: int, number: int) -> dict[str, Any]:
    """The entry of a question of a response, by the question's number in the inquiry."""
    for question in questions:
        if question["position"] == number:
            return question
    raise UserError(f"Response {response_id} answers no question {number}; its questions are 1 to {len(questions)}.")
