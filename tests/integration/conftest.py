"""Real Redis, PostgreSQL, Celery worker and ASGI server (mandatory under CI=true)."""
import pytest

from tests.conftest import PASSWORD, require
from tests.integration import stack


@pytest.fixture(scope="module")
def distributed(tmp_path_factory):
    """A distributed Motif: PostgreSQL + Redis + a Celery worker + uvicorn. Yields a dict."""
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    logs = tmp_path_factory.mktemp("distributed")
    stack.flush_redis()
    with stack.postgres_database() as database_url:
        env = stack.base_env(logs, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL)
        stack.manage(env, "migrate", "--noinput", "-v0")
        tokens = {name: stack.create_user(env, name, PASSWORD) for name in ("alice", "bob")}
        with stack.celery_worker(env, logs / "worker.log") as worker, stack.asgi_server(env, logs / "web.log") as url:
            yield {"url": url, "env": env, "tokens": tokens, "worker": worker, "logs": logs}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """An embedded Motif (SQLite, in-process jobs) served by uvicorn in a subprocess."""
    data = tmp_path_factory.mktemp("embedded")
    env = stack.base_env(data)
    stack.manage(env, "migrate", "--noinput", "-v0")
    tokens = {name: stack.create_user(env, name, PASSWORD) for name in ("alice", "bob")}
    with stack.asgi_server(env, data / "web.log") as url:
        yield {"url": url, "env": env, "tokens": tokens, "logs": data}
