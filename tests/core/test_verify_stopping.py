"""The start check can be stopped part-way (the program is closing) and leaves its connection as it found it."""

from __future__ import annotations

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped
from desktop_app.core.safekeeping import verify


def test_a_stopped_check_says_so_and_the_next_check_runs_whole(
    db: Database, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "_STEPS_BETWEEN_LOOKS", 1)
    looks: list[int] = []

    def stop_now() -> bool:
        looks.append(1)
        return True

    with pytest.raises(Stopped):
        verify.startup_check(db, stop_now)
    assert looks  # the check looked while it ran

    assert verify.startup_check(db, lambda: False) == []
    assert verify.startup_check(db) == []
    with db.reading_rows() as connection:  # the handler is gone: a plain statement is not stopped
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar_one() >= 0
