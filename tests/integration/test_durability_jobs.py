"""Faults survived with no job lost, none duplicated, none stuck, each within a bounded time."""
import time

import pytest

from tests.conftest import PASSWORD, require
from tests.integration import faults, stack

pytestmark = pytest.mark.integration


def test_embedded_server_killed_mid_job_and_with_jobs_queued_finishes_everything_on_restart(tmp_path):
    env = stack.base_env(tmp_path, **faults.FAST_RECOVERY)
    stack.manage(env, "migrate", "--noinput", "-v0")
    token = stack.create_user(env, "alice", PASSWORD)
    with stack.asgi_process(env, tmp_path / "web-1.log") as (url, server):
        client = faults.api(url, token)
        job_ids = [faults.submit(client, 3).json()["id"] for _ in range(5)]
        faults.wait_until(lambda: faults.job(client, job_ids[0])["progress"] >= 20, 30, "the first job to start")
        before = {j: faults.job(client, j)["status"] for j in job_ids}
        faults.kill_group(server)
    interrupted = [j for j, status in before.items() if status == "running"]
    assert interrupted and "queued" in before.values(), before

    with stack.asgi_process(env, tmp_path / "web-2.log") as (url, _):
        finished = faults.wait_all_finished(faults.api(url, token), job_ids, timeout=45)
    assert [j["status"] for j in finished] == ["succeeded"] * 5, finished
    attempts = {j["id"]: j["attempts"] for j in finished}
    assert attempts == {j: 2 if j in interrupted else 1 for j in job_ids}


@pytest.fixture(scope="module")
def durable_distributed(tmp_path_factory):
    """PostgreSQL + Redis + uvicorn, fast recovery knobs; each test starts its own worker."""
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    logs = tmp_path_factory.mktemp("durable")
    stack.flush_redis()
    with stack.postgres_database() as database_url:
        env = stack.base_env(logs, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL, **faults.FAST_RECOVERY)
        stack.manage(env, "migrate", "--noinput", "-v0")
        token = stack.create_user(env, "alice", PASSWORD)
        with stack.asgi_process(env, logs / "web.log") as (url, _):
            yield {"url": url, "env": env, "token": token, "logs": logs, "database_url": database_url}


def test_whole_worker_killed_mid_job_runs_it_again_once_after_restart(durable_distributed):
    site = durable_distributed
    client = faults.api(site["url"], site["token"])
    with faults.worker_with_beat(site["env"], site["logs"] / "worker-1.log") as worker:
        job_id = faults.submit(client, 4).json()["id"]
        faults.wait_until(lambda: faults.job(client, job_id)["progress"] >= 20, 30, "the job to start")
        faults.kill_group(worker)
    with faults.worker_with_beat(site["env"], site["logs"] / "worker-2.log"):
        [final] = faults.wait_all_finished(client, [job_id], timeout=45)
    assert (final["status"], final["attempts"]) == ("succeeded", 2), final
    assert final["result"] == {"ok": True, "seconds": 4.0}


def test_database_connections_cut_mid_job_the_job_still_ends(durable_distributed):
    site = durable_distributed
    client = faults.api(site["url"], site["token"])
    with faults.worker_with_beat(site["env"], site["logs"] / "worker-db.log"):
        job_id = faults.submit(client, 4).json()["id"]
        faults.wait_until(lambda: faults.job(client, job_id)["progress"] >= 20, 30, "the job to start")
        assert faults.terminate_backends(site["database_url"]) >= 1
        [final] = faults.wait_all_finished(client, [job_id], timeout=30)
    assert final["status"] == "succeeded", final
    assert final["attempts"] == 1, "a dropped connection is retried, not a reason to run the job again"


def test_redis_down_for_ten_seconds_loses_no_job_and_serves_pages(tmp_path):
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    with faults.private_redis(tmp_path / "redis.log") as redis, stack.postgres_database() as database_url:
        env = stack.base_env(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis.url, MOTIF_DISPATCH_AHEAD=10,
                             **faults.FAST_RECOVERY)
        stack.manage(env, "migrate", "--noinput", "-v0")
        token = stack.create_user(env, "alice", PASSWORD)
        with faults.worker_with_beat(env, tmp_path / "worker.log", concurrency=5), \
                stack.asgi_process(env, tmp_path / "web.log") as (url, _):
            client = faults.api(url, token)
            pages = stack.login_session(url, "alice", PASSWORD)
            running = [faults.submit(client, 6).json()["id"] for _ in range(5)]
            faults.wait_until(lambda: all(faults.job(client, j)["status"] == "running" for j in running), 30,
                              "five jobs to run")
            redis.stop()
            stopped = time.monotonic()
            statuses, slowest, later = [], 0.0, []
            for _ in range(45):
                started = time.monotonic()
                response = faults.submit(client, 0.5)
                slowest = max(slowest, time.monotonic() - started)
                statuses.append(response.status_code)
                later.append(response.json()["id"])
                for path in ("/", "/jobs/", "/api/jobs/", "/api/feed/"):  # the feed reads the Redis cache
                    statuses.append(pages.get(path).status_code)
            assert time.monotonic() - stopped < 10, "the submissions took longer than the outage"
            time.sleep(10 - (time.monotonic() - stopped))
            redis.start()
            finished = faults.wait_all_finished(client, running + later, timeout=60)
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses[::5]) == {202}
    assert slowest < 2.0, f"a submission waited {slowest:.1f} s on the broker"
    assert [j["status"] for j in finished] == ["succeeded"] * 50
    assert {j["attempts"] for j in finished} == {1}, "a job ran twice"
