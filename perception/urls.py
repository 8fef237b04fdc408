"""Pages of the perception app, included at /analyze/. One section per analysis."""
from django.urls import path
from django.views.generic import RedirectView

from perception import lyrics_views

app_name = "perception"
urlpatterns = [
    # The /analyze/ landing page; the video pages may replace it with a shared index.
    path("", RedirectView.as_view(pattern_name="perception:lyrics_list", permanent=False), name="index"),
    # --- lyrics
    path("lyrics/", lyrics_views.lyrics_list, name="lyrics_list"),
    path("lyrics/compare/", lyrics_views.lyrics_compare, name="lyrics_compare"),
    path("lyrics/<int:pk>/", lyrics_views.lyrics_detail, name="lyrics_detail"),
    path("lyrics/<int:pk>/delete/", lyrics_views.lyrics_delete, name="lyrics_delete"),
    path("lyrics/<int:pk>/export.json", lyrics_views.lyrics_export, name="lyrics_export"),
    # --- end lyrics
]
