"""The user's jobs in "download my data"."""
from jobs.messages import localise_event
from jobs.models import Job


def export_user_data(user):
    return [
        {**localise_event(job.to_event()), "params": job.params}
        for job in Job.objects.filter(owner=user).order_by("created_at")
    ]
