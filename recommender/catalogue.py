"""The catalogue side of the studio: published sketches become items, unpublished ones leave."""
from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Item
from .sounds import store_fingerprint


def upsert_sketch(sketch) -> Item:
    """Create or update the catalogue item of a published sketch (studio's ``sketch_published`` signal).

    Content features: the sketch's tags, plus its key, generating model and texture as words, so that it
    can be recommended from content before anyone has played it.
    """
    from django.urls import NoReverseMatch, reverse

    owner = getattr(sketch, "owner", None)
    creator = ""
    if owner is not None:
        profile = getattr(owner, "profile", None)
        creator = getattr(profile, "name", None) or owner.get_username()
    tags = [str(t) for t in (getattr(sketch, "tags", None) or [])]
    words = [w.strip(".,;:!?()").lower() for w in str(getattr(sketch, "notes", "") or "").split() if len(w) > 3]
    extra = [f"key {getattr(sketch, 'key', '')}".strip(), str(getattr(sketch, "model", "") or ""),
             "four-part" if (getattr(sketch, "voice_count", 1) or 1) > 1 else "melody", "sketch"]
    counts = {w: 0.5 for w in words[:40]}
    counts.update({w.lower(): 1.0 for w in extra if w and w != "key"})
    counts.update({t.lower(): 2.0 for t in tags})
    if hasattr(sketch, "get_absolute_url"):
        url = sketch.get_absolute_url()
    else:
        try:
            url = reverse("studio:edit", args=[sketch.pk])
        except NoReverseMatch:
            url = ""
    item, _created = Item.objects.update_or_create(
        source="studio", external_id=str(sketch.pk),
        defaults={"kind": Item.KIND_SKETCH, "title": getattr(sketch, "title", "") or _("Untitled sketch"),
                  "creator": creator, "tags": tags, "features": {"tag_counts": counts}, "owner": owner,
                  "url": url})
    score = getattr(sketch, "score", None)
    if isinstance(score, dict):
        store_fingerprint(item, score)
    return item


def remove_sketch(sketch_id) -> int:
    """Drop an unpublished or deleted sketch from the catalogue (its events go with it)."""
    deleted, _detail = Item.objects.filter(source="studio", external_id=str(sketch_id)).delete()
    return deleted
