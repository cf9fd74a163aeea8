"""The letter's fonts: text markup per run of characters, and the CJK face read only when some text needs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.reports.fonts import CJK, HANGUL, markup, multiline_markup

ASCII = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80)


@given(text=ASCII)
def test_ascii_text_is_marked_up_as_character_by_character(text: str) -> None:
    # "é" is drawn by the serif face but is not ASCII: it sends the text down the character-by-character path.
    assert markup("é" + text) == "é" + markup(text)


def test_markup_escapes_and_drops_control_characters() -> None:
    assert markup("A & B <c>\x00\x1b\x7f\r") == "A &amp; B &lt;c&gt;"
    assert markup("tab\tkept") == "tab\tkept"


def test_text_the_serif_face_cannot_draw_is_set_in_the_cjk_face() -> None:
    assert markup("Hefei 合肥 & Co") == f'Hefei <font name="{CJK}">合肥</font> &amp; Co'
    assert multiline_markup("Hefei\n合肥") == f'Hefei<br/><font name="{CJK}">合肥</font>'


def test_korean_is_set_in_the_hangul_face_and_hanja_beside_it_in_the_cjk_face() -> None:
    """Droid Sans Fallback has 3 of the 11,172 Hangul syllables: Korean printed in it would be boxes."""
    assert markup("Seoul 서울특별시 (漢城)") == (
        f'Seoul <font name="{HANGUL}">서울특별시</font> (<font name="{CJK}">漢城</font>)'
    )


def test_every_hangul_syllable_is_drawn_by_the_face_that_prints_it() -> None:
    from reportlab.pdfbase import pdfmetrics

    markup("서울")
    drawn = pdfmetrics.getFont(HANGUL).face.charToGlyph
    assert all(code in drawn for code in range(0xAC00, 0xD7A4))


def test_the_cjk_face_is_read_only_when_some_text_needs_it() -> None:
    script = textwrap.dedent(
        f"""
        from reportlab.pdfbase import pdfmetrics
        from desktop_app.core.reports.fonts import markup
        from desktop_app.core.reports.layout import style_sheet

        style_sheet()
        markup("Columbus, Ohio: Ünïcödé – “quoted”")
        print("{CJK}" in pdfmetrics.getRegisteredFontNames())
        markup("合肥")
        print("{CJK}" in pdfmetrics.getRegisteredFontNames())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
