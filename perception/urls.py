"""Pages of the perception app, included at /analyze/. One section per analysis."""
from django.urls import path
from django.views.generic import TemplateView

from perception import lyrics_views, video_views

app_name = "perception"
urlpatterns = [
    # The /analyze/ landing page: links to each analysis.
    path("", TemplateView.as_view(template_name="perception/index.html"), name="index"),
    # --- lyrics
    path("lyrics/", lyrics_views.lyrics_list, name="lyrics_list"),
    path("lyrics/compare/", lyrics_views.lyrics_compare, name="lyrics_compare"),
    path("lyrics/<int:pk>/", lyrics_views.lyrics_detail, name="lyrics_detail"),
    path("lyrics/<int:pk>/delete/", lyrics_views.lyrics_delete, name="lyrics_delete"),
    path("lyrics/<int:pk>/export.json", lyrics_views.lyrics_export, name="lyrics_export"),
    # --- end lyrics
    # --- video
    path("videos/", video_views.video_list, name="video_list"),
    path("videos/<int:pk>/", video_views.video_detail, name="video_detail"),
    path("videos/<int:pk>/video", video_views.video_file, name="video_file"),
    path("videos/<int:pk>/keyframes.jpg", video_views.video_keyframes, name="video_keyframes"),
    path("videos/<int:pk>/contact-sheet.png", video_views.video_contact_sheet, name="video_contact_sheet"),
    path("videos/<int:pk>/export.json", video_views.video_export, name="video_export"),
    path("videos/<int:pk>/delete/", video_views.video_delete, name="video_delete"),
    # --- end video
]
