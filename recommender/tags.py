"""Catalogue tags in the reader's language: the demo catalogue's vocabulary, translated when shown.

Tags stay in English where they are stored and matched (they are features); only what a person reads
goes through :func:`tag_label`. A tag outside the vocabulary (a listener's own Last.fm tag) is shown as is.
"""
from django.utils.translation import pgettext_lazy

_WORDS = {
    "american": pgettext_lazy("music tag", "american"), "alsatian": pgettext_lazy("music tag", "alsatian"),
    "air": pgettext_lazy("music tag", "air"), "agnus": pgettext_lazy("music tag", "agnus"),
    "austrian": pgettext_lazy("music tag", "austrian"), "baroque": pgettext_lazy("music tag", "baroque"),
    "benedictus": pgettext_lazy("music tag", "benedictus"), "celtic": pgettext_lazy("music tag", "celtic"),
    "chinese": pgettext_lazy("music tag", "chinese"), "choral": pgettext_lazy("music tag", "choral"),
    "chorale": pgettext_lazy("music tag", "chorale"), "classical": pgettext_lazy("music tag", "classical"),
    "credo": pgettext_lazy("music tag", "credo"), "dance": pgettext_lazy("music tag", "dance"),
    "dutch": pgettext_lazy("music tag", "dutch"), "fiddle": pgettext_lazy("music tag", "fiddle"),
    "fling": pgettext_lazy("music tag", "fling"), "folk": pgettext_lazy("music tag", "folk"),
    "folk song": pgettext_lazy("music tag", "folk song"), "french": pgettext_lazy("music tag", "french"),
    "gavotte": pgettext_lazy("music tag", "gavotte"), "german": pgettext_lazy("music tag", "german"),
    "germany": pgettext_lazy("music tag", "germany"), "gloria": pgettext_lazy("music tag", "gloria"),
    "hornpipe": pgettext_lazy("music tag", "hornpipe"), "hungarian": pgettext_lazy("music tag", "hungarian"),
    "irish": pgettext_lazy("music tag", "irish"), "italy": pgettext_lazy("music tag", "italy"),
    "jig": pgettext_lazy("music tag", "jig"), "kyrie": pgettext_lazy("music tag", "kyrie"),
    "lament": pgettext_lazy("music tag", "lament"), "luxembourg": pgettext_lazy("music tag", "luxembourg"),
    "madrigal": pgettext_lazy("music tag", "madrigal"), "march": pgettext_lazy("music tag", "march"),
    "mass": pgettext_lazy("music tag", "mass"), "medieval": pgettext_lazy("music tag", "medieval"),
    "minuet": pgettext_lazy("music tag", "minuet"), "piano": pgettext_lazy("music tag", "piano"),
    "polish": pgettext_lazy("music tag", "polish"), "polka": pgettext_lazy("music tag", "polka"),
    "quartet": pgettext_lazy("music tag", "quartet"), "rag": pgettext_lazy("music tag", "rag"),
    "ragtime": pgettext_lazy("music tag", "ragtime"), "reel": pgettext_lazy("music tag", "reel"),
    "renaissance": pgettext_lazy("music tag", "renaissance"), "romantic": pgettext_lazy("music tag", "romantic"),
    "russian": pgettext_lazy("music tag", "russian"), "sacred": pgettext_lazy("music tag", "sacred"),
    "sanctus": pgettext_lazy("music tag", "sanctus"), "schottische": pgettext_lazy("music tag", "schottische"),
    "scottish": pgettext_lazy("music tag", "scottish"), "sonata": pgettext_lazy("music tag", "sonata"),
    "song": pgettext_lazy("music tag", "song"), "strathspey": pgettext_lazy("music tag", "strathspey"),
    "strings": pgettext_lazy("music tag", "strings"), "swiss": pgettext_lazy("music tag", "swiss"),
    "tyrolean": pgettext_lazy("music tag", "tyrolean"), "violin": pgettext_lazy("music tag", "violin"),
    "vocal": pgettext_lazy("music tag", "vocal"), "waltz": pgettext_lazy("music tag", "waltz"),
}


def tag_label(tag: str) -> str:
    """``tag`` as the reader's language names it (the active translation), or as stored if unknown."""
    label = _WORDS.get(tag.lower())
    return str(label) if label is not None else tag
