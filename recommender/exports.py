"""“Download my data”: the user's listening history, aggregates and learnt factors."""
from .models import Aggregate, Event, UserFactor


def export_user_data(user) -> dict:
    return {
        "listening_events": [
            {"item": e.item_id, "title": e.item.title, "kind": e.kind, "weight": e.weight,
             "timestamp": e.timestamp.isoformat()}
            for e in Event.objects.filter(user=user).select_related("item").order_by("timestamp")],
        "listening_aggregates": [
            {"item": a.item_id, "title": a.item.title, "plays": a.plays, "completes": a.completes,
             "skips": a.skips, "likes": a.likes, "dislikes": a.dislikes, "not_interested": a.not_interested,
             "last_at": a.last_at.isoformat() if a.last_at else None}
            for a in Aggregate.objects.filter(user=user).select_related("item")],
        "learnt_factors": [{"model_version": f.version_id, "vector": f.vector}
                           for f in UserFactor.objects.filter(user=user)],
    }
