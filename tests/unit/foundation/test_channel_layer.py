"""The embedded channel layer sweeps expired messages, but at most once per interval."""
import asyncio
from unittest import mock

from channels.layers import InMemoryChannelLayer

from motif.channel_layer import SweepingInMemoryChannelLayer


def test_expired_messages_are_swept_once_per_interval():
    async def scenario():
        layer = SweepingInMemoryChannelLayer(expiry=0)
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        with mock.patch.object(InMemoryChannelLayer, "_clean_expired", autospec=True,
                               side_effect=InMemoryChannelLayer._clean_expired) as sweep:
            await layer.group_send("g", {"type": "a"})  # sweeps; the message then expires at once
            await layer.group_send("g", {"type": "b"})  # within the interval: no sweep
            assert sweep.call_count == 1
            layer._swept_at -= layer.SWEEP_SECONDS
            await layer.group_send("g", {"type": "c"})
            assert sweep.call_count == 2
        assert channel not in layer.groups.get("g", {})  # its expired messages dropped it from the group

    asyncio.run(scenario())
