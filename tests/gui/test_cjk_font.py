"""The bundled CJK and Hangul faces back the window's font, so Chinese, Japanese and Korean are never boxes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontInfo, QImage, QPainter, QRawFont, QTextLayout
from PySide6.QtWidgets import QLabel

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
    # The window and the letters use the same faces.
    assert letter_fonts.FALLBACK_FILES == {
        letter_fonts.CJK: fonts.CJK_FONT_FILE,
        letter_fonts.HANGUL: fonts.HANGUL_FONT_FILE,
    }


def test_chinese_japanese_and_korean_characters_are_drawn_not_boxes(started_app: Any) -> None:
    font = started_app.font()
    font.setPointSize(24)
    missing = drawn("\U000f0000", font)  # a private character no face draws: the box
    for bold in (False, True):
        font.setBold(bold)
        glyphs = [drawn(character, font) for character in "西安の日本서울부산"]
        assert missing not in glyphs and drawn("", font) not in glyphs
        assert len(set(glyphs)) == len(glyphs)


PARTNER_NAMES = "서울특별시 부산광역시 西安 東京 大阪の街"


def label_showing(text: str, qtbot: Any) -> QLabel:
    label = QLabel(text)
    label.setAccessibleName("Partner community")
    qtbot.addWidget(label)
    label.show()
    label.grab()
    return label


def test_every_character_of_a_label_is_in_one_of_its_font_families(started_app: Any, qtbot: Any) -> None:
    """Holds on any machine: the label's own families, bundled ones included, cover every character."""
    assert fonts.bundled_hangul_family() in started_app.font().families()
    label = label_showing(PARTNER_NAMES, qtbot)
    faces = [QRawFont.fromFont(QFont(family)) for family in label.font().families()]
    uncovered = [c for c in PARTNER_NAMES if not c.isspace() and not any(f.supportsCharacter(ord(c)) for f in faces)]
    assert uncovered == []


def test_a_label_lays_out_hangul_chinese_and_japanese_without_a_missing_glyph(started_app: Any, qtbot: Any) -> None:
    label = label_showing(PARTNER_NAMES, qtbot)
    layout = QTextLayout(label.text(), label.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    glyph_indexes = [index for run in runs for index in run.glyphIndexes()]
    assert len(glyph_indexes) == len(PARTNER_NAMES)
    assert 0 not in glyph_indexes  # glyph 0 is the box a face draws for a character it lacks


def test_the_hangul_face_holds_every_hangul_syllable(started_app: Any) -> None:
    family = fonts.bundled_hangul_family()
    assert family is not None
    face = QRawFont.fromFont(QFont(family))
    assert all(face.supportsCharacter(code) for code in range(0xAC00, 0xD7A4))


def test_latin_text_keeps_the_systems_own_face_after_the_fallbacks_are_added(started_app: Any) -> None:
    """On Linux the application font is an alias ("Sans Serif"): followed by the bundled faces, Qt would take the
    first of them for everything, and a printed list's dashes would come out as soft hyphens in its text."""
    system_face = QFontInfo(QFont(started_app.font().families()[0])).family()
    fonts.add_bundled_cjk_fallback(started_app)
    assert QFontInfo(started_app.font()).family() == system_face
    assert started_app.font().families()[-2:] == fonts.bundled_fallback_families()
