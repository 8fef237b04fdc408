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
RABBITMQ_TEST_URL = os.environ.get("MOTIF_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


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


def rabbitmq_available():
    """True when RabbitMQ answers and ``rabbitmqctl`` may create virtual hosts."""
    import kombu
    from kombu.exceptions import KombuError

    try:
        with kombu.Connection(RABBITMQ_TEST_URL + "%2F", connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError, KombuError):
        return False
    return True


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=60)


@contextmanager
def rabbitmq_vhost():
    """A private RabbitMQ virtual host (so runs never share queues); yields its broker URL."""
    name = f"motif_it_{secrets.token_hex(4)}"
    user = RABBITMQ_TEST_URL.split("//", 1)[1].split(":", 1)[0]
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        yield RABBITMQ_TEST_URL + name
    finally:
        rabbitmqctl("delete_vhost", name)


def tmpfs_mountable():
    """True when this process may mount a tmpfs (root, outside a locked-down container)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        try:
            with tiny_tmpfs(Path(folder), "64k"):
                return True
        except (OSError, subprocess.SubprocessError):
            return False


@contextmanager
def tiny_tmpfs(path, size="1m"):
    """A tmpfs of ``size`` mounted at ``path`` (a stand-in for a disk about to fill up); unmounted after."""
    Path(path).mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                   check=True, capture_output=True, timeout=30)
    try:
        yield Path(path)
    finally:
        subprocess.run(["umount", "--lazy", str(path)], capture_output=True, timeout=30)


def fill_disk(folder, name="filler.bin"):
    """Write to ``folder`` until its file system is full; returns the filler file."""
    import errno

    filler = Path(folder) / name
    with open(filler, "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(b"\0" * 4096)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                return filler


def private_rabbitmq_possible():
    """True when this process may start a RabbitMQ node of its own (root, the Debian package's user)."""
    import pwd
    import shutil

    try:
        pwd.getpwnam("rabbitmq")
    except KeyError:
        return False
    return os.geteuid() == 0 and shutil.which("rabbitmq-server") is not None


class PrivateRabbitMQ:
    """A RabbitMQ node of its own (name, ports, data folder) that a test may stop and start again;
    its data folder survives a restart, as a real broker's disk would."""

    def __init__(self, folder):
        import shutil

        self.folder = Path(folder)
        (self.folder / "mnesia").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.node = f"motif-it-{secrets.token_hex(3)}@localhost"
        (self.folder / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        for path in [self.folder, *self.folder.rglob("*")]:
            shutil.chown(path, "rabbitmq")  # the server script drops to this user
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        self.proc = None

    def start(self):
        env = dict(os.environ, RABBITMQ_NODENAME=self.node, RABBITMQ_DIST_PORT=str(free_port()),
                   RABBITMQ_CONFIG_FILE=str(self.folder / "rabbitmq.conf"),
                   RABBITMQ_MNESIA_BASE=str(self.folder / "mnesia"), RABBITMQ_LOG_BASE=str(self.folder),
                   RABBITMQ_LOGS="-", RABBITMQ_ENABLED_PLUGINS_FILE=str(self.folder / "enabled_plugins"),
                   RABBITMQ_PID_FILE=str(self.folder / "pid"))
        log = open(self.folder / "server.log", "a")
        self.proc = subprocess.Popen(["rabbitmq-server"], cwd="/tmp", env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 90
        while not self._accepts():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ did not start:\n{(self.folder / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)

    def _accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self):
        """Stop the node the way an operator restarting it would (``rabbitmqctl stop``)."""
        subprocess.run(["rabbitmqctl", "-n", self.node, "stop"], capture_output=True, timeout=120)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def queue_depths(self):
        """Messages waiting in each queue of the default vhost."""
        out = subprocess.run(["rabbitmqctl", "-n", self.node, "-q", "list_queues", "name", "messages"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
        return {name: int(count) for name, count in (line.split("\t") for line in out.splitlines()[1:] if "\t" in line)}


@contextmanager
def private_rabbitmq():
    """A started PrivateRabbitMQ, stopped and its folder removed when the block ends. The folder is
    made directly under /tmp: pytest's own are private to root and the server runs as ``rabbitmq``."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="motif-rabbitmq-")
    node = PrivateRabbitMQ(folder)
    try:
        node.start()
        yield node
    finally:
        if node.proc is not None and node.proc.poll() is None:
            node.stop()
        shutil.rmtree(folder, ignore_errors=True)


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


def base_env(data_dir, **extra):
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MOTIF_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
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
def asgi_process(env, log_path, workers=1, extra_args=()):
    """uvicorn serving motif.asgi on a free port (``workers`` processes, more uvicorn ``extra_args``), as
    the Dockerfile starts it; yields (base URL, Popen)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return httpx.get(url + "/", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    args = [sys.executable, "-m", "uvicorn", "motif.asgi:application", "--port", str(port), "--lifespan", "off",
            "--log-level", "warning", "--workers", str(workers), *extra_args]
    with process(args, env, log_path, ready) as proc:
        yield url, proc


@contextmanager
def asgi_server(env, log_path, workers=1, extra_args=()):
    """:func:`asgi_process`, yielding only the base URL."""
    with asgi_process(env, log_path, workers, extra_args) as (url, _):
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


@contextmanager
def celery_beat(env, log_path):
    """``celery beat`` (the periodic tasks of MOTIF_PERIODIC_TASKS); yields the Popen."""
    def ready():
        return "beat: Starting" in Path(log_path).read_text() if Path(log_path).exists() else False

    args = [sys.executable, "-m", "celery", "-A", "motif", "beat", "--loglevel", "INFO",
            "-s", str(Path(log_path).with_suffix(".schedule"))]
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
