"""Job handlers of the perception app (autodiscovered). One section per analysis."""
from django.utils.translation import gettext_lazy

from jobs.registry import job_handler

from perception import lyrics_services


# =========================================================================== lyrics
# Transformer inference belongs on the gpu queue (DESIGN §2); it falls back to CPU there too.
@job_handler("perception.lyrics", queue="gpu", label=gettext_lazy("Lyric analysis"))
def analyze_lyrics_job(ctx):
    """Analyse a saved LyricReport: params {"report_id": int}."""
    return lyrics_services.run_analysis(ctx.params.get("report_id"), ctx.job.owner_id, ctx.report)


# =========================================================================== end lyrics


# =========================================================================== video
# Decoding, face detection and the optional CLIP model run in the worker (gpu queue).
@job_handler("perception.video", queue="gpu", label=gettext_lazy("Music-video analysis"))
def analyze_video_job(ctx):
    """Analyse an uploaded video: params {"path", "title", "detector"}; saves a VideoReport."""
    from perception import video_services

    return video_services.run_job(ctx)


# =========================================================================== end video
