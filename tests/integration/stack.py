"""Start Motif's real processes (ASGI server, Celery worker) for integration tests and benchmarks."""
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("MOTIF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("MOTIF_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_available():
    import redis

    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def postgres_available():
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def postgres_database():
    """A fresh, migrated PostgreSQL database; yields its URL and drops it afterwards."""
    import psycopg

    name = f"motif_it_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/]*$", f"/{name}", POSTGRES_ADMIN_URL)
    try:
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


def base_env(data_dir, **extra):
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "MOTIF_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update({
        "DJANGO_SETTINGS_MODULE": "motif.settings",
        "DJANGO_SECRET_KEY": "integration-" + "k" * 50,
        "MOTIF_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "MOTIF_WARM_UP": "0",
        # The suites post more requests a minute than the production throttles allow; their own
        # tests set the rates they check.
        "MOTIF_THROTTLE_USER": "100000/m",
        "MOTIF_THROTTLE_ANON": "100000/m",
        "MOTIF_THROTTLE_JOBS": "100000/m",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args, timeout=300):
    """Run ``manage.py`` with ``env``; returns stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


CREATE_USER = """
from django.contrib.auth import get_user_model
from accounts.models import ApiToken
user = get_user_model().objects.create_user({name!r}, password={password!r})
print(ApiToken.issue(user, "it")[1])
"""


def create_user(env, name, password):
    """Create a user in the stack's database; returns an API token key."""
    return manage(env, "shell", "-c", CREATE_USER.format(name=name, password=password)).strip().splitlines()[-1]


@contextmanager
def process(args, env, log_path, ready):
    """Run a process until the block ends; ``ready()`` must become true within 60 s."""
    log = open(log_path, "w")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} did not start; see {log_path}:\n{Path(log_path).read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@contextmanager
def asgi_server(env, log_path):
    """uvicorn serving motif.asgi on a free port; yields the base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return httpx.get(url + "/", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    args = [sys.executable, "-m", "uvicorn", "motif.asgi:application", "--port", str(port), "--lifespan", "off",
            "--log-level", "warning"]
    with process(args, env, log_path, ready):
        yield url


@contextmanager
def celery_worker(env, log_path, queues="gpu,cpu", concurrency=1):
    """A real ``celery worker`` (prefork) consuming ``queues``; yields the Popen."""
    def ready():
        return "ready." in Path(log_path).read_text() if Path(log_path).exists() else False

    args = [sys.executable, "-m", "celery", "-A", "motif", "worker", "-Q", queues, "--pool", "prefork",
            "--concurrency", str(concurrency), "--loglevel", "INFO", "-n", f"it-{secrets.token_hex(3)}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with process(args, env, log_path, ready) as proc:
        yield proc


def login_session(url, username, password):
    """Log in through the real form; returns an httpx client holding the session cookie."""
    client = httpx.Client(base_url=url, timeout=10)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": url + "/accounts/login/"},
    )
    if "sessionid" not in client.cookies:
        raise RuntimeError(f"login failed: {response.status_code}")
    return client


def job_socket(url, client):
    """A WebSocket to ws/jobs/ authenticated with ``client``'s session."""
    from websockets.sync.client import connect

    ws_url = url.replace("http://", "ws://") + "/ws/jobs/"
    cookie = f"sessionid={client.cookies['sessionid']}"
    return connect(ws_url, additional_headers={"Cookie": cookie}, origin=url, open_timeout=10)
