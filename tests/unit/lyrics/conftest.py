"""Lyric test fixtures: the real models, loaded once per session with the network blocked."""
import socket

import pytest

# Written for these tests (not from any published song).
DRAFT_ONE = """[Verse 1]
Paper boats along the gutter
Carry every word I stutter
I am sad and lonely in this rain
Every night I feel the same old pain

[Chorus]
Sail away, sail away
I love the way you smile today
Sail away, sail away
"""

DRAFT_TWO = """[Verse 1]
Paper boats along the river
Carry every song and shiver
I am happy dancing in the sun
Every night we laugh and have such fun

[Chorus]
Sail away, sail away
I love the way you smile today
Sail away, sail away
"""


@pytest.fixture(scope="session")
def analyzer():
    """The shipped default model, loaded with HF offline and every socket connection refused."""
    from perception.lyrics.analysis.analyze import Analyzer

    def no_network(*args, **kwargs):
        raise OSError("network access is not allowed while loading the lyric models")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setattr(socket.socket, "connect", no_network)
        loaded = Analyzer()
    Analyzer._shared = loaded  # jobs and commands in this session reuse it
    return loaded
