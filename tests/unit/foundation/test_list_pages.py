"""Pages that list things show one page at a time, with a way to the next."""
import re

import pytest

from jobs import views as job_views
from jobs.models import Job
from perception.lyrics import views as lyrics_views
from perception.video import views as video_views
from perception.lyrics.models import LyricReport
from perception.video.models import VideoReport


ROW = re.compile(r'<tr data-(?:job-id|report)="[^"]+"')


@pytest.mark.parametrize("path, module, make", [
    ("/jobs/", job_views, lambda user, i: Job.objects.create(owner=user, kind="jobs.noop")),
    ("/analyze/lyrics/", lyrics_views, lambda user, i: LyricReport.objects.create(owner=user, title=f"Song {i}", text="la")),
    ("/analyze/videos/", video_views, lambda user, i: VideoReport.objects.create(owner=user, title=f"Clip {i}", report={})),
])
def test_list_pages_paginate(client, user, monkeypatch, path, module, make):
    monkeypatch.setattr(module, "PAGE_SIZE", 2)
    for i in range(3):
        make(user, i)
    client.force_login(user)
    first = client.get(path).content.decode()
    second = client.get(path + "?page=2").content.decode()
    assert [len(ROW.findall(page)) for page in (first, second)] == [2, 1]
    assert 'rel="next"' in first and 'rel="prev"' in second and 'rel="next"' not in second
