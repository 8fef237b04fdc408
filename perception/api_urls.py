"""API of the perception app, included at /api/perception/. One section per analysis."""
from rest_framework.routers import SimpleRouter

from perception.lyrics_api import LyricReportViewSet
from perception.video_api import VideoReportViewSet

app_name = "perception_api"
router = SimpleRouter()
# --- lyrics
router.register("lyrics", LyricReportViewSet, basename="lyrics")
# --- end lyrics
# --- video
router.register("videos", VideoReportViewSet, basename="videos")
# --- end video
urlpatterns = router.urls
