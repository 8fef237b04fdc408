"""Job labels, messages and errors are stored as their source and read in each viewer's language:
on the Jobs page, in the API and over the WebSocket, whoever started the job in whichever language."""
import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import translation

from jobs.broadcast import remember_server_loop, send_job_event
from jobs.consumers import JobConsumer
from jobs.messages import MARK, language_of, shown, stored, translatable
from jobs.models import Job
from jobs.services import submit_job


def test_a_message_keeps_its_source_and_parameters():
    with translation.override("zh-hans"):
        text = translatable("Step %(step)d of %(steps)d") % {"step": 2, "steps": 5}
        kept = stored(text)
    assert kept.startswith(MARK) and "Step %(step)d of %(steps)d" in kept
    with translation.override("en"):
        assert shown(kept) == "Step 2 of 5"
    with translation.override("zh-hans"):
        assert shown(kept) == str.__str__(translatable("Step %(step)d of %(steps)d") % {"step": 2, "steps": 5})
    assert shown("an older plain message") == "an older plain message"
    assert shown(MARK + "{broken") == ""


def test_a_message_too_long_for_its_column_is_kept_as_text():
    long = translatable("The video could not be analysed: %(reason)s") % {"reason": "x" * 300}
    kept = stored(long, limit=255)
    assert not kept.startswith(MARK) and len(kept) == 255 and kept.startswith("The video could not be analysed")


def test_websocket_language_comes_from_the_cookie_then_the_browser():
    assert language_of({"cookies": {"django_language": "zh-hans"}, "headers": []}) == "zh-hans"
    assert language_of({"cookies": {}, "headers": [(b"accept-language", b"zh-CN,zh;q=0.9,en;q=0.5")]}) == "zh-hans"
    assert language_of({"cookies": {"django_language": "xx"}, "headers": [(b"accept-language", b"en-GB")]}) == "en"


def done_job(user):
    with translation.override("zh-hans"):  # started in Chinese
        job = submit_job(user, "jobs.demo", {"seconds": 0.05})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    return job


def test_jobs_page_and_api_speak_the_viewers_language(client, api_client, user, eager_jobs):
    job = done_job(user)
    client.force_login(user)
    english = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Test job" in english and ">Done<" in english and "完成" not in english
    chinese = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "完成" in chinese
    data = api_client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (data["label"], data["message"]) == ("Test job", "Done")


@pytest.mark.django_db(transaction=True)
def test_websocket_events_arrive_in_the_clients_language(user, settings):
    settings.MOTIF_JOBS_EAGER = True
    job = done_job(user)
    with translation.override("en"):
        zh_label, zh_message = _chinese("Test job"), _chinese("Done")

    async def scenario():
        comm = WebsocketCommunicator(remember_server_loop(JobConsumer.as_asgi()), "/ws/jobs/")
        comm.scope["user"] = user
        comm.scope["cookies"] = {"django_language": "zh-hans"}
        assert (await comm.connect())[0]
        snapshot = await comm.receive_json_from()
        assert (snapshot["jobs"][0]["label"], snapshot["jobs"][0]["message"]) == (zh_label, zh_message)
        with translation.override("en"):
            event = await database_sync_to_async(job.to_event)()
        await database_sync_to_async(send_job_event)(user.pk, event)
        update = (await comm.receive_json_from())["job"]
        assert (update["label"], update["message"], "sources" in update) == (zh_label, zh_message, False)
        await comm.disconnect()

    asyncio.run(scenario())


def _chinese(source):
    with translation.override("zh-hans"):
        return translation.gettext(source)
