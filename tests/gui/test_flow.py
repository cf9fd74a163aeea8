"""A clerk's first hour, driven by clicks and keys: a partnership, its agreement PDF, a risk assessment, undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence

from desktop_app.core.records import service as records
from desktop_app.gui.pages.record_list import RecordListPage
from desktop_app.gui.widgets.files_panel import FilesPanel

from .conftest import make_pdf, wait_idle


def _drop(widget: Any, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    position = QPointF(10, 10)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    widget.event(enter)  # outside a real drag, the application does not route drop events, so deliver them
    assert enter.isAccepted()
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    widget.event(drop)


def _type(qtbot: Any, page: RecordListPage, field: str, text: str) -> None:
    editor = page.detail.form.editors[field].focus_widget()
    qtbot.keyClicks(editor, text)


def test_partnership_agreement_pdf_and_risk_assessment(
    qtbot: Any, open_window: Any, pdf_file: Path, dialog_log: Any
) -> None:
    window = open_window()
    context = window.context

    # A partner community first.
    partners = window.show_page("partner")
    qtbot.mouseClick(partners.new_button, Qt.MouseButton.LeftButton)
    _type(qtbot, partners, "name", "Hefei")
    partners.detail.form.editors["native_name"].focus_widget().insert("合肥")  # QTest types Latin-1 only
    _type(qtbot, partners, "country_name", "China")
    qtbot.mouseClick(partners.detail.form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert partners.detail.record is not None and partners.detail.record["name"] == "Hefei"

    # The partnership: the clerk's own city is filled in; the partner is picked by typing its name.
    page = window.show_page("partnership")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, context)
    form = page.detail.form
    assert form.editors["jurisdiction_id"].value() is not None
    partner_editor = form.editors["partner_id"]
    qtbot.keyClicks(partner_editor.search, "Hef")
    qtbot.waitUntil(lambda: partner_editor.combo.count() == 1, timeout=5000)
    wait_idle(qtbot, context)
    qtbot.keyClicks(partner_editor.combo, "Hefei")
    assert partner_editor.value() == partners.detail.record["id"]
    _type(qtbot, page, "established_on", "1994-05-01")
    _type(qtbot, page, "council_resolution_number", "R-94-12")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, context)
    partnership = page.detail.record
    assert partnership is not None and partnership["partner_name"] == "Hefei"
    assert "1 partnership" in page.count_label.text()

    # Drop the agreement PDF on the partnership's files, then preview it and find words in it.
    files = page.detail.files
    assert isinstance(files, FilesPanel)
    page.detail.setCurrentWidget(files)
    _drop(files, pdf_file)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: files.list.count() == 1, timeout=5000)
    assert "agreement 2019" in files.list.item(0).text()
    qtbot.mouseClick(files.preview_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    preview = files.preview_dialog
    assert preview is not None and preview.isVisible()
    assert preview.preview.page_count == 2
    qtbot.mouseClick(preview.preview.next_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(preview.preview.search, "Hefei")
    qtbot.waitUntil(lambda: preview.preview.search_model.rowCount(QModelIndex()) == 2, timeout=5000)
    preview.close()

    # The text of the PDF is found by the search over everything.
    window.search.setText("Springfield Hefei agreement")
    window.run_search()
    wait_idle(qtbot, context)
    assert any(result["record_kind"] == "attachment" for result in window.search_page.results)
    window.show_page("partnership")

    # A new version supersedes the file; the earlier one stays and shows on request.
    second = pdf_file.with_name("agreement 2019 signed.pdf")
    second.write_bytes(make_pdf("Signed sister city agreement between Springfield and Hefei", pages=3))
    first_id = files.current_attachment()["id"]
    files.add_new_version(first_id, second)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: files.current_attachment()["id"] != first_id, timeout=5000)
    assert files.list.count() == 1 and f"newer version of file {first_id}" in files.list.item(0).text()
    files.show_versions.setChecked(True)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=5000)

    # A risk assessment from the partnership's Oversight tab.
    oversight_tab = next(r for r in page.detail.related if r.kind.name == "oversight")
    page.detail.setCurrentWidget(oversight_tab)
    qtbot.mouseClick(oversight_tab.new_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    oversight = window.stack.currentWidget()
    assert isinstance(oversight, RecordListPage) and oversight.kind.name == "oversight"
    assert oversight.detail.form.editors["partnership_id"].value() == partnership["id"]
    qtbot.keyClicks(oversight.detail.form.editors["kind"].combo, "Risk assessment")
    _type(qtbot, oversight, "action_on", "2026-01-15")
    _type(qtbot, oversight, "officer", "City Attorney")
    oversight.detail.form.editors["topics"].boxes["espionage"].click()
    qtbot.keyClicks(oversight.detail.form.editors["risk_level"].combo, "Medium")
    qtbot.mouseClick(oversight.detail.form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    saved = oversight.detail.record
    assert saved is not None and saved["kind"] == "risk_assessment" and saved["risk_level"] == "medium"
    assert saved["topics"] == "espionage"

    # Undo takes the new risk assessment to the trash; redo brings it back.
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    window.undo_action.trigger()
    wait_idle(qtbot, context)
    assert records.get(context.database(), "oversight", saved["id"])["deleted_at"] is not None
    context.undo_stack.redo()
    wait_idle(qtbot, context)
    assert records.get(context.database(), "oversight", saved["id"])["deleted_at"] is None

    # The partnership page lists it, and the dashboard counts the review.
    window.show_page("home")
    wait_idle(qtbot, context)
    summary = window.dashboard.summary
    assert summary is not None and summary.unreviewed_count == 0
    assert summary.record_counts["attachments"] == 2


def test_validation_messages_show_beside_the_fields(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    page = window.show_page("policy")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page, "adopted_on", "8 October")
    qtbot.mouseClick(page.detail.form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    problems = page.detail.form.problems
    assert problems["title"].isVisible() and problems["title"].text.text() == "Title is required."
    assert "YYYY-MM-DD" in problems["adopted_on"].text.text()
    assert page.detail.record is None
    assert records.count_records(window.context.database(), "policy") == 0


def test_edit_undo_and_trash_undo(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    context = window.context
    policy_id = window.ids["policy"]
    page = window.show_page("policy")
    page.open_record(policy_id)
    wait_idle(qtbot, context)
    title = page.detail.form.editors["title"].focus_widget()
    title.selectAll()
    qtbot.keyClicks(title, "Exchange code")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, context)
    assert records.get(context.database(), "policy", policy_id)["title"] == "Exchange code"
    window.undo_action.trigger()
    wait_idle(qtbot, context)
    assert records.get(context.database(), "policy", policy_id)["title"] == "Code of conduct for exchanges"

    page.open_record(policy_id)
    wait_idle(qtbot, context)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert records.get(context.database(), "policy", policy_id)["deleted_at"] is not None
    trash = window.show_page("trash")
    trash.kind_box.setCurrentIndex(trash.kind_box.findData("policy"))
    wait_idle(qtbot, context)
    assert trash.model.rowCount() == 2  # with the one trashed by the fixture
    window.undo_action.trigger()
    wait_idle(qtbot, context)
    assert records.get(context.database(), "policy", policy_id)["deleted_at"] is None
    assert trash.model.rowCount() == 1
    assert dialog_log.messages == []


def test_stopping_an_attachment_keeps_nothing(qtbot: Any, open_window: Any, pdf_file: Path) -> None:
    import threading

    window = open_window(filled=True)
    context = window.context
    page = window.show_page("partnership")
    page.open_record(window.ids["partnership"])
    wait_idle(qtbot, context)
    files = page.detail.files
    release = threading.Event()
    context.runner.run(lambda _control: release.wait(10), label="Busy…")  # holds the worker
    files.attach([pdf_file])
    assert files.cancel_button.isVisibleTo(files) and files.busy
    qtbot.mouseClick(files.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    wait_idle(qtbot, context)
    assert not files.busy and files.list.count() == 0
    assert "nothing was stored" in window.status_label.text()
    assert window.dashboard.summary is not None
    from desktop_app.core.files.attachments import list_attachments

    assert list_attachments(context.database()) == []


def test_columns_shown_and_widths_are_remembered(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = window.show_page("policy")
    wait_idle(qtbot, window.context)
    header = page.table.horizontalHeader()
    summary = next(n for n, column in enumerate(page.model.columns()) if column.key == "summary")
    assert header.isSectionHidden(summary)
    page.table.set_column_shown(summary, True)
    header.resizeSection(1, 333)
    again = RecordListPage(window.context, window, "policy")
    qtbot.addWidget(again)
    assert not again.table.horizontalHeader().isSectionHidden(summary)
    assert again.table.horizontalHeader().sectionSize(1) == 333


def test_a_new_inquiry_with_its_questions(qtbot: Any, open_window: Any) -> None:
    from desktop_app.core.records.inquiries import list_inquiries

    window = open_window()
    context = window.context
    page = window.show_page("inquiry")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page, "subject", "Request of the State Auditor")
    _type(qtbot, page, "received_on", "2026-02-01")
    qtbot.mouseClick(page.detail.form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    questions = page.detail.questions
    assert questions.isEnabled()
    qtbot.mouseClick(questions.add_button, Qt.MouseButton.LeftButton)
    questions.table.item(0, 0).setText("Which agreements bind the city?")
    questions.table.item(0, questions.FIRST_TOPIC).setCheckState(Qt.CheckState.Checked)  # transparency
    qtbot.mouseClick(questions.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    saved = next(i for i in list_inquiries(context.database()) if i["subject"] == "Request of the State Auditor")
    assert [(q["text"], q["topics"]) for q in saved["questions"]] == [
        ("Which agreements bind the city?", "transparency")
    ]


def test_dashboard_links_open_the_record(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.dashboard.follow_ups.linkActivated.emit(f"oversight:{window.ids['oversight']}")
    wait_idle(qtbot, window.context)
    page = window.stack.currentWidget()
    assert isinstance(page, RecordListPage) and page.kind.name == "oversight"
    assert page.detail.record["id"] == window.ids["oversight"]


def test_unsaved_changes_are_not_lost_without_asking(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    page = window.show_page("partnership")
    wait_idle(qtbot, window.context)
    page.table.selectRow(0)
    first = page.detail.record["id"]
    qtbot.keyClicks(page.detail.form.editors["notes"].focus_widget(), "Met the delegation.")
    dialog_log.answer = False
    page.table.selectRow(1)
    assert page.detail.record["id"] == first and page.detail.form.dirty
    window.close()
    assert window.isVisible()
    assert "not saved" in dialog_log.texts()[-1]
    dialog_log.answer = True
    page.table.selectRow(1)
    assert page.detail.record["id"] != first


def test_a_file_name_with_a_right_to_left_override_is_shown_spelled_out(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    context = window.context
    page = window.show_page("partnership")
    page.open_record(window.ids["partnership"])
    wait_idle(qtbot, context)
    files = page.detail.files
    posing = tmp_path / "invoice\u202etxt.exe"
    posing.write_bytes(b"not an invoice")
    files.attach([posing])
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: files.list.count() == 1, timeout=5000)
    shown = files.list.item(0).text()
    assert "invoice<U+202E>txt.exe" in shown and "\u202e" not in shown
