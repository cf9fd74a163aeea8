"""Three clerks on one shared server: the command line's change shows in both windows by itself, one window's save
wins, the other clerk meets the conflict and chooses; the audit trail names each account and verify passes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.server import add_user, server_init
from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.gui.context import AppContext
from desktop_app.gui.tasks import TaskRunner

from ..conftest import TEST_DATABASE_URL
from .conftest import fill_records, wait_idle

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "three clerks' secret"


@pytest.fixture
def clerks(location: DataLocation) -> Iterator[tuple[int, dict[str, str]]]:
    """The test database set up with server-init and a few records; three clerks' accounts on it, by their
    addresses. The accounts are dropped afterwards."""
    url = location.database_url
    server_init(url)
    db, _ = open_database(resolve_location(None, url), create=False, automatic_backup=False)
    try:
        partnership_id = fill_records(db)["partnership"]
    finally:
        db.dispose()
    suffix = uuid.uuid4().hex[:8]
    accounts = {}
    for clerk in ("a", "b", "c"):
        name = f"test_clerk_{clerk}_{suffix}"
        add_user(url, name, "clerk", PASSWORD)
        accounts[name] = make_url(url).set(username=name, password=PASSWORD).render_as_string(hide_password=False)
    yield partnership_id, accounts
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in accounts:
            connection.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    engine.dispose()


def _window_as(qtbot: Any, url: str, folder: Path) -> Any:
    from desktop_app.gui.main_window import MainWindow

    context = AppContext(location=resolve_location(folder, url), runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.open_records()
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    return window


def _open_partnership(qtbot: Any, window: Any, partnership_id: int) -> Any:
    page = window.show_page("partnership")
    page.open_record(partnership_id)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: page.detail.form.record is not None, timeout=10000)
    return page


def _type_notes(qtbot: Any, form: Any, words: str) -> None:
    notes = form.editors["notes"].focus_widget()
    notes.setFocus()
    notes.selectAll()
    qtbot.keyClicks(notes, words)


def _edit_on_the_command_line(url: str, target: str, *changes: str, folder: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SISTER_CITY_RECORDS_DATA_DIR": str(folder)}
    environment.pop("TEST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--database", url, "edit", target, *changes],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_three_clerks_edit_one_partnership(
    qtbot: Any, tmp_path: Path, clerks: tuple[int, dict[str, str]], location: DataLocation
) -> None:
    partnership_id, accounts = clerks
    (name_a, url_a), (name_b, url_b), (name_c, url_c) = accounts.items()
    window_a = _window_as(qtbot, url_a, tmp_path / "a")
    window_b = _window_as(qtbot, url_b, tmp_path / "b")
    page_a = _open_partnership(qtbot, window_a, partnership_id)
    page_b = _open_partnership(qtbot, window_b, partnership_id)
    form_a, form_b = page_a.detail.form, page_b.detail.form

    # The third clerk changes the partnership on the command line: both windows show it by themselves.
    _edit_on_the_command_line(
        url_c, f"partnership:{partnership_id}", "--established-on", "1995-06-02", folder=tmp_path / "c"
    )
    for form in (form_a, form_b):
        qtbot.waitUntil(lambda form=form: form.editors["established_on"].value() == "1995-06-02", timeout=10000)

    # Both windows' clerks type a note; the first to save wins.
    _type_notes(qtbot, form_a, "Reviewed by the first clerk.")
    _type_notes(qtbot, form_b, "Reviewed by the second clerk.")
    qtbot.mouseClick(form_a.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window_a.context)
    qtbot.waitUntil(lambda: not form_a.dirty, timeout=10000)

    # The second clerk's save meets the first's: the dialog names who saved, and the clerk keeps their own note.
    qtbot.waitUntil(form_b.elsewhere_note.isVisible, timeout=10000)
    qtbot.mouseClick(form_b.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window_b.context)
    qtbot.waitUntil(lambda: form_b.conflict_dialog is not None and form_b.conflict_dialog.isVisible(), timeout=10000)
    dialog = form_b.conflict_dialog
    assert dialog.conflict.changed_by == name_a
    assert list(dialog.rows) == ["notes"]
    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window_b.context)
    qtbot.waitUntil(lambda: not form_b.dirty, timeout=10000)

    # The first window shows the second clerk's note by itself.
    qtbot.waitUntil(lambda: form_a.editors["notes"].value() == "Reviewed by the second clerk.", timeout=10000)

    owner, _ = open_database(location, create=False, automatic_backup=False)
    try:
        saved = records.get(owner, "partnership", partnership_id)
        assert saved["notes"] == "Reviewed by the second clerk." and str(saved["established_on"]) == "1995-06-02"
        changes = audit_page(owner, record_kind="partnership", record_id=partnership_id, descending=False)
        assert [event["actor"] for event in changes if event["action"] == "update"] == [name_c, name_a, name_b]
        report = verify_database(owner)
        assert report.ok, report.lines()
    finally:
        owner.dispose()
    window_a.close()
    window_b.close()
