"""Job handler of the lyric analysis (autodiscovered). Kind ``perception.lyrics``, as stored jobs name it."""
from django.utils.translation import gettext_lazy

from jobs.registry import job_handler


# Transformer inference belongs on the gpu queue (DESIGN §2); it falls back to CPU there too.
@job_handler("perception.lyrics", queue="gpu", label=gettext_lazy("Lyric analysis"))
def analyze_lyrics_job(ctx):
    """Analyse a saved LyricReport: params {"report_id": int}."""
    from perception.lyrics import services

    return services.run_analysis(ctx.params.get("report_id"), ctx.job.owner_id, ctx.report)
