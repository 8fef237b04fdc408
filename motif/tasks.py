"""Periodic tasks of the project itself (discovered by Celery because ``motif`` is an installed app)."""
from celery import shared_task

from motif import media_sweep


@shared_task(name="motif.sweep_media")
def sweep_media():
    """Periodic: remove temporary files left by interrupted writes and media files no row names."""
    return media_sweep.sweep()
