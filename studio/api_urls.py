"""Studio API routes, included by the project at ``/api/studio/``."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from studio import api

router = SimpleRouter()
router.register("sketches", api.SketchViewSet, basename="studio-sketch")

urlpatterns = [
    path("generate/", api.GenerateView.as_view(), name="studio-generate"),
    path("vary/", api.VaryView.as_view(), name="studio-vary"),
    path("interpolate/", api.InterpolateView.as_view(), name="studio-interpolate"),
    path("harmonize/", api.HarmonizeView.as_view(), name="studio-harmonize"),
    *router.urls,
]
