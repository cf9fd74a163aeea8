"""The fonts embedded in every letter: a Latin serif face and a CJK fallback, chosen per run of characters."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import UserError
from ..resources import resource_path

SERIF = "LetterSerif"
SERIF_BOLD = "LetterSerif-Bold"
SERIF_ITALIC = "LetterSerif-Italic"
CJK = "LetterCJK"

_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
    CJK: "DroidSansFallbackFull.ttf",
}


@cache
def register_fonts() -> None:
    """Registers the shipped TrueType fonts with ReportLab once; they are embedded as subsets."""
    for name, file_name in _FILES.items():
        path = resource_path("fonts", file_name)
        if not path.is_file():
            raise UserError(f"The font file {file_name} is missing; please reinstall Sister City Records.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> and <i> in paragraph text map to these faces; there is no bold italic, bold stands in for it.
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CJK, bold, italic, CJK)


@cache
def _serif_characters() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(SERIF)
    return frozenset(font.face.charToGlyph)


def needs_fallback(character: str) -> bool:
    """True for a character the serif face has no glyph for (Chinese, Japanese, Korean and the like)."""
    return ord(character) not in _serif_characters() and not character.isspace()


def markup(text: str) -> str:
    """Paragraph markup for plain text: XML-escaped, with runs the serif face cannot draw set in the CJK face."""
    parts: list[str] = []
    run: list[str] = []
    run_is_cjk = False
    for character in text:
        if _is_control(character):
            continue
        is_cjk = needs_fallback(character)
        if run and is_cjk != run_is_cjk:
            parts.append(_finish(run, run_is_cjk))
            run = []
        run.append(character)
        run_is_cjk = is_cjk
    if run:
        parts.append(_finish(run, run_is_cjk))
    return "".join(parts)


def _is_control(character: str) -> bool:
    """Control characters (NUL, escape, form feed...) have no place in a letter; line breaks are kept."""
    code = ord(character)
    return (code < 32 and character not in "\n\t") or 0x7F <= code <= 0x9F


def _finish(run: list[str], is_cjk: bool) -> str:
    text = escape("".join(run))
    return f'<font name="{CJK}">{text}</font>' if is_cjk else text


def multiline_markup(text: str) -> str:
    """Markup for text whose line breaks matter (an address block)."""
    return "<br/>".join(markup(line) for line in text.splitlines())
