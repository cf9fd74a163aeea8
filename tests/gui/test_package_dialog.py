"""Package… in the response workspace: an issued letter's verifiable package, written on the worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core.preservation.package_check import check_package
from desktop_app.core.reports import responses
from desktop_app.gui.dialogs.package import PackageDialog
from desktop_app.gui.pages.response_workspace import ResponseWorkspace
from desktop_app.gui.widgets.pdf_preview import PdfPreview

from .conftest import wait_idle
from .test_accessibility import _unnamed


def _workspace_with_a_draft(qtbot: Any, window: Any) -> ResponseWorkspace:
    page = window.show_page("response")
    assert isinstance(page, ResponseWorkspace)
    wait_idle(qtbot, window.context)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    return page


def test_package_is_offered_beside_issue_once_the_letter_is_issued_and_writes_a_sound_package(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    page = _workspace_with_a_draft(qtbot, window)
    assert page.package_button.isVisible() and not page.package_button.isEnabled()

    response_id = page.response["id"]
    responses.issue(window.context.database(), response_id, acknowledge_unconfirmed=True, redact_names=True)
    page.load_inquiry()
    wait_idle(qtbot, window.context)
    assert page.package_button.isEnabled() and not page.issue_button.isEnabled()

    qtbot.mouseClick(page.package_button, Qt.MouseButton.LeftButton)
    (dialog,) = page.findChildren(PackageDialog)
    assert _unnamed(dialog) == [] and not dialog.personal.isVisible()
    assert dialog.destination.placeholderText().endswith(f"response-{response_id}-issued.zip")
    destination = tmp_path / "letter-package"  # no extension: a zip is written
    dialog.destination.setText(str(destination))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)

    written = destination.with_suffix(".zip")
    assert dialog.work.status.text().startswith(f"Wrote {written.name}: the letter, its archival copy and ")
    issued = responses.get_response(window.context.database(), response_id)
    assert issued["pdf_sha256"] in dialog.work.status.text()
    result = check_package(written)
    assert result.problems == [] and result.letter_sha256 == issued["pdf_sha256"]
    dialog.reject()


def test_a_package_over_an_existing_file_gets_a_sentence_and_writes_nothing(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    page = _workspace_with_a_draft(qtbot, window)
    responses.issue(window.context.database(), page.response["id"], acknowledge_unconfirmed=True, redact_names=True)
    page.load_inquiry()
    wait_idle(qtbot, window.context)
    existing = tmp_path / "kept.zip"
    existing.write_bytes(b"the clerk's own file")
    qtbot.mouseClick(page.package_button, Qt.MouseButton.LeftButton)
    (dialog,) = page.findChildren(PackageDialog)
    dialog.destination.setText(str(existing))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert "already" in dialog.work.status.text() and existing.read_bytes() == b"the clerk's own file"
    assert dialog.export_button.isEnabled()
    dialog.reject()


def test_once_issued_the_preview_shows_the_issued_letter_not_the_draft(qtbot: Any, open_window: Any) -> None:
    """The view that was drawing the draft is not reused: pages of the draft it drew late went on showing there."""
    window = open_window(filled=True)
    page = _workspace_with_a_draft(qtbot, window)
    responses.issue(window.context.database(), page.response["id"], acknowledge_unconfirmed=True, redact_names=True)
    page.load_inquiry()
    wait_idle(qtbot, window.context)
    assert page.pdf_bytes == responses.issued_pdf(window.context.database(), page.response["id"])

    fresh = PdfPreview()
    qtbot.addWidget(fresh)
    fresh.resize(page.preview.size())
    fresh.show()
    fresh.load_bytes(page.pdf_bytes)

    def same_picture() -> bool:
        return page.preview.view.grab().toImage() == fresh.view.grab().toImage()

    qtbot.waitUntil(same_picture, timeout=5000)
