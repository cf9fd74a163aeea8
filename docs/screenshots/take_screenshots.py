"""Takes screenshots of the window offscreen: the README's four, or with --every-page every page of the window.

Run from the checkout: ``python docs/screenshots/take_screenshots.py [--scale 2] [--dark] [--out DIR]`` draws the
README's dashboard, a partnership, a PDF preview and the response workspace (a 1280×800 window).

``python docs/screenshots/take_screenshots.py --every-page --out DIR [--jobs 2]`` draws every page of the window
(the home page, each record list with a record chosen, responses, state laws, files, the audit trail and the trash)
from the same sample records, light and dark, at 100 % and 200 % (a 1280×800 window) and on a 1280×720 screen at
150 % (an 853×480 window): ``partnership-100-light.png``, ``partnership-200-dark.png``,
``partnership-150-small-light.png`` and so on. Qt takes its scale before it starts, so each scale and theme is drawn
by a process of its own (``--jobs`` at a time), every page in it. ``--only 150-small`` draws one scale alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[2]
README_SIZE = (1280, 800)
# Every scale --every-page draws, named as in the file names: (QT_SCALE_FACTOR, window size in logical pixels).
SCALES: dict[str, tuple[str, tuple[int, int]]] = {
    "100": ("1", README_SIZE),
    "200": ("2", README_SIZE),
    "150-small": ("1.5", (853, 480)),  # a 1280×720 screen at 150 %
}
THEMES = ("light", "dark")
# The offscreen platform says this of every window shown; it tells nothing about the window.
OFFSCREEN_NOTICE = "This plugin does not support propagateSizeHints()"


def _sample_pdf() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    lines = [
        "AGREEMENT ON THE ESTABLISHMENT OF SISTER CITY RELATIONS",
        "between the City of Springfield, Illinois, United States of America,",
        "and the City of Jining, Shandong Province, People's Republic of China.",
        "",
        "Article 1. The two cities agree to promote exchanges in education, culture and trade.",
        "Article 2. Each city may end this agreement by written notice of six months.",
        "Article 3. This agreement is made in English and Chinese; both texts are equally authentic.",
    ]
    for page in range(3):
        y = 700
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        pdf.drawString(72, 60, f"Page {page + 1} of 3")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _fill(data_dir: Path) -> dict[str, int]:
    from desktop_app.core.files.attachments import attach_files
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.core.interchange.sample_data import load_sample_data
    from desktop_app.core.records import service as records
    from desktop_app.core.records.parties import set_home_jurisdiction
    from desktop_app.core.safekeeping.opening import open_database

    db, _ = open_database(resolve_location(data_dir))
    try:
        set_home_jurisdiction(
            db, "Springfield", "IL", {"signatory_name": "Pat Doe", "signatory_title": "Mayor", "clerk_name": "Lee Roe"}
        )
        load_sample_data(db)
        found = records.list_records(db, "partnership", records.ListQuery(text="Springfield"))
        partnership = next(row for row in found if row["jurisdiction_state"] == "IL")
        agreement = records.create(
            db,
            "agreement",
            {
                "partnership_id": partnership["id"],
                "title": "Agreement on the establishment of sister city relations",
                "signed_on": "1994-05-01",
                "topics": ["transparency"],
                "has_termination_clause": True,
                "notice_period": "six months",
                "published_on": "2020-11-02",
            },
        )
        pdf = data_dir / "agreement-1994.pdf"
        pdf.write_bytes(_sample_pdf())
        attach_files(db, [pdf], "partnership", partnership["id"], title="Signed agreement, 1994")
        attach_files(db, [pdf], "agreement", agreement["id"], title="Signed agreement, 1994")
        today = dt.date.today()
        records.create(
            db,
            "oversight",
            {
                "partnership_id": partnership["id"],
                "kind": "risk_assessment",
                "action_on": (today - dt.timedelta(days=40)).isoformat(),
                "officer": "City Attorney",
                "topics": ["espionage", "economic_coercion"],
                "finding": "No data sharing; the agreement binds the city to nothing beyond exchanges.",
                "risk_level": "low",
                "status": "open",
                "due_on": (today - dt.timedelta(days=3)).isoformat(),
            },
        )
        records.create(
            db,
            "policy",
            {
                "kind": "council_policy",
                "title": "Publication of international agreements",
                "adopted_on": "2021-03-09",
                "topics": ["transparency"],
            },
        )
        return {"partnership": partnership["id"]}
    finally:
        db.dispose()


def _dark_palette() -> Any:
    """A dark palette like a system's dark mode gives (the program itself never sets colours)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#4a4a4a",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Light: "#505050",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def _fill_every_kind(data_dir: Path, ids: dict[str, int]) -> None:
    """Adds what the sample leaves empty (an activity, a participant, something in the trash), so no page is blank."""
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.core.records import service as records
    from desktop_app.core.safekeeping.opening import open_database

    db, _ = open_database(resolve_location(data_dir))
    try:
        activity = records.create(
            db,
            "activity",
            {
                "partnership_id": ids["partnership"],
                "kind": "student_exchange",
                "title": "High-school orchestra exchange",
                "starts_on": "2019-06-10",
                "ends_on": "2019-06-21",
                "place": "Jining",
                "participant_count": 24,
                "currency": "USD",
                "funding_city_cents": 250000,
                "funding_foreign_government_cents": 120000,
                "gifts_received": "A framed calligraphy scroll for the mayor's office.",
            },
        )
        records.create(
            db,
            "participant",
            {
                "activity_id": activity["id"],
                "role": "teacher",
                "nationality": "United States",
                "visa_category": "j1",
                "program_sponsor": "Springfield Public Schools",
                "vetting_steps": ["identity_checked", "itinerary_approved"],
            },
        )
        draft = records.create(
            db,
            "policy",
            {"kind": "council_policy", "title": "Draft rules on gifts from delegations", "adopted_on": "2022-01-11"},
        )
        records.trash(db, "policy", draft["id"])
    finally:
        db.dispose()


def _open_window(work: Path, scale: str, dark: bool, size: tuple[int, int]) -> tuple[Any, Any, Any]:
    """The application and the window on the records in ``work / "data"``, opening them; the scale is set first."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = scale

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    app.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    if dark:
        app.setPalette(_dark_palette())  # the offscreen platform has no system theme to follow

    from desktop_app.core.host.paths import resolve_location
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.launch import configure_application
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.tasks import TaskRunner

    configure_application(app)
    context = AppContext(location=resolve_location(work / "data"), runner=TaskRunner())
    window = MainWindow(context)
    window.resize(*size)
    window.show()
    window.open_records()
    return app, context, window


def _settler(app: Any, context: Any) -> Callable[..., None]:
    """Waits until the worker has nothing left to do, then a little more for what is drawn afterwards."""

    def settle(linger: float = 0.6) -> None:
        for _ in range(500):
            app.processEvents()
            if context.db is not None and context.runner.idle:
                break
            time.sleep(0.02)
        end = time.monotonic() + linger  # PDF pages are drawn in the background after the document loads
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    return settle


def _draft_response(workspace: Any, settle: Callable[[], None]) -> bool:
    """Starts a draft on the response workspace with the first answer written; False when none can be started."""
    start = getattr(workspace, "start_button", None)
    if start is None:
        return False
    start.click()
    settle()
    workspace.questions.setCurrentRow(0)
    workspace.narrative.setPlainText(
        "The City publishes every agreement on its website; {agreements_published} of "
        "{agreements_total} agreements are published."
    )
    workspace.save_narrative()
    settle()
    return True


def _readme_shots(window: Any, settle: Callable[[], None], ids: dict[str, int], out: Path, suffix: str) -> None:
    def shot(widget: Any, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}{suffix}.png"))

    settle()
    shot(window, "dashboard")
    window.open_record("partnership", ids["partnership"])
    settle()
    shot(window, "partnership")
    page = window.page("partnership")
    page.detail.setCurrentWidget(page.detail.files)
    settle()
    page.detail.files.preview_current()
    settle()
    dialog = page.detail.files.preview_dialog
    if dialog is not None:
        dialog.resize(900, 760)
        dialog.preview.search.setText("agreement")
        settle()
        dialog.preview.next_match()
        shot(dialog, "pdf-preview")
        dialog.close()
    workspace = window.show_page("response")
    settle()
    if _draft_response(workspace, settle):
        shot(window, "response-workspace")


def _choose_first_row(page: Any) -> None:
    """Chooses the first row of a page's list when none is chosen yet, as a clerk's first click would."""
    table = getattr(page, "table", None)
    if table is None or table.model() is None or table.model().rowCount() == 0:
        return
    if not table.selectionModel().hasSelection():
        table.selectRow(0)


def _every_page_shots(window: Any, settle: Callable[..., None], ids: dict[str, int], out: Path, suffix: str) -> None:
    from desktop_app.gui.main_window import PAGES

    settle()
    for key, _label, _icon in PAGES:
        if key == "partnership":
            window.open_record("partnership", ids["partnership"])
            page = window.page(key)
        else:
            page = window.show_page(key)
        settle(linger=0.1)
        _choose_first_row(page)
        if key == "response":
            _draft_response(page, lambda: settle(linger=0.1))
        settle()
        window.grab().save(str(out / f"{key}-{suffix}.png"))


def _draw_one_variant(variant: str, filled: Path, out: Path) -> None:
    """Draws every page at one scale and theme (``100-light``, ``150-small-dark``…) from a copy of the records."""
    scale_name, theme = variant.rsplit("-", 1)
    scale, size = SCALES[scale_name]
    with tempfile.TemporaryDirectory(prefix="screenshots-", ignore_cleanup_errors=True) as temporary:
        work = Path(temporary)
        shutil.copytree(filled / "data", work / "data")
        ids = {"partnership": int((filled / "partnership-id").read_text())}
        app, context, window = _open_window(work, scale, theme == "dark", size)
        if (window.width(), window.height()) != size:
            print(
                f"{variant}: the window is {window.width()}×{window.height()}, not {size[0]}×{size[1]}", file=sys.stderr
            )
        _every_page_shots(window, _settler(app, context), ids, out, variant)
        window.close()
        app.processEvents()


def _run_variant(variant: str, filled: Path, out: Path) -> tuple[str, int, list[str]]:
    command = [sys.executable, str(Path(__file__).resolve()), "--every-page", "--variant", variant]
    command += ["--filled", str(filled), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=CHECKOUT, check=False)
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip() and line != OFFSCREEN_NOTICE]
    return variant, done.returncode, said


def _draw_every_variant(out: Path, jobs: int, scales: list[str]) -> int:
    """Fills the sample records once, then draws each scale and theme in a process of its own."""
    variants = [f"{scale}-{theme}" for scale in scales for theme in THEMES]
    with tempfile.TemporaryDirectory(prefix="screenshots-", ignore_cleanup_errors=True) as temporary:
        filled = Path(temporary)
        ids = _fill(filled / "data")
        _fill_every_kind(filled / "data", ids)
        (filled / "partnership-id").write_text(str(ids["partnership"]))
        failed = 0
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for variant, returncode, said in pool.map(lambda v: _run_variant(v, filled, out), variants):
                print(f"{variant}: {'done' if returncode == 0 else f'failed ({returncode})'}")
                for line in said:
                    print(f"  {line}")
                failed += returncode != 0
    return 1 if failed else 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument(
        "--out", default=None, help="the folder for the PNGs (the README's folder without --every-page)"
    )
    parser.add_argument("--every-page", action="store_true", help="every page, at every scale, light and dark")
    parser.add_argument("--jobs", type=int, default=2, help="with --every-page: how many scales and themes at a time")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(SCALES),
        default=list(SCALES),
        metavar="SCALE",
        help=f"with --every-page: only these scales ({', '.join(SCALES)})",
    )
    parser.add_argument("--variant", help=argparse.SUPPRESS)  # a process drawing one scale and theme
    parser.add_argument("--filled", help=argparse.SUPPRESS)  # the records it copies
    arguments = parser.parse_args()
    if arguments.every_page and (arguments.scale != "1" or arguments.dark):
        parser.error("--every-page draws every scale, light and dark: leave out --scale and --dark")
    if arguments.every_page and arguments.out is None:
        parser.error("--every-page needs --out DIR")
    return arguments


def main() -> int:
    arguments = _arguments()
    sys.path.insert(0, str(CHECKOUT))
    out = Path(arguments.out or Path(__file__).resolve().parent)
    out.mkdir(parents=True, exist_ok=True)
    if arguments.every_page and arguments.variant:
        _draw_one_variant(arguments.variant, Path(arguments.filled), out)
        return 0
    if arguments.every_page:
        return _draw_every_variant(out, arguments.jobs, arguments.only)
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    ids = _fill(work / "data")
    app, context, window = _open_window(work, arguments.scale, arguments.dark, README_SIZE)
    suffix = ("-dark" if arguments.dark else "") + (f"-{arguments.scale}x" if arguments.scale != "1" else "")
    _readme_shots(window, _settler(app, context), ids, out, suffix)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
