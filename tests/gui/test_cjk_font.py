"""The bundled CJK face is a fallback of the window's font, so Chinese and Japanese text is never boxes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter

from desktop_app.core.reports import fonts as letter_fonts
from desktop_app.gui import fonts
from desktop_app.gui.launch import configure_application


@pytest.fixture
def started_app(qapp: Any) -> Iterator[Any]:
    """The application as the program's start configures it; its font is put back afterwards."""
    font = QFont(qapp.font())
    configure_application(qapp)
    yield qapp
    qapp.setFont(font)


def drawn(text: str, font: QFont) -> bytes:
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return bytes(image.constBits())


def test_the_bundled_face_is_registered_and_a_fallback_of_the_application_font(started_app: Any) -> None:
    family = fonts.bundled_cjk_family()
    assert family is not None and family in QFontDatabase.families()
    font = started_app.font()
    assert family in font.families() and font.families()[0] != family  # the system's face stays first
    assert fonts.CJK_FONT_FILE == letter_fonts._CJK_FILE  # the window and the letters use the same face


def test_chinese_and_japanese_characters_are_drawn_not_boxes(started_app: Any) -> None:
    font = started_app.font()
    font.setPointSize(24)
    missing = drawn("\U000f0000", font)  # a private character no face draws: the box
    for bold in (False, True):
        font.setBold(bold)
        glyphs = [drawn(character, font) for character in "西安の日本"]
        assert missing not in glyphs and drawn("", font) not in glyphs
        assert len(set(glyphs)) == len(glyphs)
