"""Pages of the music-video analysis, under /analyze/videos/ in the ``perception`` namespace."""
from django.urls import path

from perception.video import views

urlpatterns = [
    path("videos/", views.video_list, name="video_list"),
    path("videos/<int:pk>/", views.video_detail, name="video_detail"),
    path("videos/<int:pk>/video", views.video_file, name="video_file"),
    path("videos/<int:pk>/keyframes.jpg", views.video_keyframes, name="video_keyframes"),
    path("videos/<int:pk>/contact-sheet.png", views.video_contact_sheet, name="video_contact_sheet"),
    path("videos/<int:pk>/export.json", views.video_export, name="video_export"),
    path("videos/<int:pk>/delete/", views.video_delete, name="video_delete"),
]
