"""Recommender artefacts are plain arrays plus JSON: every persisted algorithm round-trips exactly, no
per-user data is written, and an old pickled artefact is ignored (logged), never unpickled."""
import logging
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from django.core.cache import cache

from recommender import serving, training
from recommender.algorithms import make
from recommender.algorithms.hybrid import Hybrid, default_components
from recommender.artefacts import Artefact, ArtefactError, load_artefact, save_artefact
from recommender.models import ImportedPlay, Item, ModelVersion

N_USERS, N_ITEMS, N_TERMS = 37, 23, 9


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    plays = (rng.random((N_USERS, N_ITEMS)) < 0.3) * rng.integers(1, 9, (N_USERS, N_ITEMS))
    features = (rng.random((N_ITEMS, N_TERMS)) < 0.4) * rng.integers(1, 4, (N_ITEMS, N_TERMS))
    return sp.csr_matrix(plays.astype(np.float32)), sp.csr_matrix(features.astype(np.float32))


def round_trip(model, tmp_path, vocab=None) -> Artefact:
    path = save_artefact(Artefact(model, np.arange(100, 100 + N_ITEMS), vocab or {}, {"tune": True}),
                         tmp_path / "model.npz")
    return load_artefact(path)


def assert_same_scores(before, after, rows):
    assert np.array_equal(before.score(rows), after.score(rows))
    for item in (0, 5, N_ITEMS - 1):
        assert np.array_equal(before.item_similarity_row(item), after.item_similarity_row(item))


def test_the_default_blend_round_trips_exactly(data, tmp_path):
    r, features = data
    model = Hybrid(default_components(seed=0), seed=0, tune_users=20).fit(r, features)
    vocab = {f"term{j}": j for j in range(N_TERMS)}
    loaded = round_trip(model, tmp_path, vocab)
    assert loaded.model.weights == model.weights
    assert list(loaded.model.components) == list(model.components)
    assert loaded.item_ids.tolist() == list(range(100, 100 + N_ITEMS)) and loaded.vocab == vocab
    assert loaded.params == {"tune": True}
    assert_same_scores(model, loaded.model, r[:8])
    assert np.array_equal(model.components["content"].profiles(r[:3]), loaded.model.components["content"].profiles(r[:3]))
    assert np.array_equal(model.components["als"].fold_in(r[:3]), loaded.model.components["als"].fold_in(r[:3]))


@pytest.mark.parametrize("name", ["popularity", "itemknn", "itemknn_adjusted", "content", "als", "bpr", "ease"])
def test_every_algorithm_round_trips_alone(data, tmp_path, name):
    r, features = data
    component = make(name, k=7) if name.startswith("itemknn") else make(name)
    component.fit(r, features)
    model = Hybrid.from_components({name: component}, {name: 1.0}, N_ITEMS)
    loaded = round_trip(model, tmp_path).model.components[name]
    assert type(loaded) is type(component) and loaded.get_params() == component.get_params()
    assert_same_scores(component, loaded, r[:8])


def test_no_per_user_data_is_written(data, tmp_path):
    r, features = data
    model = Hybrid({"als": lambda: make("als"), "bpr": lambda: make("bpr")}, tune=False).fit(r, features)
    assert model.components["bpr"].learned_user_factors.shape[0] == N_USERS  # kept in memory for evaluation
    save_artefact(Artefact(model, np.arange(N_ITEMS), {}), tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz", allow_pickle=False) as stored:
        shapes = {key: stored[key].shape for key in stored.files}
    assert not any("user" in key for key in shapes)
    assert all(not shape or shape[0] != N_USERS for shape in shapes.values())


def test_an_old_pickle_or_a_hostile_file_is_refused_without_unpickling(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    old = tmp_path / "model-1.pkl"
    old.write_bytes(pickle.dumps({"model": "old"}))
    with pytest.raises(ArtefactError, match="never loaded"):
        load_artefact(old)
    renamed = tmp_path / "model-2.npz"
    renamed.write_bytes(pickle.dumps({"model": "old"}))
    with pytest.raises(ArtefactError, match="not a readable"):
        load_artefact(renamed)
    with_objects = tmp_path / "model-3.npz"
    np.savez(with_objects, header=np.array([{"format": "x"}], dtype=object))
    with pytest.raises(ArtefactError, match="not a readable"):
        load_artefact(with_objects)
    wrong_format = tmp_path / "model-4.npz"
    np.savez(wrong_format, header=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ArtefactError, match="format 'other'"):
        load_artefact(wrong_format)


@pytest.fixture
def served_catalogue(db, settings, tmp_path):
    settings.MOTIF_MODEL_DIR = str(tmp_path)
    cache.clear()
    serving.reset_serving_cache()
    items = [Item.objects.create(kind=Item.KIND_IMPORTED, source="test", external_id=str(k), title=f"Tune {k}",
                                 creator=f"creator {k % 4}", tags=["folk" if k % 2 else "metal"])
             for k in range(12)]
    ImportedPlay.objects.bulk_create([ImportedPlay(listener=f"l{u}", item=items[(u + j) % 12], plays=3 + j)
                                      for u in range(10) for j in range(4)])
    yield tmp_path
    serving.reset_serving_cache()


def test_training_writes_an_npz_the_web_process_serves(served_catalogue):
    version = training.train(components=["itemknn", "als", "content", "popularity"], tune=False)
    assert version.path.endswith(".npz") and not list(served_catalogue.rglob("*.pkl"))
    model = serving.get_model()
    assert model.version_id == version.pk and set(model.hybrid.components) == {"itemknn", "als", "content", "popularity"}


def test_an_old_pickled_artefact_is_ignored_with_one_log_line(served_catalogue, caplog, monkeypatch):
    old = served_catalogue / "model-1.pkl"
    old.write_bytes(pickle.dumps({"model": "old"}))
    version = ModelVersion.objects.create(algorithm="hybrid", path=str(old), is_active=True)
    fitted = []
    real_fallback = serving._fallback_artefact
    monkeypatch.setattr(serving, "_fallback_artefact", lambda: fitted.append(1) or real_fallback())
    monkeypatch.setattr(serving, "_ignored_artefacts", set())
    with caplog.at_level(logging.WARNING, logger="recommender.serving"):
        model = serving.get_model()
        serving._serving["checked"] = 0  # skip the 10 s re-check interval
        assert serving.get_model() is model
    assert model.version_id is None and set(model.hybrid.components) == {"content", "popularity"}
    assert fitted == [1]  # fitted once, not again at every version check
    warnings = [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()]
    assert len(warnings) == 1 and "model-1.pkl" in warnings[0]
    new = training.train(components=["popularity", "content"], tune=False)
    serving._serving["checked"] = 0
    assert serving.get_model().version_id == new.pk != version.pk
