"""Serving 4-bar VAE sketches through the API with and without dynamic batching: a real embedded-mode
server process, N concurrent clients (one user each) posting /api/studio/generate/ (one 4-bar sketch) one job
after the other; sketches/s and the latency from POST to the job's "succeeded" event on its WebSocket, over the
jobs finished in a window that opens once every client has finished a first job.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/serving.py [--clients 1 8 32 128] [--seconds 20] [--json]

On a shared or small CPU box set OMP_NUM_THREADS=1 (the server inherits it): torch's thread pool
spinning on an oversubscribed machine made a 64-row VAE pass 40x slower here.

Batching off is ``MOTIF_BATCH_MAX_SIZE=1`` (each job runs the model itself, as before batching);
both servers run ``MOTIF_GPU_CONCURRENCY`` = the largest client count, so the jobs are in flight
together in both cases. ``measure`` is also called by ``benchmarks/gpu_check.py``.
"""
import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from jobs_latency import SETUP_USERS  # noqa: E402  (benchmarks/ is the script's folder)
from tests.integration import stack  # noqa: E402

SKETCH = {"model": "vae", "bars": 4, "count": 1, "key": "C"}
# Where one job's time goes: N sketch jobs run eagerly (submit -> handler -> finish) under cProfile.
PROFILE_JOBS = """
import cProfile, json, pstats, time
from django.contrib.auth import get_user_model
from jobs.services import submit_job
user = get_user_model().objects.create(username="profile", password="!")
params = {{"model": "vae", "bars": 4, "count": 1, "key": "C", "tempo": 120.0, "temperature": 1.0}}
submit_job(user, "studio.generate", params)
profiler = cProfile.Profile()
start = time.perf_counter()
profiler.enable()
for _ in range({n}):
    submit_job(user, "studio.generate", params)
profiler.disable()
total = time.perf_counter() - start
stats = pstats.Stats(profiler).stats
def cumulative(module, name):
    return sum(v[3] for (f, _, n), v in stats.items() if f.endswith(module) and n == name)
stages = {{
    "whole job (submit to finished)": total,
    "model: services.sample (VAE forward, batcher)": cumulative("studio/services.py", "sample"),
    "claim the job row": cumulative("jobs/runner.py", "_claim"),
    "record the outcome": cumulative("jobs/runner.py", "_finish"),
    "progress reports": cumulative("jobs/progress.py", "report"),
    "job events (channel layer)": cumulative("jobs/broadcast.py", "send_job_event"),
    "store the sketch rows": cumulative("studio/library.py", "store_scores"),
    "record the model call": cumulative("jobs/usage.py", "record_model_call"),
}}
print(json.dumps({{k: round(v / {n} * 1000, 1) for k, v in stages.items()}}))
"""
TERMINAL = ("succeeded", "failed", "cancelled")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def finished(socket, job_id):
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=120))
        jobs = message.get("jobs", []) if message["type"] == "snapshot" else [message.get("job") or {}]
        for job in jobs:
            if job.get("id") == job_id and job.get("status") in TERMINAL:
                return job


def cpu_seconds(pid):
    """CPU time (user + system) the process ``pid`` has used so far (Linux: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Window:
    """The measured window: it opens once every client has finished its first (warm-up) job and
    stays open ``seconds``; a job counts when it finishes inside it. With ``server_pid`` it also
    measures the CPU time the server used while it was open."""

    def __init__(self, clients, seconds, server_pid=None):
        self.waiting, self.seconds, self.server_pid = clients, seconds, server_pid
        self.opened = asyncio.Event()
        self.start = self.stop = None
        self.cpu_at_start = self.cpu_used = None

    def warmed_up(self):
        self.waiting -= 1
        if self.waiting == 0:
            self.start = time.monotonic()
            self.stop = self.start + self.seconds
            self.opened.set()
            if self.server_pid:
                self.cpu_at_start = cpu_seconds(self.server_pid)
                asyncio.get_running_loop().call_later(self.seconds, self._closed)

    def _closed(self):
        self.cpu_used = cpu_seconds(self.server_pid) - self.cpu_at_start

    def over(self):
        return self.opened.is_set() and time.monotonic() >= self.stop


async def client_loop(url, token, session_key, window, latencies, failures):
    """Post one sketch job after the other until the window closes."""
    headers = {"Cookie": f"sessionid={session_key}"}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=300) as http:
        async with connect(url.replace("http", "ws") + "/ws/jobs/", additional_headers=headers, origin=url,
                           open_timeout=60) as socket:
            await socket.recv()
            first = True
            while not window.over():
                posted = time.monotonic()
                response = await http.post("/api/studio/generate/", json=SKETCH)
                if response.status_code != 202:
                    failures.append(f"HTTP {response.status_code}: {response.text[:200]}")
                    await asyncio.sleep(0.5)
                    continue
                job = await finished(socket, response.json()["id"])
                done = time.monotonic()
                if job["status"] != "succeeded":
                    failures.append(job.get("error") or job["status"])
                elif not first and window.opened.is_set() and window.start <= done <= window.stop:
                    latencies.append((done - posted) * 1000)
                if first:
                    window.warmed_up()
                    first = False


async def run_clients(url, credentials, seconds, server_pid=None):
    window = Window(len(credentials), seconds, server_pid)
    latencies, failures = [], []
    await asyncio.gather(*[client_loop(url, token, key, window, latencies, failures) for token, key in credentials])
    return {"sketches": len(latencies), "elapsed_s": seconds, "latencies": latencies, "failures": failures,
            "server_cpu_s": window.cpu_used}


def measure(clients=(1, 8, 32, 128), seconds=20.0, batching=(False, True), extra_env=None, log=print):
    """Rows ``{"clients", "batching", "sketches_per_s", "p50_ms", "p95_ms", "server_cpu_ms_per_sketch",
    "failed"}`` for each setting, one embedded server per batching setting (its log under a temporary
    folder). The server's CPU time per sketch is its cost whatever share of a shared machine it got."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for batched in batching:
            workdir = Path(tmp) / ("batched" if batched else "unbatched")
            env = stack.base_env(workdir, MOTIF_GPU_CONCURRENCY=max(clients), MOTIF_BATCH_MAX_SIZE=128 if batched else 1,
                                 MOTIF_MAX_ACTIVE_JOBS_PER_USER=4, **(extra_env or {}))
            stack.manage(env, "migrate", "--noinput", "-v0")
            output = stack.manage(env, "shell", "-c", SETUP_USERS.format(n=max(clients)))
            credentials = json.loads(output.strip().splitlines()[-1])
            with stack.asgi_process(env, workdir / "web.log") as (url, server):
                for n in clients:
                    result = asyncio.run(run_clients(url, credentials[:n], seconds, server.pid))
                    cpu = result["server_cpu_s"]
                    row = {"clients": n, "batching": batched,
                           "sketches_per_s": round(result["sketches"] / max(result["elapsed_s"], 1e-9), 2),
                           "p50_ms": round(percentile(result["latencies"], 50), 1),
                           "p95_ms": round(percentile(result["latencies"], 95), 1),
                           "server_cpu_ms_per_sketch": (round(cpu * 1000 / result["sketches"], 1)
                                                        if cpu is not None and result["sketches"] else None),
                           "failed": len(result["failures"])}
                    if result["failures"]:
                        log(f"clients={n} batching={batched}: {result['failures'][:3]}")
                    rows.append(row)
    return rows


def profile_jobs(n=20):
    """Milliseconds per job by stage (overlapping: events happen inside claim and finish), jobs run
    eagerly in one process on a fresh SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        env = stack.base_env(Path(tmp), MOTIF_JOBS_EAGER=1)
        stack.manage(env, "migrate", "--noinput", "-v0")
        return json.loads(stack.manage(env, "shell", "-c", PROFILE_JOBS.format(n=n)).strip().splitlines()[-1])


def print_table(rows):
    print("| clients | batching | sketches/s | p50 ms | p95 ms | server CPU ms/sketch | failed |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        cpu = r.get("server_cpu_ms_per_sketch")
        print(f"| {r['clients']} | {'on' if r['batching'] else 'off'} | {r['sketches_per_s']:.2f} | "
              f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {'-' if cpu is None else f'{cpu:.1f}'} | {r['failed']} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="measured seconds per row, once every client has finished a first (warm-up) job")
    parser.add_argument("--json", action="store_true", help='print {"rows": [...]} instead of the table')
    parser.add_argument("--profile", action="store_true", help="print where one job's time goes, and stop")
    args = parser.parse_args()
    if args.profile:
        print(f"# {time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.2f}")
        print("| stage | ms per job |\n|---|---:|")
        for stage, ms in profile_jobs().items():
            print(f"| {stage} | {ms} |")
        return
    rows = measure(args.clients, args.seconds, log=lambda m: print(m, file=sys.stderr))
    if args.json:
        print(json.dumps({"rows": rows}))
    else:
        print(f"# {time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.2f}, "
              f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
        print_table(rows)


if __name__ == "__main__":
    main()
