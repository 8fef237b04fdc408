"""Content that hears the music, measured two ways (prints two Markdown tables).

(a) Cold items on HetRec 2011 Last.fm: 10 % of the artists lose all their plays to the test set; for
    every user with such a play, the cold artists are ranked by popularity (how many taggings they
    have: they have no plays), TF-IDF tags (leak-free: no tag of a held-out pair), the live text block
    alone (MiniLM of artist name and top tags, centred, as ``recommender/item_vectors.py`` builds it),
    tags + text, the content model on tags only, and the live feed's content model (``ContentBased``
    with the tag and text blocks at its default weight, as ``train_recommender`` fits it), all fitted on
    the training pairs only; NDCG@10 and Recall@20 over users.
(b) "Sounds like" on music21's corpus: pieces of four folk collections and Bach chorales; precision@10 of
    a piece's nearest neighbours that come from its own collection, by symbolic features (each block
    alone and all together, see recommender/algorithms/symbolic.py), by the live feed's sound block
    (fingerprint + melody-VAE latent, ``symbolic.sound_block``) and by tags.

    OMP_NUM_THREADS=1 python benchmarks/recommender_content.py --data ../shared/data/lastfm-hetrec \
        [--seeds 0 1 2] [--per-collection 60] [--skip-cold | --skip-sounds]
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from recommender.algorithms.content import ContentBased, ItemContent, centred_rows, tfidf  # noqa: E402
from recommender.algorithms.metrics import ndcg_at_k, recall_at_k  # noqa: E402
from recommender.algorithms.symbolic import (embed, melody_windows, note_features, sound_block,  # noqa: E402
                                             sound_vector, vae_means)
from recommender.evaluation import load_hetrec  # noqa: E402
from recommender.item_vectors import TEXT_TAGS, encode_texts, item_text  # noqa: E402

SOURCES = ("essenFolksong", "oneills1850", "airdsAirs", "ryansMammoth")
# The catalogue's collection tags (recommender/management/commands/seed_demo.py).
COLLECTION_TAGS = {"essenFolksong": ["folk", "folk song", "vocal"], "oneills1850": ["folk", "celtic", "irish", "fiddle"],
                   "airdsAirs": ["folk", "celtic", "scottish", "fiddle"],
                   "ryansMammoth": ["folk", "fiddle", "american", "dance"],
                   "bach": ["baroque", "chorale", "choral", "classical", "germany"]}
FORMS = ("reel", "jig", "hornpipe", "strathspey", "waltz", "march", "polka", "air", "lament", "song", "dance",
         "chorale", "fling", "schottische")


# ------------------------------------------------------------------------------------- (a) cold items
def artist_texts(path: str, item_ids: np.ndarray, features: sp.csr_matrix, tag_names: list) -> list:
    """Each artist's text as the live catalogue's text block reads it (``item_vectors.item_text``): the
    name and the most frequent tags (lower case, as ``import_catalog`` stores them), counted from the
    leak-free ``features``."""
    names = {}
    with open(os.path.join(path, "artists.dat"), encoding="utf-8", errors="replace") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 2:
                names[int(parts[0])] = parts[1]
    texts = []
    for i, artist in enumerate(item_ids):
        row = features[i]
        order = row.indices[np.argsort(-row.data, kind="stable")][:TEXT_TAGS]
        texts.append(item_text(names.get(int(artist), ""), [tag_names[t].lower() for t in order]))
    return texts


def cold_split(r: sp.csr_matrix, seed: int, share: float = 0.1):
    rng = np.random.default_rng(seed)
    played = np.nonzero(np.diff(r.tocsc().indptr))[0]
    cold = np.sort(rng.choice(played, int(share * len(played)), replace=False))
    mask = np.zeros(r.shape[1], dtype=bool)
    mask[cold] = True
    coo = r.tocoo()
    held = mask[coo.col]
    test = sp.csr_matrix((coo.data[held], (coo.row[held], coo.col[held])), shape=r.shape)
    train = sp.csr_matrix((coo.data[~held], (coo.row[~held], coo.col[~held])), shape=r.shape)
    return train, test, cold


def cold_items(path: str, seeds) -> dict:
    data = load_hetrec(path)
    results = {}
    for seed in seeds:
        train, test, cold = cold_split(data.user_items, seed)
        counts = data.item_features(held_out=test)
        t0 = time.perf_counter()
        # The live text block: MiniLM of name and tags, centred (``item_vectors.text_vectors``).
        text = centred_rows(encode_texts(artist_texts(path, data.item_ids, counts, data.tag_names)))
        encode_s = time.perf_counter() - t0
        tags, _idf = tfidf(counts)
        users = np.nonzero(np.diff(test.indptr))[0]
        rows = train[users]
        scores = {"popularity (log taggings: cold artists have no plays)":
                  np.tile(np.log1p(np.asarray(counts.sum(axis=1)).ravel()[cold]), (len(users), 1))}
        profile = np.asarray((rows @ tags).todense())
        profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
        scores["tags (TF-IDF)"] = np.asarray(tags[cold] @ profile.T).T
        text_profile = rows @ text
        text_profile /= np.maximum(np.linalg.norm(text_profile, axis=1, keepdims=True), 1e-12)
        scores["MiniLM text block alone"] = text_profile @ text[cold].T
        z = {k: (v - v.mean(axis=1, keepdims=True)) / np.maximum(v.std(axis=1, keepdims=True), 1e-9)
             for k, v in scores.items()}
        scores["tags + text (sum of per-user z-scores)"] = z["tags (TF-IDF)"] + z["MiniLM text block alone"]
        tag_only = ContentBased(text_weight=0.0).fit(train, ItemContent(counts))
        scores["content model, tags only (before the text block)"] = tag_only.score(rows)[:, cold]
        live = ContentBased().fit(train, ItemContent(counts, text))
        scores[f"live content model (tags + text block, text weight {live.text_weight})"] = live.score(rows)[:, cold]
        rng = np.random.default_rng(seed)
        jitter = rng.random(len(cold)) * 1e-6  # ties broken at random, not by artist id
        for name, s in scores.items():
            order = np.argsort(-(s + jitter), axis=1)[:, :20]
            relevant = [np.searchsorted(cold, test.indices[test.indptr[u]:test.indptr[u + 1]]) for u in users]
            row = results.setdefault(name, {"ndcg@10": [], "recall@20": []})
            row["ndcg@10"].append(np.mean([ndcg_at_k(o, r, 10) for o, r in zip(order, relevant)]))
            row["recall@20"].append(np.mean([recall_at_k(o, r, 20) for o, r in zip(order, relevant)]))
        print(f"seed {seed}: {len(cold)} cold artists, {len(users)} users, MiniLM {len(text)} texts in "
              f"{encode_s:.0f} s", file=sys.stderr, flush=True)
    return results


# ------------------------------------------------------------------------------------ (b) sounds like
def corpus_pieces(per_collection: int):
    from studio.music.corpus import chorale_tasks, melody_tasks, parse_task

    tasks = melody_tasks(SOURCES, limit_per_source=per_collection * 2) + chorale_tasks(limit=per_collection * 2)
    pieces, counts = [], {}
    for task in tasks:
        source = task[2]
        if counts.get(source, 0) >= per_collection:
            continue
        work = parse_task(task)
        if work is None:
            continue
        title = re.search(r"^T:\s*(.*)$", task[3], re.M) if task[0] == "abc" else None
        pieces.append((source, work.voices, title.group(1) if title else Path(task[1]).stem))
        counts[source] = counts.get(source, 0) + 1
    return pieces


def precision_at_10(vectors: np.ndarray, labels: np.ndarray) -> float:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :10]
    return float(np.mean(labels[top] == labels[:, None]))


def title_forms(title: str) -> list:
    lowered = title.lower()
    return [f for f in FORMS if re.search(rf"\b{f}s?\b", lowered)]


def sounds_like(per_collection: int, seed: int = 0) -> dict:
    from studio.ml.checkpoints import load_checkpoint

    import torch

    t0 = time.perf_counter()
    pieces = corpus_pieces(per_collection)
    rng = np.random.default_rng(seed)
    pieces = [pieces[i] for i in rng.permutation(len(pieces))]  # ties cannot follow corpus order
    parse_s = time.perf_counter() - t0
    labels = np.array([p[0] for p in pieces])
    blocks = {}
    for _source, voices, _title in pieces:
        for name, value in note_features(voices).items():
            blocks.setdefault(name, []).append(value)
    vae, _payload = load_checkpoint(Path("studio/checkpoints/melody_vae.safetensors"), torch.device("cpu"))
    blocks["vae"] = vae_means(vae, [melody_windows(voices) for _s, voices, _t in pieces])
    blocks = {k: np.asarray(v) for k, v in blocks.items()}
    out = {name: precision_at_10(embed({name: blocks[name]}), labels) for name in blocks}
    out["symbolic (all blocks)"] = precision_at_10(embed(blocks), labels)
    prints = np.array([sound_vector(voices) for _s, voices, _t in pieces])
    out["live feed: fingerprint only (before)"] = precision_at_10(prints, labels)
    for weight in (1.0, 0.5, 0.25):
        out[f"live feed: sound block (fingerprint + VAE latent, VAE weight {weight})"] = precision_at_10(
            sound_block(prints, blocks["vae"], vae_weight=weight), labels)

    def tag_vectors(tag_lists):
        vocab = sorted({t for tags in tag_lists for t in tags}) or ["-"]
        counts = sp.csr_matrix(np.array([[1.0 if t in tags else 0.0 for t in vocab] for tags in tag_lists]))
        return np.asarray(tfidf(counts)[0].todense()) + rng.random((len(tag_lists), len(vocab))) * 1e-6

    out["tags: collection + title forms (as in the catalogue)"] = precision_at_10(
        tag_vectors([COLLECTION_TAGS[s] + title_forms(t) for s, _v, t in pieces]), labels)
    out["tags: title forms only"] = precision_at_10(tag_vectors([title_forms(t) for _s, _v, t in pieces]), labels)
    print(f"{len(pieces)} pieces ({', '.join(f'{s} {int((labels == s).sum())}' for s in sorted(set(labels)))}); "
          f"parsed in {parse_s:.0f} s", file=sys.stderr, flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join("..", "shared", "data", "lastfm-hetrec"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--per-collection", type=int, default=60)
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--skip-sounds", action="store_true")
    args = parser.parse_args()
    if not args.skip_sounds:
        print("(b) \"Sounds like\": precision@10 of same-collection neighbours\n")
        print("| features | precision@10 |\n|---|---|")
        for name, value in sounds_like(args.per_collection).items():
            print(f"| {name} | {value:.3f} |")
    if args.skip_cold:
        return
    results = cold_items(args.data, args.seeds)
    print(f"\n(a) Cold artists on HetRec (seeds {' '.join(map(str, args.seeds))}), ranked among the cold artists\n")
    print("| scores | NDCG@10 | Recall@20 | NDCG@10 per seed |\n|---|---|---|---|")
    for name, row in results.items():
        per_seed = " ".join(f"{v:.4f}" for v in row["ndcg@10"])
        print(f"| {name} | {np.mean(row['ndcg@10']):.4f} | {np.mean(row['recall@20']):.4f} | {per_seed} |")


if __name__ == "__main__":
    main()
