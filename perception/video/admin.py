"""Admin registration of the video reports."""
from django.contrib import admin

from perception.video.models import VideoReport


@admin.register(VideoReport)
class VideoReportAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "shot_count", "created")
    list_filter = ("created",)
    search_fields = ("title", "owner__username", "owner__email")
    readonly_fields = ("created", "job", "report")
    raw_id_fields = ("owner",)
