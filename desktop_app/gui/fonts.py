"""The bundled CJK and Hangul faces, registered with Qt at start as fallbacks of the application font."""

from __future__ import annotations

import functools
import logging
import time

from PySide6.QtGui import QFontDatabase, QFontInfo, QGuiApplication

from ..core.errors import UserError
from ..core.host.resources import resource_path

# The face the letters use for Chinese, Japanese and Korean text too (core.reports.fonts).
CJK_FONT_FILE = "DroidSansFallbackFull.ttf"
# Droid Sans Fallback has Hanja and kana but not the Hangul syllables (서울, 부산): this face draws them.
HANGUL_FONT_FILE = "NanumSquareR.ttf"

log = logging.getLogger("desktop_app.gui")


def add_bundled_cjk_fallback(app: QGuiApplication) -> list[str]:
    """Puts the bundled CJK and Hangul faces after the application font's own families; returns their families.

    Registering costs a few milliseconds once Qt has read the system's fonts (the window's first paint reads them
    anyway), so it is done at start. Without a file the window still opens; the reason is logged.
    """
    bundled = bundled_fallback_families()
    font = app.font()
    # The face the system resolves the font to, not the name it asked for: on Linux that name is an alias ("Sans
    # Serif") Qt does not take for a family when others follow, and the first bundled face would draw everything.
    resolved = QFontInfo(font).family()
    own = [] if resolved in bundled else [resolved]
    families = [*own, *(family for family in font.families() if family not in (*own, *bundled)), *bundled]
    if families != font.families():
        font.setFamilies(families)
        app.setFont(font)
    return bundled


def bundled_fallback_families() -> list[str]:
    """The families of the bundled faces that could be read, in the order Qt should try them."""
    return [family for family in (bundled_cjk_family(), bundled_hangul_family()) if family is not None]


def bundled_cjk_family() -> str | None:
    """The family of the bundled CJK face (Chinese, Japanese); None when it cannot be read."""
    return _registered_family(CJK_FONT_FILE)


def bundled_hangul_family() -> str | None:
    """The family of the bundled Hangul face (Korean); None when it cannot be read."""
    return _registered_family(HANGUL_FONT_FILE)


@functools.cache
def _registered_family(file_name: str) -> str | None:
    """Registers the bundled font file with Qt on first use and returns its family; None when it cannot be read."""
    started = time.perf_counter()
    try:
        path = resource_path("fonts", file_name)
    except UserError as error:
        log.warning("The bundled font %s is not used: %s", file_name, error.message)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("The bundled font %s could not be read; some names may show as boxes", path)
        return None
    log.info("Registered the bundled font %s in %.1f ms", file_name, (time.perf_counter() - started) * 1000)
    return str(families[0])
