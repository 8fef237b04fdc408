"""Errors in the words of the page: an empty choice says what to choose, not which field is missing."""
import pytest
from django.utils import translation

API = "/api/studio/"


@pytest.mark.parametrize("path, sentence, chinese", [
    ("interpolate/", "Choose two melodies to blend.", "请选择两段要融合的旋律。"),
    ("harmonize/", "Choose a melody to harmonise.", "请选择一段要配和声的旋律。"),
])
def test_an_empty_choice_says_what_to_choose(api_client, path, sentence, chinese):
    english = api_client.post(API + path, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert {message for messages in english.json().values() for message in messages} == {sentence}
    with translation.override("zh-hans"):
        zh = api_client.post(API + path, {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese in {message for messages in zh.json().values() for message in messages}
