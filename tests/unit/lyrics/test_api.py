"""API and pages of lyric analysis, with jobs run eagerly on the real models."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from jobs.models import Job
from perception.lyrics.models import LyricReport

from .conftest import DRAFT_ONE, DRAFT_TWO
from tests.conftest import error_text

URL = "/api/perception/lyrics/"
pytestmark = pytest.mark.slow


@pytest.fixture
def submitted(api_client, eager_jobs, analyzer):
    def submit(text=DRAFT_ONE, title="Paper boats"):
        response = api_client.post(URL, {"title": title, "text": text}, format="json")
        assert response.status_code == 202, response.content
        return response.json()

    return submit


def test_post_returns_202_with_the_job_and_the_report_is_saved(submitted, api_client, user):
    data = submitted()
    job = Job.objects.get(pk=data["id"])
    assert job.kind == "perception.lyrics" and job.status == "succeeded"
    report = LyricReport.objects.get(pk=data["report_id"])
    assert report.owner == user and report.status == "ready" and report.mood
    detail = api_client.get(data["report_url"]).json()
    assert detail["report"]["rhyme_scheme"] == "AABB CCC"
    listing = api_client.get(URL).json()["results"]
    assert [r["id"] for r in listing] == [report.pk] and "report" not in listing[0]


def test_upload_a_lrc_file(api_client, eager_jobs, analyzer):
    upload = SimpleUploadedFile("boats.lrc", "[00:01.00]Sail away tonight\n[00:03.00]我在夜里想你".encode())
    response = api_client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 202
    report = LyricReport.objects.get(pk=response.json()["report_id"])
    assert report.report["stats"]["lrc_tags_removed"] and report.language == "mixed"


@pytest.mark.parametrize("payload, field, words, status", [
    ({"text": ""}, "text", "empty", 400),
    ({"text": "   \n\t  "}, "text", "empty", 400),
    ({"text": "x" * (101 * 1024)}, "text", "limit", 413),
    ({"text": "x" * (5 * 1024 * 1024)}, "text", "limit", 413),
    ({"text": "la\n" * 5001}, "text", "5001 lines", 413),
    ({}, "text", "empty", 400),
])
def test_bad_text_is_refused_with_a_message(api_client, payload, field, words, status):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == status
    assert words in error_text(response, field)
    assert not LyricReport.objects.exists()


@pytest.mark.parametrize("name, content, words, status", [
    ("song.png", b"\x89PNG\r\n\x1a\n\x00\x00", "Upload a .txt or .lrc", 415),
    ("song.txt", b"\x00\x01\x02binary\x00", "binary", 400),
    ("song.txt", b"a" * (200 * 1024), "limit", 413),
    ("song.txt", "こんにちは世界".encode("shift_jis"), "UTF-8", 400),
])
def test_bad_files_are_refused(api_client, name, content, words, status):
    response = api_client.post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart")
    assert response.status_code == status
    assert words in error_text(response, "file")


def test_other_users_reports_are_404_and_delete_works(submitted, api_client, other_user):
    data = submitted()
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(f"{URL}{data['report_id']}/").status_code == 404
    assert other.delete(f"{URL}{data['report_id']}/").status_code == 404
    assert api_client.delete(f"{URL}{data['report_id']}/").status_code == 204
    assert not LyricReport.objects.exists()


def test_export_and_compare(submitted, api_client):
    a, b = submitted(DRAFT_ONE, "draft 1"), submitted(DRAFT_TWO, "draft 2")
    exported = api_client.get(f"{URL}{a['report_id']}/export/")
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    assert json.loads(exported.content)["report"]["language"] == "en"
    diff = api_client.get(f"{URL}compare/", {"a": a["report_id"], "b": b["report_id"]}).json()
    assert diff["rhyme_scheme"]["a"] == diff["rhyme_scheme"]["b"] == "AABB CCC"
    assert diff["lines"][0]["changed"] and not diff["lines"][5]["changed"]
    assert diff["sentiment"]["b"] > diff["sentiment"]["a"]
    assert api_client.get(f"{URL}compare/", {"a": a["report_id"], "b": "x"}).status_code == 400


def test_pages(client, user, submitted):
    client.force_login(user)
    a, b = submitted(DRAFT_ONE, "draft 1"), submitted(DRAFT_TWO, "draft 2")
    assert b"/analyze/lyrics/" in client.get("/analyze/").content
    listing = client.get("/analyze/lyrics/")
    assert b"draft 1" in listing.content and b"Compare two drafts" in listing.content
    page = client.get(f"/analyze/lyrics/{a['report_id']}/")
    assert b"Sentiment arc" in page.content and b"rhyme-scheme" in page.content
    compare = client.get("/analyze/lyrics/compare/", {"a": a["report_id"], "b": b["report_id"]})
    assert b"What changed" in compare.content
    assert client.get(f"/analyze/lyrics/{a['report_id']}/export.json").status_code == 200
    response = client.post("/analyze/lyrics/", {"title": "", "text": "   "})
    assert response.status_code == 400 and b"The text is empty" in response.content
    response = client.post(f"/analyze/lyrics/{a['report_id']}/delete/")
    assert response.status_code == 302 and LyricReport.objects.count() == 1


def test_page_post_creates_a_report_and_redirects(client, user, eager_jobs, analyzer):
    client.force_login(user)
    response = client.post("/analyze/lyrics/", {"title": "t", "text": "Sail away tonight"})
    report = LyricReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/analyze/lyrics/{report.pk}/"


def test_export_user_data_and_account_deletion(submitted, user):
    from perception.exports import export_user_data

    submitted()
    assert export_user_data(user)["lyric_reports"][0]["title"] == "Paper boats"
    user.delete()
    assert not LyricReport.objects.exists()


def test_analyze_lyrics_command(tmp_path, capsys, analyzer, monkeypatch):
    song = tmp_path / "song.txt"
    song.write_text(DRAFT_ONE)
    call_command("analyze_lyrics", str(song), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["rhyme_scheme"] == "AABB CCC"
    (tmp_path / "empty.txt").write_text("  ")
    call_command("analyze_lyrics", "--batch", str(tmp_path))
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == ["empty.txt", "song.txt"] and "error" in rows[0]
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("我在夜里想你".encode())))
    call_command("analyze_lyrics", "-", "--json")
    assert json.loads(capsys.readouterr().out)["language"] == "zh"
