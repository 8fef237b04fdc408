"""Feed API latency under concurrent clients, on loopback.

    MOTIF_DATA_DIR=/path/with/db OMP_NUM_THREADS=1 python benchmarks/recommender_load.py \
        [--clients 50] [--seconds 20] [--think 0] [--workers 1]

Expects a database where ``import_catalog lastfm-hetrec`` and ``train_recommender`` have run. Creates
``--clients`` users (each with a few likes, so the personal path runs), gives each an API token, starts
uvicorn on 127.0.0.1 and lets every client fetch ``/api/feed/`` pages in a loop (a new session every 5
pages), waiting ``--think`` seconds on average between its requests (0 = closed loop, as fast as
possible); with a think time the clients' first requests are spread over one think time.
Prints p50/p95/p99 latency, throughput and errors.
"""
import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")


def setup_users(n: int):
    import django

    django.setup()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import ApiToken
    from recommender.models import Event, Item

    popular = list(Item.objects.order_by("-listeners").values_list("id", flat=True)[:300])
    rng = random.Random(0)
    keys = []
    for i in range(n):
        user, created = get_user_model().objects.get_or_create(username=f"load-{i}")
        if created:
            now = timezone.now()
            Event.objects.bulk_create([Event(user=user, item_id=item, kind="like", timestamp=now)
                                       for item in rng.sample(popular, 5)])
        _token, key = ApiToken.issue(user, "load test")
        keys.append(key)
    return keys


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def client(base, key, until, think, latencies, errors):
    import httpx

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Token {key}"}, timeout=30) as http:
        session, pages = None, 0
        if think:  # arrivals spread over one think time, not all 50 clients at the same instant
            await asyncio.sleep(random.uniform(0, think))
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                r = await http.get("/api/feed/", params={"session": session} if session else None)
                ok = r.status_code == 200
                if ok:
                    session = r.json()["session"]
            except Exception:
                ok = False
            latencies.append(time.perf_counter() - t0)
            if not ok:
                errors.append(1)
            pages += 1
            if pages % 5 == 0:
                session = None
            if think:
                await asyncio.sleep(random.expovariate(1 / think))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a client's requests")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    keys = setup_users(args.clients)
    port = free_port()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "motif.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
                               "--no-access-log"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/feed/", headers={"Authorization": f"Token {keys[0]}"}, timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise SystemExit("server did not come up")
            time.sleep(0.5)

        async def run():
            latencies, errors = [], []
            warm_until = time.perf_counter() + 3
            await asyncio.gather(*(client(base, k, warm_until, args.think, [], []) for k in keys))
            until = time.perf_counter() + args.seconds
            await asyncio.gather(*(client(base, k, until, args.think, latencies, errors) for k in keys))
            return latencies, errors

        latencies, errors = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=30)
    ms = [x * 1000 for x in latencies]
    print("| clients | think s | workers | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.clients} | {args.think} | {args.workers} | {len(ms)} | {len(ms) / args.seconds:.0f} | "
          f"{percentile(ms, .5):.1f} | {percentile(ms, .95):.1f} | {percentile(ms, .99):.1f} | {max(ms):.1f} | "
          f"{len(errors)} |")


if __name__ == "__main__":
    main()
