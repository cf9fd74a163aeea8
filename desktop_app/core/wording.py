"""Small helpers for the sentences the program writes: counts with the right plural, sizes, lists of problems."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 partnership', '3 partnerships'; irregular words take their plural form ('1 activity', '2 activities')."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def describe_size(size: int) -> str:
    """A size as a clerk reads it: 2 GiB, 15.3 MiB, 812 bytes."""
    if size >= 1024**3:
        return f"{size / 1024**3:.3g} GiB"
    if size >= 1024**2:
        return f"{size / 1024**2:.3g} MiB"
    if size >= 1024:
        return f"{size / 1024:.3g} KiB"
    return f"{size} bytes"


def join_problems(problems: list[str], most: int = 5) -> str:
    """Problems joined into one sentence: 'row 2: x; row 3: y (and 4 more)'."""
    shown = "; ".join(problem.rstrip(". ") for problem in problems[:most])
    if len(problems) > most:
        shown += f" (and {len(problems) - most} more)"
    return shown
