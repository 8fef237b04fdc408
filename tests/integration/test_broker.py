"""RabbitMQ as the broker: what the job flow tests cannot see from the API."""
import subprocess

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("distributed", ["rabbitmq"], indirect=True)
def test_rabbitmq_job_queues_are_durable(distributed):
    vhost = distributed["broker_url"].rsplit("/", 1)[1]
    listing = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "durable"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    durable = dict(line.split("\t") for line in listing.splitlines()[1:] if "\t" in line)
    assert durable.get("gpu") == "true" and durable.get("cpu") == "true", listing
