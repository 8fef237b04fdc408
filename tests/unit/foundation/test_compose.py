"""docker-compose.yml and its CPU-only override are valid Compose files (``config`` needs no engine).

Uses the Compose v2 plugin (``docker compose``) when present, else the standalone ``docker-compose``
(Debian's package, installed by ``.ci/run``). Without either the test is skipped locally and fails
under ``CI=true``.
"""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[3]
FILES = ("docker-compose.yml", "docker-compose.cpu.yml")


def compose_command():
    """The Compose client's argv prefix, or None when there is none."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture
def project(tmp_path):
    """The compose files in a scratch folder with the empty ``.env`` they read."""
    for name in FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".env").write_text("")
    return tmp_path


def config(project, *files, extra=()):
    command = compose_command()
    require(command, "no Compose client (`docker compose` or `docker-compose`) is installed")
    args = [*command, *(arg for name in files for arg in ("-f", str(project / name))), *extra, "config"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=project)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_default_stack_reserves_an_nvidia_gpu_for_the_gpu_worker(project):
    services = config(project, "docker-compose.yml")["services"]
    assert {"postgres", "redis", "web", "worker-gpu", "worker-cpu", "beat"} <= set(services)
    devices = services["worker-gpu"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert "-Q" in services["worker-gpu"]["command"] and "gpu" in services["worker-gpu"]["command"]
    assert services["flower"]["profiles"] == ["flower"]


def test_cpu_variant_serves_the_gpu_queue_without_a_reservation(project):
    services = config(project, "docker-compose.yml", "docker-compose.cpu.yml")["services"]
    assert services["worker-gpu"]["profiles"] == ["gpu"]
    models = services["worker-models"]
    assert "deploy" not in models and "profiles" not in models
    command = models["command"]
    assert command[command.index("-Q") + 1] == "gpu"
