"""Smoke test of the frozen app: runs its commands in a temporary data folder and opens its window offscreen.

Usage: python packaging/smoke_test.py [--app PATH]
PATH is the one-folder app (dist/sister-city-records) or, on macOS, the .app bundle; by default the one in dist/.
Exit status 0 when every check passed, 1 when one failed, 2 when the app is not found.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE_NAME = "sister-city-records"
CLI_EXE_NAME = "sister-city-records-cli"
APP_BUNDLE_NAME = "Sister City Records.app"
SMOKE_CITY = "Kansas City, MO"
SEARCH_MARKER = "smoketestmarker"
STEP_TIMEOUT_S = 180
WINDOW_SECONDS = 4

# The four questions of the letter of 8 October 2020; the response PDF quotes each of them.
LETTER_QUESTIONS = (
    "How do your governments ensure transparency regarding sister-city partnerships' contracts and activities?",
    "Through what mechanisms do your governments safeguard freedom of expression within these partnerships?",
    "What oversight practices do your governments implement to mitigate the risks of foreign espionage and "
    "economic coercion within these partnerships?",
    "What precautions do your governments take to protect against foreign nationals' potentially inappropriate "
    "use of visa programs to participate in activities relating to these partnerships?",
)

# Lines on stderr that mean something went wrong even when the exit status is 0.
ALARMING_OUTPUT = (
    "Traceback (most recent call last)",
    "QThread: Destroyed while thread",
    "Could not load the Qt platform plugin",
    "Could not find the Qt platform plugin",
    "This application failed to start",
    "ModuleNotFoundError",
    "ImportError",
)


class CheckFailed(Exception):
    """One check of the smoke test failed; the message says which and why."""


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def run(self, name: str, check: Callable[[], None]) -> bool:
        started = time.monotonic()
        try:
            check()
        except CheckFailed as exc:
            self.failed.append((name, str(exc)))
            print(f"  FAILED  {name}: {exc}", flush=True)
            return False
        self.passed.append(name)
        print(f"  ok      {name} ({time.monotonic() - started:.1f} s)", flush=True)
        return True

    def skip(self, name: str, reason: str) -> None:
        self.skipped.append((name, reason))
        print(f"  SKIPPED {name}: {reason}", flush=True)


@dataclass(frozen=True)
class FrozenApp:
    """The executables of a built app."""

    program: Path  # the windowed program (also runs commands; on Windows it has no console to print to)
    cli: Path  # the console program for commands (the same file where there is no separate one)


def find_app(path: Path) -> FrozenApp:
    suffix = ".exe" if sys.platform == "win32" else ""
    folder = path / "Contents" / "MacOS" if path.suffix == ".app" else path
    program = folder / f"{EXE_NAME}{suffix}"
    cli = folder / f"{CLI_EXE_NAME}{suffix}"
    if not program.is_file():
        raise FileNotFoundError(f"No built program at {program}; build it first with: python packaging/build.py")
    return FrozenApp(program=program, cli=cli if cli.is_file() else program)


def default_app_path() -> Path:
    if sys.platform == "darwin":
        return ROOT / "dist" / APP_BUNDLE_NAME
    return ROOT / "dist" / EXE_NAME


def clean_environment(data_dir: Path) -> dict[str, str]:
    """The environment a clerk's machine would give: no Python of ours leaking in, no display needed."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "QT_", "SCR_", "SISTER_CITY_RECORDS_"))
    }
    environment["QT_QPA_PLATFORM"] = "offscreen"
    # Where the program would put its data if a step forgot --data-dir: still inside the temporary folder.
    environment["SISTER_CITY_RECORDS_DATA_DIR"] = str(data_dir)
    return environment


def run(executable: Path, *arguments: str, environment: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            [str(executable), *arguments],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=environment,
            cwd=cwd,
            timeout=STEP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"{executable.name} {' '.join(arguments)} did not finish within {STEP_TIMEOUT_S} s") from exc
    except OSError as exc:
        raise CheckFailed(f"{executable} could not be started: {exc}") from exc
    return result


def expect_success(result: subprocess.CompletedProcess[str]) -> str:
    command = " ".join(str(part) for part in result.args[1:])
    if result.returncode != 0:
        raise CheckFailed(
            f"'{command}' exited with status {result.returncode}\n"
            f"--- stdout ---\n{result.stdout.strip()}\n--- stderr ---\n{result.stderr.strip()}"
        )
    expect_quiet_stderr(result, command)
    if "\ufffd" in result.stdout:
        raise CheckFailed(f"'{command}' printed text that is not UTF-8:\n{result.stdout.strip()}")
    return result.stdout


def expect_quiet_stderr(result: subprocess.CompletedProcess[str], command: str) -> None:
    for marker in ALARMING_OUTPUT:
        if marker in result.stderr or marker in result.stdout:
            raise CheckFailed(f"'{command}' printed '{marker}':\n{result.stderr.strip()}")


def comparable(text: str) -> str:
    """Letters and digits only, lower case: line breaks, hyphenation-free wrapping and curly quotes compare equal."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        return str(tomllib.load(pyproject)["project"]["version"])


def check_pdf(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise CheckFailed(f"respond wrote no PDF at {path}")
    if not path.read_bytes()[:5] == b"%PDF-":
        raise CheckFailed(f"{path} does not start with %PDF-")
    try:
        from pypdf import PdfReader

        reader = PdfReader(path, strict=False)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # any failure to read it is the finding
        raise CheckFailed(f"pypdf cannot read {path}: {exc}") from exc
    if not reader.pages:
        raise CheckFailed(f"{path} has no pages")
    found = comparable(text)
    missing = [question for question in LETTER_QUESTIONS if comparable(question) not in found]
    if missing:
        raise CheckFailed(f"the response PDF does not quote the question: {missing[0]}")


def log_tail(data_dir: Path, lines: int = 40) -> str:
    log = data_dir / "logs" / "sister-city-records.log"
    if not log.is_file():
        return "(no log file)"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def make_text_pdf(path: Path, text: str) -> Path:
    """A one-page PDF with a text layer, made with ReportLab (a dependency of the program)."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.drawString(72, 700, text)
    canvas.showPage()
    canvas.save()
    return path


def gui_in_checkout() -> bool:
    """Whether the window's code exists in this source tree, so the build must open a window."""
    return (ROOT / "desktop_app" / "gui" / "launch.py").is_file()


def smoke_test(app: FrozenApp, work: Path) -> Report:
    report = Report()
    data_dir = work / "data"
    environment = clean_environment(data_dir)
    location = ("--data-dir", str(data_dir))
    print(f"Smoke test of {app.program.parent} in {work}", flush=True)

    help_text: list[str] = []

    def help_lists_commands() -> None:
        output = expect_success(run(app.cli, "--help", environment=environment, cwd=work))
        for command in ("version", "init", "sample-data"):
            if command not in output:
                raise CheckFailed(f"--help does not list the '{command}' command:\n{output}")
        help_text.append(output)

    def version_matches() -> None:
        wanted = project_version()
        for executable in dict.fromkeys((app.cli, app.program)):
            if executable == app.program and sys.platform == "win32" and app.cli != app.program:
                continue  # the windowed program has no console on Windows, so nothing it prints can be read
            output = expect_success(run(executable, "version", environment=environment, cwd=work)).strip()
            if wanted not in output.split():
                raise CheckFailed(f"'{executable.name} version' printed {output!r}, expected version {wanted}")

    def init_creates_database() -> None:
        expect_success(run(app.cli, *location, "init", environment=environment, cwd=work))
        if not (data_dir / "records.sqlite3").is_file():
            raise CheckFailed(f"init made no database in {data_dir}")

    def sample_data_loads_city() -> None:
        expect_success(run(app.cli, *location, "sample-data", "--city", SMOKE_CITY, environment=environment, cwd=work))
        listed = expect_success(run(app.cli, *location, "list", "partnerships", environment=environment, cwd=work))
        if "Kansas City" not in listed:
            raise CheckFailed(f"after sample-data, the partnerships list does not show {SMOKE_CITY}:\n{listed}")

    def verify_passes() -> None:
        expect_success(run(app.cli, *location, "verify", environment=environment, cwd=work))

    def respond_writes_letter() -> None:
        expect_success(run(app.cli, *location, "home", SMOKE_CITY, environment=environment, cwd=work))
        pdf = work / "response.pdf"
        expect_success(run(app.cli, *location, "respond", "--out", str(pdf), environment=environment, cwd=work))
        check_pdf(pdf)

    def issuing_keeps_an_archival_copy() -> None:
        # Issuing runs pikepdf, lxml and Pillow's colour management, which only this step exercises.
        issued = work / "issued.pdf"
        issue = ("respond", "--out", str(issued), "--issue", "--acknowledge-unconfirmed", "--signatory-name", "A Clerk")
        expect_success(run(app.cli, *location, *issue, environment=environment, cwd=work))
        check_pdf(issued)
        files = expect_success(run(app.cli, *location, "list", "attachments", environment=environment, cwd=work))
        if "PDF/A-2b" not in files:
            raise CheckFailed(f"issuing kept no archival copy beside the letter:\n{files}")

    def attached_pdf_is_searchable() -> None:
        # Text extraction runs in child processes ('spawn'), which re-run the frozen executable: this proves they work.
        pdf = make_text_pdf(work / "evidence.pdf", f"Annual review of the partnership, reference {SEARCH_MARKER}.")
        expect_success(
            run(app.cli, *location, "attach", "--to", "partnership:1", str(pdf), environment=environment, cwd=work)
        )
        output = expect_success(
            run(app.cli, *location, "search", SEARCH_MARKER, "--json", environment=environment, cwd=work)
        )
        try:
            hits = json.loads(output)
        except json.JSONDecodeError as exc:
            raise CheckFailed(f"search --json printed something that is not JSON:\n{output}") from exc
        if not any(hit.get("record_kind") == "attachment" for hit in hits):
            raise CheckFailed(f"the attached PDF's text is not found by search (was it extracted?):\n{output}")

    def state_law_rules_are_bundled() -> None:
        # The rule files and their schema are resources of their own: a build that left them out fails here.
        listed = expect_success(run(app.cli, *location, "laws", "list", environment=environment, cwd=work))
        if "tx-gov-795" not in listed:
            raise CheckFailed(f"laws list does not show the shipped Texas rule:\n{listed}")
        expect_success(run(app.cli, *location, "screen", environment=environment, cwd=work))

    def window_opens_and_closes() -> None:
        shown = work / "windows-shown.txt"
        window_environment = {
            **environment,
            "SCR_SMOKE_QUIT_AFTER_MS": str(WINDOW_SECONDS * 1000),
            "SCR_SMOKE_REPORT": str(shown),
        }
        result = run(app.program, *location, environment=window_environment, cwd=work)
        if result.returncode != 0:
            raise CheckFailed(
                f"the window exited with status {result.returncode}\n--- stderr ---\n{result.stderr.strip()}"
                f"\n--- end of the program's log ---\n{log_tail(data_dir)}"
            )
        expect_quiet_stderr(result, "(window)")
        titles = shown.read_text(encoding="utf-8").split("\n") if shown.is_file() else []
        if not any(title.strip() for title in titles):
            raise CheckFailed("the program exited without having shown a window")

    report.run("--help lists the commands", help_lists_commands)
    report.run("version prints the project's version", version_matches)
    if not report.run("init creates the database", init_creates_database):
        return report
    report.run(f"sample-data --city '{SMOKE_CITY}'", sample_data_loads_city)
    report.run("verify passes", verify_passes)
    if help_text and re.search(r"^\s+respond\b", help_text[0], re.MULTILINE):
        report.run("respond --out writes the 2020 letter's response PDF", respond_writes_letter)
        report.run("respond --issue keeps the letter and its PDF/A-2b archival copy", issuing_keeps_an_archival_copy)
    else:
        report.skip("respond --out", "this build has no 'respond' command yet (not listed by --help)")
    if help_text and re.search(r"^\s+attach\b", help_text[0], re.MULTILINE) and "search" in help_text[0]:
        report.run(
            "attach a PDF, its text extracted in a child process, then search finds it", attached_pdf_is_searchable
        )
        report.run("verify passes with the attachment", verify_passes)
    else:
        report.skip("attach and search", "this build has no 'attach' or 'search' command (not listed by --help)")
    if help_text and re.search(r"^\s+laws\b", help_text[0], re.MULTILINE):
        report.run("laws list shows the shipped state-law rules and screen runs", state_law_rules_are_bundled)
    else:
        report.skip("laws list", "this build has no 'laws' command (not listed by --help)")
    if gui_in_checkout():
        report.run(f"the window opens offscreen and closes after {WINDOW_SECONDS} s", window_opens_and_closes)
    else:
        report.skip(
            "the window", "the source tree has no desktop_app/gui/launch.py yet; only the command line was tested"
        )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description="Smoke-test the frozen Sister City Records app.")
    parser.add_argument("--app", type=Path, default=None, help="the built app folder or .app bundle")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder for inspection")
    args = parser.parse_args()
    try:
        app = find_app((args.app or default_app_path()).resolve())
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scr-smoke-") as temporary:
        work = Path(temporary)
        report = smoke_test(app, work)
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="scr-smoke-kept-"))
            shutil.copytree(work, kept, dirs_exist_ok=True)
            print(f"Kept the test's files in {kept}")
    elapsed = time.monotonic() - started
    summary = f"{len(report.passed)} checks passed, {len(report.failed)} failed, {len(report.skipped)} skipped"
    if report.failed:
        print(f"Smoke test FAILED ({summary}, {elapsed:.0f} s).", file=sys.stderr)
        return 1
    print(f"Smoke test passed ({summary}, {elapsed:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
