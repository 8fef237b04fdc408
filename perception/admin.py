"""Admin registrations of the perception app (one section per analysis)."""
from django.contrib import admin

from perception.models import LyricReport, VideoReport


# =========================================================================== LyricReport
@admin.register(LyricReport)
class LyricReportAdmin(admin.ModelAdmin):
    list_display = ("id", "display_title", "owner", "status", "language", "mood", "created")
    list_filter = ("status", "language", "mood", "created")
    search_fields = ("title", "text", "owner__username", "owner__email")
    readonly_fields = ("created", "updated", "job")
    raw_id_fields = ("owner",)


# =========================================================================== end LyricReport


# =========================================================================== VideoReport
@admin.register(VideoReport)
class VideoReportAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "shot_count", "created")
    list_filter = ("created",)
    search_fields = ("title", "owner__username", "owner__email")
    readonly_fields = ("created", "job", "report")
    raw_id_fields = ("owner",)


# =========================================================================== end VideoReport
