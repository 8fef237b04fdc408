"""Receivers: a published studio sketch becomes (or updates) a catalogue item at once, so the feed can
recommend it from its content features before anyone has played it."""
import logging

log = logging.getLogger(__name__)


def on_sketch_published(sender, sketch=None, **kwargs):
    from .services import upsert_sketch

    if sketch is not None:
        upsert_sketch(sketch)


def connect_studio() -> bool:
    """Connect to ``studio.signals.sketch_published`` if the studio provides it."""
    try:
        from studio.signals import sketch_published
    except ImportError:
        log.info("studio.signals.sketch_published not available; sketches are not added to the catalogue")
        return False
    sketch_published.connect(on_sketch_published, dispatch_uid="recommender.sketch_published")
    return True
