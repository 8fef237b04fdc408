"""The studio's part of "Download my data": every sketch of the user, with its notes."""
from studio.models import Sketch


def export_user_data(user) -> dict:
    return {
        "sketches": [
            {
                "id": s.id, "title": s.title, "tags": s.tags, "is_public": s.is_public, "saved": s.saved,
                "origin": s.origin, "parent": s.parent_id, "version": s.version,
                "created_at": s.created_at.isoformat(), "updated_at": s.updated_at.isoformat(), "score": s.score,
            }
            for s in Sketch.objects.filter(owner=user).order_by("id")
        ]
    }
