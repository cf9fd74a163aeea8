"""Command-line commands for state laws on foreign-adversary partnerships: laws, screen, terminate, compliance."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

from ..core.errors import UserError
from .base import EXIT_OK, Commands, Context, Parser, parse_target, record_number

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from ..core.db.engine import Database
    from ..core.laws.rules import LawRule
    from ..core.laws.screening import Screening

# Evidence already stored, named as `show` names a file; anything else is a file to store.
_STORED = re.compile(r"^\s*(attachment|file)\s*:\s*\d+\s*$", re.IGNORECASE)

ORIGINS = {"shipped": "the program's rule", "clerk": "the clerk's rule"}


def register(commands: Commands) -> None:
    commands.add_command(
        "laws",
        None,
        _laws_actions,
        help="the state-law rules on partnerships with foreign adversaries: list, show, add, correct, withdraw",
        description="The state laws on sister-city partnerships with foreign adversaries, kept as rules. The "
        "program's rules are never edited in place: 'laws correct' writes a copy to edit, and 'laws add' saves it "
        "as the clerk's rule, which supersedes the one it corrects. The rules are a screening aid, not legal advice.",
    )
    commands.add_command(
        "screen",
        cmd_screen,
        _screen_arguments,
        help="screen every partnership against its state's laws as of a date",
        description="Screens each partnership against the rules of its state as of a date (today if not given) "
        "and lists those a law reaches, the ones needing action first. It is a report: the exit status is 0 even "
        "when action is needed.",
    )
    commands.add_command(
        "terminate",
        cmd_terminate,
        _terminate_arguments,
        help="record a step of ending a partnership under a state law, with its evidence; or --finish it",
        description="Records one step of a termination under a state law (--step, with --evidence: a file to "
        "store, or attachment:N already stored), or, once every required step has its evidence, marks the "
        "partnership terminated under the law (--finish).",
    )
    commands.add_command(
        "compliance-report",
        cmd_compliance_report,
        _compliance_report_arguments,
        help="write the state-law compliance report as PDF, as of a date",
    )


def _laws_actions(command: Parser) -> None:
    from pathlib import Path

    actions = command.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    action = actions.add_parser("list", help="every rule with what it requires, its dates and whether it is verified")
    action.add_argument("--json", action="store_true", help="print JSON instead of lines")
    action.set_defaults(handler=cmd_laws_list)
    action = actions.add_parser("show", help="one rule whole, and the partnerships it reaches now")
    action.add_argument("rule", metavar="RULE_ID", help="as 'laws list' names it, e.g. tx-gov-795")
    action.add_argument("--json", action="store_true", help="print JSON instead of text")
    action.set_defaults(handler=cmd_laws_show)
    action = actions.add_parser("add", help="save a rule of the clerk's from a JSON file (checked against the schema)")
    action.add_argument("file", type=Path, metavar="FILE.json")
    action.set_defaults(handler=cmd_laws_add)
    action = actions.add_parser(
        "correct", help="write a rule out as a correction to edit; save it afterwards with 'laws add'"
    )
    action.add_argument("rule", metavar="RULE_ID")
    action.add_argument("--out", type=Path, required=True, metavar="FILE.json", help="where to write it")
    action.set_defaults(handler=cmd_laws_correct)
    action = actions.add_parser("withdraw", help="withdraw a rule of the clerk's (the rule it corrected applies again)")
    action.add_argument("rule", metavar="RULE_ID")
    action.set_defaults(handler=cmd_laws_withdraw)


def _screen_arguments(command: Parser) -> None:
    command.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to screen as of (today if not given)")
    command.add_argument("--partnership", metavar="ID", help="one partnership only, e.g. partnership:12")
    command.add_argument("--all", action="store_true", help="list every screening, also of partnerships not reached")
    command.add_argument("--json", action="store_true", help="print JSON instead of lines")


def _terminate_arguments(command: Parser) -> None:
    command.add_argument("target", metavar="partnership:ID", help="the partnership, e.g. partnership:12")
    command.add_argument("--rule", required=True, metavar="RULE_ID", help="the law, as 'laws list' names it")
    mode = command.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--step", metavar="STEP", help="resolution, notice_partner, notice_national, publication or gifts"
    )
    mode.add_argument("--finish", action="store_true", help="mark the partnership terminated under the law")
    command.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the date of the step or termination")
    command.add_argument("--evidence", metavar="FILE|attachment:N", help="the file documenting the step")
    command.add_argument("--note", default="", metavar="TEXT", help="a note on the step")


def _compliance_report_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="where to write the report")
    command.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to report as of (today if not given)")


# ----- laws -----------------------------------------------------------------------------------------------------


def _all_rules(db: Database) -> list[LawRule]:
    from ..core.laws.rules import rules_in

    with db.reading() as session:
        return rules_in(session)


def _rule(db: Database, rule_id: str) -> LawRule:
    from ..core.laws.rules import rule_named

    with db.reading() as session:
        return rule_named(session, rule_id)


def rule_plain(rule: LawRule) -> dict[str, Any]:
    """A rule as JSON-ready data: its fields (without the file's raw body) and what it requires."""
    import dataclasses

    plain = {item.name: getattr(rule, item.name) for item in dataclasses.fields(rule) if item.name != "body"}
    plain["countries"] = [dataclasses.asdict(country) for country in rule.countries]
    plain["sources"] = [dataclasses.asdict(source) for source in rule.sources]
    plain["requirements"] = rule.requirements
    plain["in_force_here"] = rule.in_force_here
    return plain


def _key_dates(rule: LawRule) -> str:
    from ..core.reports.dates import long_date

    named = [
        (words, day)
        for words, day in (
            ("enacted", rule.enacted),
            ("effective", rule.effective),
            ("deadline", rule.deadline),
            ("expires", rule.expires),
        )
        if day is not None
    ]
    return "; ".join(f"{words} {long_date(day)}" for words, day in named) or "no dates recorded"


def cmd_laws_list(context: Context) -> int:
    from ..core.laws.rules import NOT_LEGAL_ADVICE
    from ..core.reports.dates import long_date

    rules = _all_rules(context.database())
    if context.args.json:
        context.print_json([rule_plain(rule) for rule in rules])
        return EXIT_OK
    for rule in rules:
        context.say(f"{rule.id}: {rule.citation} ({rule.state}), {ORIGINS.get(rule.origin, rule.origin)}")
        context.say(f"  Requires: {'; '.join(rule.requirements) or 'nothing the screening checks'}.")
        context.say(f"  Dates: {_key_dates(rule)}.")
        verified = "Verified" if rule.verified else "Not verified"
        context.say(f"  {verified}; checked on {long_date(rule.checked_on)}.")
        if rule.supersedes:
            context.say(f"  Corrects {rule.supersedes}.")
        if rule.superseded_by:
            context.say(f"  Superseded by {rule.superseded_by}: screening applies that rule instead.")
    context.say(NOT_LEGAL_ADVICE)
    return EXIT_OK


def cmd_laws_show(context: Context) -> int:
    from ..core.laws.rules import NOT_LEGAL_ADVICE
    from ..core.laws.screening import screen

    db = context.database()
    rule = _rule(db, context.args.rule)
    reached = [s for s in screen(db) if s.rule_id == rule.id and s.reached]
    if context.args.json:
        context.print_json({**rule_plain(rule), "reaches_now": [screening_plain(s) for s in reached]})
        return EXIT_OK
    for line in _rule_lines(rule):
        context.say(line)
    if rule.superseded_by:
        context.say(f"It is superseded by {rule.superseded_by}, so screening applies that rule instead of this one.")
    elif reached:
        context.say("The partnerships it reaches now:")
        for screening in reached:
            context.say(f"  {screening.partnership} (partnership {screening.partnership_id}): {_result(screening)}")
            context.say(f"    {screening.reason}")
    else:
        context.say("It reaches no partnership in these records now.")
    context.say(NOT_LEGAL_ADVICE)
    return EXIT_OK


def _rule_lines(rule: LawRule) -> list[str]:
    from ..core import vocab
    from ..core.reports.dates import long_date

    lines = [f"{rule.id}: {rule.title}"]

    def labelled(label: str, text: str) -> None:
        if text:
            lines.append(f"  {label}: {text}")

    labelled("Citation", rule.citation)
    labelled("Enacted by", rule.enacted_by)
    labelled("State", rule.state)
    labelled("Binds", ", ".join(vocab.label(vocab.JURISDICTION_KINDS, kind).lower() for kind in rule.binds))
    labelled("Reaches", ", ".join(vocab.label(vocab.PARTNERSHIP_KINDS, kind).lower() for kind in rule.reaches))
    labelled("    Note", rule.reaches_note)
    countries = []
    for country in rule.countries:
        aliases = f"; also {', '.join(country.also_known_as)}" if country.also_known_as else ""
        countries.append(f"{country.name} ({country.code}{aliases})")
    labelled("Countries", ", ".join(countries))
    verified = "verified" if rule.countries_verified else "not verified"
    labelled(
        "    Source", f"{rule.countries_source.rstrip('.')} (as of {long_date(rule.countries_as_of)}, {verified})."
    )
    labelled("    Note", rule.countries_note)
    labelled("Requires", "; ".join(rule.requirements) or "nothing the screening checks")
    labelled("Dates", _key_dates(rule))
    for sentence in rule.uncertain:
        labelled("Uncertain", sentence)
    for source in rule.sources:
        labelled("Source", f"{source.title}" + (f" <{source.url}>" if source.url else ""))
    labelled("Verified", "yes" if rule.verified else "no, not verified")
    labelled("Checked on", long_date(rule.checked_on))
    labelled("Origin", ORIGINS.get(rule.origin, rule.origin))
    labelled("Corrects", rule.supersedes)
    labelled("Superseded by", rule.superseded_by)
    labelled("Summary", rule.summary)
    return lines


def _read_json(path: Path) -> Any:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; name the rule's .json file.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not a text file; a rule is a JSON file written in UTF-8.") from None
    except ValueError as exc:
        raise UserError(f"{path} is not valid JSON ({exc}); nothing was saved.") from None
    except OSError as exc:
        raise UserError(f"{path} cannot be read: {exc.strerror or exc}.") from None


def cmd_laws_add(context: Context) -> int:
    from ..core.laws.clerk_rules import add_rule
    from ..core.laws.rules import NOT_LEGAL_ADVICE

    body = _read_json(context.args.file)
    rule = add_rule(context.database(), body)
    context.say(f"Saved the clerk's rule {rule.id}: {rule.citation} ({rule.state}).")
    if rule.supersedes:
        context.say(f"It supersedes {rule.supersedes}: screening applies {rule.id} instead from now on.")
    context.say(NOT_LEGAL_ADVICE)
    return EXIT_OK


def cmd_laws_correct(context: Context) -> int:
    import json

    from ..core.host.user_files import write_whole
    from ..core.laws.clerk_rules import correction_of

    destination: Path = context.args.out
    if destination.exists():
        raise UserError(f"{destination} already exists; name a new file, so no edits in it are lost.")
    body = correction_of(context.database(), context.args.rule)
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    write_whole(destination, text.encode("utf-8"), example="rule.json")
    context.say(
        f"Wrote a correction of {context.args.rule.strip()} to {destination} as rule {body['id']}. "
        f"Edit it, then save it with 'laws add {destination}'."
    )
    return EXIT_OK


def cmd_laws_withdraw(context: Context) -> int:
    from ..core.laws.clerk_rules import withdraw_rule

    db = context.database()
    rule_id = context.args.rule.strip()
    corrected = next((rule.supersedes for rule in _all_rules(db) if rule.id == rule_id), "")
    withdraw_rule(db, rule_id)
    again = f"; {corrected}, which it corrected, applies again" if corrected else ""
    context.say(f"Withdrew the clerk's rule {rule_id}{again}.")
    return EXIT_OK


# ----- screen ---------------------------------------------------------------------------------------------------


def screening_plain(screening: Screening) -> dict[str, Any]:
    """A screening as JSON-ready data: every field, the evidence as objects, and its result's label."""
    import dataclasses

    plain = dataclasses.asdict(screening)
    plain["evidence"] = [dataclasses.asdict(step) for step in screening.evidence]
    plain["missing"] = list(screening.missing)
    plain["agreements"] = list(screening.agreements)
    plain.update(result_label=screening.result_label, needs_action=screening.needs_action, reached=screening.reached)
    return plain


def _result(screening: Screening) -> str:
    """The result's label with the date that goes with it."""
    from ..core.reports.dates import long_date

    label = screening.result_label
    if screening.result == "action_needed" and screening.deadline:
        label += f" by {long_date(screening.deadline)}"
    elif screening.result == "overdue" and screening.deadline:
        label += f": the deadline was {long_date(screening.deadline)}"
    if screening.terminated_on:
        label += f"; terminated on {long_date(screening.terminated_on)}"
    if screening.rule_id and not screening.rule_verified:
        label += f" (rule {screening.rule_id}, not verified)"
    elif screening.rule_id:
        label += f" (rule {screening.rule_id})"
    return label


def cmd_screen(context: Context) -> int:
    from ..core.clock import today
    from ..core.laws.rules import NOT_LEGAL_ADVICE
    from ..core.laws.screening import needing_action, screen
    from ..core.reports.dates import long_date
    from ..core.wording import plural

    args = context.args
    as_of = parse_day(args.as_of, "--as-of") if args.as_of is not None else today()
    partnership_id = partnership_number(args.partnership) if args.partnership is not None else None
    db = context.database()
    if partnership_id is not None:
        from ..core.records import service as records

        records.get(db, "partnership", partnership_id)
    screenings = screen(db, as_of, partnership_id)
    urgent = needing_action(screenings)
    rest = [s for s in screenings if not s.needs_action and (args.all or s.reached)]
    shown = urgent + rest
    if args.json:
        context.print_json([screening_plain(s) for s in shown])
        return EXIT_OK
    partnerships = {s.partnership_id for s in screenings}
    context.say(f"Screened {plural(len(partnerships), 'partnership')} as of {long_date(as_of)}.")
    if not any(s.reached for s in screenings):
        context.say("No state-law rule reaches any of them.")
    for screening in shown:
        context.say(f"{screening.partnership} (partnership {screening.partnership_id}): {_result(screening)}")
        context.say(f"  {screening.reason}")
        for step in screening.evidence:
            if step.attachment_id is None:
                context.say(f"  {step.label} on {long_date(step.done_on)}: no evidence file.")
            else:
                context.say(
                    f"  {step.label} on {long_date(step.done_on)}: evidence file {step.attachment_id} "
                    f"({step.file_name}, SHA-256 {step.sha256})."
                )
        if screening.missing:
            context.say(f"  Missing evidence: {', '.join(screening.missing)}.")
    reached = {s.partnership_id for s in screenings if s.reached}
    unreached = len(partnerships - reached)
    if unreached:
        verb = "is" if unreached == 1 else "are"
        context.say(f"{plural(unreached, 'partnership')} {verb} reached by no state-law rule.")
    if urgent:
        verb = "needs" if len(urgent) == 1 else "need"
        context.say(f"{plural(len(urgent), 'screening')} {verb} the clerk's action.")
    context.say(NOT_LEGAL_ADVICE)
    return EXIT_OK


# ----- terminate ------------------------------------------------------------------------------------------------


def cmd_terminate(context: Context) -> int:
    from ..core.laws import termination
    from ..core.reports.dates import long_date

    args = context.args
    partnership_id = partnership_number(args.target)
    db = context.database()
    if args.finish:
        if args.evidence is not None or args.note:
            raise UserError("--evidence and --note go with --step; --finish records the termination itself.")
        day = parse_day(args.on, "--on")
        ended = termination.finish(db, partnership_id, args.rule, day)
        rule = _rule(db, str(ended["rule_id"]))
        context.say(f"Partnership {partnership_id} is terminated under {rule.citation} as of {long_date(day)}.")
        return EXIT_OK
    plan = termination.check_step(db, partnership_id, args.rule, args.step, parse_day(args.on, "--on"))
    evidence = _evidence(context, db, partnership_id)
    termination.record_step(db, plan, evidence_attachment_id=evidence["id"] if evidence else None, note=args.note)
    from ..core.laws.steps import step_label

    what = f"Recorded for partnership {partnership_id}: {step_label(plan.step)} on {long_date(plan.done_on)}"
    if evidence:
        context.say(
            f"{what}, evidence file {evidence['id']} ({evidence['display_name']}, SHA-256 {evidence['sha256']})."
        )
    else:
        context.say(f"{what}, with no evidence file yet; record it again with --evidence FILE.")
    return EXIT_OK


def _evidence(context: Context, db: Database, partnership_id: int) -> dict[str, Any] | None:
    """The evidence file of a step: one already stored (attachment:N), or a file stored now on the partnership."""
    from pathlib import Path

    value = context.args.evidence
    if value is None:
        return None
    if _STORED.match(value) and not Path(value).exists():
        from ..core.files import get_attachment

        return get_attachment(db, parse_target(value)[1])
    from ..core.files import attach_files

    [stored] = attach_files(db, [Path(value)], "partnership", partnership_id)
    return stored


# ----- compliance report ----------------------------------------------------------------------------------------


def cmd_compliance_report(context: Context) -> int:
    from ..core.host.user_files import writable_file
    from ..core.laws.report import write_compliance_report
    from ..core.wording import plural

    args = context.args
    as_of = parse_day(args.as_of, "--as-of") if args.as_of is not None else None
    destination = writable_file(args.out, "report.pdf")
    written = write_compliance_report(context.database(), destination, as_of)
    context.say(f"Wrote the compliance report {written['path']} ({plural(int(written['pages']), 'page')}).")
    context.say(f"Its fingerprint (SHA-256) is {written['sha256']}.")
    return EXIT_OK


# ----- shared ---------------------------------------------------------------------------------------------------


def parse_day(text: str, option: str) -> dt.date:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"The date {option} {text!r} is not a date written as YYYY-MM-DD.") from None


def partnership_number(value: str) -> int:
    """A partnership named as partnership:12, or by its number alone."""
    if value.strip().isdecimal():
        try:
            return record_number(value)
        except argparse.ArgumentTypeError as error:
            raise UserError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None
    kind, number = parse_target(value)
    if kind != "partnership":
        raise UserError(f"Name a partnership, as partnership:NUMBER (not {value!r}).")
    return number
