"""The rebuilt letter in the workspace: evidence withheld letter-wide with its reason, the checks before issuing,
unconfirmed partnerships and participants' names at issue, and superseding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.records import service as records
from desktop_app.core.reports import responses
from desktop_app.gui.dialogs import messages
from desktop_app.gui.pages.response_workspace import SAVE_DELAY_MS, ResponseWorkspace

from .conftest import DialogLog, wait_idle


class Answers:
    """Answers the window's questions in turn (then yes), keeping what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, log: DialogLog) -> None:
        self.queue: list[bool] = []
        self.log = log

        def confirm(_parent: Any, title: str, text: str, yes_text: str = "Yes") -> bool:
            log.messages.append((title, text))
            self.buttons.append(yes_text)
            return self.queue.pop(0) if self.queue else True

        self.buttons: list[str] = []
        monkeypatch.setattr(messages, "confirm", confirm)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, dialog_log: DialogLog) -> Iterator[Answers]:
    yield Answers(monkeypatch, dialog_log)


def _draft(qtbot: Any, window: Any) -> ResponseWorkspace:
    page = window.show_page("response")
    assert isinstance(page, ResponseWorkspace)
    wait_idle(qtbot, window.context)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert page.response is not None and page.response["status"] == "draft"
    return page


def _checkable(page: ResponseWorkspace) -> list[Any]:
    found = [page.evidence_list.item(row) for row in range(page.evidence_list.count())]
    return [item for item in found if item.flags() & Qt.ItemFlag.ItemIsUserCheckable]


def test_withholding_from_the_checklist_is_letter_wide_with_its_reason_and_can_be_undone(
    qtbot: Any, open_window: Any
) -> None:
    window = open_window(filled=True)
    context = window.context
    page = _draft(qtbot, window)
    response_id = page.response["id"]
    assert not page.withheld_reason.isVisible()

    # An item listed under two questions: withheld under the first, it is withheld under the second too.
    listed: dict[str, list[int]] = {}
    for question_id, items in page.evidence.items():
        for entry in items:
            listed.setdefault(entry["ref"], []).append(question_id)
    ref = next(ref for ref, questions in listed.items() if len(questions) > 1)
    first, second = listed[ref][:2]
    rows = {page.questions.item(row).data(Qt.ItemDataRole.UserRole): row for row in range(page.questions.count())}
    page.questions.setCurrentRow(rows[first])
    item = next(item for item in _checkable(page) if item.data(Qt.ItemDataRole.UserRole) == ref)
    item.setCheckState(Qt.CheckState.Unchecked)
    wait_idle(qtbot, context)
    assert responses.get_response(context.database(), response_id)["withheld_evidence"] == [ref]
    page.questions.setCurrentRow(rows[second])
    again = next(item for item in _checkable(page) if item.data(Qt.ItemDataRole.UserRole) == ref)
    assert again.checkState() == Qt.CheckState.Unchecked

    # The reason field shows, with a warning until a reason is given.
    assert page.withheld_reason.isVisible()
    assert page.reason_problem.isVisible()
    warning = "The letter withholds 1 item: give the reason it states before issuing it."
    assert warning in page.reason_problem.text.text()
    qtbot.waitUntil(lambda: page.readiness is not None and page.readiness["reason_missing"], timeout=10000)
    page.withheld_reason.setText("The agreement is under review by counsel.")
    page.save_reason()
    wait_idle(qtbot, context)
    assert responses.get_response(context.database(), response_id)["withheld_reason"] == (
        "The agreement is under review by counsel."
    )
    assert not page.reason_problem.isVisible()

    # Undo takes the reason back, then puts the item back in the letter.
    context.undo_stack.undo()
    wait_idle(qtbot, context)
    assert responses.get_response(context.database(), response_id)["withheld_reason"] == ""
    context.undo_stack.undo()
    wait_idle(qtbot, context)
    assert responses.get_response(context.database(), response_id)["withheld_evidence"] == []
    qtbot.waitUntil(lambda: not page.withheld_reason.isVisible(), timeout=10000)
    context.undo_stack.redo()
    wait_idle(qtbot, context)
    assert responses.get_response(context.database(), response_id)["withheld_evidence"] == [ref]


def test_issuing_with_unconfirmed_partnerships_asks_then_issues_and_a_new_draft_supersedes_it(
    qtbot: Any, open_window: Any, answers: Answers, dialog_log: DialogLog
) -> None:
    window = open_window(filled=True)
    context = window.context
    records.update(context.database(), "partnership", window.ids["partnership"], {"confirmed": False})
    page = _draft(qtbot, window)
    qtbot.waitUntil(lambda: page.readiness is not None, timeout=10000)
    assert page.readiness["unconfirmed"] == 1
    assert "unconfirmed" in page.checks.text()

    # Yes to issuing, no to the unconfirmed partnership: nothing is issued.
    answers.queue = [True, False]
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert dialog_log.texts()[-1] == (
        "1 partnership in this letter comes from a public list and is unconfirmed. The letter says so. Issue it anyway?"
    )
    assert page.response["status"] == "draft"

    answers.queue = [True, True]
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert page.response["status"] == "issued"
    issued_id = page.response["id"]

    # A new draft that supersedes it is the one shown, with a note; the issued letter stays issued until then.
    qtbot.mouseClick(page.supersede_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert page.response["status"] == "draft" and page.response["id"] != issued_id
    assert page.supersedes_note.isVisible()
    issued = responses.get_response(context.database(), issued_id)
    assert issued["status"] == "issued"
    assert page.supersedes_note.text() == (
        f"This draft supersedes response {issued_id} (issued {issued['issued_on'].isoformat()}); that letter is "
        "marked superseded when this one is issued."
    )
    page.load_inquiry()
    wait_idle(qtbot, context)
    assert page.response["status"] == "draft" and page.supersedes_note.isVisible()


def test_a_participant_named_in_an_answer_is_offered_redaction(
    qtbot: Any, open_window: Any, answers: Answers, dialog_log: DialogLog
) -> None:
    window = open_window(filled=True)
    context = window.context
    records.update(context.database(), "participant", window.ids["participant"], {"name": "Wei Zhang"})
    page = _draft(qtbot, window)
    page.questions.setCurrentRow(0)
    page.narrative.setPlainText("Our delegation met Wei Zhang in 2019.")
    qtbot.wait(SAVE_DELAY_MS + 100)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: page.readiness is not None and bool(page.readiness["name_hits"]), timeout=10000)
    assert "Wei Zhang" in page.checks.text()

    answers.queue = [True, False]  # issue, but do not redact: nothing is issued
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert answers.buttons[-1] == "Redact the names and issue"
    assert "Wei Zhang" in dialog_log.texts()[-1]
    assert page.response["status"] == "draft"

    answers.queue = [True, True]
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert page.response["status"] == "issued"


def test_issuing_without_a_reason_for_withholding_says_so(qtbot: Any, open_window: Any, dialog_log: DialogLog) -> None:
    window = open_window(filled=True)
    context = window.context
    page = _draft(qtbot, window)
    page.questions.setCurrentRow(0)
    _checkable(page)[0].setCheckState(Qt.CheckState.Unchecked)
    wait_idle(qtbot, context)
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert dialog_log.texts()[-1] == "The letter withholds 1 item: give the reason it states before issuing it."
    assert page.response["status"] == "draft"


def _letter_text(data: bytes) -> str:
    import io
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_a_new_inquiry_with_its_own_recipients_and_questions_is_answered_in_the_workspace(
    qtbot: Any, open_window: Any
) -> None:
    window = open_window(filled=True)
    context = window.context
    workspace = window.show_page("response")
    wait_idle(qtbot, context)

    # The inquiry, its recipients (a blank line between them) and its questions, entered in the window.
    page = window.show_page("inquiry")
    wait_idle(qtbot, context)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editors = page.detail.form.editors
    qtbot.keyClicks(editors["subject"].focus_widget(), "Request of the State Auditor")
    qtbot.keyClicks(editors["received_on"].focus_widget(), "2026-02-01")
    editors["recipients"].focus_widget().setPlainText(
        "Ms. Dana Reyes\nOffice of the State Auditor\nJefferson City, MO 65102\n\n"
        "Mr. Sam Ortiz\nOffice of the State Auditor\nJefferson City, MO 65102"
    )
    editors["optional_recipients"].focus_widget().setPlainText("The Governor\nJefferson City, MO 65101")
    qtbot.mouseClick(page.detail.form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    inquiry_id = page.detail.record["id"]
    questions = page.detail.questions
    qtbot.mouseClick(questions.add_button, Qt.MouseButton.LeftButton)
    questions.table.item(0, 0).setText("Which agreements bind the city, and who may read them?")
    questions.table.item(0, 1).setText("Agreements")
    questions.table.item(0, questions.FIRST_TOPIC).setCheckState(Qt.CheckState.Checked)  # transparency
    qtbot.mouseClick(questions.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)

    # The workspace offers it, starts a draft and takes its answer; the letter is addressed to its recipients.
    window.show_page("response")
    wait_idle(qtbot, context)
    index = workspace.inquiry_box.findData(inquiry_id)
    assert index >= 0
    workspace.inquiry_box.setCurrentIndex(index)
    wait_idle(qtbot, context)
    assert workspace.response is None and workspace.start_button.isEnabled()
    qtbot.mouseClick(workspace.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert workspace.response is not None and workspace.response["inquiry_id"] == inquiry_id
    assert [workspace.questions.item(row).text() for row in range(workspace.questions.count())] == ["1. Agreements"]
    assert _checkable(workspace), "the agreement on record is evidence on transparency"
    workspace.narrative.setPlainText("The agreements are kept by the City Clerk.")
    qtbot.wait(SAVE_DELAY_MS + 100)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), workspace.response["id"])
    assert stored["answers"][0]["narrative"] == "The agreements are kept by the City Clerk."
    workspace.copy_to.setChecked(True)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: workspace.pdf_bytes is not None, timeout=10000)
    wait_idle(qtbot, context)
    text = _letter_text(responses.render_pdf(context.database(), workspace.response["id"]))
    for expected in ("Dana Reyes", "Sam Ortiz", "The Governor", "The agreements are kept by the City Clerk."):
        assert expected in text
