"""Pages of the lyric analysis, under /analyze/lyrics/ in the ``perception`` namespace."""
from django.urls import path

from perception.lyrics import views

urlpatterns = [
    path("lyrics/", views.lyrics_list, name="lyrics_list"),
    path("lyrics/compare/", views.lyrics_compare, name="lyrics_compare"),
    path("lyrics/<int:pk>/", views.lyrics_detail, name="lyrics_detail"),
    path("lyrics/<int:pk>/delete/", views.lyrics_delete, name="lyrics_delete"),
    path("lyrics/<int:pk>/export.json", views.lyrics_export, name="lyrics_export"),
]
