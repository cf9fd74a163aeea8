"""The operations layer: each write announces once what it changed, and the open lists refresh from that alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.core.records import service as records
from desktop_app.core.records.inquiries import builtin_inquiry_id
from desktop_app.gui.context import AppContext
from desktop_app.gui.operations import EVERYTHING, Changes

from .conftest import fill_records, wait_idle

GUI = Path(__file__).resolve().parents[2] / "desktop_app" / "gui"


@pytest.fixture
def announced(sync_context: AppContext) -> list[tuple[Changes, object]]:
    heard: list[tuple[Changes, object]] = []
    sync_context.ops.changed.connect(lambda changes, initiator: heard.append((changes, initiator)))
    return heard


def test_a_write_refreshes_the_open_lists_without_being_told(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    context = window.context
    policies = window.show_page("policy")
    wait_idle(qtbot, context)
    assert policies.model.rowCount() == 1

    context.ops.create_record("policy", {"kind": "procedure", "title": "Visits by delegations"}, label="Saving…")
    wait_idle(qtbot, context)
    assert policies.model.rowCount() == 2 and "2 policies" in policies.count_label.text()

    trash = window.show_page("trash")  # another page's write: the policy list hears of it too
    trash.kind_box.setCurrentIndex(trash.kind_box.findData("policy"))
    wait_idle(qtbot, context)
    trash.table.selectRow(0)
    trash.restore_current()
    wait_idle(qtbot, context)
    assert trash.model.rowCount() == 0
    assert policies.model.rowCount() == 3 and "3 policies" in policies.count_label.text()
    assert window.dashboard.summary is not None and window.dashboard.summary.record_counts["policies"] == 3


def test_each_write_announces_once_what_its_core_call_changed(
    sync_context: AppContext, announced: list[tuple[Changes, object]]
) -> None:
    ids = fill_records(sync_context.database())
    ops = sync_context.ops
    asker = object()
    saved: list[dict[str, Any]] = []
    ops.update_record("policy", ids["policy"], {"title": "Exchange code"}, label="Saving…", on_done=saved.append)
    ops.purge_record("policy", ids["trashed_policy"], label="Purging…", initiator=asker)
    assert saved[0]["title"] == "Exchange code"
    assert announced == [
        (Changes.of("policy", ids["policy"]), None),
        (Changes.of("policy", ids["trashed_policy"]), asker),  # a purge returns nothing: told by its arguments
    ]
    assert announced[0][0].touches("agreement", "policy") and not announced[0][0].touches("agreement")
    assert EVERYTHING.touches("agreement")

    drafts: list[dict[str, Any]] = []
    ops.start_draft(builtin_inquiry_id(sync_context.database()), label="Starting a draft…", on_done=drafts.append)
    ops.set_letter(drafts[0]["id"], {"signatory_name": "Lee Roe"}, label="Saving the letter…")
    started, worded = announced[-2][0], announced[-1][0]
    assert started == Changes.of("response", drafts[0]["id"]) and not started.wording_only
    assert worded.records == started.records and worded.wording_only  # the home page's sums are not touched


def test_a_refused_write_announces_nothing(sync_context: AppContext, announced: list[tuple[Changes, object]]) -> None:
    refused: list[BaseException] = []
    sync_context.ops.create_record("policy", {"kind": "procedure"}, label="Saving…", on_error=refused.append)
    assert isinstance(refused[0], ValidationError) and announced == []
    assert records.count_records(sync_context.database(), "policy") == 0


def test_an_unexpected_failure_of_a_write_reaches_the_clerk_and_the_log_without_record_values(
    qtbot: Any, open_window: Any, program_log: Path, dialog_log: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.core.host.logs import configure_logging

    window = open_window(filled=True)
    configure_logging(program_log.parent)

    def broken(_db: Any, _kind: str, _record_id: int, values: dict[str, Any], **_options: Any) -> Any:
        raise KeyError(f"no column for {values['title']}")

    monkeypatch.setattr(records, "update", broken)
    page = window.show_page("policy")
    page.open_record(window.ids["policy"])
    wait_idle(qtbot, window.context)
    title = page.detail.form.editors["title"].focus_widget()
    title.selectAll()
    qtbot.keyClicks(title, "Visits of Wang Xiaoming")
    page.save_current()
    wait_idle(qtbot, window.context)
    heading, text = dialog_log.messages[-1]
    assert heading == "Something went wrong" and "KeyError" in text and "Wang" not in text
    logged = program_log.read_text(encoding="utf-8")
    assert "builtins.KeyError" in logged and "Wang" not in logged


def test_only_the_operations_announce_changes() -> None:
    announcing = re.compile(r"(?<!\w)changed\.emit\(")
    emitters = sorted(
        str(path.relative_to(GUI)) for path in GUI.rglob("*.py") if announcing.search(path.read_text(encoding="utf-8"))
    )
    assert emitters == ["operations.py"]
