"""RabbitMQ as the broker: durable queues, and persistent messages that outlive a broker restart."""
import subprocess
import time

import httpx
import pytest

from tests.conftest import PASSWORD, require
from tests.integration import stack

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("distributed", ["rabbitmq"], indirect=True)
def test_rabbitmq_job_queues_are_durable(distributed):
    vhost = distributed["broker_url"].rsplit("/", 1)[1]
    listing = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "durable"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    durable = dict(line.split("\t") for line in listing.splitlines()[1:] if "\t" in line)
    assert durable.get("gpu") == "true" and durable.get("cpu") == "true", listing


def test_queued_jobs_survive_a_rabbitmq_restart(tmp_path):
    """Jobs queued in RabbitMQ while no worker runs are still there after the broker restarts, and run once."""
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    require(stack.private_rabbitmq_possible(), "starting a RabbitMQ node of its own needs root and rabbitmq-server")
    stack.flush_redis()
    with stack.private_rabbitmq() as rabbitmq, stack.postgres_database() as database_url:
        env = stack.base_env(tmp_path, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL,
                             CELERY_BROKER_URL=rabbitmq.url)
        stack.manage(env, "migrate", "--noinput", "-v0")
        token = stack.create_user(env, "alice", PASSWORD)
        with stack.asgi_server(env, tmp_path / "web.log") as url:
            client = httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=30)
            job_ids = [client.post("/api/jobs/", json={"kind": "jobs.demo", "params": {"seconds": 1}}).json()["id"]
                       for _ in range(3)]
            assert rabbitmq.queue_depths().get("cpu") == 3
            rabbitmq.stop()
            rabbitmq.start()
            assert rabbitmq.queue_depths().get("cpu") == 3, "RabbitMQ lost queued messages in a restart"
            with stack.celery_worker(env, tmp_path / "worker.log"):
                jobs = [wait_until_finished(client, job_id) for job_id in job_ids]
    assert [(j["status"], j["attempts"]) for j in jobs] == [("succeeded", 1)] * 3, jobs


def wait_until_finished(client, job_id, timeout=90):
    deadline = time.monotonic() + timeout
    job = client.get(f"/api/jobs/{job_id}/").json()
    while job["status"] not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, f"job stuck in {job['status']}"
        time.sleep(0.3)
        job = client.get(f"/api/jobs/{job_id}/").json()
    return job
