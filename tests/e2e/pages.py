"""A site with something on every page, and the list of those pages, for checks that visit them all."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from perception.lyrics import services as lyrics_services
from perception.video import services as video_services
from perception.video.analysis.synthetic import ShotSpec, make_clip
from studio.models import Origin, Sketch
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

LYRIC_A = "[Verse]\nPaper boats on a silver river\nCarry all the words I never said\n\n[Chorus]\nLet it go, let it go tonight\nDance until the city lights"
LYRIC_B = "[Verse]\nCold rain on an empty street\nI walk alone and count the years\n\n[Chorus]\nGoodbye my love, goodbye\nThe night will dry these tears"
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/"]


def seed_site(user, settings, tmp_path):
    """Sketches, two lyric reports, a video report and jobs in every state for ``user``; returns the
    paths of the pages a logged-in person sees. Jobs run eagerly here, in the test's thread."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTIF_JOBS_EAGER = True
    try:
        melody = Sketch(owner=user, title="Melody 1 · C", origin=Origin.GENERATED, saved=True)
        melody.set_score(melody_score(bars=2))
        melody.save()
        chorale = Sketch(owner=user, title="Chorale 1 · C", origin=Origin.HARMONIZED, saved=True, parent=melody)
        chorale.set_score(chorale_score(melody_score(bars=2)))
        chorale.save()
        first = lyrics_services.create_report(user, LYRIC_A, "Paper boats")
        second = lyrics_services.create_report(user, LYRIC_B, "Cold rain")
        clip = make_clip(Path(tmp_path) / "night.mp4", [ShotSpec(30, style=i) for i in range(3)], fps=30, bpm=100)
        upload = SimpleUploadedFile("night.mp4", Path(clip.path).read_bytes(), content_type="video/mp4")
        video_job = video_services.start_analysis(user, upload, "Night drive")
    finally:
        settings.MOTIF_JOBS_EAGER = False
    Job.objects.create(owner=user, kind="studio.generate", status=Job.Status.FAILED,
                       error="The model could not use this sketch.")
    Job.objects.create(owner=user, kind="perception.lyrics", status=Job.Status.CANCELLED)
    Job.objects.create(owner=user, kind="studio.vary", status=Job.Status.RUNNING, progress=40, message="Varying")
    video = Job.objects.get(pk=video_job.pk).result["report_id"]
    return [
        "/", "/studio/", "/studio/library/", f"/studio/vary/?sketch={melody.pk}",
        f"/studio/interpolate/?sketch={melody.pk}", f"/studio/harmonize/?sketch={melody.pk}",
        f"/studio/sketches/{melody.pk}/", f"/studio/sketches/{chorale.pk}/", f"/studio/sketches/{chorale.pk}/notation/",
        "/analyze/", "/analyze/lyrics/", f"/analyze/lyrics/{first.pk}/",
        f"/analyze/lyrics/compare/?a={first.pk}&b={second.pk}", "/analyze/videos/", f"/analyze/videos/{video}/",
        "/jobs/", "/feed/", "/accounts/profile/", "/accounts/tokens/", "/accounts/password/change/",
    ]
