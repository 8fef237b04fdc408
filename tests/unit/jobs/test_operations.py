"""The operator's page (/ops/) and the Prometheus endpoint (/metrics): who may open them, and that
they show queues, workers, loaded models, model figures and the job and model series."""
import pytest
from django.test import Client

from jobs import loaded_models, ops
from jobs.models import Job
from jobs.services import submit_job
from jobs.usage import record_model_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(make_user):
    client = Client()
    client.force_login(make_user("root", is_staff=True))
    return client


@pytest.fixture
def activity(user):
    """A queued and a running job, and two batched VAE calls."""
    submit_job(user, "jobs.noop")
    running = Job.objects.create(owner=user, kind="studio.generate", queue="gpu", status=Job.Status.RUNNING,
                                 worker="gpu-box:42")
    record_model_call(running, "vae", 0.02, batch_size=8, wait_ms=3.0)
    record_model_call(running, "vae", 0.04, batch_size=16, wait_ms=5.0)
    loaded_models.note_loaded("vae", "cuda:0", "melody_vae.safetensors")
    yield running
    loaded_models.forget_all()


def test_ops_page_shows_queues_workers_models_and_figures(staff_client, activity):
    page = staff_client.get("/ops/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "gpu-box:42" in text and "studio.generate" in text
    assert "vae [cuda:0]" in text
    assert "Latency p50 / p95 (ms)" in text


def test_ops_figures(activity):
    [vae] = ops.model_figures()
    assert vae["calls"] == 2 and vae["batch_max"] == 16 and vae["batch_mean"] == 12
    assert vae["latency_p50_ms"] == pytest.approx((3.0 + 160.0 + 5.0 + 640.0) / 2)
    cpu = next(row for row in ops.queue_depths() if row["queue"] == "cpu")
    assert cpu["outbox"] + cpu["dispatched"] == 1 and cpu["broker"] is None


def test_workers_publish_their_loaded_models(activity, monkeypatch):
    monkeypatch.setattr(loaded_models, "process_name", lambda: "worker-host:7")
    ops.publish_loaded_models()
    monkeypatch.setattr(loaded_models, "process_name", lambda: "web-host:1")
    reported = {p["process"]: p for p in ops.model_load_state()}
    assert [m["model"] for m in reported["worker-host:7"]["models"]] == ["vae"]
    assert reported["web-host:1"]["this_process"]


def test_ops_page_is_for_staff_only(user):
    assert Client().get("/ops/").status_code == 302
    client = Client()
    client.force_login(user)
    assert client.get("/ops/").status_code == 404


def test_metrics_expose_job_model_http_and_process_series(staff_client, activity):
    staff_client.get("/ops/")
    response = staff_client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'motif_jobs{kind="studio.generate",status="running"} 1.0' in text
    assert 'motif_queue_depth{queue="cpu",state="queued"} 1.0' in text
    assert 'motif_model_calls_total{device="cpu",model="vae"} 2.0' in text
    assert 'motif_model_batch_size_bucket{le="8.0",model="vae"} 1.0' in text
    assert 'motif_model_batch_size_bucket{le="+Inf",model="vae"} 2.0' in text
    assert 'motif_http_requests_total{method="GET",status="200",view="ops"}' in text
    assert "process_cpu_seconds_total" in text


def test_metrics_need_staff_or_the_bearer_token(user, settings):
    settings.MOTIF_METRICS_TOKEN = "s3cret-token"
    anonymous = Client()
    assert anonymous.get("/metrics").status_code == 403
    assert anonymous.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert anonymous.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/metrics").status_code == 403
    settings.MOTIF_METRICS_TOKEN = ""
    assert anonymous.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_a_broker_that_does_not_answer_leaves_the_page_working(staff_client, activity, settings, monkeypatch):
    from motif.celery import app

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    settings.MOTIF_MODE = "distributed"
    monkeypatch.setattr(app, "connection_for_read", refuse)
    assert all(row["broker"] is None for row in ops.queue_depths())
    page = staff_client.get("/ops/")
    assert page.status_code == 200 and "unknown" in page.content.decode()


def test_a_queue_the_broker_does_not_know_counts_as_empty():
    from amqp.exceptions import ChannelError

    class Channel:
        def queue_declare(self, queue, passive):
            raise ChannelError("NOT_FOUND - no queue", reply_code="404")

        def close(self):
            pass

    class Connection:
        def channel(self):
            return Channel()

    assert ops._message_count(Connection(), "gpu") == 0


def test_the_studio_model_cache_notes_its_loads(tmp_path, monkeypatch):
    from studio import services
    from studio.ml import FILENAMES, checkpoints

    (tmp_path / FILENAMES["vae"]).write_bytes(b"")
    monkeypatch.setattr(checkpoints, "load_checkpoint", lambda path: (object(), {}))
    loaded_models.forget_all()
    services.get_model("vae", tmp_path)
    [vae] = loaded_models.loaded()
    assert vae["model"] == "vae" and vae["device"] == "cpu" and vae["source"] == str(tmp_path / FILENAMES["vae"])
    services._models.pop(("vae", str(tmp_path / FILENAMES["vae"])))
    loaded_models.forget_all()
