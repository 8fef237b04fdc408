"""Catalogue tags are matched in English and shown in the reader's language."""
import pytest
from django.utils import translation

from recommender.cards import card_of
from recommender.models import Item
from recommender.tags import tag_label


def test_known_tags_are_translated_and_unknown_ones_shown_as_stored():
    with translation.override("zh-hans"):
        assert tag_label("folk") == "民谣" and tag_label("Celtic") == "凯尔特"
        assert tag_label("seen live") == "seen live"
    assert tag_label("folk") == "folk"


@pytest.mark.django_db
def test_a_feed_card_carries_labels_in_the_readers_language_beside_the_stored_tags():
    item = Item.objects.create(kind=Item.KIND_SCORE, title="The Kesh", creator="O'Neill", tags=["folk", "jig", "x"])
    with translation.override("zh-hans"):
        payload = card_of(item).payload()
    assert payload["tags"] == ["folk", "jig", "x"] and payload["tag_labels"] == ["民谣", "吉格舞曲", "x"]
