from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from jobs.models import Job, ModelCall, ModelTimeQuota
from jobs.quotas import used_today
from jobs.usage import usage_summary


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "owner", "status", "progress", "queue", "worker", "attempts", "created_at",
                    "finished_at")
    list_filter = ("status", "kind", "queue", "created_at")
    search_fields = ("id", "kind", "owner__username", "message", "error", "worker")
    readonly_fields = ("created_at", "updated_at", "started_at", "finished_at", "dispatch_token", "dispatched_at",
                       "heartbeat_at", "worker")
    date_hierarchy = "created_at"


@admin.register(ModelCall)
class ModelCallAdmin(admin.ModelAdmin):
    list_display = ("model", "owner", "job", "device", "batch_size", "seconds", "wait_ms", "created_at")
    list_filter = ("model", "device", "created_at")
    search_fields = ("model", "owner__username")
    date_hierarchy = "created_at"
    raw_id_fields = ("job", "owner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModelTimeQuota)
class ModelTimeQuotaAdmin(admin.ModelAdmin):
    list_display = ("user", "daily_seconds", "updated_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


class ModelTimeQuotaInline(admin.StackedInline):
    model = ModelTimeQuota
    can_delete = True
    extra = 0
    max_num = 1
    verbose_name_plural = _("model-time quota (none: the site default, MOTIF_DAILY_MODEL_SECONDS)")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithUsageAdmin(UserAdmin):
    """Django's user admin, plus the per-user quota and a usage column and summary."""

    inlines = [*UserAdmin.inlines, ModelTimeQuotaInline]
    list_display = (*UserAdmin.list_display, "model_seconds_today")
    readonly_fields = (*UserAdmin.readonly_fields, "usage")
    fieldsets = (*UserAdmin.fieldsets, (_("Usage (last 30 days)"), {"fields": ("usage",)}))

    @admin.display(description=_("model seconds today"))
    def model_seconds_today(self, user):
        return round(used_today(user), 1)

    @admin.display(description=_("usage"))
    def usage(self, user):
        if user.pk is None:
            return "-"
        return render_to_string("accounts/_usage.html", {"usage": usage_summary(user)})
