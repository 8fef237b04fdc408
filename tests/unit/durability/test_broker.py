"""Broker choice: Redis by default, RabbitMQ through CELERY_BROKER_URL, with the guarantees each needs."""
from motif import broker

AMQP = "amqp://guest:guest@127.0.0.1:5672//"


def test_redis_is_the_broker_unless_celery_broker_url_is_set():
    assert broker.broker_url({}, "redis://r:6379/0") == "redis://r:6379/0"
    assert broker.broker_url({"CELERY_BROKER_URL": AMQP}, "redis://r:6379/0") == AMQP
    assert broker.broker_url({"CELERY_BROKER_URL": ""}, None) == "memory://"


def test_rabbitmq_gets_publisher_confirms_and_redis_a_visibility_timeout():
    assert broker.transport_options(AMQP, 4200) == {"confirm_publish": True}
    assert broker.transport_options("pyamqp://h//", 4200) == {"confirm_publish": True}
    assert broker.transport_options("redis://r:6379/0", 4200) == {"visibility_timeout": 4200}


def test_job_queues_are_durable_with_their_own_routing():
    queues = {q.name: q for q in broker.task_queues()}
    assert set(queues) == {"gpu", "cpu"}
    for name, queue in queues.items():
        assert queue.durable and queue.exchange.durable and queue.exchange.type == "direct"
        assert queue.routing_key == name == queue.exchange.name


def test_settings_publish_persistent_messages_to_the_declared_queues(settings):
    assert settings.CELERY_TASK_DEFAULT_DELIVERY_MODE == "persistent"
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"gpu", "cpu"}
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
