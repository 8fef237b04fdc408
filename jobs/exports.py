"""The user's jobs, with the model calls charged to each, in "download my data"."""
from jobs.messages import localise_event
from jobs.models import Job


def export_user_data(user):
    return [
        {**localise_event(job.to_event()), "params": job.params, "model_calls": [
            {"model": call.model, "device": call.device, "batch_size": call.batch_size, "seconds": call.seconds,
             "wait_ms": call.wait_ms, "created_at": call.created_at.isoformat()}
            for call in job.model_calls.all()
        ]}
        for job in Job.objects.filter(owner=user).order_by("created_at").prefetch_related("model_calls")
    ]
