"""Command-line commands for packages received from other cities: import-package, received, received-report."""

from __future__ import annotations

from .base import EXIT_OK, Commands, Context, Parser


def register(commands: Commands) -> None:
    commands.add_command(
        "import-package",
        cmd_import_package,
        _import_package_arguments,
        help="receive another city's package of an issued letter (a .zip), checked and kept as received",
        description="Checks a package written by 'package' as verify-package does, then keeps it as received: the "
        ".zip's own bytes, stored once and never changed, with the city, its letter and its fingerprints. A package "
        "that does not check, or that was received before, is refused and nothing is kept.",
    )
    commands.add_command(
        "received", cmd_received, _received_arguments, help="list the packages received from other cities"
    )
    commands.add_command(
        "received-report",
        cmd_received_report,
        _received_report_arguments,
        help="write the consolidated report across received packages, as PDF or CSV",
        description="Writes each city's current letter (its newest issued one; older ones are listed as "
        "superseded), its partnerships and its answers, with the same pair reported twice marked as a duplicate.",
    )


def _import_package_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("path", type=Path, metavar="PATH", help="the package's .zip file")


def _received_arguments(command: Parser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON instead of lines")


def _received_report_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf|FILE.csv", help="where to write the report"
    )


def cmd_import_package(context: Context) -> int:
    from ..core.preservation.received import receive_package
    from ..core.wording import describe_size

    received = receive_package(context.database(), context.args.path)
    context.say(
        f"Received the package of {received['city_display']} (letter dated {received['letter_date'] or 'undated'}) "
        f"as received package {received['id']}: {describe_size(received['package_size'])}, kept as received."
    )
    context.say(f"The package's fingerprint (SHA-256) is {received['package_sha256']}.")
    return EXIT_OK


def cmd_received(context: Context) -> int:
    from ..core.preservation.received import list_received

    rows = list_received(context.database())
    if context.args.json:
        context.print_json(rows)
        return EXIT_OK
    if not rows:
        context.say("No package has been received yet.")
        return EXIT_OK
    for row in rows:
        context.say(
            f"{row['id']}\t{row['city_display']}\t{row['letter_date'] or '–'}\t{row['response_title']}\t"
            f"received {row['received_at'][:10]} by {row['received_by']}\tSHA-256 {row['package_sha256']}"
        )
    return EXIT_OK


def cmd_received_report(context: Context) -> int:
    from ..core.preservation.consolidated import write_consolidated_report
    from ..core.wording import plural

    written = write_consolidated_report(context.database(), context.args.out)
    context.say(
        f"Wrote the report of {plural(written['cities'], 'city', 'cities')} from "
        f"{plural(written['packages'], 'package')} to {written['path']}: "
        f"{plural(written['duplicates'], 'partnership')} marked as duplicates, "
        f"{plural(written['superseded'], 'superseded letter')} listed."
    )
    return EXIT_OK
