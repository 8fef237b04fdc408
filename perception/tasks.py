"""Job handlers of the perception app (autodiscovered). One section per analysis."""
from jobs.registry import job_handler

from perception import lyrics_services


# =========================================================================== lyrics
# Transformer inference belongs on the gpu queue (DESIGN §2); it falls back to CPU there too.
@job_handler("perception.lyrics", queue="gpu")
def analyze_lyrics_job(ctx):
    """Analyse a saved LyricReport: params {"report_id": int}."""
    return lyrics_services.run_analysis(ctx.params.get("report_id"), ctx.job.owner_id, ctx.report)


# =========================================================================== end lyrics
