"""The offline protocol end to end on a tiny HetRec-shaped folder."""
import json

import numpy as np
import pytest

from recommender.evaluation import load_hetrec, run


@pytest.fixture
def tiny_hetrec(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "artists.dat").write_text("id\tname\turl\tpictureURL\n" + "".join(
        f"{a}\tArtist {a}\thttp://x/{a}\t\n" for a in range(1, 41)))
    rows = ["userID\tartistID\tweight"]
    for u in range(1, 31):
        cluster = range(1, 21) if u % 2 else range(21, 41)
        for a in rng.choice(list(cluster), 10, replace=False):
            rows.append(f"{u}\t{a}\t{int(rng.integers(1, 500))}")
    (tmp_path / "user_artists.dat").write_text("\r\n".join(rows) + "\r\n")
    (tmp_path / "tags.dat").write_bytes("tagID\ttagValue\r\n1\tcafé\r\n2\trock\r\n".encode("latin-1"))
    (tmp_path / "user_taggedartists.dat").write_text("userID\tartistID\ttagID\tday\tmonth\tyear\n" + "".join(
        f"1\t{a}\t{1 if a <= 20 else 2}\t1\t1\t2009\n" for a in range(1, 41)))
    return tmp_path


def test_load_hetrec_reads_latin1_tags_and_log_counts(tiny_hetrec):
    data = load_hetrec(str(tiny_hetrec))
    assert data.user_items.shape == (30, 40) and data.user_items.nnz == 300
    assert data.tag_names == ["café", "rock"] and data.item_features.nnz == 40
    assert data.user_items.data.max() <= np.log1p(500)


def test_run_reports_every_algorithm_and_the_paired_comparison(tiny_hetrec):
    report = run(str(tiny_hetrec), seeds=(0, 1), algorithms=["popularity", "itemknn", "hybrid", "implicit_cosine"])
    json.dumps(report)
    assert report["default"] == "hybrid"
    assert set(report["algorithms"]) == {"popularity", "itemknn", "hybrid", "implicit_cosine"}
    for row in report["algorithms"].values():
        for metric in ("ndcg@10", "recall@20", "map@10", "hr@10", "coverage@10", "novelty@10", "train_seconds",
                       "peak_memory_mb"):
            assert metric in row
        assert 0 <= row["ndcg@10"] <= 1 and len(row["per_seed_ndcg@10"]) == 2
    # two clean clusters: collaborative filtering beats popularity by far
    assert report["algorithms"]["itemknn"]["ndcg@10"] > report["algorithms"]["popularity"]["ndcg@10"]
    assert report["comparison"]["best_baseline"] == "implicit_cosine"
    assert len(report["comparison"]["paired_difference_per_seed"]) == 2
