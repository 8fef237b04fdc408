"""API errors reach people as sentences: no field names, no "file:" prefixes, each sentence once."""
import pytest

pytestmark = pytest.mark.e2e

DESCRIBE = """import("/static/js/api.js").then(({ ApiError }) => ApiError.describe(%s))"""


def test_api_errors_read_as_sentences(logged_in_page):
    page = logged_in_page
    page.goto("/studio/interpolate/")
    errors = ('{a: ["Choose two melodies to blend."], b: ["Choose two melodies to blend."],'
              ' file: ["The file is empty."], notes: [{pitch: ["Pitches go from 0 to 127."]}],'
              ' non_field_errors: ["Pick two different melodies."]}')
    assert page.evaluate(DESCRIBE % errors) == (
        "Choose two melodies to blend. The file is empty. Pitches go from 0 to 127. Pick two different melodies.")
    assert page.evaluate(DESCRIBE % '{detail: "Too many requests."}') == "Too many requests."
