"""Studio pages, included by the project at ``/studio/``."""
from django.urls import path

from studio import views

app_name = "studio"

urlpatterns = [
    path("", views.generate, name="generate"),
    path("library/", views.library_page, name="library"),
    path("vary/", views.vary, name="vary"),
    path("interpolate/", views.interpolate, name="interpolate"),
    path("harmonize/", views.harmonize, name="harmonize"),
    path("sketches/<int:pk>/", views.edit, name="edit"),
    path("sketches/<int:pk>/notation/", views.score, name="score"),
    path("soundfont.sf2", views.soundfont, name="soundfont"),
]
