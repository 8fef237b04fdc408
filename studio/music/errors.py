"""Errors raised by the studio's music code."""


class ScoreError(ValueError):
    """A score file could not be used. The message is written for a musician, not a developer."""


class ModelUnavailable(RuntimeError):
    """A studio model's checkpoint is missing or unreadable. The message is written for a person."""
