"""Malformed JSON bodies: a 413 or 400 with a JSON sentence within 2 s, never a 500, nothing saved.

The whole corpus goes to the lyric endpoint (which reads JSON); the oversized, deeply nested and
malformed bodies go to every POST/PUT/PATCH operation in the URL conf, so a new endpoint is covered.
"""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation
from drf_spectacular.generators import EndpointEnumerator

from motif.parsers import MAX_JSON_DEPTH, json_depth
from tests.unit.hardening.fuzz_support import (  # noqa: F401 (fixtures)
    assert_refused,
    clock,
    limit_bytes,
    media,
    nothing_saved,
    web,
)

LYRICS = "/api/perception/lyrics/"
JSON = "application/json"


MULTIPART_X = "multipart/form-data; boundary=x"


def _multipart(fields: dict) -> tuple[bytes, str]:
    return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT


def _oversized() -> bytes:
    return b'{"text": "' + b"a" * limit_bytes() + b'"}'


def _corpus() -> list[tuple[str, bytes, str, int]]:
    """(name, body, content type, expected status)."""
    deep = MAX_JSON_DEPTH + 1
    bad = [
        ("open brace", b"{"), ("close brace", b"}"), ("open bracket", b"["), ("unbalanced", b"[1, 2, 3"),
        ("trailing comma", b'{"text": "a",}'), ("single quotes", b"{'text': 'a'}"), ("NaN", b'{"text": NaN}'),
        ("Infinity", b'{"text": Infinity}'), ("-Infinity", b'{"text": -Infinity}'),
        ("unterminated string", b'{"text": "a'), ("unterminated object", b'{"text": "a"'),
        ("trailing garbage", b'{"text": "a"}}'), ("two documents", b'{"a": 1}{"b": 2}'), ("lone minus", b"-"),
        ("hex number", b"0x10"), ("adjacent strings", b'{"text": "a" "b"}'), ("missing colon", b'{"text" "a"}'),
        ("undefined", b'{"text": undefined}'), ("bad escape", b'{"text": "\\x41"}'), ("whitespace", b" " * 1000),
        ("BOM", b'\xef\xbb\xbf{"text": "a"}'), ("NUL bytes", b"\x00" * 100),
        ("invalid UTF-8", b'{"text": "\xff\xfe"}'), ("UTF-16", '{"text": "a"}'.encode("utf-16")),
        ("comment", b'{"text": "a" /* hi */}'), ("unquoted key", b'{text: "a"}'),
        ("5,000 nested [", b"[" * 5000), ("5,000 nested [ closed", b"[" * 5000 + b"]" * 5000),
        ("100,000 nested [", b"[" * 100_000), ("5,000 nested objects", b'{"a":' * 5000 + b"1" + b"}" * 5000),
        (f"{deep} nested lists", b"[" * deep + b"]" * deep),
        (f"{deep} nested objects", b'{"a":' * deep + b"1" + b"}" * deep),
    ]
    invalid = [  # valid JSON, invalid request
        ("null", b"null"), ("true", b"true"), ("number", b"123"), ("string", b'"a lyric"'), ("array", b"[]"),
        ("huge exponent", b"1e999999"), ("lone surrogate", b'{"text": "la \\ud800 la"}'),
        ("escaped NUL", b'{"text": "la\\u0000la"}'), ("text is a list", b'{"text": ["a"]}'),
        ("text is an object", b'{"text": {"$gt": ""}}'), ("file is a string", b'{"text": "a", "file": "b"}'),
        ("blank text", b'{"text": "   "}'), ("empty object", b"{}"),
        ("many keys", b"{" + b'"k": 1, ' * 100_000 + b'"k": 1}'),
    ]
    cases = [(name, body, JSON, 400) for name, body in bad + invalid]
    cases += [
        ("too many lines", b'{"text": "' + b"la\\n" * 5001 + b'"}', JSON, 413),
        ("over the size limit", _oversized(), JSON, 413),
        ("one byte over", b'"' + b"a" * (limit_bytes() - 1) + b'"', JSON, 413),
        ("over the limit, nested", b"[" * (limit_bytes() + 1), JSON, 413),
        ("unknown charset", b'{"text": "a"}', JSON + "; charset=klingon", 400),
        ("latin-1 declared, UTF-8 refused", '{"text": "café"}'.encode("latin-1"), JSON + "; charset=utf-8", 400),
        ("form over the size limit", b"text=" + b"a" * limit_bytes(), "application/x-www-form-urlencoded", 413),
        ("too many form fields", b"&".join(b"f%d=1" % i for i in range(1200)), "application/x-www-form-urlencoded",
         400),
        ("unsupported type", b"<text>a</text>", "application/xml", 415),
        ("form with an unknown charset", b"text=a", "application/x-www-form-urlencoded; charset=klingon", 400),
        ("multipart field over the size limit", *_multipart({"text": "a" * (limit_bytes() + 1)}), 413),
        ("too many multipart fields", *_multipart({f"f{i}": "1" for i in range(1200)}), 400),
        ("too many multipart files", *_multipart({f"f{i}": SimpleUploadedFile(f"{i}.txt", b"a")
                                                  for i in range(120)}), 400),
        ("multipart without a boundary", b"--x\r\n", "multipart/form-data", 400),
        ("multipart with a broken part", b"--x\r\nContent-Disposition: form-data\r\n\r\n", MULTIPART_X, 400),
    ]
    return cases


CORPUS = _corpus()


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("name, body, content_type, status", CORPUS, ids=[c[0] for c in CORPUS])
def test_lyric_endpoint_refuses_malformed_json(name, body, content_type, status, web, nothing_saved):
    started = clock()
    response = web.generic("POST", LYRICS, body, content_type=content_type)
    assert_refused(response, started, statuses={status})


def _write_operations() -> list[tuple[str, str]]:
    return [(method, path.replace("{pk}", "1").replace("{id}", "1"))
            for path, _, method, _ in EndpointEnumerator().get_api_endpoints() if method in {"POST", "PUT", "PATCH"}]


@pytest.mark.parametrize("method, path", _write_operations())
@pytest.mark.parametrize("body", ["oversized", "deep", "malformed"])
def test_every_write_operation_refuses_bad_bodies(method, path, body, web, nothing_saved):
    data = {"oversized": _oversized(), "deep": b"[" * 5000 + b"]" * 5000, "malformed": b'{"a": '}[body]
    started = clock()
    response = web.generic(method, path, data, content_type=JSON)
    sentence = assert_refused(response, started)
    if response.status_code not in {403, 404, 405, 415, 429}:  # refused before the body was read
        assert response.status_code == (413 if body == "oversized" else 400), sentence


@pytest.mark.parametrize("data, depth", [
    (b"1", 0), (b'"[[["', 0), (b"[]", 1), (b'{"a": [1, {"b": []}]}', 4), (b'["[[[[", "]]"]', 1),
    (b"[" * 500 + b"]" * 500, MAX_JSON_DEPTH + 1),
])
def test_json_depth_counts_containers_and_stops_past_the_limit(data, depth):
    assert json_depth(json.loads(data)) == depth


def test_brackets_inside_strings_do_not_count(web, nothing_saved):
    text = "[" * (MAX_JSON_DEPTH + 10)
    response = web.generic("POST", LYRICS, json.dumps({"text": text, "title": {"a": 1}}).encode(), content_type=JSON)
    assert response.status_code == 400 and "title" in response.json()  # refused for the title, not nesting


def test_a_multipart_body_larger_than_any_upload_is_refused_before_it_is_read(web, nothing_saved):
    body, content_type = _multipart({"text": "la"})
    started = clock()
    response = web.generic("POST", LYRICS, body, content_type=content_type, CONTENT_LENGTH=str(5 * 1024 ** 3))
    assert "larger than" in assert_refused(response, started, statuses={413})


def test_a_huge_body_is_refused_quickly(web, nothing_saved):
    started = clock()
    response = web.post(LYRICS, b"[" * (limit_bytes() + 1), content_type=JSON)
    assert_refused(response, started, statuses={413})


def test_refusals_speak_the_readers_language(web, nothing_saved):
    with translation.override("en"):  # the request activates Chinese in this thread; put English back after
        response = web.generic("POST", LYRICS, b"[" * 5000, content_type=JSON, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]
