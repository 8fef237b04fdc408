from django.urls import path

from . import api

app_name = "recommender-api"

urlpatterns = [
    path("feed/", api.FeedView.as_view(), name="feed"),
    path("events/", api.EventsView.as_view(), name="events"),
    path("recommendations/similar/<int:item_id>/", api.SimilarView.as_view(), name="similar"),
]
