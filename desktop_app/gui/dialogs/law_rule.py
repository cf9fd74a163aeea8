"""The form in which a clerk adds a state-law rule, or corrects one with a rule of their own that supersedes it."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.clock import today
from ...core.errors import UserError
from ...core.laws.rules import CLAUSE_LABELS, NOT_LEGAL_ADVICE
from ..context import AppContext
from ..operations import Changes
from ..widgets.field_editors import ProblemLabel
from .date_fields import DateCell

if TYPE_CHECKING:
    from ...core.db.engine import Database
    from ...core.laws.rules import LawRule
    from ..tasks import TaskControl

REQUIREMENTS = {
    "no_new": "No new partnership or agreement",
    "no_renewal": "No renewal",
    "terminate_existing": "Existing partnerships must be terminated",
}
DATES = {"enacted": "Enacted", "effective": "Takes effect", "deadline": "Deadline to terminate", "expires": "Expires"}
# The dates a rule must have, with the sentence for each when it is left empty.
REQUIRED_DATES = {
    "countries_as_of": "Give the date the list of countries is as of, e.g. 7/1/2025.",
    "checked_on": "Give the date the rule was checked, e.g. 3/14/2025.",
}
COUNTRY = re.compile(r"^([A-Za-z]{2})\s+([^()]+?)\s*(?:\(([^()]*)\))?$")


def countries_text(countries: list[dict[str, Any]]) -> str:
    """``CN China (PRC, People's Republic of China); IR Iran``: what the countries field shows."""
    parts = []
    for country in countries:
        aliases = country.get("also_known_as") or []
        parts.append(f"{country['code']} {country['name']}" + (f" ({', '.join(aliases)})" if aliases else ""))
    return "; ".join(parts)


def parse_countries(text: str) -> list[dict[str, Any]]:
    countries = []
    for part in (piece.strip() for piece in text.split(";")):
        if not part:
            continue
        match = COUNTRY.match(part)
        if match is None:
            raise UserError(
                f"Write each country as its two-letter code and its name, with other names in brackets, "
                f"as in “CN China (PRC); IR Iran” (not “{part}”)."
            )
        code, name, aliases = match.groups()
        country: dict[str, Any] = {"code": code.upper(), "name": name.strip()}
        named = [alias.strip() for alias in (aliases or "").split(",") if alias.strip()]
        if named:
            country["also_known_as"] = named
        countries.append(country)
    return countries


def sources_text(sources: list[dict[str, Any]]) -> str:
    return "\n".join(f"{source['title']} {source.get('url', '')}".strip() for source in sources)


def parse_sources(text: str) -> list[dict[str, Any]]:
    """One source a line: its title, then its web address when it has one."""
    sources = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        title, _space, last = line.rpartition(" ")
        if last.startswith(("http://", "https://")):
            title = title.strip().rstrip("–-|:").strip()
            sources.append({"title": title or last, "url": last})
        elif line.startswith(("http://", "https://")):
            sources.append({"title": line, "url": line})
        else:
            sources.append({"title": line})
    return sources


def _save(db: Database, _control: TaskControl, body: dict[str, Any]) -> LawRule:
    from ...core.laws.clerk_rules import add_rule

    return add_rule(db, body)


class LawRuleDialog(QDialog):
    """A form, not JSON; core checks the rule against the schema and refuses it with a sentence, saving nothing."""

    def __init__(self, context: AppContext, body: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._base: dict[str, Any] = copy.deepcopy(body) if body else {}
        self.saved_rule: LawRule | None = None
        supersedes = self._base.get("supersedes", "")
        self.setWindowTitle(f"Correct the rule {supersedes}" if supersedes else "Add a state-law rule")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Your rule replaces {supersedes} in every screening from now on; {supersedes} is kept for the record. "
            if supersedes
            else "A rule of your own, for a law the program does not ship. "
        )
        intro.setWordWrap(True)
        intro.setText(intro.text() + NOT_LEGAL_ADVICE)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLineEdit] = {}
        self.dates: dict[str, DateCell] = {}

        def line(name: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setAccessibleName(label)
            edit.setPlaceholderText(placeholder)
            self.fields[name] = edit
            form.addRow(label, edit)
            return edit

        def date(name: str, label: str, required: bool) -> DateCell:
            cell = DateCell(name, label, required=required)
            self.dates[name] = cell
            form.addRow(label, cell)
            return cell

        def text(label: str, placeholder: str, lines: int) -> QPlainTextEdit:
            edit = QPlainTextEdit()
            edit.setAccessibleName(label)
            edit.setPlaceholderText(placeholder)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)
            form.addRow(label, edit)
            return edit

        def boxes(label: str, choices: dict[str, str], columns: int) -> dict[str, QCheckBox]:
            holder = QWidget()
            grid = QGridLayout(holder)
            grid.setContentsMargins(0, 0, 0, 0)
            made = {}
            for position, (value, text_) in enumerate(choices.items()):
                box = QCheckBox(text_)
                box.setAccessibleName(f"{label}: {text_}")
                grid.addWidget(box, position // columns, position % columns)
                made[value] = box
            form.addRow(label, holder)
            return made

        line("id", "Rule id", "e.g. tx-gov-795-c1 (small letters, digits and hyphens)")
        line("citation", "Citation", "e.g. Tex. Gov't Code ch. 795")
        line("title", "Title")
        line("enacted_by", "Enacted by", "e.g. House Bill 128 (2025)")
        line("state", "State", "two letters, e.g. TX")
        self.binds = boxes("Binds", dict(vocab.JURISDICTION_KINDS), 4)
        self.reaches = boxes("Reaches", dict(vocab.PARTNERSHIP_KINDS), 2)
        self.countries = text("Countries", "CN China (PRC); IR Iran; KP North Korea; RU Russia", 2)
        self.countries_source = text("Countries: source", "Where the list of countries comes from", 2)
        date("countries_as_of", "Countries: as of", True)
        self.countries_verified = QCheckBox("The list of countries is checked against the law")
        self.countries_verified.setAccessibleName("The list of countries is verified")
        form.addRow("", self.countries_verified)
        self.requires = boxes("Requires", REQUIREMENTS, 1)
        self.clauses = boxes(
            "Clause conditions", {name: f"An agreement that {said}" for name, said in CLAUSE_LABELS.items()}, 1
        )
        for name, label in DATES.items():
            date(f"date_{name}", label, False)
        self.sources = text("Sources", "One a line: the title, then its web address if it has one", 3)
        self.uncertain = text("Uncertain", "What the sources disagree on or what is not confirmed, one a line", 3)
        self.verified = QCheckBox("The rule is checked against the enacted text")
        self.verified.setAccessibleName("The rule is verified")
        form.addRow("", self.verified)
        date("checked_on", "Checked on", True)
        self.summary = text("Summary", "What the law requires, in a sentence or two", 3)

        body_widget = QWidget()
        body_widget.setLayout(form)
        self.body_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body_widget)
        layout.addWidget(scroll, 1)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel the rule")
        self.save_button = self.buttons.addButton("Save the rule", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName("Save the rule")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(max(em * 80, body_widget.sizeHint().width() + 40), self.fontMetrics().lineSpacing() * 46)
        self._fill(self._base)

    # --- the form and the rule's body -------------------------------------------------------------------------

    def _fill(self, body: dict[str, Any]) -> None:
        countries = body.get("countries", {})
        dates = body.get("dates", {})
        requires = body.get("requires", {})
        values = {
            "id": body.get("id", ""),
            "citation": body.get("citation", ""),
            "title": body.get("title", ""),
            "enacted_by": body.get("enacted_by", ""),
            "state": body.get("state", ""),
        }
        for name, value in values.items():
            self.fields[name].setText(value)
        written = {
            "countries_as_of": countries.get("as_of", ""),
            "checked_on": body.get("checked_on", today().isoformat()),
            **{f"date_{name}": dates.get(name, "") for name in DATES},
        }
        for name, day in written.items():
            self.dates[name].editor.set_value(day)
        self.countries.setPlainText(countries_text(countries.get("list", [])))
        self.countries_source.setPlainText(countries.get("source", ""))
        for value, box in self.binds.items():
            box.setChecked(value in body.get("binds", []))
        for value, box in self.reaches.items():
            box.setChecked(value in body.get("reaches", []))
        for value, box in self.requires.items():
            box.setChecked(bool(requires.get(value, False)))
        for value, box in self.clauses.items():
            box.setChecked(value in requires.get("clause_conditions", []))
        self.countries_verified.setChecked(bool(countries.get("verified", False)))
        self.verified.setChecked(bool(body.get("verified", False)))
        self.sources.setPlainText(sources_text(body.get("sources", [])))
        self.uncertain.setPlainText("\n".join(body.get("uncertain", [])))
        self.summary.setPlainText(body.get("summary", ""))

    def body(self) -> dict[str, Any]:
        """The rule as core reads it; what the form does not show (notes) is kept from the rule it started from."""
        value = {name: edit.text().strip() for name, edit in self.fields.items()}
        value.update({name: str(cell.editor.value()) for name, cell in self.dates.items()})
        body = copy.deepcopy(self._base)
        for name in ("id", "citation", "title", "enacted_by"):
            body[name] = value[name]
        if not body["enacted_by"]:
            del body["enacted_by"]
        body["state"] = value["state"].upper()
        body["binds"] = [name for name, box in self.binds.items() if box.isChecked()]
        body["reaches"] = [name for name, box in self.reaches.items() if box.isChecked()]
        countries = dict(body.get("countries", {}))
        countries.update(
            {
                "list": parse_countries(self.countries.toPlainText()),
                "source": " ".join(self.countries_source.toPlainText().split()),
                "as_of": value["countries_as_of"],
                "verified": self.countries_verified.isChecked(),
            }
        )
        body["countries"] = countries
        requires: dict[str, Any] = {name: box.isChecked() for name, box in self.requires.items()}
        clauses = [name for name, box in self.clauses.items() if box.isChecked()]
        if clauses:
            requires["clause_conditions"] = clauses
        body["requires"] = requires
        body["dates"] = {name: value[f"date_{name}"] for name in DATES if value[f"date_{name}"]}
        body["sources"] = parse_sources(self.sources.toPlainText())
        uncertain = [line.strip() for line in self.uncertain.toPlainText().splitlines() if line.strip()]
        if uncertain:
            body["uncertain"] = uncertain
        else:
            body.pop("uncertain", None)
        body["verified"] = self.verified.isChecked()
        body["checked_on"] = value["checked_on"]
        body["summary"] = self.summary.toPlainText().strip()
        return body

    def _first_gap(self) -> str:
        """A sentence for the first thing the form lacks that a clerk can see at a glance; core checks the rest."""
        named = {"id": "a rule id", "citation": "the citation", "title": "a title", "state": "the state"}
        for name, what in named.items():
            if not self.fields[name].text().strip():
                return f"Give the rule {what}."
        if not any(box.isChecked() for box in self.binds.values()):
            return "Tick at least one kind of jurisdiction the law binds."
        if not any(box.isChecked() for box in self.reaches.values()):
            return "Tick at least one kind of partnership the law reaches."
        if not self.countries.toPlainText().strip():
            return "List the countries the law names, as in “CN China; IR Iran”."
        if not self.sources.toPlainText().strip():
            return "Name at least one source of the rule."
        if not self.summary.toPlainText().strip():
            return "Write a short summary of what the law requires."
        return ""

    # --- saving ---------------------------------------------------------------------------------------------

    def _date_problem(self) -> str:
        """Checks every date, each sentence beside its field; the first sentence, or "" when all are dates."""
        refused = [cell for name, cell in self.dates.items() if cell.checked(REQUIRED_DATES.get(name, "")) is None]
        if not refused:
            return ""
        first = refused[0]
        first.editor.line.setFocus()
        # Once its sentence is laid out, so the field and the sentence are both in sight.
        QTimer.singleShot(0, self, lambda: self.body_scroll.ensureWidgetVisible(first))
        return refused[0].check.text.text()

    def save(self) -> None:
        self.problem.show_problem("")
        dates = self._date_problem()
        gap = self._first_gap() or dates
        if gap:
            self.problem.show_problem(gap)
            return
        try:
            body = self.body()
        except UserError as error:
            self.problem.show_problem(error.message)
            return
        self.save_button.setEnabled(False)
        self._context.ops.write(
            lambda db, control: _save(db, control, body),
            lambda _rule: Changes.of("law_rule", 0),
            label="Saving the rule…",
            on_done=self._saved,
            on_error=self._refused,
        )

    def _saved(self, rule: LawRule) -> None:
        self.saved_rule = rule
        self._context.runner.busy_changed.emit(
            f"Saved the rule {rule.id}" + (f", which supersedes {rule.supersedes}." if rule.supersedes else ".")
        )
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, UserError):
            self.problem.show_problem(error.message)
            return
        self._context.runner.unhandled_error.emit(error)
