"""The OpenAPI schema documents the errors operations give, and the API validates what it documents."""
import re

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from motif.schema import error_responses_for


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_authentication_and_throttling(schema):
    for label, operation in operations(schema):
        responses = operation["responses"]
        assert {"401", "403", "429"} <= set(responses), label
        assert "Retry-After" in responses["429"]["headers"], label
        for status, response in responses.items():
            if int(status) >= 400:
                assert "application/json" in response["content"], f"{label} {status}"


def test_bodies_parameters_and_objects_bring_their_errors(schema):
    for label, operation in operations(schema):
        responses = set(operation["responses"])
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= responses, label
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, label


def test_a_view_keeps_its_own_error_response(schema):
    events_400 = schema["paths"]["/api/events/"]["post"]["responses"]["400"]
    assert events_400["content"]["application/json"]["schema"]["$ref"].endswith("EventBatchErrors")
    cancel_409 = schema["paths"]["/api/jobs/{id}/cancel/"]["post"]["responses"]["409"]
    assert cancel_409["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_error_responses_follow_what_an_operation_takes():
    assert set(error_responses_for({})) == {"401", "403", "429"}
    listing = {"parameters": [{"in": "query", "name": "page"}]}
    assert {"400", "404"} <= set(error_responses_for(listing))
    assert {"400", "413", "415"} <= set(error_responses_for({"requestBody": {}}))


@pytest.mark.parametrize("component", ["PatchedSketchRequest", "VideoUploadRequest", "LyricTextRequest"])
def test_free_text_inputs_say_they_refuse_nul_characters(schema, component):
    pattern = schema["components"]["schemas"][component]["properties"]["title"]["pattern"]
    assert re.search(pattern, "Air") and not re.search(pattern, "Air\x00")


def test_the_feed_session_documents_its_alphabet(schema):
    feed = schema["paths"]["/api/feed/"]["get"]["parameters"][0]
    assert feed["schema"]["pattern"].startswith("^[A-Za-z0-9")


@pytest.mark.parametrize("query", ["page=", "page=0", "page=1.0", "page=abc"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(api_client, query):
    response = api_client.get(f"/api/jobs/?{query}")
    assert response.status_code == 400 and response.json()["page"]


def test_a_page_past_the_end_is_a_404(api_client):
    assert api_client.get("/api/jobs/?page=1").status_code == 200
    assert api_client.get("/api/jobs/?page=2").status_code == 404


@pytest.mark.parametrize("query", ["saved=309", "saved=", "public=yes", "model=x", "scope=all", "ids=1,,2",
                                   "ids=1 ,2", "ordering=owner__password"])
def test_sketch_filters_outside_the_schema_are_400(api_client, query):
    assert api_client.get(f"/api/studio/sketches/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["saved=all", "saved=true&public=false", "ids=1,2", "scope=public&q=air"])
def test_sketch_filters_inside_the_schema_are_accepted(api_client, query):
    assert api_client.get(f"/api/studio/sketches/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["status=queued,running", "status=succeeded"])
def test_job_status_filter_takes_documented_states(api_client, query):
    assert api_client.get(f"/api/jobs/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["status=", "status=queued,", "status=done"])
def test_job_status_filter_refuses_other_states(api_client, query):
    assert api_client.get(f"/api/jobs/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["a=1.0&b=2", "a=&b=2", "a=1", "a=99999999999999999999&b=1"])
def test_lyric_compare_ids_are_whole_numbers(api_client, query):
    assert api_client.get(f"/api/perception/lyrics/compare/?{query}").status_code == 400


@pytest.mark.parametrize("body", [{"count": "2"}, {"tempo": "120"}, {"model": 0}, {"bars": "4"}, {"count": 1.5}])
def test_json_values_must_have_their_documented_type(api_client, body):
    response = api_client.post("/api/studio/generate/", body, format="json")
    assert response.status_code == 400 and set(body) <= set(response.json())


def test_a_form_body_is_refused_where_only_json_is_documented(api_client):
    assert api_client.post("/api/studio/generate/", {"count": 2}).status_code == 415


@pytest.mark.parametrize("session", ["", "a" * 65, "bad session", "x\x00"])
def test_feed_session_outside_the_schema_is_a_400(api_client, session):
    assert api_client.get("/api/feed/", {"session": session}).status_code == 400


def test_a_sketch_you_cannot_see_is_a_404_in_a_body_too(api_client):
    response = api_client.post("/api/studio/harmonize/", {"sketch": 12345}, format="json")
    assert response.status_code == 404 and "sketch" in response.json()["detail"]


def test_unknown_api_paths_answer_json():
    response = Client().get("/api/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_unknown_pages_stay_html():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_validation_sentences_are_translated(api_client):
    response = api_client.get("/api/jobs/?page=0", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "页码" in response.json()["page"][0]
    response = api_client.post("/api/studio/generate/", {"count": "2"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "整数" in response.json()["count"][0]
