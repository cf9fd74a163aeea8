"""Entry script of the frozen app: runs desktop_app's main with the package imported absolutely.

PyInstaller runs its entry script as a top-level module, so ``desktop_app/__main__.py`` (which uses relative
imports) cannot be the script itself; this file only hands over to it.

For the smoke test of a built app, ``SCR_SMOKE_QUIT_AFTER_MS`` closes the window after that many milliseconds
(unless the window's own code already honours it), and ``SCR_SMOKE_REPORT`` names a file where the titles of
the windows that were shown are written, so the test can tell a window really opened.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    # A child process started by the text extraction pool ('spawn') re-runs this executable; this hands it over
    # to multiprocessing before anything of the program runs.
    import multiprocessing

    multiprocessing.freeze_support()

    from desktop_app.__main__ import _wants_window
    from desktop_app.__main__ import main as app_main

    arguments = sys.argv[1:]
    try:
        quit_after = os.environ.get("SCR_SMOKE_QUIT_AFTER_MS", "")
        if quit_after.isdigit() and _wants_window(arguments):
            _close_window_after(int(quit_after), os.environ.get("SCR_SMOKE_REPORT", ""))
        return app_main(arguments)
    except Exception:  # the command line and the window handle their own errors; this is the last resort
        return _report_crash(arguments)


def _report_crash(arguments: list[str]) -> int:
    """Logs what stopped the program in the data folder's log and tells the clerk in one sentence where it is."""
    import logging

    from desktop_app.core.host.logs import configure_logging
    from desktop_app.core.host.paths import default_data_dir

    data_dir = default_data_dir()
    for index, argument in enumerate(arguments):
        if argument == "--data-dir" and index + 1 < len(arguments):
            data_dir = Path(arguments[index + 1]).expanduser()
        elif argument.startswith("--data-dir="):
            data_dir = Path(argument.split("=", 1)[1]).expanduser()
    log_path = configure_logging(data_dir / "logs")
    logging.getLogger("desktop_app.entry").exception("the program stopped unexpectedly (arguments %s)", arguments)
    message = (
        "Sister City Records stopped unexpectedly; everything saved before is kept. "
        f"The details are in the log file {log_path}."
    )
    if sys.stderr is not None:
        print(message, file=sys.stderr)
    if sys.platform == "win32" and sys.stdout is None:  # the windowed program: no console to print to
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, "Sister City Records", 0x10)
    return 2


def _close_window_after(milliseconds: int, report_path: str) -> None:
    """Once the window is up, waits, notes the shown windows, then closes them as a clerk would.

    The request is repeated every second, so a dialog that opens before the main event loop runs cannot keep the
    program open.
    """
    import threading

    from PySide6.QtCore import QObject, Qt, Signal, Slot
    from PySide6.QtWidgets import QApplication

    class Closer(QObject):
        close_requested = Signal()
        reported = False

        @Slot()
        def close_windows(self) -> None:
            if not self.reported:
                self.reported = True
                shown = [widget.windowTitle() for widget in QApplication.topLevelWidgets() if widget.isVisible()]
                if report_path:
                    with open(report_path, "w", encoding="utf-8") as report:
                        report.write("\n".join(shown) + "\n" if shown else "")
            QApplication.closeAllWindows()
            QApplication.quit()

    # Created on the main thread, so the queued call below runs there, inside the window's event loop.
    closer = Closer()
    closer.close_requested.connect(closer.close_windows, Qt.ConnectionType.QueuedConnection)
    _close_window_after.closer = closer  # type: ignore[attr-defined]  # kept alive for the program's lifetime

    def wait_then_close() -> None:
        waiting = threading.Event()
        waiting.wait(milliseconds / 1000)
        for _ in range(60):
            closer.close_requested.emit()
            waiting.wait(1.0)

    threading.Thread(target=wait_then_close, name="smoke-test-closer", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
