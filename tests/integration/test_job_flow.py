"""A job from the API through a worker to the socket, in both modes, and when a worker dies."""
import json
import os
import signal
import subprocess
import time

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.integration import stack

pytestmark = pytest.mark.integration
TERMINAL = {"succeeded", "failed", "cancelled"}


def api(site, user):
    return httpx.Client(base_url=site["url"], headers={"Authorization": f"Token {site['tokens'][user]}"}, timeout=10)


def events_until_done(socket, job_id, timeout=60):
    """The job.update events of ``job_id`` until a terminal one."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(socket.recv(timeout=deadline - time.monotonic()))
        jobs = message["jobs"] if message["type"] == "snapshot" else [message["job"]]
        for job in jobs:
            if job["id"] == job_id:
                events.append(job)
                if job["status"] in TERMINAL:
                    return events
    raise AssertionError(f"no terminal event for {job_id}; got {events}")


def run_flow(site):
    session = stack.login_session(site["url"], "alice", PASSWORD)
    with stack.job_socket(site["url"], session) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "snapshot"
        response = api(site, "alice").post("/api/jobs/", json={"kind": "jobs.demo", "params": {"seconds": 1}})
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        events = events_until_done(socket, job_id)
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress), f"progress went backwards: {progress}"
    assert events[-1]["status"] == "succeeded"
    assert len(events) >= 4, f"expected live progress, got {progress}"
    final = api(site, "alice").get(f"/api/jobs/{job_id}/").json()
    assert final["status"] == "succeeded"
    assert final["result"] == {"ok": True, "seconds": 1.0}
    return job_id


def test_distributed_flow(distributed):
    run_flow(distributed)


def test_embedded_flow(embedded):
    run_flow(embedded)


def test_users_never_see_each_others_jobs_distributed(distributed):
    assert_users_never_see_each_others_jobs(distributed)


def test_users_never_see_each_others_jobs_embedded(embedded):
    assert_users_never_see_each_others_jobs(embedded)


def assert_users_never_see_each_others_jobs(site):
    bob = stack.login_session(site["url"], "bob", PASSWORD)
    with stack.job_socket(site["url"], bob) as bob_socket:
        json.loads(bob_socket.recv(timeout=10))
        job_id = run_flow(site)
        assert api(site, "bob").get(f"/api/jobs/{job_id}/").status_code == 404
        assert api(site, "bob").post(f"/api/jobs/{job_id}/cancel/").status_code == 404
        with pytest.raises(TimeoutError):
            while True:
                message = json.loads(bob_socket.recv(timeout=1.0))
                assert job_id not in json.dumps(message), "bob received alice's job event"


def test_anonymous_socket_is_refused(embedded):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    with connect(embedded["url"].replace("http", "ws") + "/ws/jobs/", origin=embedded["url"]) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4401


def pool_children(worker_pid):
    out = subprocess.run(["pgrep", "-P", str(worker_pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def test_worker_killed_mid_task_redelivers_and_finishes_once(distributed):
    client = api(distributed, "alice")
    job_id = client.post("/api/jobs/", json={"kind": "jobs.demo", "params": {"seconds": 4}}).json()["id"]
    deadline = time.monotonic() + 30
    while client.get(f"/api/jobs/{job_id}/").json()["progress"] < 20:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.1)
    children = pool_children(distributed["worker"].pid)
    assert children, "the worker has no pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 90
    job = client.get(f"/api/jobs/{job_id}/").json()
    while job["status"] not in TERMINAL:
        assert time.monotonic() < deadline, f"job stuck in {job['status']}"
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job_id}/").json()
    assert job["status"] == "succeeded", job
    assert job["attempts"] == 2
    assert job["result"] == {"ok": True, "seconds": 4.0}
