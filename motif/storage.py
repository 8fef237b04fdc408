"""The media storage: Django's file system storage, except that a file appears whole or not at all."""
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from motif.files import disk_full_as_user_error, temporary_name


class AtomicFileSystemStorage(FileSystemStorage):
    """Every save writes a temporary file beside the final name and links it into place once complete.

    Readers never see a half-written file; a failed save (a full disk, a dropped upload) leaves
    nothing behind and raises ``motif.files.DiskFull`` when the disk is full. Like Django's storage
    it never overwrites: a taken name gets an alternative (``os.link`` fails on an existing name).
    """

    def _save(self, name, content):
        with disk_full_as_user_error():
            temp = self._write_temporary(name, content)
        try:
            return self._link_into_place(temp, name)
        finally:
            Path(self.path(temp)).unlink(missing_ok=True)

    def _write_temporary(self, name, content):
        temp = temporary_name(name)
        try:
            return super()._save(temp, content)
        except BaseException:
            Path(self.path(temp)).unlink(missing_ok=True)
            raise

    def _link_into_place(self, temp, name):
        while True:
            try:
                os.link(self.path(temp), self.path(name))
            except FileExistsError:
                name = self.get_available_name(name)
            else:
                return str(name).replace("\\", "/")
