from django.contrib import admin

from .models import Aggregate, Event, ImportedPlay, Item, ModelVersion, UserFactor


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("title", "creator", "kind", "source", "listeners", "created_at")
    list_filter = ("kind", "source")
    search_fields = ("title", "creator", "external_id")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("user", "item", "kind", "weight", "timestamp")
    list_filter = ("kind",)
    search_fields = ("user__username", "item__title")
    raw_id_fields = ("user", "item")


@admin.register(Aggregate)
class AggregateAdmin(admin.ModelAdmin):
    list_display = ("user", "item", "plays", "likes", "dislikes", "weight", "last_at")
    list_filter = ("last_at",)
    search_fields = ("user__username", "item__title")
    raw_id_fields = ("user", "item")


@admin.register(ImportedPlay)
class ImportedPlayAdmin(admin.ModelAdmin):
    list_display = ("listener", "item", "plays")
    list_filter = ("item__source",)
    search_fields = ("listener", "item__title")
    raw_id_fields = ("item",)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("id", "algorithm", "is_active", "created_at", "n_users", "n_items", "n_interactions",
                    "train_seconds", "validation_ndcg")
    list_filter = ("is_active", "algorithm")
    search_fields = ("algorithm", "path")
    readonly_fields = ("metrics", "params", "path")

    @admin.display(description="validation NDCG@10")
    def validation_ndcg(self, obj):
        value = (obj.metrics or {}).get("validation_ndcg@10")
        return f"{value:.4f}" if isinstance(value, (int, float)) else "—"


@admin.register(UserFactor)
class UserFactorAdmin(admin.ModelAdmin):
    list_display = ("user", "version")
    list_filter = ("version",)
    search_fields = ("user__username",)
    raw_id_fields = ("user", "version")
