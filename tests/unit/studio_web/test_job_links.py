"""Each studio job links to what it made: one sketch opens in the editor, several in the library."""
import pytest
from django.test import Client

from jobs.models import Job
from tests.unit.job_links import assert_jobs_page_links_to_result

API = "/api/studio/"


@pytest.mark.parametrize("count, page", [(1, "edit"), (3, "library")])
def test_generate_links_to_its_sketches(api_client, user, fake_models, eager_jobs, count, page):
    api_client.post(API + "generate/", {"model": "vae", "bars": 2, "count": count, "seed": 1}, format="json")
    job = Job.objects.get(kind="studio.generate")
    expected = f"/studio/sketches/{job.result['sketch_ids'][0]}/" if page == "edit" else "/studio/library/"
    assert_jobs_page_links_to_result(Client(), job, expected)


@pytest.mark.parametrize("path, body", [
    ("vary/", lambda a, b: {"sketch": a.id, "amount": 0.5, "count": 1}),
    ("harmonize/", lambda a, b: {"sketch": a.id, "count": 1}),
    ("interpolate/", lambda a, b: {"a": a.id, "b": b.id, "steps": 3}),
])
def test_vary_harmonize_and_interpolate_link_to_their_sketches(api_client, user, make_sketch, fake_models, eager_jobs,
                                                               path, body):
    response = api_client.post(API + path, body(make_sketch(user), make_sketch(user, title="Other")), format="json")
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    ids = job.result["sketch_ids"]
    expected = f"/studio/sketches/{ids[0]}/" if len(ids) == 1 else "/studio/library/"
    assert_jobs_page_links_to_result(Client(), job, expected)
