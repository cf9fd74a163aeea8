"""Takes the README's screenshots of the window offscreen: dashboard, a partnership, a PDF preview, the response.

Run from the checkout: ``python docs/screenshots/take_screenshots.py [--scale 2] [--dark] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path


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


def _dark_palette() -> object:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    arguments = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = arguments.scale
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    ids = _fill(work / "data")

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    app.styleHints().setColorScheme(Qt.ColorScheme.Dark if arguments.dark else Qt.ColorScheme.Light)
    if arguments.dark:
        app.setPalette(_dark_palette())  # the offscreen platform has no system theme to follow

    from desktop_app.core.host.paths import resolve_location
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.launch import configure_application
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.tasks import TaskRunner

    configure_application(app)
    context = AppContext(location=resolve_location(work / "data"), runner=TaskRunner())
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    window.open_records()
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("-dark" if arguments.dark else "") + (f"-{arguments.scale}x" if arguments.scale != "1" else "")

    def settle() -> None:
        import time

        for _ in range(500):
            app.processEvents()
            if context.db is not None and context.runner.idle:
                break
            time.sleep(0.02)
        end = time.monotonic() + 0.6  # PDF pages are drawn in the background after the document loads
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shot(widget: object, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}{suffix}.png"))  # type: ignore[attr-defined]

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
    start = getattr(workspace, "start_button", None)
    if start is not None:
        start.click()
        settle()
        workspace.questions.setCurrentRow(0)
        workspace.narrative.setPlainText(
            "The City publishes every agreement on its website; {agreements_published} of "
            "{agreements_total} agreements are published."
        )
        workspace.save_narrative()
        settle()
        shot(window, "response-workspace")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
