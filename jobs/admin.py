from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "owner", "status", "progress", "queue", "attempts", "created_at", "finished_at")
    list_filter = ("status", "kind", "queue", "created_at")
    search_fields = ("id", "kind", "owner__username", "message", "error")
    readonly_fields = ("created_at", "updated_at", "started_at", "finished_at", "dispatch_token", "dispatched_at",
                       "heartbeat_at")
    date_hierarchy = "created_at"
