"""The generated secret key: processes starting at once on a fresh data folder all read the same whole key."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_KEY = "import motif.settings as s; print(s.SECRET_KEY)"


def test_processes_starting_together_share_one_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "MOTIF_DATA_DIR")}
    env["MOTIF_DATA_DIR"] = str(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", PRINT_KEY], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(6)]
    keys = {proc.communicate(timeout=120)[0].strip() for proc in procs}
    assert len(keys) == 1 and len(keys.pop()) >= 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
