"""Round trip of a no-op job (POST -> "succeeded" on the socket), embedded and distributed,
and 200 concurrent sockets each receiving only their own job's events.

    .venv/bin/python benchmarks/jobs_latency.py [--jobs 200] [--sockets 200] [--modes embedded,distributed]
"""
import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from tests.integration import stack  # noqa: E402

SETUP_USERS = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import ApiToken, Profile
User = get_user_model()
users = User.objects.bulk_create([User(username=f"bench{{i}}", password="!") for i in range({n})])
Profile.objects.bulk_create([Profile(user=u) for u in users])
out = []
for u in users:
    s = SessionStore()
    s["_auth_user_id"] = str(u.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = u.get_session_auth_hash()
    s.create()
    out.append([ApiToken.issue(u, "bench")[1], s.session_key])
print(json.dumps(out))
"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def wait_for(socket, job_id):
    while True:
        message = json.loads(await socket.recv())
        jobs = message.get("jobs", []) if message["type"] == "snapshot" else [message.get("job", {})]
        for job in jobs:
            if job.get("id") == job_id and job["status"] in ("succeeded", "failed", "cancelled"):
                return job


async def round_trips(url, token, session_key, count):
    ws_url = url.replace("http", "ws") + "/ws/jobs/"
    headers = {"Cookie": f"sessionid={session_key}"}
    timings = []
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {token}"}) as client:
        async with connect(ws_url, additional_headers=headers, origin=url) as socket:
            await socket.recv()
            for _ in range(count):
                start = time.perf_counter()
                response = await client.post("/api/jobs/", json={"kind": "jobs.noop"})
                job = await wait_for(socket, response.json()["id"])
                timings.append((time.perf_counter() - start) * 1000)
                assert job["status"] == "succeeded"
    return timings


async def fan_out(url, credentials):
    """Every user opens a socket, submits one job, and must see exactly their own events."""
    ws_url = url.replace("http", "ws") + "/ws/jobs/"
    sockets = [
        await connect(ws_url, additional_headers={"Cookie": f"sessionid={key}"}, origin=url, open_timeout=30)
        for _token, key in credentials
    ]
    for socket in sockets:
        await socket.recv()
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        responses = await asyncio.gather(*[
            client.post("/api/jobs/", json={"kind": "jobs.noop"}, headers={"Authorization": f"Token {token}"})
            for token, _key in credentials
        ])
    own = [r.json()["id"] for r in responses]

    async def listen(socket, job_id):
        foreign = 0
        done = False
        try:
            while not done:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=60))
                for job in message.get("jobs", [message.get("job")]):
                    if job and job["id"] != job_id:
                        foreign += 1
                    elif job and job["status"] == "succeeded":
                        done = True
        except asyncio.TimeoutError:
            pass
        await socket.close()
        return done, foreign

    results = await asyncio.gather(*[listen(s, j) for s, j in zip(sockets, own)])
    return sum(done for done, _ in results), sum(f for _, f in results)


def run_mode(mode, jobs, sockets, workdir):
    with ExitStack() as stack_:
        extra = {}
        if mode == "distributed":
            stack.flush_redis()
            database_url = stack_.enter_context(stack.postgres_database())
            extra = {"DATABASE_URL": database_url, "REDIS_URL": stack.REDIS_TEST_URL}
        env = stack.base_env(workdir / mode, MOTIF_MAX_ACTIVE_JOBS_PER_USER=8, **extra)
        stack.manage(env, "migrate", "--noinput", "-v0")
        credentials = json.loads(stack.manage(env, "shell", "-c", SETUP_USERS.format(n=sockets)).strip().splitlines()[-1])
        if mode == "distributed":
            stack_.enter_context(stack.celery_worker(env, workdir / f"{mode}-worker.log", concurrency=2))
        url = stack_.enter_context(stack.asgi_server(env, workdir / f"{mode}-web.log"))
        token, key = credentials[0]
        asyncio.run(round_trips(url, token, key, 10))
        timings = asyncio.run(round_trips(url, token, key, jobs))
        received, foreign = asyncio.run(fan_out(url, credentials))
    return {
        "mode": mode, "jobs": jobs, "median_ms": statistics.median(timings), "p95_ms": percentile(timings, 95),
        "max_ms": max(timings), "sockets": sockets, "received": received, "foreign": foreign,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--modes", default="embedded,distributed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run_mode(mode, args.jobs, args.sockets, Path(tmp)) for mode in args.modes.split(",")]
    print("| mode | jobs | median ms | p95 ms | max ms | sockets | got own result | foreign events |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['mode']} | {r['jobs']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} | "
              f"{r['sockets']} | {r['received']}/{r['sockets']} | {r['foreign']} |")


if __name__ == "__main__":
    main()
