"""Shared check of the job-to-result links: the Jobs page row of a finished job opens what it made."""
import re

from jobs.models import Job


def assert_jobs_page_links_to_result(client, job, expected_url):
    """``job`` succeeded, its row on the Jobs page links to ``expected_url``, and that page opens."""
    job = Job.objects.get(pk=job.pk if isinstance(job, Job) else job)
    assert job.status == Job.Status.SUCCEEDED, job.error
    client.force_login(job.owner)
    page = client.get("/jobs/").content.decode()
    row = re.search(rf'<tr data-job-id="{job.pk}".*?</tr>', page, re.S).group(0)
    link = re.search(r'<a class="job-result" data-field="result" href="([^"]*)"\s*>', row)
    assert link, f"no visible result link in the row of {job.kind}:\n{row}"
    assert link.group(1) == expected_url == job.result["url"]
    assert client.get(expected_url, follow=True).status_code == 200
