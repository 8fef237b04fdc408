"""Processes to break on purpose: a killable server and worker, a private Redis, a database to cut."""
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.integration import stack

TERMINAL = {"succeeded", "failed", "cancelled"}

# Durability knobs turned down so a fault is noticed and repaired within seconds.
FAST_RECOVERY = {
    "MOTIF_JOB_HEARTBEAT_SECONDS": 1,
    "MOTIF_JOB_STALE_SECONDS": 5,
    "MOTIF_JOB_SWEEP_SECONDS": 2,
    "MOTIF_DISPATCH_STALE_SECONDS": 10,
    "MOTIF_MAX_ACTIVE_JOBS_PER_USER": 100,
}


def wait_until(predicate, timeout, what):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def kill_group(proc):
    """SIGKILL a process started by ``stack.process`` and everything it started."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)




@contextmanager
def worker_with_beat(env, log_path, concurrency=1):
    """A Celery worker on both queues with beat inside it (``-B``); yields the Popen."""
    def ready():
        return Path(log_path).exists() and "ready." in Path(log_path).read_text()

    args = [sys.executable, "-m", "celery", "-A", "motif", "worker", "-B", "-s", str(Path(log_path).with_suffix(".beat")),
            "-Q", "gpu,cpu", "--pool", "prefork", "--concurrency", str(concurrency), "--loglevel", "INFO",
            "-n", f"fault-{secrets.token_hex(3)}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with stack.process(args, env, log_path, ready) as proc:
        yield proc


class PrivateRedis:
    """A redis-server of this test alone on a free port, without persistence: a stop loses its data."""

    def __init__(self, log_path):
        self.port = stack.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.proc = None

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        import redis

        wait_until(lambda: self._pings(redis), 10, "the private Redis to start")

    def _pings(self, redis):
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


@contextmanager
def private_redis(log_path):
    """Yield a started ``PrivateRedis``; it is killed afterwards."""
    server = PrivateRedis(log_path)
    server.start()
    try:
        yield server
    finally:
        if server.proc and server.proc.poll() is None:
            server.stop()


def terminate_backends(database_url):
    """``pg_terminate_backend`` every other connection to the database of ``database_url``; returns how many."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def api(url, token):
    return httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=15)


def submit(client, seconds):
    """Start a ``jobs.demo`` job; returns the response."""
    return client.post("/api/jobs/", json={"kind": "jobs.demo", "params": {"seconds": seconds}})


def job(client, job_id):
    return client.get(f"/api/jobs/{job_id}/").json()


def wait_all_finished(client, job_ids, timeout):
    """Every job's final JSON, once all of them are terminal."""
    finished = {}

    def all_done():
        for job_id in job_ids:
            if job_id not in finished:
                state = job(client, job_id)
                if state["status"] in TERMINAL:
                    finished[job_id] = state
        return len(finished) == len(job_ids)

    try:
        wait_until(all_done, timeout, "every job to finish")
    except AssertionError:
        stuck = {j: job(client, j)["status"] for j in job_ids if j not in finished}
        raise AssertionError(f"{len(stuck)} job(s) not finished: {stuck}") from None
    return [finished[j] for j in job_ids]
