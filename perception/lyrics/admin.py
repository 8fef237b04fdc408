"""Admin registration of the lyric reports."""
from django.contrib import admin

from perception.lyrics.models import LyricReport


@admin.register(LyricReport)
class LyricReportAdmin(admin.ModelAdmin):
    list_display = ("id", "display_title", "owner", "status", "language", "mood", "created")
    list_filter = ("status", "language", "mood", "created")
    search_fields = ("title", "text", "owner__username", "owner__email")
    readonly_fields = ("created", "updated", "job")
    raw_id_fields = ("owner",)
