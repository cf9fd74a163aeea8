"""The response workspace: answer an inquiry question by question, preview the letter, save, print and issue it."""

from __future__ import annotations

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
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import UserError
from ...core.records.inquiries import list_inquiries
from ...core.reports import responses
from ...core.reports.named_values import named_values
from ..context import AppContext
from ..dialogs import messages
from ..operations import Changes
from ..widgets.icons import icon
from ..widgets.pdf_preview import PdfPreview
from ..widgets.record_form import ProblemLabel
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
        self._question: dict[str, Any] | None = None
        self._filling = False
        self.setAccessibleName("Response workspace")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(_bold_title("Responses"))
        self.inquiry_box = QComboBox()
        self.inquiry_box.setAccessibleName("The inquiry to answer")
        self.inquiry_box.setMinimumContentsLength(40)
        self.inquiry_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.inquiry_box.currentIndexChanged.connect(lambda _index: self.load_inquiry())
        top.addWidget(self.inquiry_box, 1)
        self.state = QLabel("")
        self.state.setAccessibleName("State of the response")
        top.addWidget(self.state)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.start_button = self._button("new", "Start a draft", "Start a draft response to this inquiry", self.start)
        self.supersede_button = self._button(
            "new", "New draft replacing it", "Start a new draft that supersedes the issued response", self.supersede
        )
        self.save_pdf_button = self._button("pdf", "Save PDF…", "Save the letter as a PDF file", self.save_pdf)
        self.print_button = self._button("print", "Print…", "Print the letter", self.print_letter)
        self.issue_button = self._button("issue", "Issue…", "Issue the response (cannot be undone)", self.issue)
        for button in (self.start_button, self.supersede_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.save_pdf_button, self.print_button, self.issue_button):
            actions.addWidget(button)
        layout.addLayout(actions)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)

        self.letter_box = QGroupBox("The letter")
        letter_form = QFormLayout(self.letter_box)
        self.letter_date = QLineEdit()
        self.letter_date.setPlaceholderText("YYYY-MM-DD (empty: the day it is issued)")
        self.letter_date.setAccessibleName("Date of the letter")
        self.signatory_name = QLineEdit()
        self.signatory_name.setPlaceholderText("as in the settings")
        self.signatory_name.setAccessibleName("Name of who signs the letter")
        self.signatory_title = QLineEdit()
        self.signatory_title.setAccessibleName("Title of who signs the letter")
        self.copy_to = QCheckBox("Also address the inquiry's optional recipients")
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
        letter_form.addRow("Introduction", self.introduction)
        letter_form.addRow("Closing", self.closing)
        for line in (self.letter_date, self.signatory_name, self.signatory_title):
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
        self.narrative.textChanged.connect(self._narrative_edited)
        left_layout.addWidget(self.narrative, 2)
        self.narrative_problem = ProblemLabel()
        left_layout.addWidget(self.narrative_problem)
        left_layout.addWidget(QLabel("Evidence from the records (untick what the letter should leave out):"))
        self.evidence_list = QListWidget()
        self.evidence_list.setAccessibleName("Evidence for the chosen question")
        self.evidence_list.setWordWrap(True)
        self.evidence_list.itemChanged.connect(self._evidence_toggled)
        left_layout.addWidget(self.evidence_list, 2)
        splitter.addWidget(left)

        self.preview = PdfPreview()
        splitter.addWidget(self.preview)
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
        """Tall enough for whole lines of text, with the frame and the document's margin."""
        margin = int(box.document().documentMargin() * 2) + box.frameWidth() * 2
        return box.fontMetrics().lineSpacing() * lines + margin + 2

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
            latest = responses.latest_response(db, inquiry_id)
            if latest is None:
                return None, []
            full = responses.get_response(db, latest["id"])
            found = responses.evidence(db, latest["id"]) if full["status"] == "draft" else []
            return full, found

        self._context.ops.query(read, label="Reading the response…", on_done=self._loaded)

    def _loaded(self, result: tuple[dict[str, Any] | None, list[dict[str, Any]]]) -> None:
        response, found = result
        self.evidence = {entry["question_id"]: entry["items"] for entry in found}
        self._show_response(response)

    def _show_response(self, response: dict[str, Any] | None) -> None:
        self.response = response
        self._filling = True
        self.questions.clear()
        self.narrative.clear()
        self.evidence_list.clear()
        if response is not None:
            self.letter_date.setText(response["letter_date"].isoformat() if response.get("letter_date") else "")
            self.signatory_name.setText(response.get("signatory_name") or "")
            self.signatory_title.setText(response.get("signatory_title") or "")
            self.copy_to.setChecked(bool(response.get("include_optional_recipients")))
            self.introduction.setPlainText(response.get("introduction") or "")
            self.closing.setPlainText(response.get("closing") or "")
            for answer in response["answers"]:
                title = answer["short_title"] or answer["question"][:50]
                item = QListWidgetItem(f"{answer['position']}. {title}")
                item.setData(REF_ROLE, answer["question_id"])
                self.questions.addItem(item)
        self._filling = False
        if self.questions.count():
            self.questions.setCurrentRow(0)
        self._show_state()
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
        for widget in (self.save_pdf_button, self.print_button):
            widget.setEnabled(response is not None)
        for widget in (self.letter_box, self.narrative, self.evidence_list, self.insert_button):
            widget.setEnabled(draft)
        self.questions.setEnabled(response is not None)

    def _records_changed(self, changes: Changes, initiator: object) -> None:
        if not self._started or initiator is self:  # its own writes: it shows their results already
            return
        if changes.touches("inquiry"):
            self._context.ops.query(list_inquiries, label="Reading the inquiries…", on_done=self._inquiries)
        elif self.response is not None and self.response["status"] == "draft":
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
        self._save_answer(answer["question_id"], narrative=text)

    def _evidence_toggled(self, _item: QListWidgetItem) -> None:
        if self._filling or self._question is None:
            return
        excluded = [
            str(item.data(REF_ROLE))
            for row in range(self.evidence_list.count())
            if (item := self.evidence_list.item(row)).data(REF_ROLE) and item.checkState() == Qt.CheckState.Unchecked
        ]
        question_id = self._question["question_id"]
        for entry in self.evidence.get(question_id, []):
            entry["excluded"] = entry["ref"] in excluded
        self._save_answer(question_id, excluded_evidence=excluded)

    def _save_answer(self, question_id: int, **changes: Any) -> None:
        assert self.response is not None
        response_id = self.response["id"]
        self._context.ops.set_answer(
            response_id,
            question_id,
            changes,
            label="Saving the answer…",
            on_done=self._answer_saved,
            on_error=self._answer_failed,
            initiator=self,
        )

    def _answer_saved(self, response: dict[str, Any]) -> None:
        if self.response is None or response["id"] != self.response["id"]:
            return
        self.narrative_problem.show_problem("")
        saved = {answer["question_id"]: answer for answer in response["answers"]}
        for answer in self.response["answers"]:
            stored = saved.get(answer["question_id"])
            if stored is not None:
                answer["excluded_evidence"] = stored["excluded_evidence"]
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
            "letter_date": self.letter_date.text().strip() or None,
            "signatory_name": self.signatory_name.text(),
            "signatory_title": self.signatory_title.text(),
            "include_optional_recipients": self.copy_to.isChecked(),
            "introduction": self.introduction.toPlainText(),
            "closing": self.closing.toPlainText(),
        }
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
        render = responses.issued_pdf if issued else responses.render_pdf
        self._context.ops.query(
            render,
            response_id,
            label="Drawing the letter…",
            on_done=lambda data: self._show_pdf(response_id, data),
        )

    def _show_pdf(self, response_id: int, data: bytes) -> None:
        if self.response is None or self.response["id"] != response_id:
            return
        page = self.preview.current_page() if self.preview.page_count else 0
        self.pdf_bytes = data
        self.preview.load_bytes(data)
        self.preview.go_to_page(min(page, self.preview.page_count - 1))
        self._context.runner.busy_changed.emit(f"The letter is drawn: {self.preview.page_count} pages.")

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
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise UserError(f"The letter could not be saved to {path}: {exc.strerror or exc}.") from exc
            return path

        self._context.runner.run(
            write, label="Saving the letter…", on_done=lambda p: self._context.runner.busy_changed.emit(f"Saved {p}.")
        )

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
        if self.response is None or self.response["status"] != "draft":
            return
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_narrative()
        question = (
            "Issue this response? The letter is frozen as it is now: its PDF is kept in the records with its "
            "fingerprint (SHA-256). This cannot be undone; a later change needs a new draft that supersedes it."
        )
        if not messages.confirm(self, "Issue the response", question, "Issue"):
            return
        self._context.ops.issue_response(
            self.response["id"],
            label="Issuing the response…",
            on_done=lambda _issued: self.load_inquiry(),
            on_error=self._letter_failed,
            initiator=self,
        )
