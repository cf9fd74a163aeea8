"""The steps of ending a partnership under a state law, and which of them a termination needs evidence of."""

from __future__ import annotations

STEPS: dict[str, str] = {
    "resolution": "Council or governing-body resolution",
    "notice_partner": "Notice to the partner community",
    "notice_national": "Notice to the national sister-city organisation",
    "publication": "Publication of the termination",
    "gifts": "Return or disposition of gifts",
}
ALWAYS_REQUIRED = ("resolution", "notice_partner", "notice_national")
GIFTS_STEP = "gifts"  # required only when the records hold gifts received from the partner


def required_steps(holds_gifts: bool) -> tuple[str, ...]:
    return (*ALWAYS_REQUIRED, GIFTS_STEP) if holds_gifts else ALWAYS_REQUIRED


def step_label(step: str) -> str:
    return STEPS.get(step, step)
