"""Offline accuracy of every recommender on HetRec 2011 Last.fm, five seeds (see recommender/evaluation.py).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/recommender.py \
        --data ../shared/data/lastfm-hetrec [--seeds 0 1 2 3 4] [--json out.json]

Prints a Markdown table (means over seeds) and the paired per-seed NDCG@10 differences between the
default (hybrid) and the best baseline. Seeds can run as separate processes (``--seeds 3 --json s3.json``)
and be reported together with ``--merge s0.json s1.json ...``.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from recommender.evaluation import SEEDS, merge_reports, run  # noqa: E402

COLUMNS = ("ndcg@10", "recall@20", "map@10", "hr@10", "coverage@10", "novelty@10", "train_seconds",
           "peak_memory_mb")


def table(report) -> str:
    lines = ["| algorithm | " + " | ".join(COLUMNS) + " | NDCG@10 sd |",
             "|---" * (len(COLUMNS) + 2) + "|"]
    for name, row in sorted(report["algorithms"].items(), key=lambda kv: -kv[1]["ndcg@10"]):
        cells = [f"{row[c]:.4f}" if c not in ("train_seconds", "peak_memory_mb", "novelty@10") else f"{row[c]:.2f}"
                 for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {row['ndcg@10_std']:.4f} |")
    comp = report.get("comparison")
    if comp:
        lines.append("")
        lines.append(f"Default `{report['default']}` vs best baseline `{comp['best_baseline']}` (NDCG@10), per seed:")
        lines.append("")
        lines.append("| seed | paired difference | relative |")
        lines.append("|---|---|---|")
        for seed, d, r in zip(report["seeds"], comp["paired_difference_per_seed"],
                              comp["relative_improvement_per_seed"]):
            lines.append(f"| {seed} | {d:+.4f} | {r:+.1%} |")
        lines.append("")
        lines.append(f">= 5% on every seed: {comp['goal_5pct_on_every_seed']} "
                     f"(minimum {comp['min_relative_improvement']:+.1%})")
    for name, why in report.get("skipped", {}).items():
        lines.append(f"\nNot run: {name}: {why}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join("..", "shared", "data", "lastfm-hetrec"))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--algorithms", nargs="+")
    parser.add_argument("--json")
    parser.add_argument("--merge", nargs="+", metavar="REPORT", help="JSON reports of single-seed runs to combine")
    args = parser.parse_args()
    if args.merge:
        reports = []
        for path in args.merge:
            with open(path) as fh:
                reports.append(json.load(fh))
        report = merge_reports(reports)
    else:
        report = run(args.data, seeds=args.seeds, algorithms=args.algorithms,
                     progress=lambda m: print(m, file=sys.stderr, flush=True))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)
    print(table(report))


if __name__ == "__main__":
    main()
