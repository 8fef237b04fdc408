"""Files that appear whole or not at all.

Every file Motif writes at run time goes to a unique temporary name beside its final one and is
renamed into place (``os.replace``, atomic on one file system) only once it is complete; files a
database row names are renamed only after that row commits. A failed write removes its temporary
file; a crash can leave one behind, and the periodic media sweep (``motif.media_sweep``) removes it.
"""
from __future__ import annotations

import errno
import os
import secrets
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from jobs.errors import UserError

TEMP_PREFIX = ".motif-tmp-"
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class DiskFull(UserError, APIException):
    """The disk (or quota) holding media ran out while writing; nothing was kept. A job shows the
    sentence as its error; the API answers 503 with it (``APIException``); pages through
    ``motif.middleware.DiskFullMiddleware``."""

    status_code = 503
    default_code = "disk_full"

    def __init__(self):
        super().__init__(_(
            "The server ran out of disk space, so nothing was saved. "
            "Please try again later; if it keeps happening, tell the site operator."
        ))


@contextmanager
def disk_full_as_user_error():
    """Turn "no space left on device" (or an exhausted quota) into ``DiskFull``."""
    try:
        yield
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise DiskFull() from exc
        raise


def temporary_name(name: str) -> str:
    """A unique temporary name in the same folder as ``name`` (a storage name or a path)."""
    path = PurePosixPath(str(name).replace(os.sep, "/"))
    return str(path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}-{path.name}"))


def is_temporary(filename: str) -> bool:
    return os.path.basename(filename).startswith(TEMP_PREFIX)


@contextmanager
def replacing(target: Path):
    """Yield a temporary path beside ``target``; when the block succeeds it replaces ``target``,
    when it fails it is removed. Raises ``DiskFull`` when the disk fills up."""
    target = Path(target)
    temp = Path(temporary_name(str(target)))
    try:
        with disk_full_as_user_error():
            yield temp
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


class StagedFiles:
    """Files for the rows of one transaction, written under temporary names and renamed into place
    when the transaction commits. Use through ``saved_on_commit``."""

    def __init__(self):
        self._staged: list[tuple[object, str, str]] = []

    def save(self, field_file, filename: str, content) -> str:
        """Give ``field_file`` (e.g. ``record.contact_sheet``) its final name and write ``content``
        under a temporary one; returns the final name. The row still has to be saved."""
        storage, field = field_file.storage, field_file.field
        name = storage.get_available_name(field.generate_filename(field_file.instance, filename),
                                          max_length=field.max_length)
        with disk_full_as_user_error():
            temp = storage.save(temporary_name(name), content)
        self._staged.append((storage, temp, name))
        field_file.name = name
        return name

    def publish(self) -> None:
        for storage, temp, name in self._staged:
            os.replace(storage.path(temp), storage.path(name))

    def discard(self) -> None:
        for storage, temp, _name in self._staged:
            storage.delete(temp)


@contextmanager
def saved_on_commit():
    """A transaction whose staged files appear under their final names once it commits.

    ``with saved_on_commit() as files: files.save(record.sheet, "a.png", content); record.save()``.
    If the block fails, the transaction rolls back and the staged files are deleted. If an outer
    transaction rolls back later, the temporary files stay until the media sweep removes them.
    """
    files = StagedFiles()
    try:
        with transaction.atomic():
            yield files
            transaction.on_commit(files.publish)
    except BaseException:
        files.discard()
        raise
