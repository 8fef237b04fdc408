"""What the studio does with saved sketches: who may see them, storing results, versions, publishing.

Views, API views and job handlers call these functions; none of them touches a request.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from studio.music.score import Score
from studio.models import Origin, Sketch
from studio.signals import sketch_published, sketch_unpublished


def visible_to(user) -> QuerySet[Sketch]:
    """Sketches ``user`` may open: their own, and everybody's public ones."""
    return Sketch.objects.filter(Q(owner=user) | Q(is_public=True)).select_related("owner")


def owned_by(user) -> QuerySet[Sketch]:
    """Sketches ``user`` may change."""
    return Sketch.objects.filter(owner=user).select_related("owner")


def store_scores(owner, scores: Iterable[Score], *, origin: str, titles: Iterable[str],
                 parent: Sketch | None = None, saved: bool = False) -> list[Sketch]:
    """Save ``scores`` as new sketches of ``owner`` in one transaction (all or none)."""
    rows = []
    with transaction.atomic():
        for score, title in zip(scores, titles, strict=True):
            row = Sketch(owner=owner, title=title[:120], origin=origin, parent=parent, saved=saved)
            row.set_score(score)
            row.save()
            rows.append(row)
    return rows


def save_new_version(sketch: Sketch, score: Score, *, title: str | None = None) -> Sketch:
    """An edited copy of ``sketch`` in its owner's library; the original is kept unchanged."""
    row = Sketch(owner=sketch.owner, title=(title or sketch.title)[:120], tags=list(sketch.tags),
                 origin=Origin.EDITED, parent=sketch, version=sketch.version + 1, saved=True)
    row.set_score(score)
    row.save()
    return row


def update_sketch(sketch: Sketch, **changes) -> Sketch:
    """Apply library changes (title, tags, is_public, saved, and ``programs``: the instrument of each voice);
    announce it when it turns public or private."""
    becomes_public = changes.get("is_public") is True and not sketch.is_public
    becomes_private = changes.get("is_public") is False and sketch.is_public
    if "programs" in changes:
        sketch.score = {**sketch.score, "programs": [int(p) for p in changes.pop("programs")]}
    for field, value in changes.items():
        setattr(sketch, field, value)
    if becomes_public:
        sketch.published_at = timezone.now()
        sketch.saved = True
    sketch.save()
    if becomes_public:
        transaction.on_commit(lambda: sketch_published.send(sender=Sketch, sketch=sketch))
    if becomes_private:
        _announce_unpublished(sketch.id)
    return sketch


def delete_sketch(sketch: Sketch) -> None:
    was_public, sketch_id = sketch.is_public, sketch.id
    sketch.delete()
    if was_public:
        _announce_unpublished(sketch_id)


def _announce_unpublished(sketch_id: int) -> None:
    transaction.on_commit(lambda: sketch_unpublished.send(sender=Sketch, sketch_id=sketch_id))


def search(queryset: QuerySet[Sketch], *, q: str = "", tag: str = "", model: str = "", origin: str = "",
           public: bool | None = None, ordering: str = "-created_at") -> QuerySet[Sketch]:
    """Filter and sort sketches the way the library page and the API do."""
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(tags__icontains=q.lower()))
    if tag:
        queryset = queryset.filter(tags__icontains=f'"{tag.lower()}"')
    if model:
        queryset = queryset.filter(model=model)
    if origin:
        queryset = queryset.filter(origin=origin)
    if public is not None:
        queryset = queryset.filter(is_public=public)
    return queryset.order_by(ordering, "-id")


ORDERINGS = ["-created_at", "created_at", "title", "-title", "-updated_at", "tempo", "-tempo"]
