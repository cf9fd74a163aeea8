"""Command-line commands for the verifiable package of an issued letter: package, verify-package."""

from __future__ import annotations

from ..core.wording import plural
from .base import EXIT_OK, CheckFailed, Commands, Context, Parser, record_number


def register(commands: Commands) -> None:
    commands.add_command(
        "package",
        cmd_package,
        _package_arguments,
        help="write the verifiable package (a BagIt bag) of an issued letter, as a folder or a .zip",
        description="Writes the issued letter of a response, its archival PDF/A copy, every document it encloses, "
        "SHA-256 and SHA-512 manifests, the audit trail's extract for every record it cites and a README telling "
        "how to check it all with common tools (sha256sum -c). --out names a new or empty folder, or a new .zip.",
    )
    commands.add_command(
        "verify-package",
        cmd_verify_package,
        _verify_package_arguments,
        help="check a package of an issued letter: its manifests, its audit extract and the letter's fingerprint",
        description="Checks a package written by 'package' (a folder or a .zip): the bag and both manifests, the "
        "audit extract's hashes and chain, and that the letter is the one whose fingerprint the audit trail "
        "recorded at issue. Exit status 0 when it checks, 1 with one line per problem.",
    )


def _package_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("response", type=record_number, metavar="RESPONSE_ID")
    command.add_argument("--out", type=Path, required=True, metavar="DIR_OR_ZIP", help="a new folder or .zip file")


def _verify_package_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("path", type=Path, metavar="PATH")


def cmd_package(context: Context) -> int:
    from ..core.preservation.package import write_package
    from ..core.wording import describe_size

    args = context.args
    written = write_package(context.database(), args.response, args.out)
    what = "zip" if written["zip"] else "folder"
    context.say(
        f"Wrote the package of response {args.response} to the {what} {written['path']}: {written['files']} files, "
        f"{describe_size(written['bytes'])}, {plural(written['enclosures'], 'enclosed document')}."
    )
    context.say(f"The letter's fingerprint (SHA-256) is {written['letter_sha256']}.")
    if not written["enclosures_known"]:
        context.say(
            "This letter was issued before the program recorded what a letter encloses, and the records have "
            "changed since, so they no longer tell which documents it enclosed: the package holds none of them "
            "(the letter itself lists them)."
        )
    return EXIT_OK


def cmd_verify_package(context: Context) -> int:
    from ..core.preservation.package_check import check_package

    path = context.args.path
    result = check_package(path)
    if result.problems:
        for problem in result.problems:
            context.say(problem)
        problems = plural(len(result.problems), "problem")
        raise CheckFailed(f"The package {path} does not check: {problems}, listed above.")
    context.say(
        f"The package checks: the letter of {result.city} dated {result.letter_date} (response {result.response_id}), "
        f"SHA-256 {result.letter_sha256}, as recorded at its issue; {result.files} files under data/, "
        f"{plural(result.enclosures, 'enclosed document')}, {plural(result.audit_events, 'audit event')} on a chain of "
        f"{result.audit_links} links, all as packaged."
    )
    return EXIT_OK
