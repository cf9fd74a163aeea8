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
