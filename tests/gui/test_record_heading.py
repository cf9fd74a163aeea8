"""A form's heading names the record's kind once, then what the record is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.records.kinds import kind_named
from desktop_app.gui.widgets.record_form import record_heading

from .conftest import wait_idle


def test_a_nameless_record_is_told_by_what_it_is_and_when() -> None:
    oversight = {"id": 1, "kind": "annual_review", "action_on": dt.date(2024, 5, 1), "due_on": dt.date(2024, 6, 1)}
    assert record_heading(kind_named("oversight"), oversight) == "Oversight action 1: Annual review (2024-05-01)"
    participant = {"id": 4, "role": "delegate", "activity_id": 2}
    assert record_heading(kind_named("participant"), participant) == "Participant 4: Delegate"


def test_a_named_record_keeps_its_name() -> None:
    policy = {"id": 3, "kind": "code_of_conduct", "title": "Code of conduct for exchanges"}
    assert record_heading(kind_named("policy"), policy) == "Policy 3: Code of conduct for exchanges"


def test_a_record_with_nothing_to_tell_is_named_once() -> None:
    assert record_heading(kind_named("participant"), {"id": 7}) == "Participant 7"


def test_the_oversight_form_shows_the_heading(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.open_record("oversight", window.ids["oversight"])
    wait_idle(qtbot, window.context)
    heading = window.pages["oversight"].detail.form.heading.text()
    assert heading.startswith(f"Oversight action {window.ids['oversight']}: Annual review (")
    assert heading.count("Oversight action") == 1
