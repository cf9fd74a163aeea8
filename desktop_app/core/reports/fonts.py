"""The fonts embedded in every letter: a Latin serif face and CJK and Hangul fallbacks, chosen per run of characters."""

from __future__ import annotations

import re
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import UserError
from ..host.resources import resource_path

SERIF = "LetterSerif"
SERIF_BOLD = "LetterSerif-Bold"
SERIF_ITALIC = "LetterSerif-Italic"
CJK = "LetterCJK"
HANGUL = "LetterHangul"

_SERIF_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
}
# Droid Sans Fallback draws Chinese and Japanese but only 3 of the 11,172 Hangul syllables: Korean takes NanumSquare.
FALLBACK_FILES = {CJK: "DroidSansFallbackFull.ttf", HANGUL: "NanumSquareR.ttf"}
# Hangul Jamo, Compatibility Jamo, Jamo Extended-A, Syllables and Jamo Extended-B.
_HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
# Control characters (NUL, escape, form feed...) have no place in a letter; line breaks are kept.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _register(name: str, file_name: str) -> None:
    path = resource_path("fonts", file_name)
    if not path.is_file():
        raise UserError(f"The font file {file_name} is missing; please reinstall Sister City Records.")
    pdfmetrics.registerFont(TTFont(name, str(path)))


@cache
def register_fonts() -> None:
    """Registers the serif faces with ReportLab once; they are embedded as subsets.

    The fallback faces wait for the first text that needs them (``register_fallback``): reading the 4 MB CJK file
    takes longer than laying out many pages, and most letters never use it.
    """
    for name, file_name in _SERIF_FILES.items():
        _register(name, file_name)
    # <b> and <i> in paragraph text map to these faces; there is no bold italic, bold stands in for it.
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD)


@cache
def register_fallback(name: str) -> None:
    """Registers a fallback face (``CJK`` or ``HANGUL``) once, with every style mapped to it."""
    _register(name, FALLBACK_FILES[name])
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


@cache
def _ascii_is_serif() -> bool:
    """True when the serif face draws every printable ASCII character, so ASCII text needs no fallback."""
    return all(ord(character) in _serif_characters() for character in map(chr, range(0x20, 0x7F)))


@cache
def _serif_characters() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(SERIF)
    return frozenset(font.face.charToGlyph)


def needs_fallback(character: str) -> bool:
    """True for a character the serif face has no glyph for (Chinese, Japanese, Korean and the like)."""
    return ord(character) not in _serif_characters() and not character.isspace()


def fallback_face(character: str) -> str | None:
    """The face that draws a character: None for the serif face, else ``HANGUL`` for Korean, ``CJK`` for the rest."""
    if not needs_fallback(character):
        return None
    code = ord(character)
    return HANGUL if any(low <= code <= high for low, high in _HANGUL_RANGES) else CJK


def markup(text: str) -> str:
    """Paragraph markup for plain text: XML-escaped, runs the serif face cannot draw set in a fallback face."""
    if text.isascii() and _ascii_is_serif():
        return escape(_CONTROL.sub("", text))
    parts: list[str] = []
    run: list[str] = []
    run_face: str | None = None
    for character in text:
        if _is_control(character):
            continue
        face = fallback_face(character)
        if run and face != run_face:
            parts.append(_finish(run, run_face))
            run = []
        run.append(character)
        run_face = face
    if run:
        parts.append(_finish(run, run_face))
    return "".join(parts)


def _is_control(character: str) -> bool:
    """Control characters (NUL, escape, form feed...) have no place in a letter; line breaks are kept."""
    code = ord(character)
    return (code < 32 and character not in "\n\t") or 0x7F <= code <= 0x9F


def _finish(run: list[str], face: str | None) -> str:
    text = escape("".join(run))
    if face is None:
        return text
    register_fallback(face)
    return f'<font name="{face}">{text}</font>'


def multiline_markup(text: str) -> str:
    """Markup for text whose line breaks matter (an address block)."""
    return "<br/>".join(markup(line) for line in text.splitlines())
