"""The Jobs page: every job of the user, with bars that move live."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jobs.errors import TooManyActiveJobs
from jobs.models import Job
from jobs.services import submit_job

PAGE_SIZE = 50


@login_required
def job_list(request):
    page = Paginator(Job.objects.filter(owner=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"jobs": page.object_list, "page": page})


@login_required
@require_POST
def start_demo(request):
    """Start the demonstration job that counts to 100 in a few seconds."""
    try:
        submit_job(request.user, "jobs.demo", {"seconds": 4})
    except TooManyActiveJobs as exc:
        messages.error(request, str(exc))
    return redirect("jobs:list")
