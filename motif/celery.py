"""The Celery application for distributed mode.

Worker pools: the ``gpu`` queue runs ``--pool prefork --concurrency 1``. Nothing in the
parent process touches CUDA: models load lazily on first use inside the forked child and
stay cached there (no ``--max-tasks-per-child``), so CUDA initialises after the fork. Use
``--pool solo`` instead if a library insists on initialising CUDA at import time.
"""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")

app = Celery("motif")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_up_worker(**kwargs):
    """Each pool process compiles librosa's kernels before its first job (no CUDA here)."""
    from motif.warmup import warm_up

    warm_up()
