from django.contrib import admin

from studio.records import Sketch


@admin.register(Sketch)
class SketchAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "model", "origin", "bars", "key", "tempo", "note_count", "saved", "is_public",
                    "version", "created_at"]
    list_filter = ["model", "origin", "saved", "is_public", "bars"]
    search_fields = ["title", "owner__username", "tags"]
    raw_id_fields = ["owner", "parent"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
