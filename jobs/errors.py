"""Errors of the job system. Their messages are written for a person."""
from jobs.messages import translatable as _


class UserError(Exception):
    """A job failed for a reason the user can act on; the message is shown to them as is."""


class JobCancelled(Exception):
    """Raised inside a handler (by ``ctx.report``) once the user has cancelled the job."""


class TooManyActiveJobs(Exception):
    """The user already has the maximum number of queued or running jobs."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__(
            _(
                "You already have %(limit)d jobs waiting or running. Wait for one to finish "
                "(or cancel one on the Jobs page), then try again."
            )
            % {"limit": limit}
        )


class ModelTimeQuotaSpent(Exception):
    """The user has used up today's model time; ``retry_after`` is the seconds to its renewal."""

    def __init__(self, limit, retry_after):
        from motif.views import describe_wait

        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            _(
                "You have used today's model time (%(limit)s). It renews at midnight UTC, in %(wait)s; "
                "your usage is on your account page."
            )
            % {"limit": describe_wait(limit), "wait": describe_wait(retry_after)}
        )


class UnknownJobKind(Exception):
    """No handler is registered for this job kind."""


class JobTimedOut(Exception):
    """Raised inside a handler (by ``ctx.report``) once the job has run past its soft time limit."""


def timed_out_message():
    """What a user reads when their job ran past its time limit (in the active language)."""
    return _("This job took too long and was stopped.")


def worker_lost_message():
    """What a user reads when the worker running their job died once too often."""
    return _(
        "The worker running this job stopped unexpectedly, more than once. "
        "Please try again; if it keeps happening, tell the site operator."
    )
