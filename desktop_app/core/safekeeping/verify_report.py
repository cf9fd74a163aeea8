"""What a check of the records found: each check's problems, what was counted, notes, and what was left out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class VerifyReport:
    """Each check's name with the problems it found (an empty list means it passed), notes that are not
    problems (what could not be checked here, and why that is no fault), and the checks a quick check left out,
    each with how to run it."""

    checks: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.checks.values())

    def lines(self) -> list[str]:
        lines = []
        for name, problems in self.checks.items():
            if problems:
                lines.append(f"{name}: {len(problems)} problem(s)")
                lines.extend(f"  - {problem}" for problem in problems)
            else:
                detail = f" ({self.counts[name]} checked)" if name in self.counts else ""
                lines.append(f"{name}: ok{detail}")
        lines.extend(f"{name}: not checked (--quick); {how}" for name, how in self.skipped.items())
        lines.extend(f"Note: {note}" for note in self.notes)
        lines.append(self._verdict())
        return lines

    def _verdict(self) -> str:
        if not self.ok:
            return "Problems were found; see above."
        if self.skipped:
            return "The quick checks passed; what is marked not checked was not looked at."
        return "All checks passed."
