from django.contrib import admin

from studio.models import ScoreUpload, Sketch


@admin.register(Sketch)
class SketchAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "model", "origin", "bars", "key", "tempo", "note_count", "saved", "is_public",
                    "version", "created_at"]
    list_filter = ["model", "origin", "saved", "is_public", "bars"]
    search_fields = ["title", "owner__username", "tags"]
    raw_id_fields = ["owner", "parent"]
    readonly_fields = ["created_at", "updated_at", "published_at"]


@admin.register(ScoreUpload)
class ScoreUploadAdmin(admin.ModelAdmin):
    """Uploads waiting for their job; the bytes themselves are not shown."""

    list_display = ["title", "owner", "extension", "sketch", "created_at"]
    list_filter = ["extension"]
    search_fields = ["title", "owner__username"]
    raw_id_fields = ["owner", "sketch"]
    exclude = ["data"]
    readonly_fields = ["created_at"]
