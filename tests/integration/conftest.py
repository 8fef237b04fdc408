"""Real Redis, PostgreSQL, Celery worker and ASGI server (mandatory under CI=true)."""
from contextlib import contextmanager

import pytest

from tests.conftest import PASSWORD, require
from tests.integration import stack


@contextmanager
def broker(name):
    """The Celery broker URL for ``name``: the test Redis, or a private RabbitMQ virtual host."""
    if name == "redis":
        yield stack.REDIS_TEST_URL
        return
    require(stack.rabbitmq_available(),
            f"RabbitMQ is not reachable at {stack.RABBITMQ_TEST_URL}, or rabbitmqctl cannot add a vhost")
    with stack.rabbitmq_vhost() as url:
        yield url


@pytest.fixture(scope="module", params=["redis", "rabbitmq"])
def distributed(request, tmp_path_factory):
    """A distributed Motif: PostgreSQL + Redis + a Celery worker + uvicorn, with Redis or RabbitMQ
    as the broker (every test using it runs once per broker). Yields a dict."""
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    logs = tmp_path_factory.mktemp(f"distributed-{request.param}")
    stack.flush_redis()
    with broker(request.param) as broker_url, stack.postgres_database() as database_url:
        env = stack.base_env(logs, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL,
                             CELERY_BROKER_URL=broker_url)
        stack.manage(env, "migrate", "--noinput", "-v0")
        tokens = {name: stack.create_user(env, name, PASSWORD) for name in ("alice", "bob")}
        with stack.celery_worker(env, logs / "worker.log") as worker, stack.asgi_server(env, logs / "web.log") as url:
            yield {"url": url, "env": env, "tokens": tokens, "worker": worker, "logs": logs,
                   "broker": request.param, "broker_url": broker_url}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """An embedded Motif (SQLite, in-process jobs) served by uvicorn in a subprocess."""
    data = tmp_path_factory.mktemp("embedded")
    env = stack.base_env(data)
    stack.manage(env, "migrate", "--noinput", "-v0")
    tokens = {name: stack.create_user(env, name, PASSWORD) for name in ("alice", "bob")}
    with stack.asgi_server(env, data / "web.log") as url:
        yield {"url": url, "env": env, "tokens": tokens, "logs": data}
