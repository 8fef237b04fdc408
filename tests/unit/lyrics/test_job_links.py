"""A lyric analysis job links to its report."""
import pytest
from django.test import Client

from jobs.models import Job
from perception.lyrics.models import LyricReport
from tests.unit.job_links import assert_jobs_page_links_to_result

from .conftest import DRAFT_ONE

pytestmark = pytest.mark.slow


def test_lyric_job_links_to_its_report(api_client, eager_jobs, analyzer):
    response = api_client.post("/api/perception/lyrics/", {"title": "Paper boats", "text": DRAFT_ONE}, format="json")
    report = LyricReport.objects.get()
    assert_jobs_page_links_to_result(Client(), Job.objects.get(pk=response.json()["id"]), f"/analyze/lyrics/{report.pk}/")
