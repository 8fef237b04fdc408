"""Mixed load on distributed mode: does every job finish, and how fast do pages stay?

    MOTIF_TEST_REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/load_mixed.py \
        [--users 100] [--seconds 300] [--think 3] [--poll 1.5] [--web-workers 2] [--json]

Starts the distributed stack with the helpers of tests/integration/stack.py: a fresh PostgreSQL
database, Redis (flushed), uvicorn with ``--web-workers`` processes, a ``gpu`` worker (prefork, one
child), a ``cpu`` worker and beat; seeds the demo catalogue (music21 corpus), gives every user a few likes
and trains the recommender. Then ``--users`` simulated users (asyncio + httpx in this process) each
loop for ``--seconds``: think (exponential, mean ``--think`` s), then read a feed page (55 %), generate
sketches (15 %), analyse a lyric (15 %) or ask for the next feed page of their session (15 %). A user who
submitted a job polls ``/api/jobs/<id>/`` every ``--poll`` s until it ends (a closed loop: at most one
job per user). After the deadline no new work starts and the outstanding jobs are drained.

Prints per endpoint: requests, throughput, p50/p95 latency, errors; then the jobs: submitted, and
how the database ends (every submitted job terminal and succeeded; none lost, none duplicated).
"""
import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from tests.integration import stack  # noqa: E402

TERMINAL = {"succeeded", "failed", "cancelled"}
LYRICS = [
    "City lights are fading slow\nI keep your letters in the snow\nEvery road leads back to you\n"
    "Every song I sing is blue",
    "Jump up, the night is young\nShout it out with every lung\nWe are fire, we are gold\n"
    "Never tired, never old",
    "Rain on the window, coffee gone cold\nStories we whispered, never told\nI'll wait by the harbour\n"
    "Till the tide turns home",
    "Dancing shoes and a borrowed car\nHumming along to a cheap guitar\nSummer came and summer went\n"
    "All the money we never spent",
]

SETUP = """
import json, random
from django.contrib.auth import get_user_model
from django.utils import timezone
from accounts.models import ApiToken, Profile
from recommender.models import Event, Item
User = get_user_model()
users = User.objects.bulk_create([User(username=f"load{{i}}", password="!") for i in range({n})])
Profile.objects.bulk_create([Profile(user=u) for u in users])
items = list(Item.objects.values_list("id", flat=True))
rng, now = random.Random(0), timezone.now()
Event.objects.bulk_create([Event(user=u, item_id=i, kind="like", timestamp=now)
                           for u in users for i in rng.sample(items, 3)])
print(json.dumps([ApiToken.issue(u, "load")[1] for u in users]))
"""

COUNT_JOBS = """
import json
from django.db.models import Count
from jobs.models import Job
print(json.dumps({"rows": Job.objects.count(),
                  "by_status": dict(Job.objects.values_list("status").annotate(n=Count("id"))),
                  "max_attempts": max(Job.objects.values_list("attempts", flat=True), default=0)}))
"""


class Recorder:
    """Latencies and errors per endpoint, and the jobs the users submitted."""

    def __init__(self):
        self.measuring = False  # the warm-up's requests are not timed; its jobs are counted
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.jobs = {}  # id -> final status (None while unknown)
        self.job_seconds = []

    async def call(self, endpoint, request):
        start = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as exc:
            outcome, response = type(exc).__name__, None
        else:
            outcome = response.status_code
        if self.measuring:
            self.latency[endpoint].append((time.perf_counter() - start) * 1000)
            self.statuses[endpoint][outcome] += 1
            self.errors[endpoint] += response is None or response.status_code >= 400
        elif response is None or response.status_code >= 400:
            raise RuntimeError(f"warm-up: {endpoint} answered {outcome}")
        return response if response is not None and response.status_code < 400 else None


async def wait_for_job(http, recorder, job_id, poll, give_up_at):
    submitted = time.perf_counter()
    recorder.jobs[job_id] = None
    while time.monotonic() < give_up_at:
        await asyncio.sleep(poll)
        response = await recorder.call("GET /api/jobs/<id>/", http.get(f"/api/jobs/{job_id}/"))
        if response is not None and response.json()["status"] in TERMINAL:
            recorder.jobs[job_id] = response.json()["status"]
            if recorder.measuring:
                recorder.job_seconds.append(time.perf_counter() - submitted)
            return


async def submit(http, recorder, endpoint, path, body, poll, give_up_at):
    response = await recorder.call(endpoint, http.post(path, json=body))
    if response is not None:
        await wait_for_job(http, recorder, response.json()["id"], poll, give_up_at)


async def user(url, token, args, recorder, until, give_up_at, rng):
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60) as http:
        session = None
        await asyncio.sleep(rng.uniform(0, args.think))  # arrivals spread, not all at one instant
        while time.monotonic() < until:
            roll = rng.random()
            if roll < 0.55 or (roll >= 0.85 and session is None):
                response = await recorder.call("GET /api/feed/", http.get("/api/feed/"))
                session = response.json()["session"] if response is not None else None
            elif roll < 0.70:
                body = {"model": "vae", "bars": 4, "count": 2, "seed": rng.randrange(2**31)}
                await submit(http, recorder, "POST /api/studio/generate/", "/api/studio/generate/", body,
                             args.poll, give_up_at)
            elif roll < 0.85:
                body = {"title": "load", "text": rng.choice(LYRICS)}
                await submit(http, recorder, "POST /api/perception/lyrics/", "/api/perception/lyrics/", body,
                             args.poll, give_up_at)
            else:
                await recorder.call("GET /api/feed/?session", http.get("/api/feed/", params={"session": session}))
            await asyncio.sleep(rng.expovariate(1 / args.think))


async def warm_up(url, tokens, recorder):
    """Load every process's models before timing: feed pages on both web processes, one job of each kind."""
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {tokens[0]}"}, timeout=300) as http:
        await asyncio.gather(*(recorder.call("warm-up", http.get("/api/feed/")) for _ in range(20)))
        give_up_at = time.monotonic() + 300
        await submit(http, recorder, "warm-up", "/api/studio/generate/", {"model": "vae", "count": 1}, 0.5,
                     give_up_at)
        await submit(http, recorder, "warm-up", "/api/perception/lyrics/", {"text": LYRICS[0]}, 0.5, give_up_at)


async def drive(url, tokens, args, recorder):
    await warm_up(url, tokens, recorder)
    recorder.measuring = True
    until = time.monotonic() + args.seconds
    give_up_at = until + args.drain
    rngs = [random.Random(i) for i in range(len(tokens))]
    await asyncio.gather(*(user(url, t, args, recorder, until, give_up_at, r) for t, r in zip(tokens, rngs)))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def summarise(recorder, jobs_in_db, args, wall):
    endpoints = []
    for name in sorted(recorder.latency):
        values = recorder.latency[name]
        endpoints.append({"endpoint": name, "requests": len(values), "per_second": len(values) / args.seconds,
                          "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95),
                          "errors": recorder.errors[name], "statuses": {str(k): v for k, v in
                                                                       recorder.statuses[name].items()}})
    total = sum(e["requests"] for e in endpoints)
    errors = sum(e["errors"] for e in endpoints)
    finished = [s for s in recorder.jobs.values() if s is not None]
    return {
        "users": args.users, "seconds": args.seconds, "think": args.think, "web_workers": args.web_workers,
        "wall_seconds": wall, "requests": total, "per_second": total / args.seconds, "errors": errors,
        "error_rate": errors / total if total else 0.0, "endpoints": endpoints,
        "jobs": {"submitted": len(recorder.jobs), "finished": len(finished),
                 "succeeded": finished.count("succeeded"), "failed": finished.count("failed"),
                 "p50_s": percentile(recorder.job_seconds, 50), "p95_s": percentile(recorder.job_seconds, 95),
                 "rows_in_database": jobs_in_db["rows"], "database_by_status": jobs_in_db["by_status"],
                 "max_attempts": jobs_in_db["max_attempts"]},
    }


def print_table(result):
    print(f"users {result['users']}, {result['seconds']:.0f} s, think {result['think']} s, "
          f"{result['web_workers']} web processes: {result['requests']} requests, "
          f"{result['per_second']:.1f} req/s, error rate {100 * result['error_rate']:.2f} %")
    print("| endpoint | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for e in result["endpoints"]:
        print(f"| {e['endpoint']} | {e['requests']} | {e['per_second']:.1f} | {e['p50_ms']:.1f} | "
              f"{e['p95_ms']:.1f} | {e['errors']} |")
    jobs = result["jobs"]
    accounted = jobs["submitted"] == jobs["finished"] == jobs["rows_in_database"]
    print()
    print("| jobs submitted | finished | succeeded | failed | rows in database | max attempts | "
          "job p50 s | job p95 s | submitted = finished |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {jobs['submitted']} | {jobs['finished']} | {jobs['succeeded']} | {jobs['failed']} | "
          f"{jobs['rows_in_database']} | {jobs['max_attempts']} | {jobs['p50_s']:.1f} | {jobs['p95_s']:.1f} | "
          f"{'yes' if accounted else 'NO'} |")


def run(args, workdir):
    with ExitStack() as running:
        stack.flush_redis()
        database_url = running.enter_context(stack.postgres_database())
        env = stack.base_env(workdir, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL,
                             OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        stack.manage(env, "migrate", "--noinput", "-v0")
        stack.manage(env, "seed_demo", "--json")
        tokens = json.loads(stack.manage(env, "shell", "-c", SETUP.format(n=args.users)).strip().splitlines()[-1])
        stack.manage(env, "train_recommender", "--json", timeout=900)
        running.enter_context(stack.celery_worker(env, workdir / "worker-gpu.log", queues="gpu", concurrency=1))
        running.enter_context(stack.celery_worker(env, workdir / "worker-cpu.log", queues="cpu", concurrency=1))
        running.enter_context(stack.celery_beat(env, workdir / "beat.log"))
        # Keep idle connections open longer than any think time (uvicorn's default closes them after 5 s,
        # racing a client that sends just then), as a proxy in front of the site would.
        keep_alive = ["--timeout-keep-alive", str(max(30, int(10 * args.think)))]
        url = running.enter_context(stack.asgi_server(env, workdir / "web.log", workers=args.web_workers,
                                                      extra_args=keep_alive))
        recorder = Recorder()
        started = time.monotonic()
        asyncio.run(drive(url, tokens, args, recorder))
        wall = time.monotonic() - started
        jobs_in_db = json.loads(stack.manage(env, "shell", "-c", COUNT_JOBS).strip().splitlines()[-1])
    return summarise(recorder, jobs_in_db, args, wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think", type=float, default=3.0, help="mean think time between actions, seconds")
    parser.add_argument("--poll", type=float, default=1.5, help="seconds between polls of a running job")
    parser.add_argument("--drain", type=float, default=300, help="seconds after the run for jobs to finish")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.logs or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run(args, workdir)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_table(result)
    jobs = result["jobs"]
    if not jobs["submitted"] == jobs["finished"] == jobs["rows_in_database"]:
        sys.exit("not every submitted job finished exactly once")


if __name__ == "__main__":
    main()
