import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.algorithms.metrics import (average_precision_at_k, coverage, hit_rate_at_k, holdout_split,
                                            ndcg_at_k, novelty, recall_at_k)

REC = [3, 1, 2, 7]
RELEVANT = {1, 2}


def test_ndcg_hand_computed():
    # hits at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(REC, RELEVANT, 3) == pytest.approx(expected)
    assert ndcg_at_k([1, 2], RELEVANT, 10) == pytest.approx(1.0)
    assert ndcg_at_k(REC, set(), 10) == 0.0


def test_recall_map_hr():
    assert recall_at_k(REC, RELEVANT, 2) == 0.5
    assert recall_at_k(REC, RELEVANT, 3) == 1.0
    # precision 1/2 at rank 2 and 2/3 at rank 3, divided by min(3, |T|) = 2
    assert average_precision_at_k(REC, RELEVANT, 3) == pytest.approx((0.5 + 2 / 3) / 2)
    assert hit_rate_at_k(REC, RELEVANT, 1) == 0.0 and hit_rate_at_k(REC, RELEVANT, 2) == 1.0


def test_coverage_and_novelty():
    assert coverage([[0, 1], [1, 2]], 10) == pytest.approx(0.3)
    # items seen by 1 of 4 and 2 of 4 users: mean(-log2 .25, -log2 .5) = 1.5
    assert novelty([[0, 1]], [1, 2], 4) == pytest.approx(1.5)


def test_holdout_split_is_per_user_and_disjoint():
    r = sp.csr_matrix(np.ones((3, 10), dtype=np.float32))
    r[2, 5:] = 0
    r.eliminate_zeros()
    train, test = holdout_split(r, 0.2, seed=1)
    assert np.diff(test.indptr).tolist() == [2, 2, 1]
    assert (train + test).toarray() == pytest.approx(r.toarray())
    assert train.multiply(test).nnz == 0
    again, _ = holdout_split(r, 0.2, seed=1)
    assert (again != train).nnz == 0


def test_pooled_ndcg_matches_the_full_ranking():
    from recommender.algorithms.metrics import mean_ndcg
    from recommender.algorithms.pooled_ndcg import PooledNDCG

    rng = np.random.default_rng(0)
    r = sp.csr_matrix((rng.random((30, 40)) < 0.3).astype(np.float32))
    train, held = holdout_split(r, 0.3, seed=0, min_items=2)
    scores = {"a": rng.random((30, 40)).astype(np.float32), "b": rng.random((30, 40)).astype(np.float32)}
    blend = scores["a"] + 0.5 * scores["b"]
    # a pool covering every item: exact for any blend; a pool of 5: exact for one component
    assert PooledNDCG(scores, train, held, pool=40)({"a": 1.0, "b": 0.5}) == pytest.approx(mean_ndcg(blend, train, held))
    assert PooledNDCG(scores, train, held, pool=5)({"a": 1.0}) == pytest.approx(mean_ndcg(scores["a"], train, held))
    assert PooledNDCG(scores, train, held, pool=5)({"a": 0.0, "b": 0.0}) == 0.0
