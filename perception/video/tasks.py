"""Job handler of the music-video analysis (autodiscovered). Kind ``perception.video``, as stored jobs name it."""
from django.utils.translation import gettext_lazy

from jobs.registry import job_handler


# Decoding, face detection and the optional CLIP model run in the worker (gpu queue).
@job_handler("perception.video", queue="gpu", label=gettext_lazy("Music-video analysis"))
def analyze_video_job(ctx):
    """Analyse an uploaded video: params {"path", "title", "detector"}; saves a VideoReport."""
    from perception.video import services

    return services.run_job(ctx)
