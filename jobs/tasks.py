"""Celery tasks of the job system, and two diagnostic job kinds."""
import time

from celery import shared_task
from django.utils.translation import gettext_lazy

from jobs import queue, recovery, runner
from jobs.errors import UserError
from jobs.messages import translatable as _
from jobs.registry import job_handler


@shared_task(name="jobs.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id, token=None):
    """Run one job (dropped if ``token`` is stale), then hand the next waiting jobs over.
    Redelivered to another worker if this one dies mid-run."""
    runner.execute(job_id, token)
    queue.dispatch_queued()


@shared_task(name="jobs.sweep")
def sweep():
    """Periodic: re-run or fail jobs whose worker died, re-dispatch lost messages, empty the outbox."""
    return recovery.sweep()


@job_handler("jobs.noop", queue="cpu", api=True, label=gettext_lazy("No-op (system check)"))
def noop_job(ctx):
    """Does nothing: measures the job system's own round trip."""
    return {"ok": True}


@job_handler("jobs.demo", queue="cpu", api=True, label=gettext_lazy("Test job"))
def demo_job(ctx):
    """Counts to 100 over ``seconds`` (1-30): shows live progress end to end."""
    try:
        seconds = float(ctx.params.get("seconds", 3))
    except (TypeError, ValueError):
        raise UserError(_("“seconds” must be a number.")) from None
    if not 0 < seconds <= 30:
        raise UserError(_("“seconds” must be between 0 and 30."))
    steps = 20
    for step in range(1, steps + 1):
        time.sleep(seconds / steps)
        ctx.report(step * 100 // steps, _("Step %(step)d of %(steps)d") % {"step": step, "steps": steps})
    return {"ok": True, "seconds": seconds}
