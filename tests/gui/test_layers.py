"""The window calls core's public functions and gets plain data: no sessions, no models, no SQL in the GUI."""

from __future__ import annotations

import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "desktop_app" / "gui"
FORBIDDEN = (
    (re.compile(r"\.(reading|writing)\(\)"), "opens a database session"),
    (re.compile(r"\bsqlalchemy\b"), "imports SQLAlchemy"),
    (re.compile(r"core\.db\.models|core\.db import models"), "uses the ORM models"),
    (re.compile(r"_in\(session"), "calls a use case inside a session"),
)


def test_the_window_uses_core_only_through_plain_data() -> None:
    problems = []
    for path in sorted(GUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in FORBIDDEN:
            if pattern.search(text):
                problems.append(f"{path.relative_to(GUI)} {what}")
    assert problems == []
