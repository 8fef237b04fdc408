"""``ws/jobs/``: a logged-in user's live job events."""
import time
from datetime import timedelta

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db.models import Q
from django.utils import timezone, translation

from jobs.broadcast import user_group
from jobs.messages import language_of, localise_event
from jobs.models import Job

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FLOODING = 4408
MAX_MESSAGES_PER_WINDOW = 20
WINDOW_SECONDS = 5.0
MAX_MESSAGE_BYTES = 4096
SNAPSHOT_RECENT = timedelta(minutes=10)
SNAPSHOT_LIMIT = 50


class JobConsumer(AsyncJsonWebsocketConsumer):
    """Sends a snapshot of the user's active and recently finished jobs on connect, then
    every update, so a client that reconnects misses nothing.

    Clients may send ``{"type": "ping"}`` (answered with a pong) or ``{"type": "snapshot"}``.
    A client that sends more than ``MAX_MESSAGES_PER_WINDOW`` messages in ``WINDOW_SECONDS``
    or one over ``MAX_MESSAGE_BYTES`` is disconnected.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first: a close before the handshake can only be an HTTP 403, without the code.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(user.pk)
        self.language = language_of(self.scope)
        self.window_start = time.monotonic()
        self.window_count = 0
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        now = time.monotonic()
        if now - self.window_start > WINDOW_SECONDS:
            self.window_start, self.window_count = now, 0
        self.window_count += 1
        size = len(text_data or "") + len(bytes_data or b"")
        if self.window_count > MAX_MESSAGES_PER_WINDOW or size > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_FLOODING)
            return
        if text_data is None:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_json({"type": "error", "detail": "Messages must be JSON."})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "snapshot":
            await self.send_snapshot()

    async def send_snapshot(self):
        jobs = await self.active_jobs()
        await self.send_json({"type": "snapshot", "jobs": jobs})

    @database_sync_to_async
    def active_jobs(self):
        user = self.scope["user"]
        recent = Q(status__in=Job.ACTIVE) | Q(finished_at__gte=timezone.now() - SNAPSHOT_RECENT)
        jobs = Job.objects.filter(recent, owner=user)[:SNAPSHOT_LIMIT]
        return [self.localised(job.to_event()) for job in jobs]

    def localised(self, event):
        """A job event in this client's language, whoever started the job and in whichever language."""
        with translation.override(self.language):
            return localise_event(event)

    async def job_update(self, event):
        await self.send_json({"type": "job.update", "job": self.localised(event["job"])})
