"""API of the analyses, included at /api/perception/ in the ``perception_api`` namespace."""
from rest_framework.routers import SimpleRouter

from perception.lyrics.api import LyricReportViewSet
from perception.video.api import VideoReportViewSet

app_name = "perception_api"
router = SimpleRouter()
router.register("lyrics", LyricReportViewSet, basename="lyrics")
router.register("videos", VideoReportViewSet, basename="videos")
urlpatterns = router.urls
