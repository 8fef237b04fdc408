"""The Celery application for distributed mode.

Worker pools: the ``gpu`` queue runs ``--pool threads --concurrency N`` (N =
``MOTIF_GPU_CONCURRENCY``, which is also how many gpu jobs are dispatched ahead): one process,
so one copy of each model per device, and N jobs in it at once, whose model requests the
batcher (``motif.inference``) gathers into shared forward passes. Nothing forks, so CUDA may
initialise whenever a model first loads (lazily, on first use). The ``cpu`` queue keeps prefork.
"""
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")

app = Celery("motif")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_up_worker(**kwargs):
    """Each pool process compiles librosa's kernels before its first job (no CUDA here)."""
    from motif.warmup import warm_up

    warm_up()


@worker_init.connect
def warm_up_threads_worker(sender=None, **kwargs):
    """A threads (or solo) pool has no child processes: the worker itself warms up."""
    if "prefork" not in str(getattr(sender, "pool_cls", "prefork")).lower():
        warm_up_worker()
