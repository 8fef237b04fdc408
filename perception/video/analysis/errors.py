"""Errors raised by the video analysis, each carrying a message a musician can read."""


class VideoError(Exception):
    """Base class: ``str(error)`` is a sentence meant for the person who uploaded the file."""


class VideoRejected(VideoError):
    """The file cannot be analysed (not a video, damaged, too big, too long, ...).

    ``code`` and ``params`` let a web layer show the message in the reader's language.
    """

    def __init__(self, message: str, code: str = "invalid", **params):
        super().__init__(message)
        self.code = code
        self.params = params


class AnalysisCancelled(VideoError):
    """The caller asked the analysis to stop."""

    def __init__(self, message: str = "The analysis was cancelled."):
        super().__init__(message)
