"""The first run: which city or county keeps these records, and its partnerships from the bundled public list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.db.engine import Database
from ...core.errors import UserError
from ...core.interchange.sample_data import load_sample_data, sample_cities
from ...core.records.parties import set_home_jurisdiction
from ...core.records.parties import split_city as split_city  # the parser this dialog is known by
from ...core.records.place_names import jurisdiction_places, parse_place, places_named
from ..context import AppContext
from ..operations import EVERYTHING
from ..widgets.field_editors import FieldLine, ProblemLabel
from . import messages


class FirstRunDialog(QDialog):
    """Asks once; everything it sets can be changed later in the settings."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._cities: dict[str, str] = {}  # the bundled list's cities, by their lower-case name
        self._places: list[str] = []  # every place offered: the bundled list's and those on record
        self.setWindowTitle("Welcome to Sister City Records")
        self.setAccessibleName("First run")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>Which city or county keeps these records?</b><br>"
            "Its name goes on the letters the program writes. Start typing to find it in the bundled public list."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.city = FieldLine()
        self.city.setPlaceholderText("e.g. Kansas City, MO")  # an example, never a value
        self.city.setAccessibleName("City or county, with its state")
        self.completer = QCompleter([], self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.city.setCompleter(self.completer)
        self.city.textChanged.connect(self._city_changed)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of jurisdiction")
        for value, label in vocab.JURISDICTION_KINDS.items():
            if value != "state":
                self.kind.addItem(label, value)
        # Names are the clerk's to type (an example shows greyed); the usual titles are there to keep or change, and
        # a title cleared shows its example greyed, as every example does, rather than an empty box.
        self.clerk_name = self._line("Clerk's name", example="e.g. Jordan Lee")
        self.clerk_title = self._line("Clerk's title", example="e.g. City Clerk", value="City Clerk")
        self.signatory_name = self._line("Name of who signs letters", example="e.g. Sam Rivera")
        self.signatory_title = self._line("Title of who signs letters", example="e.g. Mayor", value="Mayor")
        self.problem = ProblemLabel()
        form.addRow("City or county*", self.city)
        form.addRow(self.problem)  # the whole width: a sentence about the city, read in full
        form.addRow("Kind", self.kind)
        form.addRow("Clerk's name", self.clerk_name)
        form.addRow("Clerk's title", self.clerk_title)
        form.addRow("Signed by (name)", self.signatory_name)
        form.addRow("Signed by (title)", self.signatory_title)
        layout.addLayout(form)

        self.found = QLabel("")
        self.found.setWordWrap(True)
        layout.addWidget(self.found)
        self.load_sample = QCheckBox("Load its partnerships from the public list, marked unconfirmed")
        self.load_sample.setAccessibleName("Load the city's partnerships from the bundled public list")
        self.load_sample.setEnabled(False)
        layout.addWidget(self.load_sample)

        location = context.location
        where = location.sqlite_path or location.database_url.split("@")[-1]
        storage = QLabel(
            f"Your records are kept on this computer in one file: {where}.<br>"
            f"A copy is made before every upgrade and whenever you ask in Settings; copies go to "
            f"{location.backups_dir}."
        )
        storage.setWordWrap(True)
        storage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        storage.setAccessibleName("Where the records are kept and how they are backed up")
        layout.addWidget(storage)

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName("Save the jurisdiction and start")
        self.later_button = self.buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setAccessibleName("Skip for now")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 44, self.sizeHint().height())
        context.ops.query(places_to_offer, label="Reading the public list…", on_done=self._places_read)

    def _line(self, accessible: str, *, example: str = "", value: str = "") -> QLineEdit:
        line = FieldLine(value)
        line.setAccessibleName(accessible)
        line.setPlaceholderText(example)
        return line

    def _places_read(self, places: tuple[list[str], list[str]]) -> None:
        sample, on_record = places
        self._cities = {city.lower(): city for city in sample}
        self._places = sorted(set(sample) | set(on_record))
        self.completer.setModel(QStringListModel(self._places, self.completer))
        self._city_changed(self.city.text())

    def _city_changed(self, text: str) -> None:
        self.problem.show_problem("")
        match = self._cities.get(text.strip().lower())
        if match:
            self.found.setText(f"{match} is in the bundled public list of US–China partnerships.")
            self.load_sample.setEnabled(True)
            self.load_sample.setChecked(True)
        else:
            self.found.setText(self._not_found_text(text))
            self.load_sample.setChecked(False)
            self.load_sample.setEnabled(False)

    def _not_found_text(self, text: str) -> str:
        if not text.strip():
            return ""
        if "," not in text:
            offered = places_named(text, self._places)
            if offered:
                return f"Choose one with its state: {', '.join(offered[:5])}{'…' if len(offered) > 5 else ''}."
        return "Not in the bundled public list; you can enter its partnerships yourself."

    def submit(self) -> None:
        try:
            name, state = parse_place(self.city.text(), self._places)
        except UserError as error:
            self._show_problem(error.message)
            self.city.setFocus()
            if places_named(self.city.text(), self._places):
                self.completer.setCompletionPrefix(self.city.text().strip())
                self.completer.complete()
            return
        details = {
            "kind": self.kind.currentData(),
            "clerk_name": self.clerk_name.text(),
            "clerk_title": self.clerk_title.text(),
            "signatory_name": self.signatory_name.text(),
            "signatory_title": self.signatory_title.text(),
        }
        details = {key: value for key, value in details.items() if value}
        load = self.load_sample.isChecked()
        city = self.city.text().strip()

        def work(db: Any, _control: Any) -> tuple[dict[str, Any], Any]:
            home = set_home_jurisdiction(db, name, state, details)
            loaded = load_sample_data(db, city) if load else None
            return home, loaded

        self.start_button.setEnabled(False)
        self._context.ops.write(
            work,
            lambda _set_up: EVERYTHING,  # the home and a whole list of partnerships
            label=f"Setting up the records for {name}, {state}…",
            on_done=self._done,
            on_error=self._failed,
        )

    def _show_problem(self, message: str) -> None:
        """Shows the sentence under the city, the dialog growing so it is read in full."""
        self.problem.show_problem(message)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        needed = self.heightForWidth(self.width()) if self.hasHeightForWidth() else self.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _done(self, result: tuple[dict[str, Any], Any]) -> None:
        home, loaded = result
        message = f"The records are kept for {home['name']}, {home['state']}."
        if loaded is not None:
            message += (
                f" Loaded {loaded.added} partnership{'s' if loaded.added != 1 else ''} from the public list, "
                "marked unconfirmed: please confirm each against the city's own records."
            )
        self._context.runner.busy_changed.emit(message)
        if loaded is not None and loaded.added:
            about = "\n\n".join(loaded.caveats)
            messages.inform(self.parentWidget(), "About the public list", f"{message}\n\nAbout this list:\n\n{about}")
        window = self.parent()
        if window is not None and hasattr(window, "setWindowTitle"):
            window.setWindowTitle(f"Sister City Records – {home['name']}, {home['state']}")
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.start_button.setEnabled(True)
        if isinstance(error, UserError):
            self._show_problem(error.message)
        else:
            self._context.runner.unhandled_error.emit(error)


def places_to_offer(db: Database) -> tuple[list[str], list[str]]:
    """The bundled list's cities and the places on record, as "NAME, ST", read on the worker."""
    return sample_cities(), jurisdiction_places(db)
