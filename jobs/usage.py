"""Model usage: every inference made for a job is recorded as a :class:`jobs.models.ModelCall`."""
from jobs.db import with_reconnect
from jobs.models import Job, ModelCall


def record_model_call(job: Job | str, model: str, seconds: float, *, batch_size: int = 1,
                      device: str = "cpu", wait_ms: float = 0.0) -> ModelCall:
    """Record one inference for ``job`` (a row or its id): ``seconds`` is the model time charged to
    it (its share of the batch's forward pass), ``wait_ms`` how long it waited to be batched."""
    return with_reconnect(_create, job, model, seconds, batch_size, device, wait_ms)


def _create(job, model, seconds, batch_size, device, wait_ms):
    if not isinstance(job, Job):
        job = Job.objects.only("id", "owner_id").get(pk=job)
    return ModelCall.objects.create(job=job, owner_id=job.owner_id, model=model, seconds=float(seconds),
                                    batch_size=int(batch_size), device=str(device), wait_ms=float(wait_ms))
