"""How training cost grows with the number of interactions: synthetic power-law data at 1M and 10M.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/recommender_scale.py \
        [--sizes 1000000 10000000] [--algorithms ...] [--timeout 1800]

Data: ``n/20`` users with log-normal activity, ``max(10000, n/100)`` items with Zipf-like popularity
(p_i proportional to (rank + 10)^-0.9), ``n`` sampled (user, item) draws merged into log(1 + count) values
(so slightly fewer distinct cells than draws), and 5 random tags of 1,000 per item for content.
Each algorithm is fitted single-threaded in a fresh subprocess; the table gives fit time, the peak
resident memory of that process (data included) and the memory of the data alone. EASE keeps at most
8,000 items (its O(items^3) inverse), so its cost beyond the Gram matrix does not grow with the data.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

ALGORITHMS = ("popularity", "itemknn", "content", "als", "bpr", "ease", "hybrid")


def generate(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_users, n_items = max(1000, n // 20), max(10000, n // 100)
    activity = rng.lognormal(0.0, 1.0, n_users)
    item_p = (np.arange(n_items) + 10.0) ** -0.9
    item_p /= item_p.sum()
    users = rng.choice(n_users, size=n, p=activity / activity.sum())
    items = rng.choice(n_items, size=n, p=item_p)
    m = sp.csr_matrix((np.ones(n, dtype=np.float32), (users, items)), shape=(n_users, n_items))
    m.sum_duplicates()
    m.data = np.log1p(m.data)
    tags = rng.integers(0, 1000, size=(n_items, 5))
    f = sp.csr_matrix((np.ones(tags.size, dtype=np.float32), (np.repeat(np.arange(n_items), 5), tags.ravel())),
                      shape=(n_items, 1000))
    return m, f


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, n: int) -> dict:
    from recommender.algorithms import make
    from recommender.algorithms.hybrid import Hybrid, default_components

    m, f = generate(n)
    data_rss = rss_mib()
    if name == "hybrid":
        model = Hybrid(default_components(), weights={"ease": 0.1, "itemknn": 0.25, "als": 1.0, "content": 2.0,
                                                      "popularity": 0.0}, tune=False)
    else:
        model = make(name)
    t0 = time.perf_counter()
    model.fit(m, f)
    seconds = time.perf_counter() - t0
    return {"algorithm": name, "interactions": int(m.nnz), "draws": n, "users": m.shape[0], "items": m.shape[1],
            "fit_seconds": seconds, "peak_rss_mib": rss_mib(), "data_rss_mib": data_rss}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS))
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--child", nargs=2, metavar=("ALGORITHM", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    rows = []
    for n in args.sizes:
        for name in args.algorithms:
            print(f"{name} @ {n:,}", file=sys.stderr, flush=True)
            try:
                out = subprocess.run([sys.executable, __file__, "--child", name, str(n)], capture_output=True,
                                     text=True, timeout=args.timeout, env=env)
                if out.returncode == 0:
                    rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                else:
                    lines = out.stderr.strip().splitlines() or [f"exit status {out.returncode}"]
                    rows.append({"algorithm": name, "draws": n, "error": lines[-1][:120]})
            except subprocess.TimeoutExpired:
                rows.append({"algorithm": name, "draws": n, "error": f"timeout after {args.timeout} s"})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    print("| algorithm | draws | distinct interactions | users | items | fit s | peak RSS MiB | data RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['algorithm']} | {r['draws']:,} | — | — | — | {r['error']} | — | — |")
        else:
            print(f"| {r['algorithm']} | {r['draws']:,} | {r['interactions']:,} | {r['users']:,} | {r['items']:,} | "
                  f"{r['fit_seconds']:.1f} | {r['peak_rss_mib']:.0f} | {r['data_rss_mib']:.0f} |")
    by = {(r["algorithm"], r["draws"]): r for r in rows if "error" not in r}
    if len(args.sizes) == 2:
        a, b = args.sizes
        print(f"\nGrowth of fit time from {a:,} to {b:,} draws (x{b / a:.0f} data; linear = x{b / a:.0f}):")
        for name in args.algorithms:
            if (name, a) in by and (name, b) in by:
                print(f"- {name}: x{by[(name, b)]['fit_seconds'] / max(by[(name, a)]['fit_seconds'], 1e-9):.1f}")


if __name__ == "__main__":
    main()
