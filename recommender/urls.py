from django.urls import path

from . import views

app_name = "recommender"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/midi/", views.item_midi, name="item-midi"),
    path("items/<int:item_id>/preview/", views.item_preview, name="item-preview"),
]
