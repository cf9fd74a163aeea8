"""The search page marks the words found in bold, Chinese and words written with an apostrophe included."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core.records import service as records

from .conftest import wait_idle


def bold_parts(window: Any) -> list[str]:
    page = window.search_page
    label = page.list.itemWidget(page.list.item(0))
    marked = label.text().split("<br>", 1)[1].replace("</b><b>", "")
    return [html.unescape(part) for part in re.findall("<b>(.*?)</b>", marked)]


def searched(qtbot: Any, window: Any, query: str) -> list[str]:
    window.search.setText(query)
    window.run_search()
    wait_idle(qtbot, window.context)
    assert len(window.search_page.results) == 1, window.search_page.summary.text()
    return bold_parts(window)


def test_chinese_and_apostrophe_words_found_are_bold(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    db = window.context.database()
    partner = records.create(db, "partner", {"name": "Xi'an", "native_name": "西安", "country_name": "China"})
    records.create(
        db,
        "partnership",
        {"jurisdiction_id": window.ids["home"], "partner_id": partner["id"], "notes": "友好城市交流 since 1989"},
    )
    assert searched(qtbot, window, "西安") == ["西安"]
    assert searched(qtbot, window, "交流") == ["交流"]
    assert searched(qtbot, window, "xian") == ["Xi'an"]


def test_a_screen_reader_hears_the_result_as_written(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    db = window.context.database()
    partner = records.create(db, "partner", {"name": "Xi'an", "native_name": "西安", "country_name": "China"})
    records.create(db, "partnership", {"jurisdiction_id": window.ids["home"], "partner_id": partner["id"]})
    searched(qtbot, window, "xian")
    spoken = window.search_page.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Xi'an (西安)" in spoken and "&" not in spoken and "«" not in spoken
