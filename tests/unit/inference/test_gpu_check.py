"""benchmarks/gpu_check.py runs on a CPU (as in CI) and reports every model asked for."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_gpu_check_runs_on_the_cpu_and_reports_agreement_throughput_and_memory():
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MOTIF_WARM_UP": "0"}
    done = subprocess.run([sys.executable, "benchmarks/gpu_check.py", "--device", "cpu", "--quick", "--models", "vae",
                           "gan", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["device"] == "cpu" and report["skipped"] == {} and report["serving"] == []
    assert [row["model"] for row in report["rows"]] == ["vae", "gan"]
    for row in report["rows"]:
        assert row["agrees"] and row["max_abs_diff"] == 0.0
        assert row["items_per_s@1"] > 0 and row["items_per_s@4"] > 0 and row["peak_mb"] > 0
        assert row["mixed_precision"] in ("bfloat16", "none (fp32)")
