"""ws/jobs/: authentication, snapshot, isolation between users, flood protection."""
import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from jobs.broadcast import remember_server_loop, send_job_event
from jobs.consumers import CLOSE_FLOODING, CLOSE_UNAUTHENTICATED, MAX_MESSAGES_PER_WINDOW, JobConsumer
from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(user):
    comm = WebsocketCommunicator(remember_server_loop(JobConsumer.as_asgi()), "/ws/jobs/")
    comm.scope["user"] = user
    return comm


async def connect(user):
    comm = communicator(user)
    connected, _ = await comm.connect()
    assert connected
    snapshot = await comm.receive_json_from()
    assert snapshot["type"] == "snapshot"
    return comm, snapshot


def test_anonymous_socket_is_closed_with_4401():
    async def scenario():
        comm = communicator(AnonymousUser())
        connected, _ = await comm.connect()
        assert connected
        closing = await comm.receive_output(timeout=2)
        assert closing == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}

    asyncio.run(scenario())


def test_snapshot_then_only_own_updates(user, other_user):
    mine = Job.objects.create(owner=user, kind="jobs.noop")
    theirs = Job.objects.create(owner=other_user, kind="jobs.noop")

    async def scenario():
        comm_a, snapshot = await connect(user)
        comm_b, snapshot_b = await connect(other_user)
        assert [j["id"] for j in snapshot["jobs"]] == [str(mine.pk)]
        assert [j["id"] for j in snapshot_b["jobs"]] == [str(theirs.pk)]
        await database_sync_to_async(send_job_event)(user.pk, {"id": str(mine.pk), "progress": 10})
        event = await comm_a.receive_json_from()
        assert event == {"type": "job.update", "job": {"id": str(mine.pk), "progress": 10}}
        assert await comm_b.receive_nothing(timeout=0.3)
        await comm_a.disconnect()
        await comm_b.disconnect()

    asyncio.run(scenario())


def test_ping_and_flood(user):
    async def scenario():
        comm, _ = await connect(user)
        await comm.send_json_to({"type": "ping"})
        assert await comm.receive_json_from() == {"type": "pong"}
        for _ in range(MAX_MESSAGES_PER_WINDOW + 5):
            await comm.send_to(text_data="{}")
        output = await comm.receive_output(timeout=2)
        while output["type"] != "websocket.close":
            output = await comm.receive_output(timeout=2)
        assert output["code"] == CLOSE_FLOODING

    asyncio.run(scenario())
