"""Pages of the analyses, included at /analyze/: the landing page and each app's pages, in one
``perception`` namespace."""
from django.urls import path
from django.views.generic import TemplateView

from perception.lyrics import urls as lyrics_urls
from perception.video import urls as video_urls

app_name = "perception"
urlpatterns = [
    path("", TemplateView.as_view(template_name="perception/index.html"), name="index"),
    *lyrics_urls.urlpatterns,
    *video_urls.urlpatterns,
]
