"""Small helpers for the sentences the program writes: counts with the right plural, lists of problems."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 partnership', '3 partnerships'; irregular words take their plural form ('1 activity', '2 activities')."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def join_problems(problems: list[str], most: int = 5) -> str:
    """Problems joined into one sentence: 'row 2: x; row 3: y (and 4 more)'."""
    shown = "; ".join(problem.rstrip(". ") for problem in problems[:most])
    if len(problems) > most:
        shown += f" (and {len(problems) - most} more)"
    return shown
