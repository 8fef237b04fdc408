"""The demo catalogue from music21's corpus: readable titles, idempotent, renames what older versions named."""
import json
import re

import pytest
from django.core.management import call_command

from recommender.management.commands.seed_demo import readable_title
from recommender.models import Item


@pytest.mark.parametrize("title, movement, path, expected", [
    (None, "movement3", "haydn/opus1no1/movement3.mxl", "Op. 1 No. 1, movement 3"),
    ("156", None, "mozart/k156/movement4.mxl", "K. 156, movement 4"),
    ("String Quartet No. 1", "Allegro con brio", "beethoven/opus18no1/movement1.krn", "String Quartet No. 1: Allegro con brio"),
    ("String Quartet No. 1", None, "beethoven/opus18no1/movement2.krn", "String Quartet No. 1, movement 2"),
    (None, "maple_leaf_rag.mxl", "joplin/maple_leaf_rag.mxl", "Maple Leaf Rag"),
    (".lV.L\"'!UCl'l.v .J.u,.:;l';'V", None, "monteverdi/madrigal.4.12.mxl", "Madrigal, book 4 no. 12"),
    ("CANTO", None, "monteverdi/madrigal.3.3.mxl", "Madrigal, book 3 no. 3"),
    (None, None, "bach/bwv101.7.mxl", "Chorale BWV 101.7"),
    ("DAS WASSER RAUSCHT", None, "essenFolksong/han1.abc", "Das Wasser Rauscht"),
    ("Kitty in the Lane -- Reel", None, "oneills1850/x.abc", "Kitty in the Lane -- Reel"),
])
def test_readable_title(title, movement, path, expected):
    assert readable_title(title, movement, path) == expected


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_renames_old_titles(capsys):
    call_command("seed_demo", "--scale", "0.1", "--json")
    first = json.loads(capsys.readouterr().out)
    assert first["created"] == first["works"] > 20
    titles = list(Item.objects.filter(source="music21").values_list("title", flat=True))
    assert not [t for t in titles if re.fullmatch(r"movement\d+|\d+|madrigal[.\d]+|.*\.(mxl|krn|abc)", t)]
    item = Item.objects.filter(source="music21").first()
    good = item.title
    Item.objects.filter(pk=item.pk).update(title="movement1")
    call_command("seed_demo", "--scale", "0.1", "--json")
    second = json.loads(capsys.readouterr().out)
    assert (second["created"], second["renamed"]) == (0, 1)
    assert Item.objects.get(pk=item.pk).title == good
