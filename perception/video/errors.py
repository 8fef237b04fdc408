"""Errors raised by the video analysis, each carrying a message a musician can read."""


class VideoError(Exception):
    """Base class: ``str(error)`` is a sentence meant for the person who uploaded the file."""


class VideoRejected(VideoError):
    """The file cannot be analysed (not a video, damaged, too big, too long, ...)."""


class AnalysisCancelled(VideoError):
    """The caller asked the analysis to stop."""

    def __init__(self, message: str = "The analysis was cancelled."):
        super().__init__(message)
