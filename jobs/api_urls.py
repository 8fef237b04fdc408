from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import JobViewSet, UsageView

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
urlpatterns = [*router.urls, path("usage/", UsageView.as_view(), name="usage")]
