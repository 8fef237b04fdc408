"""API of the perception app, included at /api/perception/. One section per analysis."""
from rest_framework.routers import SimpleRouter

from perception.lyrics_api import LyricReportViewSet

app_name = "perception_api"
router = SimpleRouter()
# --- lyrics
router.register("lyrics", LyricReportViewSet, basename="lyrics")
# --- end lyrics
urlpatterns = router.urls
