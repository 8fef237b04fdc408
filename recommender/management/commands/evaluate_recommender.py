"""Offline evaluation on HetRec Last.fm: every algorithm and the ``implicit`` baselines, five seeds."""
import json
import os
import sys

from django.core.management.base import BaseCommand

from recommender.evaluation import SEEDS, run


class Command(BaseCommand):
    help = "Evaluate all recommenders (80/20 per-user hold-out, 5 seeds); --json prints the report."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=os.path.join("..", "shared", "data", "lastfm-hetrec"))
        parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
        parser.add_argument("--algorithms", nargs="+")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        report = run(opts["data"], seeds=opts["seeds"], algorithms=opts["algorithms"],
                     progress=lambda m: print(m, file=sys.stderr, flush=True))
        if opts["json"]:
            self.stdout.write(json.dumps(report))
            return
        for name, row in sorted(report["algorithms"].items(), key=lambda kv: -kv[1]["ndcg@10"]):
            self.stdout.write(f"{name:18s} NDCG@10 {row['ndcg@10']:.4f}  Recall@20 {row['recall@20']:.4f}  "
                              f"MAP@10 {row['map@10']:.4f}  HR@10 {row['hr@10']:.4f}")
        if "comparison" in report:
            self.stdout.write(json.dumps(report["comparison"]))
