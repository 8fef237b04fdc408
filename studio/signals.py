"""Signals other apps listen to.

``sketch_published(sender=Sketch, sketch=<studio.models.Sketch>)`` is sent (after the commit) each time
a sketch becomes public, so that the recommender can add it to its catalogue;
``sketch_unpublished(sender=Sketch, sketch_id=<int>)`` when a public sketch turns private or is deleted.
"""
from django.dispatch import Signal

sketch_published = Signal()
sketch_unpublished = Signal()
