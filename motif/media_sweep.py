"""The periodic sweep of files nobody will read: temporary files left by interrupted writes, and
media files that no database row names. Runs from beat / the scheduler, never in a request.

A media file counts as referenced when a ``FileField`` of any model names it, when a queued or
running job names it in its parameters (an upload waiting for its job), or when an app's
``AppConfig.media_references()`` lists it (caches kept beside their rows). Only files older than
``max_age_seconds`` are removed, so a file whose row is being written right now is never touched.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from motif.files import is_temporary

logger = logging.getLogger(__name__)
MAX_AGE_SECONDS = 3600


def file_field_names() -> set[str]:
    """Every file name stored in a ``FileField`` (or ``ImageField``) of any installed model."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                rows = model._default_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
                names.update(name for name in rows.iterator() if name)
    return names


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def active_job_inputs() -> set[str]:
    """Every string in the parameters of queued or running jobs (their stored inputs among them)."""
    from jobs.models import Job

    names = set()
    for params in Job.objects.filter(status__in=Job.ACTIVE).values_list("params", flat=True).iterator():
        names.update(_strings(params))
    return names


def app_references() -> set[str]:
    names = set()
    for config in apps.get_app_configs():
        hook = getattr(config, "media_references", None)
        if hook is not None:
            names.update(hook())
    return names


def referenced_media() -> set[str]:
    """The media names (relative to MEDIA_ROOT, with forward slashes) that something still uses."""
    return file_field_names() | active_job_inputs() | app_references()


def _files(root: Path, skip: Path | None = None):
    for folder, dirs, files in os.walk(root):
        if skip is not None:
            dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in files:
            yield Path(folder, name)


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    logger.info("Media sweep removed %s", path)
    return True


def sweep(max_age_seconds: float = MAX_AGE_SECONDS) -> dict:
    """Remove temporary files (under MEDIA_ROOT and DATA_DIR) and unreferenced media files older
    than ``max_age_seconds``; returns how many of each were removed."""
    cutoff = time.time() - max_age_seconds
    media_root = Path(settings.MEDIA_ROOT).resolve()
    data_dir = Path(settings.DATA_DIR).resolve()
    removed = {"temporary": 0, "unreferenced": 0}
    if media_root.is_dir():
        referenced = referenced_media()
        for path in _files(media_root):
            if not _older_than(path, cutoff):
                continue
            if is_temporary(path.name):
                removed["temporary"] += _remove(path)
            elif path.relative_to(media_root).as_posix() not in referenced:
                removed["unreferenced"] += _remove(path)
    if data_dir.is_dir():
        for path in _files(data_dir, skip=media_root):
            if is_temporary(path.name) and _older_than(path, cutoff):
                removed["temporary"] += _remove(path)
    return removed
