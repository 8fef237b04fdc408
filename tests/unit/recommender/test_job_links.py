"""Retraining the recommendations links to the feed; a job that makes nothing shows no link."""
import re
from types import SimpleNamespace

from django.test import Client

from jobs.services import submit_job
from recommender import training
from tests.unit.job_links import assert_jobs_page_links_to_result


def test_retraining_links_to_the_feed(user, eager_jobs, monkeypatch):
    monkeypatch.setattr(training, "train", lambda tune=True: SimpleNamespace(pk=7, metrics={}))
    job = submit_job(user, "recommender.train", {"tune": False})
    assert_jobs_page_links_to_result(Client(), job, "/feed/")


def test_a_job_without_a_result_page_has_no_link(user, eager_jobs):
    job = submit_job(user, "jobs.noop", {})
    client = Client()
    client.force_login(user)
    row = re.search(rf'<tr data-job-id="{job.pk}".*?</tr>', client.get("/jobs/").content.decode(), re.S).group(0)
    assert re.search(r'data-field="result" href=""\s+hidden', row)
