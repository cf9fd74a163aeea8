"""Paragraphs keep their lines for one width: the letter comes out byte for byte as when every wrap broke them anew."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph as PlatypusParagraph

from desktop_app.core.db.engine import Database
from desktop_app.core.reports import layout, responses
from desktop_app.core.reports.layout import Paragraph, style_sheet

from .report_records import build_city

TEXT = "Routine review of the partnership's exchange programme, its agreements and its sponsors. " * 6


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def _lines(paragraph: PlatypusParagraph) -> list[str]:
    return [" ".join(str(word) for word in getattr(line, "words", line[1])) for line in paragraph.blPara.lines]


def test_a_paragraph_wrapped_again_to_another_width_breaks_its_lines_again() -> None:
    body = style_sheet()["Body"]
    kept = Paragraph(TEXT, body)
    wide = kept.wrap(400, 800)
    narrow = kept.wrap(150, 800)
    assert narrow[1] > wide[1]
    assert kept.wrap(400, 10) == wide  # the height offered does not change the lines
    fresh = PlatypusParagraph(TEXT, body)
    assert fresh.wrap(400, 800) == wide
    assert _lines(kept) == _lines(fresh)


def test_a_paragraph_pushed_on_by_a_split_is_wrapped_again() -> None:
    body = style_sheet()["Body"]
    kept = Paragraph(TEXT, body)
    size = kept.wrap(300, 800)
    assert kept.split(300, 5) == []  # no room for a line: the paragraph drops its lines and moves on
    assert not hasattr(kept, "blPara")
    assert kept.wrap(300, 800) == size
    assert hasattr(kept, "blPara")


def test_the_letter_is_the_same_bytes_as_with_every_wrap_done_anew(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_city(db, extra_partnerships=60)  # tables long enough to split across several pages
    response_id = responses.create_draft(db)["id"]
    kept = responses.render_pdf(db, response_id)
    monkeypatch.setattr(layout.Paragraph, "wrap", PlatypusParagraph.wrap)
    anew = responses.render_pdf(db, response_id)
    assert kept.count(b"/Type /Page") > 4
    assert kept == anew
