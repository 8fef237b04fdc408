"""Each algorithm against a tiny matrix whose values were worked out by hand from the formulas."""
import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.algorithms import make
from recommender.algorithms.content import ContentBased, ItemContent
from recommender.algorithms.ease import EASE
from recommender.algorithms.hybrid import Hybrid, standardise
from recommender.algorithms.itemknn import ItemKNN
from recommender.algorithms.mf import ALS
from recommender.algorithms.popularity import Popularity
from recommender.algorithms.rp3beta import RP3beta

# users x items; columns: i0=(2,1,0) i1=(1,0,1) i2=(0,1,1) i3=(0,0,1)
R = sp.csr_matrix(np.array([[2, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]], dtype=np.float32))


def test_popularity_counts_distinct_users():
    m = Popularity().fit(R)
    assert m.counts.tolist() == [2, 2, 2, 1]
    ids, _ = m.recommend(0, R, N=2)
    assert set(ids.tolist()) == {2, 3} and ids[0] == 2


def test_itemknn_cosine_values():
    m = ItemKNN("cosine", k=10, shrinkage=0).fit(R)
    s = m.sim.toarray()
    assert s[0, 1] == pytest.approx(2 / math.sqrt(10), abs=1e-6)  # 0.6325
    assert s[0, 2] == pytest.approx(1 / math.sqrt(10), abs=1e-6)
    assert s[1, 2] == pytest.approx(0.5, abs=1e-6)
    assert s[1, 3] == pytest.approx(1 / math.sqrt(2), abs=1e-6)
    assert s[0, 3] == 0 and np.all(np.diag(s) == 0)
    # user 0 played i0 (2) and i1 (1): score(i2) = 2*s02 + 1*s12, score(i3) = 2*s03 + 1*s13
    scores = m.score(R[0])[0]
    assert scores[2] == pytest.approx(2 / math.sqrt(10) + 0.5, abs=1e-6)
    assert scores[3] == pytest.approx(1 / math.sqrt(2), abs=1e-6)


def test_itemknn_shrinkage_and_top_k():
    shrunk = ItemKNN("cosine", k=10, shrinkage=1.0).fit(R).sim.toarray()
    # items 0 and 1 share one user: s01 * 1 / (1 + 1)
    assert shrunk[0, 1] == pytest.approx(1 / math.sqrt(10), abs=1e-6)
    top1 = ItemKNN("cosine", k=1, shrinkage=0).fit(R).sim.toarray()
    # column i keeps only its best neighbour: for item 0 that is item 1 (0.6325 > 0.3162)
    assert np.count_nonzero(top1[:, 0]) == 1 and top1[1, 0] == pytest.approx(2 / math.sqrt(10), abs=1e-6)


def test_itemknn_adjusted_cosine_centres_on_user_mean():
    # user 0's mean is 1.5: centred (0.5, -0.5); users 1 and 2 have equal values -> centred to 0
    s = ItemKNN("adjusted_cosine", k=10, shrinkage=0).fit(R).sim.toarray()
    assert s[0, 1] == pytest.approx(-1.0, abs=1e-6)
    assert s[1, 2] == pytest.approx(0.0, abs=1e-6)


def test_content_tfidf_profile_cosine():
    f = sp.csr_matrix(np.array([[1, 0], [1, 1], [0, 1], [0, 2]], dtype=np.float32))
    m = ContentBased().fit(R, f)
    idf0, idf1 = math.log(5 / 3) + 1, math.log(5 / 4) + 1
    assert m.idf.tolist() == pytest.approx([idf0, idf1])
    v1 = np.array([idf0, idf1]) / math.hypot(idf0, idf1)  # item 1's unit vector
    assert m.features.toarray()[1] == pytest.approx(v1, abs=1e-6)
    # user 1 played i0 (1) and i2 (1): p = (1,0) + (0,1); score(i1) = cos(p, f1)
    p = np.array([1.0, 1.0]) / math.sqrt(2)
    assert m.score(R[1])[0][1] == pytest.approx(float(p @ v1), abs=1e-6)
    # a bag of terms (cold start): only tag 1 -> items 2 and 3 score 1
    cold = m.score_terms(sp.csr_matrix(np.array([[0, 1]], dtype=np.float32)))
    assert cold[2] == pytest.approx(1.0) and cold[3] == pytest.approx(1.0) and cold[0] == 0


def test_ease_closed_form_two_items():
    x = sp.csr_matrix(np.array([[1, 1], [1, 0]], dtype=np.float32))
    m = EASE(l2=1.0, min_users=1).fit(x)
    # G = [[3,1],[1,2]], P = G^-1 = [[2,-1],[-1,3]]/5 ; B01 = -P01/P11 = 1/3, B10 = -P10/P00 = 1/2
    assert m.B == pytest.approx(np.array([[0, 1 / 3], [1 / 2, 0]]), abs=1e-6)
    assert m.score(x[1])[0].tolist() == pytest.approx([0, 1 / 3], abs=1e-6)
    # Scoring multiplies a sparse row by B: a Fortran-ordered B would be copied whole on every call.
    assert m.B.flags.c_contiguous


def test_ease_item_cap_keeps_most_popular():
    m = EASE(l2=1.0, max_items=2, min_users=1).fit(R)
    assert m.items.tolist() == [0, 1] or set(m.items.tolist()) <= {0, 1, 2}
    assert len(m.items) == 2 and m.score(R[0]).shape == (1, 4)


def test_als_fold_in_solves_the_weighted_least_squares():
    m = ALS(factors=3, regularization=0.1, alpha=2.0, iterations=5).fit(R)
    y = m.item_factors.astype(np.float64)
    r = R.toarray()[2]
    c = np.where(r > 0, 2.0 * r, 1.0)  # implicit's convention: confidence 1 where unobserved
    p = (r > 0).astype(np.float64)
    expected = np.linalg.solve(y.T @ np.diag(c) @ y + 0.1 * np.eye(3), y.T @ (c * p))
    assert m.fold_in(R[2])[0] == pytest.approx(expected, rel=1e-3, abs=1e-4)


def test_every_algorithm_fits_and_recommends_unseen_items():
    f = sp.csr_matrix(np.eye(4, dtype=np.float32))
    for name in ("popularity", "itemknn", "itemknn_adjusted", "content", "als", "bpr", "ease", "rp3beta"):
        m = make(name)
        m.fit(R, f)
        ids, _ = m.recommend(0, R, N=2)
        assert not set(ids.tolist()) & {0, 1}, name
        sim, _ = m.similar_items(1, N=2)
        assert 1 not in sim.tolist()


class _Fixed:
    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float32)

    def fit(self, r, f=None):
        return self

    def score(self, rows):
        return np.tile(self.scores, (rows.shape[0], 1))

    def get_params(self):
        return {}


def test_standardise_and_hybrid_blend():
    z = standardise(np.array([[1.0, 2.0, 3.0]]))
    assert z[0].tolist() == pytest.approx([-1.2247449, 0, 1.2247449], abs=1e-6)
    h = Hybrid({"a": lambda: _Fixed([1, 2, 3, 0]), "b": lambda: _Fixed([0, 0, 0, 4])},
               weights={"a": 1.0, "b": 0.5}, tune=False).fit(R)
    expected = standardise(np.array([[1, 2, 3, 0]])) + 0.5 * standardise(np.array([[0, 0, 0, 4]]))
    assert h.score(R[0]) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("name", ["itemknn", "ease", "als", "bpr", "content", "rp3beta"])
def test_history_contributions_add_up_to_the_score(name):
    rng = np.random.default_rng(3)
    r = sp.random(40, 30, density=0.2, format="csr", random_state=4, dtype=np.float32)
    r.data = np.log1p(rng.integers(1, 50, r.nnz)).astype(np.float32)
    features = sp.random(30, 12, density=0.3, format="csr", random_state=5, dtype=np.float32)
    model = make(name, **({"iterations": 5} if name in ("als", "bpr") else {})).fit(r, features)
    row = r[7]
    items = [i for i in range(30) if i not in set(row.indices)]
    parts = model.contributions(row, items)
    assert parts.shape == (len(items), row.nnz)
    np.testing.assert_allclose(parts.sum(axis=1), model.score(row)[0, items], rtol=1e-3, atol=1e-4)


def test_popularity_has_no_history_contributions():
    assert Popularity().fit(R).contributions(R[0], [2, 3]).shape == (2, 0)


def test_rp3beta_walks_three_steps_and_discounts_popular_targets():
    x = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1]], dtype=np.float32))
    plain = RP3beta(alpha=1.0, beta=0.0).fit(x)
    assert plain.W.toarray() == pytest.approx(np.array([[0, 0.5, 0], [0.25, 0, 0.25], [0, 0.5, 0]]))
    discounted = RP3beta(alpha=1.0, beta=1.0).fit(x)  # item 1 has two listeners: its column halves
    assert discounted.W.toarray() == pytest.approx(np.array([[0, 0.25, 0], [0.25, 0, 0.25], [0, 0.25, 0]]))
    assert discounted.score(x[0])[0] == pytest.approx([0.25, 0.25, 0.25])
    assert RP3beta(alpha=1.0, beta=0.0, k=1).fit(x).W.getnnz(axis=1).max() == 1


@pytest.mark.parametrize("model", [lambda t: EASE(l2=1.0, min_users=1, tag_weight=t),
                                   lambda t: RP3beta(alpha=1.0, beta=0.0, tag_weight=t),
                                   lambda t: ALS(factors=2, alpha=1.0, tag_weight=t)])
def test_tags_as_pseudo_users_link_items_nobody_played_together(model):
    # items 0 and 2 share a tag but no listener; item 1 shares neither: a listener of item 0 is offered item 2
    x = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1]], dtype=np.float32))
    tags = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32))
    plain = model(0.0).fit(x, tags)
    tagged = model(5.0).fit(x, ItemContent(tags))
    assert tagged.score(x[0])[0, 2] > plain.score(x[0])[0, 2]
    assert tagged.score(x[0])[0, 2] > tagged.score(x[0])[0, 1]
    assert type(tagged).from_fitted(tagged.get_params(), 3, tagged.fitted_state()).score(x[0]) == pytest.approx(
        tagged.score(x[0]))


def test_the_hybrid_keeps_the_candidate_that_validates_best():
    rng = np.random.default_rng(0)
    r = sp.csr_matrix((rng.random((60, 12)) < 0.4).astype(np.float32))
    truth = _Fixed(np.asarray(r.sum(axis=0)).ravel())  # popularity: what the held-out items follow
    noise = _Fixed(-np.asarray(r.sum(axis=0)).ravel())
    h = Hybrid({"a": [lambda: noise, lambda: truth], "b": lambda: truth}, seed=1).fit(r)
    assert h.factories["a"]() is truth and h.components["a"] is truth
    assert h.chosen["a"]["val_ndcg@10"] > 0
    untuned = Hybrid({"a": [lambda: noise, lambda: truth]}, tune=False).fit(r)
    assert untuned.components["a"] is noise


def test_content_blocks_add_up_and_the_sound_block_can_dominate():
    tags = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 1], [1, 0]], dtype=np.float32))
    text = np.array([[1, 0], [0, 1], [1, 0], [0, 0]], dtype=np.float32)
    sound = np.array([[1, 0], [0, 0], [1, 0], [0, 1]], dtype=np.float32)
    model = ContentBased(text_weight=0.5, sound_weight=2.0).fit(sp.csr_matrix((1, 4)), ItemContent(tags, text, sound))
    full = np.hstack([tags.toarray(), 0.5 * text, 2.0 * sound])
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    row = sp.csr_matrix(np.array([[2.0, 0, 0, 0]], dtype=np.float32))
    profile = full[0] / np.linalg.norm(full[0])
    np.testing.assert_allclose(model.score(row)[0], full @ profile, rtol=1e-5)
    np.testing.assert_allclose(model.item_similarity_row(0), full @ full[0], rtol=1e-5)
    parts = model.block_contributions(row, [1, 2, 3])
    np.testing.assert_allclose(sum(parts.values())[:, 0], model.score(row)[0, [1, 2, 3]], rtol=1e-5)
    assert parts["sound"][1, 0] > parts["tags"][1, 0] == 0  # item 2 shares only sound and words with item 0
    assert parts["sound"][0, 0] == 0 < parts["tags"][0, 0]
    tags_only = ContentBased().fit(sp.csr_matrix((1, 4)), tags)
    assert tags_only.text.shape == (4, 0) and tags_only.score(row)[0].tolist() == pytest.approx([1, 1, 0, 1])
