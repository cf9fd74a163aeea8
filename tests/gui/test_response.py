"""The response workspace: answer the 2020 letter, preview it, save and print the PDF, and issue it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from desktop_app.core.reports import responses
from desktop_app.gui.pages.response_workspace import SAVE_DELAY_MS, ResponseWorkspace

from .conftest import wait_idle


def _workspace(qtbot: Any, window: Any) -> ResponseWorkspace:
    page = window.show_page("response")
    assert isinstance(page, ResponseWorkspace)
    wait_idle(qtbot, window.context)
    return page


def test_answer_preview_save_print_and_issue_the_2020_letter(
    qtbot: Any, open_window: Any, tmp_path: Path, dialog_log: Any
) -> None:
    window = open_window(filled=True)
    context = window.context
    page = _workspace(qtbot, window)
    assert "Sister-city partnerships" in page.inquiry_box.currentText()
    assert page.start_button.isVisible() and not page.issue_button.isEnabled()

    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert page.response is not None and page.response["status"] == "draft"
    assert page.questions.count() == 4
    qtbot.waitUntil(lambda: page.preview.page_count > 0, timeout=10000)

    # Question 1: a narrative with a named value from the menu; one piece of evidence withheld from the letter.
    page.questions.setCurrentRow(0)
    page.narrative.selectAll()
    qtbot.keyClicks(page.narrative, "The City keeps ")
    next(a for a in page.insert_menu.actions() if a.toolTip() == "{active_partnerships}").trigger()
    qtbot.keyClicks(page.narrative, " active partnerships on record.")
    qtbot.wait(SAVE_DELAY_MS + 100)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), page.response["id"])
    assert stored["answers"][0]["narrative"] == "The City keeps {active_partnerships} active partnerships on record."
    evidence = [page.evidence_list.item(row) for row in range(page.evidence_list.count())]
    checkable = [item for item in evidence if item.flags() & Qt.ItemFlag.ItemIsUserCheckable]
    assert checkable, "the filled records hold evidence on transparency"
    checkable[0].setCheckState(Qt.CheckState.Unchecked)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), page.response["id"])
    assert stored["withheld_evidence"] == [checkable[0].data(Qt.ItemDataRole.UserRole)]
    page.withheld_reason.setText("The agreement is under review by counsel.")
    page.save_reason()
    wait_idle(qtbot, context)

    # The letter's own introduction is kept with the draft.
    page.introduction.setPlainText("{jurisdiction_name} answers the four questions below.")
    qtbot.wait(SAVE_DELAY_MS + 100)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), page.response["id"])
    assert stored["introduction"] == "{jurisdiction_name} answers the four questions below."

    # A name that is not a named value is refused beside the editor.
    page.questions.setCurrentRow(1)
    qtbot.keyClicks(page.narrative, "See {no_such_value}.")
    page.save_narrative()
    wait_idle(qtbot, context)
    assert page.narrative_problem.isVisible()

    # Save the PDF and print it (to a file, without the print dialog).
    target = tmp_path / "letter.pdf"
    page.write_pdf(target)
    wait_idle(qtbot, context)
    assert target.read_bytes().startswith(b"%PDF")
    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0, "the saved letter is readable by the clerk only"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.print_to(printer) == page.preview.page_count
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")

    # Issuing asks first; saying no changes nothing, saying yes freezes the letter.
    page.narrative.clear()
    page.save_narrative()
    wait_idle(qtbot, context)
    dialog_log.answer = False
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert "cannot be undone" in dialog_log.texts()[-1]
    assert page.response["status"] == "draft"
    dialog_log.answer = True
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert page.response["status"] == "issued" and page.response["pdf_sha256"]
    assert not page.issue_button.isEnabled() and not page.narrative.isEnabled()
    assert page.supersede_button.isVisible()
    qtbot.waitUntil(lambda: page.pdf_bytes is not None and page.preview.page_count > 0, timeout=10000)


def test_workspace_on_empty_records_offers_a_draft(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    page = _workspace(qtbot, window)
    assert page.response is None
    assert page.start_button.isEnabled()
    assert not page.save_pdf_button.isEnabled() and not page.print_button.isEnabled()
