"""Feed API latency under concurrent clients, on loopback.

    MOTIF_DATA_DIR=/path/with/db OMP_NUM_THREADS=1 python benchmarks/recommender_load.py \
        [--clients 50] [--seconds 20] [--think 0] [--workers 1] [--tool wrk|httpx] [--redis URL] \
        [--ceiling /api/jobs/]

Expects a database where ``import_catalog lastfm-hetrec`` and ``train_recommender`` have run. Creates
``--clients`` users (each with a few likes, so the personal path runs), gives each an API token, starts
uvicorn on 127.0.0.1 and lets every client fetch ``/api/feed/`` pages in a loop (a new session every 5
pages), waiting ``--think`` seconds on average between its requests (exponentially distributed; 0 =
closed loop, as fast as possible).

The load comes from ``wrk`` (Debian package ``wrk``; one thread per client, ``feed_load.lua``) when it is
installed, else from asyncio ``httpx`` clients in this process, which cost the server CPU on a small box.
With ``--workers`` above 1, pass ``--redis`` so that the server processes share the feed sessions (as in
distributed mode); in-process caches would give each process its own.
With ``--ceiling PATH`` the same clients then load PATH (a minimal authenticated DRF endpoint such as the
job list) on the same server, and the feed's throughput is printed as a share of that ceiling.
Prints p50/p95/p99 latency, throughput and errors.
"""
import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
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


async def client(base, key, until, think, latencies, errors, path="/api/feed/"):
    import httpx

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Token {key}"}, timeout=30) as http:
        session, pages = None, 0
        if think:  # arrivals spread over one think time, not all 50 clients at the same instant
            await asyncio.sleep(random.uniform(0, think))
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                r = await http.get(path, params={"session": session} if session else None)
                ok = r.status_code == 200
                if ok:
                    session = r.json().get("session")
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


def run_wrk(base, keys, args, path) -> dict:
    """Run wrk with feed_load.lua (after a 3 s warm-up run); returns its RESULT figures (ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as fh:
        fh.write("\n".join(keys) + "\n")
    env = dict(os.environ, FEED_TOKENS=fh.name, FEED_THINK_MS=str(args.think * 1000), FEED_PATH=path)
    script = os.path.join(ROOT, "benchmarks", "feed_load.lua")

    def wrk(seconds):
        cmd = ["wrk", "-t", str(args.clients), "-c", str(args.clients), "-d", f"{int(seconds)}s", "--timeout", "30s",
               "-s", script, base]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout

    try:
        wrk(3)  # warm-up
        out = wrk(args.seconds)
    finally:
        os.unlink(fh.name)
    for line in out.splitlines():
        if line.startswith(("ERRORS", "status")):
            print(line, file=sys.stderr)
    match = re.search(r"RESULT (.*)", out)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{out}")
    return {k: float(v) for k, v in (kv.split("=") for kv in match.group(1).split())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a client's requests")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tool", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--redis", default=None, help="REDIS_URL for the server (shared cache across workers)")
    parser.add_argument("--ceiling", default=None, metavar="PATH",
                        help="also load this authenticated DRF endpoint (e.g. /api/jobs/) on the same server, "
                             "after the feed, and print the feed's share of its throughput")
    args = parser.parse_args()
    keys = setup_users(args.clients)
    port = free_port()
    # No warm-up: it compiles librosa kernels for jobs, which would compete with the first minute of requests.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MOTIF_WARM_UP="0")
    if args.redis:
        env["REDIS_URL"] = args.redis
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "motif.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
                               "--timeout-keep-alive", "30",  # think times above uvicorn's 5 s default
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

        runs = {}
        for path in ["/api/feed/"] + ([args.ceiling] if args.ceiling else []):
            runs[path] = run_wrk(base, keys, args, path) if args.tool == "wrk" else run_httpx(base, keys, args, path)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| path | tool | clients | think s | workers | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for path, figures in runs.items():
        print(f"| {path} | {args.tool} | {args.clients} | {args.think} | {args.workers} | {figures['requests']:.0f} | "
              f"{figures['requests'] / figures['seconds']:.0f} | {figures['p50']:.1f} | {figures['p95']:.1f} | "
              f"{figures['p99']:.1f} | {figures['max']:.1f} | {figures['errors']:.0f} |")
    if args.ceiling:
        share = runs["/api/feed/"]["requests"] / max(runs[args.ceiling]["requests"], 1)
        print(f"\nFeed throughput = {share:.0%} of {args.ceiling} through the same stack (goal: >= 50 %).")


def run_httpx(base, keys, args, path) -> dict:
    """asyncio httpx clients in this process; the same figures as :func:`run_wrk`."""
    async def run():
        latencies, errors = [], []
        warm_until = time.perf_counter() + 3
        await asyncio.gather(*(client(base, k, warm_until, args.think, [], [], path) for k in keys))
        until = time.perf_counter() + args.seconds
        await asyncio.gather(*(client(base, k, until, args.think, latencies, errors, path) for k in keys))
        return latencies, errors

    latencies, errors = asyncio.run(run())
    ms = [x * 1000 for x in latencies]
    return {"requests": len(ms), "seconds": args.seconds, "p50": percentile(ms, .5), "p95": percentile(ms, .95),
            "p99": percentile(ms, .99), "max": max(ms), "errors": len(errors)}


if __name__ == "__main__":
    main()
