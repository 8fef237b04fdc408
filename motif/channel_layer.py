"""The embedded mode's channel layer: Channels' in-memory layer, sweeping out expired messages and
group memberships at most once every ``SWEEP_SECONDS`` instead of on every group send and receive. A
sweep visits every open socket's channel, so sweeping per job event cost more the more clients
were connected; expiry (60 s for a message) now takes up to a second longer."""
import time

from channels.layers import InMemoryChannelLayer


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    SWEEP_SECONDS = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self):
        """Channels' sweep (called by ``receive`` and ``group_send``), once per interval."""
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = now
            super()._clean_expired()
