"""Warm first-use code paths (the beat tracker) before a job needs it."""
import logging
import threading

logger = logging.getLogger(__name__)


def warm_up():
    """Compile and load slow first-use code paths (unless ``MOTIF_WARM_UP`` is off).

    Failures are logged, never raised.
    """
    from django.conf import settings

    if not settings.MOTIF_WARM_UP:
        return
    try:
        from perception.video.analysis.audio import warm_up as warm_up_beats

        warm_up_beats()
    except Exception:
        logger.warning("Warm-up of the beat tracker failed", exc_info=True)


def warm_up_in_background():
    """Embedded mode: warm up in a daemon thread so the server starts at once."""
    threading.Thread(target=warm_up, name="motif-warmup", daemon=True).start()
