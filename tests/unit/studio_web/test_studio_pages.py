"""Studio pages render for their owner, hide other people's private sketches, and serve the SoundFont."""
import json

import pytest

from studio.models import Sketch

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/studio/", "/studio/library/", "/studio/vary/", "/studio/interpolate/",
                                  "/studio/harmonize/"])
def test_pages_render(logged_in, path):
    r = logged_in.get(path)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="studio-config"' in html and "spessasynth_lib" in html and "importmap" in html


def test_pages_need_a_login(client):
    assert client.get("/studio/").status_code == 302


def test_library_page_lists_saved_sketches_only(logged_in, user, make_sketch):
    make_sketch(user, "Kept", saved=True)
    make_sketch(user, "Draft")
    r = logged_in.get("/studio/library/?q=t")  # both titles match the search: only ``saved`` tells them apart
    embedded = r.content.decode().split('id="studio-sketches" type="application/json">')[1]
    sketches = json.loads(embedded.split("</script>")[0])
    assert [s["title"] for s in sketches] == ["Kept"]


def test_edit_page_of_my_sketch_and_404_for_another_users_private_one(logged_in, user, other_user, make_sketch):
    assert logged_in.get(f"/studio/sketches/{make_sketch(user).id}/").status_code == 200
    assert logged_in.get(f"/studio/sketches/{make_sketch(other_user).id}/").status_code == 404


def test_full_score_page_of_my_sketch_and_404_for_another_users_private_one(logged_in, user, other_user,
                                                                          make_sketch):
    html = logged_in.get(f"/studio/sketches/{make_sketch(user).id}/notation/").content.decode()
    assert 'id="full-score"' in html and "score-page.js" in html
    assert logged_in.get(f"/studio/sketches/{make_sketch(other_user).id}/notation/").status_code == 404


def test_generate_form_offers_every_metre_whole_tunes_and_chords(logged_in):
    html = logged_in.get("/studio/").content.decode()
    assert all(f'<option value="{m}"' in html for m in ("2/4", "3/4", "4/4", "2/2", "6/8", "9/8", "12/8", "3/2"))
    assert '<option value="16">16</option>' in html and 'name="chords"' in html


def test_picker_preselects_the_sketch_from_the_query(logged_in, user, make_sketch):
    draft = make_sketch(user, "Fresh draft")
    html = logged_in.get(f"/studio/vary/?sketch={draft.id}").content.decode()
    assert f'<option value="{draft.id}" selected>Fresh draft' in html


def test_soundfont_is_served_from_the_site(client):
    r = client.get("/studio/soundfont.sf2")
    assert r.status_code == 200
    assert b"".join(r.streaming_content)[:4] == b"RIFF"


def test_export_user_data_and_account_deletion(user, make_sketch):
    from studio.exports import export_user_data

    make_sketch(user, "Mine", tags=["a"])
    data = export_user_data(user)
    assert data["sketches"][0]["title"] == "Mine" and data["sketches"][0]["score"]["notes"]
    user.delete()
    assert not Sketch.objects.exists()


def test_library_pages(logged_in, user, make_sketch):
    for i in range(26):
        make_sketch(user, f"Tune {i:02d}", saved=True)
    first = logged_in.get("/studio/library/?ordering=title").content.decode()
    second = logged_in.get("/studio/library/?ordering=title&page=2").content.decode()
    assert "Tune 00" in first and "Tune 25" not in first and "Page 1 of 2" in first
    assert "Tune 25" in second and "Tune 00" not in second
