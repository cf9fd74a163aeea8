"""The bundled CJK face, registered with Qt at start as a fallback of the application font, so 西安 is never boxes."""

from __future__ import annotations

import functools
import logging
import time

from PySide6.QtGui import QFontDatabase, QGuiApplication

from ..core.errors import UserError
from ..core.host.resources import resource_path

# The face the letters use for Chinese, Japanese and Korean text too (core.reports.fonts).
CJK_FONT_FILE = "DroidSansFallbackFull.ttf"

log = logging.getLogger("desktop_app.gui")


def add_bundled_cjk_fallback(app: QGuiApplication) -> str | None:
    """Puts the bundled CJK face after the application font's own families; returns its family name.

    Registering costs about a millisecond once Qt has read the system's fonts (the window's first paint reads them
    anyway), so it is done at start. Without the file the window still opens; the reason is logged.
    """
    family = bundled_cjk_family()
    if family is None:
        return None
    font = app.font()
    families = font.families() or [font.family()]
    if family not in families:
        font.setFamilies([*families, family])
        app.setFont(font)
    return family


@functools.cache
def bundled_cjk_family() -> str | None:
    """The family of the bundled CJK face, registered with Qt on first use; None when it cannot be read."""
    started = time.perf_counter()
    try:
        path = resource_path("fonts", CJK_FONT_FILE)
    except UserError as error:
        log.warning("The bundled CJK font is not used: %s", error.message)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("The bundled CJK font %s could not be read; CJK text may show as boxes", path)
        return None
    log.info("Registered the bundled CJK font in %.1f ms", (time.perf_counter() - started) * 1000)
    return str(families[0])
