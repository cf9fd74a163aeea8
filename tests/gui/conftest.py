"""Fixtures of the window's tests: Qt offscreen, settings in a temporary folder, dialogs answered, records ready."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.gui.context import AppContext
from desktop_app.gui.dialogs import messages
from desktop_app.gui.tasks import SynchronousRunner, TaskRunner


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, qapp: Any) -> Iterator[None]:
    """QSettings in a temporary folder, so tests neither read nor change the user's settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("SisterCityRecordsTests")
    qapp.setApplicationName("Sister City Records tests")
    QSettings().clear()
    yield
    QSettings().clear()


class DialogLog:
    """What the window said in message boxes, and how the test answers questions."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.answer = True

    def texts(self) -> list[str]:
        return [text for _title, text in self.messages]


@pytest.fixture(autouse=True)
def dialog_log(monkeypatch: pytest.MonkeyPatch) -> DialogLog:
    log = DialogLog()
    monkeypatch.setattr(messages, "warn", lambda _parent, title, text: log.messages.append((title, text)))
    monkeypatch.setattr(messages, "inform", lambda _parent, title, text: log.messages.append((title, text)))

    def confirm(_parent: Any, title: str, text: str, _yes: str = "Yes") -> bool:
        log.messages.append((title, text))
        return log.answer

    monkeypatch.setattr(messages, "confirm", confirm)
    return log


@pytest.fixture
def program_log(tmp_path: Path) -> Iterator[Path]:
    """The program's log file, in the test's folder; the logging set up by the test is taken down afterwards."""
    import logging

    from desktop_app.core.host import logs

    logger = logging.getLogger("desktop_app")
    handlers, propagate, level = list(logger.handlers), logger.propagate, logger.level
    yield tmp_path / "logs" / logs.LOG_FILE_NAME
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.propagate, logger.level = propagate, level
    logs._handler = None


@pytest.fixture
def sync_context(location: DataLocation, db: Database) -> Iterator[AppContext]:
    """A context whose work runs at once on the test's thread."""
    context = AppContext(location=location, runner=SynchronousRunner(), db=db)
    yield context


@pytest.fixture
def thread_context(location: DataLocation, db: Database) -> Iterator[AppContext]:
    """A context with the real background worker."""
    context = AppContext(location=location, runner=TaskRunner(), db=db)
    yield context
    context.runner.shutdown()


def wait_idle(qtbot: Any, context: AppContext, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: context.runner.idle, timeout=timeout)


def make_pdf(text: str = "Sister city agreement between Springfield and Hefei", pages: int = 2) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for number in range(pages):
        pdf.drawString(72, 720, f"{text} (page {number + 1})")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "agreement 2019.pdf"
    path.write_bytes(make_pdf())
    return path


def fill_records(db: Database) -> dict[str, int]:
    """A small but complete set of records: home city, partnerships, each kind, one follow-up overdue."""
    home = set_home_jurisdiction(
        db, "Springfield", "IL", {"signatory_name": "Pat Doe", "signatory_title": "Mayor", "clerk_name": "Lee Roe"}
    )
    partner = records.create(db, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China"})
    other = records.create(db, "partner", {"name": "Kumamoto", "country_name": "Japan", "country_code": "JP"})
    first = records.create(
        db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"], "established_on": "1994-05-01"}
    )
    second = records.create(
        db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other["id"], "status": "dormant"}
    )
    agreement = records.create(
        db,
        "agreement",
        {
            "partnership_id": first["id"],
            "title": "Sister city agreement",
            "signed_on": "1994-05-01",
            "topics": ["transparency"],
        },
    )
    activity = records.create(
        db,
        "activity",
        {"partnership_id": first["id"], "kind": "inbound_delegation", "starts_on": "2019-04-02", "title": "Delegation"},
    )
    participant = records.create(db, "participant", {"activity_id": activity["id"], "visa_category": "b1_b2"})
    policy = records.create(
        db,
        "policy",
        {"kind": "code_of_conduct", "title": "Code of conduct for exchanges", "topics": ["free_expression"]},
    )
    overdue = records.create(
        db,
        "oversight",
        {
            "partnership_id": first["id"],
            "kind": "annual_review",
            "action_on": (dt.date.today() - dt.timedelta(days=60)).isoformat(),
            "status": "open",
            "due_on": (dt.date.today() - dt.timedelta(days=5)).isoformat(),
            "topics": ["espionage"],
        },
    )
    trashed = records.create(db, "policy", {"kind": "procedure", "title": "Old procedure"})
    records.trash(db, "policy", trashed["id"])
    return {
        "home": home["id"],
        "partnership": first["id"],
        "dormant_partnership": second["id"],
        "agreement": agreement["id"],
        "activity": activity["id"],
        "participant": participant["id"],
        "policy": policy["id"],
        "oversight": overdue["id"],
        "trashed_policy": trashed["id"],
    }


FillRecords = Callable[[Database], dict[str, int]]


@pytest.fixture
def open_window(qtbot: Any, location: DataLocation) -> Iterator[Callable[..., Any]]:
    """Opens the main window over the test's records (optionally filled first) and waits until they are open."""
    from desktop_app.core.safekeeping.opening import open_database
    from desktop_app.gui.main_window import MainWindow

    opened: list[Any] = []

    def open_it(*, filled: bool = False, home: bool = True) -> Any:
        ids: dict[str, int] = {}
        database, _ = open_database(location)
        try:
            if filled:
                ids = fill_records(database)
            elif home:
                set_home_jurisdiction(database, "Springfield", "IL", {"signatory_name": "Pat Doe"})
        finally:
            database.dispose()
        context = AppContext(location=location, runner=TaskRunner())
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        window.open_records()
        qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
        wait_idle(qtbot, context)
        window.ids = ids
        opened.append(window)
        return window

    yield open_it
    for window in opened:
        window.close()
