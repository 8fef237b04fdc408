"""Filling a feed page: the promised count, one title once, a creator cap that gives way, the fresh slot."""
from recommender.cards import Card
from recommender.feed import FRESH_SLOT, MAX_PER_CREATOR, fill_page


def card(pk, title, creator):
    return Card(pk, "score", title, creator, (), None, None, ())


def test_a_page_never_shows_one_title_twice():
    candidates = [card(k, "Crucifixus: Credo" if k < 3 else f"Tune {k}", f"c{k}") for k in range(30)]
    titles = [c.title for _k, c in fill_page(candidates, 20)]
    assert len(titles) == 20 and titles.count("Crucifixus: Credo") == 1


def test_the_creator_cap_gives_way_when_the_candidates_run_short():
    candidates = [card(k, f"Chorale {k}", "Bach" if k < 25 else f"c{k}") for k in range(30)]
    chosen = fill_page(candidates, 20)
    assert len(chosen) == 20
    assert [k for k, _c in chosen] == sorted(k for k, _c in chosen)  # still in rank order
    assert {k for k, _c in chosen} >= {25, 26, 27, 28, 29} | set(range(MAX_PER_CREATOR))
    plenty = [card(k, f"Tune {k}", "Bach" if k < 25 else f"c{k % 40}") for k in range(80)]
    assert sum(c.creator == "Bach" for _k, c in fill_page(plenty, 20)) == MAX_PER_CREATOR


def test_a_fresh_card_takes_the_exposure_slot_once():
    candidates = [card(k, f"Tune {k}", f"c{k}") for k in range(30)]
    fresh = card(99, "New sketch", "newcomer")
    chosen = fill_page(candidates + [fresh], 20, fresh=[None, fresh])
    assert len(chosen) == 20 and chosen[FRESH_SLOT] == (None, fresh)
    assert [c.pk for _k, c in chosen].count(99) == 1
