"""Admin registrations of the perception app (one section per analysis)."""
from django.contrib import admin

from perception.models import LyricReport


# =========================================================================== LyricReport
@admin.register(LyricReport)
class LyricReportAdmin(admin.ModelAdmin):
    list_display = ("id", "display_title", "owner", "status", "language", "mood", "created")
    list_filter = ("status", "language", "mood", "created")
    search_fields = ("title", "text", "owner__username", "owner__email")
    readonly_fields = ("created", "updated", "job")
    raw_id_fields = ("owner",)


# =========================================================================== end LyricReport
