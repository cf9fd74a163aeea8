"""Entry point: runs a command of the command line, or opens the window when no command is given."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    # Text extraction runs in child processes; a frozen app must let them start here. Only a frozen program needs
    # it, so an ordinary start does not pay for loading multiprocessing.
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _wants_window(arguments):
        from .gui.launch import launch_window

        return launch_window(arguments)
    from .cli.main import run

    return run(arguments)


def _wants_window(arguments: list[str]) -> bool:
    """True when the arguments hold no command, only the data location options."""
    remaining = list(arguments)
    while remaining:
        head = remaining.pop(0)
        if head in ("--data-dir", "--database") and remaining:
            remaining.pop(0)
        elif head.startswith(("--data-dir=", "--database=")):
            continue
        else:
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
