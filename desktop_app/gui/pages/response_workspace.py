"""The response workspace: answer an inquiry question by question, preview the letter, save, print and issue it."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import UserError
from ...core.host.user_files import write_whole
from ...core.records.inquiries import list_inquiries
from ...core.records.kinds import kind_named
from ...core.reports import responses
from ...core.reports.named_values import named_values
from ..context import AppContext
from ..dialogs import messages
from ..live_updates import ELSEWHERE
from ..operations import Changes
from ..undo import WithholdCommand
from ..widgets.field_editors import DateEditor, ProblemLabel
from ..widgets.icons import icon
from ..widgets.pdf_preview import PdfPreview
from .base import RecordlessPage

SAVE_DELAY_MS = 700
REF_ROLE = Qt.ItemDataRole.UserRole


def _bold_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label


class ResponseWorkspace(QWidget, RecordlessPage):
    """One draft at a time; every edit is saved through core and the preview is drawn again from the records."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._started = False
        self.response: dict[str, Any] | None = None
        self.evidence: dict[int, list[dict[str, Any]]] = {}
        self.pdf_bytes: bytes | None = None
        self.readiness: dict[str, Any] | None = None
        self._question: dict[str, Any] | None = None
        self._filling = False
        self.setAccessibleName("Response workspace")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(_bold_title("Responses"))
        self.inquiry_box = QComboBox()
        self.inquiry_box.setAccessibleName("The inquiry to answer")
        # Short enough to fit a 1280×720 screen at 150 %; the box widens with the window, and its tooltip is whole.
        self.inquiry_box.setMinimumContentsLength(16)
        self.inquiry_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.inquiry_box.currentIndexChanged.connect(lambda _index: self.load_inquiry())
        top.addWidget(self.inquiry_box, 1)
        layout.addLayout(top)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.state.setAccessibleName("State of the response")
        layout.addWidget(self.state)

        actions = QHBoxLayout()
        self.start_button = self._button("new", "Start a draft", "Start a draft response to this inquiry", self.start)
        self.supersede_button = self._button(
            "new", "New draft replacing it", "Start a new draft that supersedes the issued response", self.supersede
        )
        self.save_pdf_button = self._button("pdf", "Save PDF…", "Save the letter as a PDF file", self.save_pdf)
        self.print_button = self._button("print", "Print…", "Print the letter", self.print_letter)
        self.issue_button = self._button("issue", "Issue…", "Issue the response (cannot be undone)", self.issue)
        self.package_button = self._button(
            "save", "Package…", "Write the verifiable package of the issued letter", self.package
        )
        for button in (self.start_button, self.supersede_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.save_pdf_button, self.print_button, self.issue_button, self.package_button):
            actions.addWidget(button)
        layout.addLayout(actions)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        self.supersedes_note = QLabel("")
        self.supersedes_note.setWordWrap(True)
        self.supersedes_note.setAccessibleName("The response this draft supersedes")
        self.supersedes_note.hide()
        layout.addWidget(self.supersedes_note)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)

        self.letter_box = QGroupBox("The letter")
        self.letter_form = letter_form = QFormLayout(self.letter_box)
        self.letter_date = DateEditor(kind_named("response").field("letter_date"))
        self.letter_date.line.setAccessibleName("Date of the letter")
        self.letter_date.line.setPlaceholderText("empty: day of issue")
        self.letter_date.committed.connect(self.save_letter)
        self.signatory_name = QLineEdit()
        self.signatory_name.setPlaceholderText("as in the settings")
        self.signatory_name.setAccessibleName("Name of who signs the letter")
        self.signatory_title = QLineEdit()
        self.signatory_title.setAccessibleName("Title of who signs the letter")
        self.copy_to = QCheckBox("Also address the optional recipients")
        self.copy_to.setAccessibleName("Also address the optional recipients")
        self.introduction = QPlainTextEdit()
        self.introduction.setAccessibleName("Introduction of the letter")
        self.introduction.setPlaceholderText("empty: the standard introduction")
        self.closing = QPlainTextEdit()
        self.closing.setAccessibleName("Closing of the letter")
        self.closing.setPlaceholderText("empty: the standard closing")
        for box, lines in ((self.introduction, 4), (self.closing, 3)):
            box.setTabChangesFocus(True)
            box.setFixedHeight(self._text_height(box, lines))
            box.textChanged.connect(self._letter_text_edited)
        letter_form.addRow("Dated", self.letter_date)
        letter_form.addRow("Signed by", self.signatory_name)
        letter_form.addRow("Title", self.signatory_title)
        letter_form.addRow("", self.copy_to)
        self.withheld_reason = QLineEdit()
        self.withheld_reason.setAccessibleName("Reason for withholding")
        self.withheld_reason.setPlaceholderText("the reason the letter states for what it withholds")
        self.withheld_reason.editingFinished.connect(self.save_reason)
        letter_form.addRow("Reason for withholding", self.withheld_reason)
        self.reason_problem = ProblemLabel()
        letter_form.addRow("", self.reason_problem)
        letter_form.addRow("Introduction", self.introduction)
        letter_form.addRow("Closing", self.closing)
        for line in (self.signatory_name, self.signatory_title):
            line.editingFinished.connect(self.save_letter)
        self.copy_to.toggled.connect(lambda _on: self.save_letter())
        left_layout.addWidget(self.letter_box)

        self.questions = QListWidget()
        self.questions.setAccessibleName("Questions of the inquiry")
        self.questions.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 8)
        self.questions.currentRowChanged.connect(self._question_chosen)
        left_layout.addWidget(self.questions)

        self.question_text = QLabel("")
        self.question_text.setWordWrap(True)
        self.question_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left_layout.addWidget(self.question_text)
        narrative_row = QHBoxLayout()
        narrative_row.addWidget(QLabel("The answer, in your words:"))
        narrative_row.addStretch(1)
        self.insert_button = QToolButton()
        self.insert_button.setText("Insert a value")
        self.insert_button.setAccessibleName("Insert a named value into the answer")
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self.insert_button)
        for name, meaning in named_values().items():
            action = self.insert_menu.addAction(meaning)
            action.setToolTip("{" + name + "}")
            action.triggered.connect(lambda _checked=False, n=name: self.insert_value(n))
        self.insert_button.setMenu(self.insert_menu)
        narrative_row.addWidget(self.insert_button)
        left_layout.addLayout(narrative_row)
        self.narrative = QPlainTextEdit()
        self.narrative.setAccessibleName("The answer to the chosen question")
        self.narrative.setTabChangesFocus(True)  # Tab moves on, as in every other field; an answer needs no tabs
        self.narrative.textChanged.connect(self._narrative_edited)
        left_layout.addWidget(self.narrative, 2)
        self.narrative_problem = ProblemLabel()
        left_layout.addWidget(self.narrative_problem)
        evidence_label = QLabel("Evidence from the records (untick what the whole letter should withhold):")
        evidence_label.setWordWrap(True)
        left_layout.addWidget(evidence_label)
        self.evidence_list = QListWidget()
        self.evidence_list.setAccessibleName("Evidence for the chosen question")
        self.evidence_list.setWordWrap(True)
        self.evidence_list.itemChanged.connect(self._evidence_toggled)
        left_layout.addWidget(self.evidence_list, 2)
        # The letter's settings and answers scroll on their own, so the page fits a small screen.
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(left)
        splitter.addWidget(left_scroll)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.checks_box = QGroupBox("Before issuing")
        checks_layout = QVBoxLayout(self.checks_box)
        self.checks = QLabel("")
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.checks.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.checks.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.checks.setAccessibleName("What stands in the way of issuing, and what the letter flags")
        checks_scroll = QScrollArea()
        checks_scroll.setWidgetResizable(True)
        checks_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        checks_scroll.setWidget(self.checks)
        checks_scroll.setMaximumHeight(self.fontMetrics().lineSpacing() * 9)
        checks_layout.addWidget(checks_scroll)
        self.checks_box.hide()
        right_layout.addWidget(self.checks_box)
        self.preview = PdfPreview()
        right_layout.addWidget(self.preview, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self._letter_timer = QTimer(self)
        self._letter_timer.setSingleShot(True)
        self._letter_timer.setInterval(SAVE_DELAY_MS)
        self._letter_timer.timeout.connect(self.save_letter)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_narrative)
        context.ops.changed.connect(self._records_changed)
        self._show_state()

    @staticmethod
    def _text_height(box: QPlainTextEdit, lines: int) -> int:
        """Tall enough for exactly so many whole lines of text, with the frame."""
        # The document's margin only above: a margin below would show the top of the next line of a longer text,
        # which looks like a line cut in half.
        margin = int(box.document().documentMargin()) + box.frameWidth() * 2
        return box.fontMetrics().lineSpacing() * lines + margin

    def _button(self, icon_name: str, text: str, accessible: str, slot: Any) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    # --- choosing the inquiry and its response --------------------------------------------------------------

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self._context.ops.query(list_inquiries, label="Reading the inquiries…", on_done=self._inquiries)

    def _inquiries(self, inquiries: list[dict[str, Any]]) -> None:
        current = self.inquiry_box.currentData()
        self.inquiry_box.blockSignals(True)
        self.inquiry_box.clear()
        for inquiry in inquiries:
            dated = f" ({inquiry['sent_on'].isoformat()})" if inquiry.get("sent_on") else ""
            self.inquiry_box.addItem(f"{inquiry['subject']}{dated}", inquiry["id"])
            self.inquiry_box.setItemData(
                self.inquiry_box.count() - 1, f"{inquiry['subject']}{dated}", Qt.ItemDataRole.ToolTipRole
            )
        index = self.inquiry_box.findData(current)
        self.inquiry_box.setCurrentIndex(index if index >= 0 else 0)
        self.inquiry_box.blockSignals(False)
        self.load_inquiry()

    @property
    def inquiry_id(self) -> int | None:
        data = self.inquiry_box.currentData()
        return int(data) if data is not None else None

    def load_inquiry(self) -> None:
        inquiry_id = self.inquiry_id
        if inquiry_id is None:
            self._show_response(None)
            return

        def read(db: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
            # The newest response that is not superseded: a draft that supersedes an issued letter comes first.
            latest = responses.latest_response(db, inquiry_id)
            if latest is None:
                return None, []
            full = responses.get_response(db, latest["id"])
            found = responses.evidence(db, latest["id"]) if full["status"] == "draft" else []
            if full.get("supersedes_id"):
                full["supersedes"] = responses.get_response(db, full["supersedes_id"])
            return full, found

        self._context.ops.query(read, label="Reading the response…", on_done=self._loaded)

    def _loaded(self, result: tuple[dict[str, Any] | None, list[dict[str, Any]]]) -> None:
        response, found = result
        shown = self.response
        if self._typing() and response is not None and shown is not None and response["id"] == shown["id"]:
            # Filling the boxes now would lose the words typed since the read: read again once they are saved.
            QTimer.singleShot(SAVE_DELAY_MS, self, self._read_again_after_typing)
            return
        self.evidence = {entry["question_id"]: entry["items"] for entry in found}
        self._show_response(response)

    def _show_response(self, response: dict[str, Any] | None) -> None:
        same = response is not None and self.response is not None and self.response["id"] == response["id"]
        current = self.questions.currentItem()
        keep_question = current.data(REF_ROLE) if same and current is not None else None
        self.response = response
        self.readiness = None
        self._filling = True
        self.questions.clear()
        self.narrative.clear()
        self.evidence_list.clear()
        if response is not None:
            self.letter_date.set_value(response.get("letter_date"))
            self.signatory_name.setText(response.get("signatory_name") or "")
            self.signatory_title.setText(response.get("signatory_title") or "")
            self.copy_to.setChecked(bool(response.get("include_optional_recipients")))
            self.introduction.setPlainText(response.get("introduction") or "")
            self.closing.setPlainText(response.get("closing") or "")
            self.withheld_reason.setText(response.get("withheld_reason") or "")
            for answer in response["answers"]:
                title = answer["short_title"] or answer["question"][:50]
                item = QListWidgetItem(f"{answer['position']}. {title}")
                item.setData(REF_ROLE, answer["question_id"])
                self.questions.addItem(item)
        self._filling = False
        if self.questions.count():
            rows = [
                row for row in range(self.questions.count()) if self.questions.item(row).data(REF_ROLE) == keep_question
            ]
            self.questions.setCurrentRow(rows[0] if rows else 0)
        self._show_state()
        self._show_withholding()
        self.refresh_preview()

    def _show_state(self) -> None:
        response = self.response
        draft = response is not None and response["status"] == "draft"
        issued = response is not None and response["status"] == "issued"
        if response is None:
            self.state.setText("No response yet.")
        elif draft:
            self.state.setText(f"Draft {response['id']}: changes are saved as you type.")
        else:
            self.state.setText(
                f"Issued on {response['issued_on'].isoformat()}; SHA-256 {response['pdf_sha256'][:16]}…"
                if response.get("issued_on")
                else f"Response {response['id']} is {response['status']}."
            )
        self.start_button.setVisible(response is None)
        self.start_button.setEnabled(self.inquiry_id is not None)
        self.supersede_button.setVisible(issued)
        self.issue_button.setEnabled(draft)
        self.package_button.setEnabled(issued)
        for widget in (self.save_pdf_button, self.print_button):
            widget.setEnabled(response is not None)
        for control in (self.letter_box, self.narrative, self.evidence_list, self.insert_button):
            control.setEnabled(draft)
        self.questions.setEnabled(response is not None)
        self.checks_box.setVisible(draft)
        old = response.get("supersedes") if draft and response is not None else None
        if old:
            issued_on = old["issued_on"].isoformat() if old.get("issued_on") else "earlier"
            self.supersedes_note.setText(
                f"This draft supersedes response {old['id']} (issued {issued_on}); that letter is marked superseded "
                "when this one is issued."
            )
        self.supersedes_note.setVisible(bool(old))

    def _records_changed(self, changes: Changes, initiator: object) -> None:
        if not self._started or initiator is self:  # its own writes: it shows their results already
            return
        if initiator is ELSEWHERE:
            self._save_typing()  # the worker saves the clerk's words before it reads the response again
        if changes.touches("inquiry"):
            self._context.ops.query(list_inquiries, label="Reading the inquiries…", on_done=self._inquiries)
        elif (self.response is not None and self.response["status"] == "draft") or (
            initiator is ELSEWHERE and changes.touches("response")
        ):
            self.load_inquiry()

    def _typing(self) -> bool:
        """True while words typed are waiting for their save (a moment after the last key)."""
        return self._save_timer.isActive() or self._letter_timer.isActive()

    def _save_typing(self) -> None:
        """Saves at once what the clerk typed, which the timers would save a moment later."""
        for timer, save in ((self._save_timer, self.save_narrative), (self._letter_timer, self.save_letter)):
            if timer.isActive():
                timer.stop()
                save()
        self.save_reason()

    def _read_again_after_typing(self) -> None:
        if self.response is not None:
            self._save_typing()
            self.load_inquiry()

    # --- a question -----------------------------------------------------------------------------------------

    def _answer(self, question_id: int) -> dict[str, Any] | None:
        if self.response is None:
            return None
        return next((a for a in self.response["answers"] if a["question_id"] == question_id), None)

    def _question_chosen(self, row: int) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_narrative()
        item = self.questions.item(row) if row >= 0 else None
        answer = self._answer(item.data(REF_ROLE)) if item is not None else None
        self._question = answer
        self._filling = True
        self.narrative_problem.show_problem("")
        self.evidence_list.clear()
        if answer is None:
            self.question_text.setText("")
            self.narrative.clear()
        else:
            self.question_text.setText(f"<b>Question {answer['position']}.</b> {answer['question']}")
            self.narrative.setPlainText(answer["narrative"])
            items = self.evidence.get(answer["question_id"], [])
            if not items and self.response is not None and self.response["status"] == "draft":
                placeholder = QListWidgetItem("The records hold no evidence on this question's topics yet.")
                placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
                self.evidence_list.addItem(placeholder)
            for entry in items:
                evidence_item = QListWidgetItem(f"{entry['section']}: {entry['description']}")
                evidence_item.setData(REF_ROLE, entry["ref"])
                evidence_item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                evidence_item.setCheckState(Qt.CheckState.Unchecked if entry["excluded"] else Qt.CheckState.Checked)
                self.evidence_list.addItem(evidence_item)
        self._filling = False

    def insert_value(self, name: str) -> None:
        self.narrative.insertPlainText("{" + name + "}")
        self.narrative.setFocus()

    def _narrative_edited(self) -> None:
        if not self._filling and self._question is not None:
            self._save_timer.start()

    def save_narrative(self) -> None:
        answer = self._question
        if self.response is None or answer is None or self.response["status"] != "draft":
            return
        text = self.narrative.toPlainText()
        if text == answer["narrative"]:
            return
        answer["narrative"] = text
        self._save_answer(answer["question_id"], text)

    def _evidence_toggled(self, item: QListWidgetItem) -> None:
        """Withholds the item from the whole letter, or puts it back: under every question it is listed."""
        if self._filling or self._question is None or self.response is None or not item.data(REF_ROLE):
            return
        ref = str(item.data(REF_ROLE))
        withhold = item.checkState() == Qt.CheckState.Unchecked
        self._mark_withheld({ref} if withhold else set(), set() if withhold else {ref})
        text = "withhold evidence from the letter" if withhold else "put evidence back in the letter"
        withheld, put_back = ([ref], []) if withhold else ([], [ref])
        response_id = self.response["id"]
        self._context.ops.set_withheld(
            response_id,
            withhold=withheld,
            put_back=put_back,
            label="Saving what the letter withholds…",
            on_done=lambda response: self._withheld_saved(
                response, WithholdCommand(self._context, response_id, text, withhold=withheld, put_back=put_back)
            ),
            on_error=self._letter_failed,
            initiator=self,
        )

    def _mark_withheld(self, withhold: set[str], put_back: set[str]) -> None:
        for items in self.evidence.values():
            for entry in items:
                if entry["ref"] in withhold:
                    entry["excluded"] = True
                elif entry["ref"] in put_back:
                    entry["excluded"] = False

    def save_reason(self) -> None:
        response = self.response
        if self._filling or response is None or response["status"] != "draft":
            return
        before = response.get("withheld_reason") or ""
        reason = " ".join(self.withheld_reason.text().split())
        if reason == before:
            return
        response_id = response["id"]
        command = WithholdCommand(
            self._context, response_id, "change the reason for withholding", reason=(before, reason)
        )
        self._context.ops.set_withheld(
            response_id,
            reason=reason,
            label="Saving the reason for withholding…",
            on_done=lambda saved: self._withheld_saved(saved, command),
            on_error=self._letter_failed,
            initiator=self,
        )

    def _withheld_saved(self, saved: dict[str, Any], command: WithholdCommand) -> None:
        self._context.undo_stack.push(command)
        if self.response is None or saved["id"] != self.response["id"]:
            return
        self.response["withheld_evidence"] = saved["withheld_evidence"]
        self.response["withheld_reason"] = saved["withheld_reason"]
        withheld = set(saved["withheld_evidence"])
        for items in self.evidence.values():
            for entry in items:
                entry["excluded"] = entry["ref"] in withheld
        self._show_withholding()
        self.refresh_preview()

    def _show_withholding(self) -> None:
        """The reason field shows while the letter withholds anything, with a warning while it gives no reason."""
        response = self.response
        count = len(response.get("withheld_evidence") or []) if response is not None else 0
        self.letter_form.setRowVisible(self.withheld_reason, count > 0)
        missing = count > 0 and not (response or {}).get("withheld_reason", "").strip()
        items = "item" if count == 1 else "items"
        self.reason_problem.show_problem(
            f"The letter withholds {count} {items}: give the reason it states before issuing it." if missing else ""
        )
        self.letter_form.setRowVisible(self.reason_problem, missing)

    def _save_answer(self, question_id: int, narrative: str) -> None:
        assert self.response is not None
        response_id = self.response["id"]
        self._context.ops.set_answer(
            response_id,
            question_id,
            narrative,
            label="Saving the answer…",
            on_done=self._answer_saved,
            on_error=self._answer_failed,
            initiator=self,
        )

    def _answer_saved(self, response: dict[str, Any]) -> None:
        if self.response is None or response["id"] != self.response["id"]:
            return
        self.narrative_problem.show_problem("")
        self._context.runner.busy_changed.emit("The answer is saved.")
        self.refresh_preview()

    def _answer_failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.narrative_problem.show_problem(error.message)
            if self._question is not None:
                self._question["narrative"] = ""  # not stored: the next edit tries again
        else:
            self._context.runner.unhandled_error.emit(error)

    def _letter_text_edited(self) -> None:
        if not self._filling:
            self._letter_timer.start()

    def save_letter(self) -> None:
        if self._filling or self.response is None or self.response["status"] != "draft":
            return
        changes = {
            "letter_date": self.letter_date.value() or None,
            "signatory_name": self.signatory_name.text(),
            "signatory_title": self.signatory_title.text(),
            "include_optional_recipients": self.copy_to.isChecked(),
            "introduction": self.introduction.toPlainText(),
            "closing": self.closing.toPlainText(),
        }
        if self.letter_date.problem():
            del changes["letter_date"]  # the check beside the date says why; the rest of the letter is saved
        self.problem.show_problem("")
        self._context.ops.set_letter(
            self.response["id"],
            changes,
            label="Saving the letter…",
            on_done=lambda _response: self.refresh_preview(),
            on_error=self._letter_failed,
            initiator=self,
        )

    def _letter_failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.problem.show_problem(error.message)
        else:
            self._context.runner.unhandled_error.emit(error)

    # --- the letter -----------------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Draws the letter again from the records (the stored PDF once it is issued)."""
        response = self.response
        if response is None:
            self.pdf_bytes = None
            self.preview.clear()
            return
        response_id, issued = response["id"], response["status"] != "draft"
        if not issued:
            self._context.ops.query(
                responses.readiness,
                response_id,
                label="Checking the letter…",
                on_done=lambda ready: self._show_readiness(response_id, ready),
            )
        render = responses.issued_pdf if issued else responses.render_pdf
        self._context.ops.query(
            render,
            response_id,
            label="Drawing the letter…",
            on_done=lambda data: self._show_pdf(response_id, data),
        )

    def _show_readiness(self, response_id: int, ready: dict[str, Any]) -> None:
        if self.response is None or self.response["id"] != response_id:
            return
        self.readiness = ready
        self.checks.setText(readiness_html(ready))

    def _show_pdf(self, response_id: int, data: bytes) -> None:
        if self.response is None or self.response["id"] != response_id:
            return
        page = self.preview.current_page() if self.preview.page_count else 0
        self.pdf_bytes = data
        self.preview.load_bytes(data)
        # The preview's own page count says it is drawn: the status bar keeps the clerk's last confirmation.
        self.preview.go_to_page(min(page, self.preview.page_count - 1))

    def start(self) -> None:
        inquiry_id = self.inquiry_id
        if inquiry_id is None:
            return
        self._context.ops.start_draft(
            inquiry_id,
            label="Starting a draft…",
            on_done=lambda _draft: self.load_inquiry(),
            on_error=self._letter_failed,
            initiator=self,
        )

    def supersede(self) -> None:
        if self.response is None:
            return
        self._context.ops.supersede_response(
            self.response["id"],
            label="Starting a new draft…",
            on_done=lambda _draft: self.load_inquiry(),
            initiator=self,
        )

    def save_pdf(self) -> None:
        if self.pdf_bytes is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save the letter as PDF", self.suggested_name(), "PDF (*.pdf)")
        if name:
            self.write_pdf(Path(name))

    def suggested_name(self) -> str:
        response = self.response or {}
        kind = "issued" if response.get("status") == "issued" else "draft"
        return f"response-{response.get('id', '')}-{kind}.pdf"

    def write_pdf(self, path: Path) -> None:
        data = self.pdf_bytes
        if data is None:
            return

        def write(_control: Any) -> Path:
            # Whole or not at all, and readable by the clerk only, like every file the program writes.
            write_whole(path, data, example="response.pdf", what="The letter")
            return path

        self._context.runner.run(
            write, label="Saving the letter…", on_done=lambda p: self._context.runner.busy_changed.emit(f"Saved {p}.")
        )

    def package(self) -> None:
        """Offers to write the issued letter's package: the proof that travels with it."""
        response = self.response
        if response is None or response["status"] != "issued":
            return
        from ..dialogs.package import package_response

        package_response(self, self._context, response["id"], f"{self.suggested_name().removesuffix('.pdf')}.zip")

    def print_letter(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the letter")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Prints every page of the letter shown; returns the number of pages printed."""
        document = self.preview.document
        pages = document.pageCount()
        if not pages:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError("The printer could not be started.")
        try:
            for number in range(pages):
                if number:
                    printer.newPage()
                target = printer.pageLayout().paintRectPixels(printer.resolution())
                size = document.pagePointSize(number)
                scale = min(target.width() / size.width(), target.height() / size.height())
                image: QImage = document.render(number, (size * scale).toSize())
                painter.drawImage(QRectF(0, 0, image.width(), image.height()), image)
        finally:
            painter.end()
        self._context.runner.busy_changed.emit(f"Sent {pages} pages to the printer.")
        return pages

    def issue(self) -> None:
        """Reads what stands in the way first, asks what the clerk must decide, then issues."""
        if self.response is None or self.response["status"] != "draft":
            return
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_narrative()
        if self._letter_timer.isActive():
            self._letter_timer.stop()
            self.save_letter()
        self.save_reason()
        response_id = self.response["id"]
        self._context.ops.query(
            responses.readiness,
            response_id,
            label="Checking the letter before issuing…",
            on_done=lambda ready: self._issue_checked(response_id, ready),
            on_error=self._issue_failed,
        )

    def _issue_checked(self, response_id: int, ready: dict[str, Any]) -> None:
        if self.response is None or self.response["id"] != response_id or self.response["status"] != "draft":
            return
        self._show_readiness(response_id, ready)
        title = "Issue the response"
        if ready["signatory_missing"]:
            messages.warn(
                self,
                title,
                "Say who signs the letter before issuing it: fill in “Signed by” and “Title”, or the signatory in "
                "the settings.",
            )
            return
        if ready["reason_missing"]:
            count = ready["withheld"]
            items = "item" if count == 1 else "items"
            messages.warn(
                self, title, f"The letter withholds {count} {items}: give the reason it states before issuing it."
            )
            self.withheld_reason.setFocus()
            return
        if ready["document_hits"]:
            hit = ready["document_hits"][0]
            where = hit["where"][:1].upper() + hit["where"][1:]
            messages.warn(
                self,
                title,
                f"{where} names a recorded participant (“{hit['excerpt']}”). Untick it in the evidence to withhold it "
                "from the letter before issuing.",
            )
            return
        question = (
            "Issue this response? The letter is frozen as it is now: its PDF is kept in the records with its "
            "fingerprint (SHA-256). This cannot be undone; a later change needs a new draft that supersedes it."
        )
        if not messages.confirm(self, title, question, "Issue"):
            return
        unconfirmed = ready["unconfirmed"]
        if unconfirmed:
            come = "partnership in this letter comes" if unconfirmed == 1 else "partnerships in this letter come"
            are = "is" if unconfirmed == 1 else "are"
            text = (
                f"{unconfirmed} {come} from a public list and {are} unconfirmed. The letter says so. Issue it anyway?"
            )
            if not messages.confirm(self, "Unconfirmed partnerships", text, "Issue it anyway"):
                return
        hits = ready["name_hits"]
        if hits:
            places = "; ".join(f"{hit['where']} (“{hit['excerpt']}”)" for hit in hits[:3])
            more = f", and {len(hits) - 3} more" if len(hits) > 3 else ""
            text = (
                f"The letter names a recorded participant: {places}{more}. The issued letter can print "
                "[name withheld] in their place."
            )
            if not messages.confirm(self, "Participant names in the letter", text, "Redact the names and issue"):
                return
        self._context.ops.issue_response(
            response_id,
            acknowledge_unconfirmed=bool(unconfirmed),
            redact_names=bool(hits),
            label="Issuing the response…",
            on_done=lambda _issued: self.load_inquiry(),
            on_error=self._issue_failed,
            initiator=self,
        )

    def _issue_failed(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            messages.show_error(self, error, self._context.log_path)
        else:
            self._context.runner.unhandled_error.emit(error)


def readiness_html(ready: dict[str, Any]) -> str:
    """The "Before issuing" list: what must be done first, then what the letter flags."""
    lines: list[str] = []
    if ready["signatory_missing"]:
        lines.append("No one signs the letter yet: fill in “Signed by” and “Title”.")
    if ready["reason_missing"]:
        count = ready["withheld"]
        lines.append(f"The letter withholds {count} {'item' if count == 1 else 'items'} and states no reason.")
    for hit in ready["document_hits"]:
        lines.append(f"{hit['where'][:1].upper()}{hit['where'][1:]} names a participant (“{hit['excerpt']}”).")
    for hit in ready["name_hits"]:
        lines.append(f"A participant's name is in {hit['where']} (“{hit['excerpt']}”).")
    unconfirmed = ready["unconfirmed"]
    if unconfirmed:
        lines.append(
            f"{unconfirmed} {'partnership is' if unconfirmed == 1 else 'partnerships are'} unconfirmed "
            "(from a public list); the letter says so."
        )
    lines.extend(ready["warnings"])
    if not lines:
        return "Nothing stands in the way of issuing the letter."
    return "<ul style='margin-left: -20px'>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
