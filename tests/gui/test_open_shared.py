"""Open shared records: the dialog never freezes the window, can be cancelled, and puts the window on the server."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt, QTimer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_app.core.db.engine import SERVER_UNREACHABLE
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.connecting import SharedServer, shared_server_of
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.server import server_init
from desktop_app.gui.context import AppContext
from desktop_app.gui.dialogs.open_shared import STOPPED, OpenSharedDialog
from desktop_app.gui.tasks import TaskRunner

from ..conftest import TEST_DATABASE_URL, MemoryKeyring
from .conftest import fill_records, wait_idle

PASSWORD = "Zq7:p@ss/w%rd"


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    """The window's context over a clerk's own records file, with the real worker."""
    location = resolve_location(tmp_path / "data")
    db, _ = open_database(location)
    context = AppContext(location=location, runner=TaskRunner(), db=db)
    yield context
    context.ops.close_records()


def _fill(dialog: OpenSharedDialog, server: SharedServer, password: str) -> None:
    dialog.host.setText(server.host)
    dialog.port.setValue(server.port)
    dialog.database.setText(server.database)
    dialog.user.setText(server.user)
    dialog.password.setText(password)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _settings_text() -> str:
    settings = QSettings()
    settings.sync()
    return Path(settings.fileName()).read_text(encoding="utf-8") if Path(settings.fileName()).exists() else ""


def test_a_closed_port_is_reported_in_the_dialog_and_changes_nothing(
    qtbot: Any, context: AppContext, memory_keyring: MemoryKeyring
) -> None:
    opened: list[Any] = []
    before = context.db
    dialog = OpenSharedDialog(context, opened.append)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, SharedServer("127.0.0.1", "city_records", "jsmith", port=_closed_port()), PASSWORD)
    dialog.remember.setChecked(True)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.connecting, timeout=10000)
    assert dialog.status.text() == SERVER_UNREACHABLE
    assert dialog.isVisible() and dialog.host.isEnabled() and dialog.connect_button.isEnabled()
    assert opened == [] and context.db is before and context.location.is_sqlite
    assert memory_keyring.entries == {}
    assert PASSWORD not in _settings_text()


def test_cancel_abandons_a_server_that_never_answers_and_the_window_keeps_running(
    qtbot: Any, context: AppContext, memory_keyring: MemoryKeyring
) -> None:
    opened: list[Any] = []
    before = context.db
    dialog = OpenSharedDialog(context, opened.append)
    qtbot.addWidget(dialog)
    dialog.timeout_seconds = 2
    dialog.show()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the system accepts the connection; nothing ever answers on it
        _fill(dialog, SharedServer("127.0.0.1", "city_records", "jsmith", port=silent.getsockname()[1]), PASSWORD)
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        assert dialog.connecting and dialog.busy.isVisible() and not dialog.host.isEnabled()
        timer.start()
        qtbot.wait(500)
        assert len(ticks) >= 5  # the event loop ran all the while the worker waited on the server
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert not dialog.connecting and dialog.status.text() == STOPPED
        assert dialog.isVisible() and dialog.host.isEnabled()
        wait_idle(qtbot, context, timeout=15000)
    timer.stop()
    assert dialog.status.text() == STOPPED  # what the abandoned attempt brought back was not shown
    assert opened == [] and context.db is before
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_details_are_remembered_but_never_the_password(
    qtbot: Any, context: AppContext, memory_keyring: MemoryKeyring
) -> None:
    from desktop_app.gui.app_settings import remember_server

    remember_server(SharedServer("db.example.org", "city_records", "jsmith", port=6543, sslmode="verify-full"))
    dialog = OpenSharedDialog(context, lambda _opened: None)
    qtbot.addWidget(dialog)
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text(), dialog.user.text()) == (
        "db.example.org",
        6543,
        "city_records",
        "jsmith",
    )
    assert dialog.security.currentData() == "verify-full"


def test_without_a_keychain_the_dialog_says_the_password_is_asked_each_time(qtbot: Any, context: AppContext) -> None:
    keyring.set_keyring(fail.Keyring())
    dialog = OpenSharedDialog(context, lambda _opened: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keychain_note.isVisible(), timeout=5000)
    assert "asked each time" in dialog.keychain_note.text()
    assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()


# ----- on a server ---------------------------------------------------------------------------------------------


def _run(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def shared_records() -> Iterator[str]:
    """A new database on the test server, set up with server-init and holding a small set of records."""
    name = f"records_window_{uuid.uuid4().hex[:10]}"
    _run(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"')
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    try:
        server_init(url)
        db, _ = open_database(resolve_location(None, url), create=False, automatic_backup=False)
        try:
            fill_records(db)
        finally:
            db.dispose()
        yield name
    finally:
        _run(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")
def test_the_window_opens_shared_records_and_lists_them(
    qtbot: Any, tmp_path: Path, shared_records: str, memory_keyring: MemoryKeyring
) -> None:
    from desktop_app.gui.main_window import MainWindow

    location = resolve_location(tmp_path / "data")
    own, _ = open_database(location)
    set_home_jurisdiction(own, "Shelbyville", "IL", {})
    own.dispose()
    context = AppContext(location=location, runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    page = window.show_page("partnership")
    qtbot.waitUntil(lambda: "0 partnerships" in page.count_label.text(), timeout=10000)

    window.open_shared_action.trigger()
    dialog = window.open_shared_dialog
    server = shared_server_of(TEST_DATABASE_URL)
    assert server is not None
    _fill(dialog, SharedServer(server.host, shared_records, server.user, server.port), PASSWORD)
    dialog.remember.setChecked(True)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not context.location.is_sqlite, timeout=20000)
    wait_idle(qtbot, context)

    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "2 partnerships" in page.count_label.text(), timeout=10000)
    opened = SharedServer(server.host, shared_records, server.user, server.port)
    assert shared_server_of(context.location.database_url) == opened
    where = window.server_label
    assert where is not None and where.isVisible()
    assert where.text() == f"Records on server {opened.description}"
    qtbot.waitUntil(lambda: "Springfield" in window.windowTitle(), timeout=10000)
    for shown in (where.text(), window.windowTitle(), window.status_label.text(), _settings_text()):
        assert PASSWORD not in shown
    assert list(memory_keyring.entries.values()) == [PASSWORD]
    window.close()
