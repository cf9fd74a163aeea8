"""The one error type a user can cause, carrying a sentence a clerk understands."""


class UserError(Exception):
    """Bad input, a missing file, a locked database: something the user can act on.

    The message is a plain sentence shown as it is in a dialog or on stderr.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """A record failed validation; ``problems`` maps field names to sentences."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))


class Stopped(UserError):
    """Work asked to stop (by the clerk, or because the program is closing) ended early; nothing of it was kept."""

    def __init__(self, message: str = "Stopped; nothing half-done was saved.") -> None:
        super().__init__(message)
