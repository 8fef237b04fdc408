"""Schemathesis against a live embedded Motif: every operation of /api/schema/, every check, no failure.

The server is a real uvicorn process on a throwaway SQLite database, so destructive calls run too.
The schema is generated in-process at collection (one pytest item per operation) and checked to be
the one the live server serves.
"""
import httpx
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 15  # positive and negative together; derandomized so CI runs are reproducible

# Operations whose schema-valid requests may still be refused with a 400, and why. Each rule below
# depends on what a file contains or on stored data, which no JSON Schema keyword can express;
# every other check (server errors, status codes, content types, response schemas, negative data,
# authentication) still runs on them.
POSITIVE_DATA_REJECTIONS = {
    "POST /api/events/": "events name catalogue items by id and must not lie in the future",
    "POST /api/perception/lyrics/": "the lyric must read as text (a .txt/.lrc file, UTF-8 or UTF-16, "
                                    "few control characters)",
    "POST /api/perception/videos/": "the file must be a video the decoder can open",
    "POST /api/studio/vary/": "an uploaded file must be a MIDI or MusicXML score; JSON cannot carry the file",
    "POST /api/studio/interpolate/": "a and b must be two one-voice melodies of the same length",
    "POST /api/studio/harmonize/": "the sketch must be a one-voice melody",
    "POST /api/studio/sketches/{id}/versions/": "notes must fit the sketch's length and voices",
    "POST /api/studio/generate/": "chords must be chord symbols that fit the metre and bars; chorales take 2 or 4 "
                                  "bars and no chords",
    "PATCH /api/studio/sketches/{id}/": "programs name one instrument for each of the sketch's voices",
    "PUT /api/studio/sketches/{id}/": "programs name one instrument for each of the sketch's voices",
}


SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(SCHEMA)


@pytest.fixture(scope="module")
def alice(embedded):
    """How to call the live server as Alice: base URL and API token header."""
    return {"base_url": embedded["url"], "headers": {"Authorization": f"Token {embedded['tokens']['alice']}"}}


def test_the_live_server_serves_the_tested_schema(embedded, alice):
    served = httpx.get(embedded["url"] + "/api/schema/?format=json", headers=alice["headers"], timeout=30)
    assert served.status_code == 200 and served.json() == SCHEMA


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_conforms_to_the_schema(case, alice):
    excluded = [positive_data_acceptance] if case.operation.label in POSITIVE_DATA_REJECTIONS else []
    case.call_and_validate(base_url=alice["base_url"], headers=alice["headers"], excluded_checks=excluded)


def test_every_exclusion_names_an_operation():
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert set(POSITIVE_DATA_REJECTIONS) <= labels
