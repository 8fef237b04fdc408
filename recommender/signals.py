"""Receivers: a deleted account is forgotten at once; a published studio sketch becomes (or updates) a
catalogue item at once, so the feed can recommend it from its content features before anyone played it."""
import logging

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

log = logging.getLogger(__name__)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="recommender.forget_user")
def on_user_deleted(sender, instance, **kwargs):
    """An account is deleted: its rows go by cascade, its cached feed sessions here (see privacy)."""
    from .privacy import forget_user

    forget_user(instance.pk)


def on_sketch_published(sender, sketch=None, **kwargs):
    from .catalogue import upsert_sketch

    if sketch is not None:
        upsert_sketch(sketch)


def on_sketch_unpublished(sender, sketch_id=None, **kwargs):
    from .catalogue import remove_sketch

    if sketch_id is not None:
        remove_sketch(sketch_id)


def connect_studio() -> bool:
    """Connect to the studio's ``sketch_published`` / ``sketch_unpublished`` signals if it provides them."""
    try:
        from studio import signals as studio_signals
    except ImportError:
        log.info("studio.signals not available; sketches are not added to the catalogue")
        return False
    studio_signals.sketch_published.connect(on_sketch_published, dispatch_uid="recommender.sketch_published")
    unpublished = getattr(studio_signals, "sketch_unpublished", None)
    if unpublished is not None:
        unpublished.connect(on_sketch_unpublished, dispatch_uid="recommender.sketch_unpublished")
    return True
