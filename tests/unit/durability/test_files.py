"""Files appear whole or not at all: the storage, atomic replacement, and renames on commit."""
import errno
import threading

import pytest
from django.core.files.base import ContentFile, File

from motif.files import DiskFull, is_temporary, replacing, saved_on_commit, temporary_name
from motif.storage import AtomicFileSystemStorage


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


class BrokenContent(File):
    """Yields one chunk, then fails the way a full disk or a dropped upload does."""

    def __init__(self, error):
        super().__init__(None, name="broken.bin")
        self.error = error

    def chunks(self, chunk_size=None):
        yield b"half of it"
        raise self.error

    @property
    def size(self):
        return 20


@pytest.fixture
def storage(tmp_path):
    return AtomicFileSystemStorage(location=tmp_path)


def test_a_saved_file_is_whole_and_nothing_temporary_is_left(storage, tmp_path):
    name = storage.save("sheets/a.png", ContentFile(b"PNG" * 1000))
    assert name == "sheets/a.png"
    assert (tmp_path / name).read_bytes() == b"PNG" * 1000
    assert files_under(tmp_path) == ["sheets/a.png"]


def test_a_taken_name_gets_an_alternative_and_the_first_file_is_kept(storage, tmp_path):
    storage.save("a.txt", ContentFile(b"first"))
    second = storage.save("a.txt", ContentFile(b"second"))
    assert second != "a.txt"
    assert (tmp_path / "a.txt").read_bytes() == b"first"
    assert (tmp_path / second).read_bytes() == b"second"


def test_a_save_that_fails_midway_leaves_no_file(storage, tmp_path):
    with pytest.raises(ConnectionResetError):
        storage.save("uploads/v.mp4", BrokenContent(ConnectionResetError("client went away")))
    assert files_under(tmp_path) == []


def test_a_full_disk_is_a_sentence_and_leaves_no_file(storage, tmp_path):
    with pytest.raises(DiskFull, match="ran out of disk space"):
        storage.save("uploads/v.mp4", BrokenContent(OSError(errno.ENOSPC, "No space left on device")))
    assert files_under(tmp_path) == []


def test_replacing_swaps_in_a_complete_file_or_keeps_the_old_one(tmp_path):
    target = tmp_path / "x.mid"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with replacing(target) as temp:
            temp.write_bytes(b"new but unfinished")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old" and files_under(tmp_path) == ["x.mid"]
    with replacing(target) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and files_under(tmp_path) == ["x.mid"]


def test_concurrent_writers_never_share_a_temporary_name(tmp_path):
    target = tmp_path / "1.mid"
    barrier = threading.Barrier(8)

    def write(payload):
        with replacing(target) as temp:
            barrier.wait(timeout=10)  # every writer holds its temporary file at once
            temp.write_bytes(payload)

    threads = [threading.Thread(target=write, args=(b"MThd" + bytes([i]) * 100,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = target.read_bytes()
    assert data[:4] == b"MThd" and len(data) == 104 and len(set(data[4:])) == 1
    assert files_under(tmp_path) == ["1.mid"]


def test_temporary_names_are_unique_siblings():
    first, second = temporary_name("a/b/c.png"), temporary_name("a/b/c.png")
    assert first != second and first.startswith("a/b/") and first.endswith("-c.png")
    assert is_temporary(first) and not is_temporary("a/b/c.png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_report(user):
    from perception.video.models import VideoReport

    return VideoReport(owner=user, title="t", report={})


def test_staged_files_appear_only_when_the_row_commits(user, media, django_capture_on_commit_callbacks):
    from perception.video.models import VideoReport

    record = make_report(user)
    with django_capture_on_commit_callbacks() as callbacks:
        with saved_on_commit() as files:
            files.save(record.contact_sheet, "s.png", ContentFile(b"png"))
            record.save()
        assert not (media / record.contact_sheet.name).exists()  # committed row, file not yet renamed
        assert all(is_temporary(name) for name in files_under(media))
    for callback in callbacks:
        callback()
    assert files_under(media) == [record.contact_sheet.name]
    assert VideoReport.objects.get().contact_sheet.read() == b"png"


def test_a_failed_save_leaves_no_row_and_no_file(user, media, django_capture_on_commit_callbacks):
    from perception.video.models import VideoReport

    record = make_report(user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with saved_on_commit() as files:
            files.save(record.contact_sheet, "s.png", ContentFile(b"png"))
            files.save(record.keyframes, "k.jpg", ContentFile(b"jpg"))
            raise RuntimeError("the database went away")
    assert not VideoReport.objects.exists()
    assert files_under(media) == []


def test_a_full_disk_while_staging_is_a_sentence_and_leaves_nothing(user, media, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    from django.core.files.storage import FileSystemStorage

    from perception.video.models import VideoReport

    real_save = FileSystemStorage._save

    def fills_up_on_jpegs(self, name, content):
        if name.endswith(".jpg"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", fills_up_on_jpegs)
    record = make_report(user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DiskFull):
        with saved_on_commit() as files:
            files.save(record.contact_sheet, "s.png", ContentFile(b"png"))
            files.save(record.keyframes, "k.jpg", ContentFile(b"jpg"))
            record.save()
    assert not VideoReport.objects.exists()
    assert files_under(media) == []


def test_default_storage_is_atomic():
    from django.core.files.storage import default_storage

    assert isinstance(default_storage, AtomicFileSystemStorage)
