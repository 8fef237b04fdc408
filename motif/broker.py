"""The Celery broker of distributed mode: Redis (the default) or RabbitMQ.

``CELERY_BROKER_URL`` (``amqp://...``) selects RabbitMQ; otherwise the broker is ``REDIS_URL``.
The channel layer and the cache use Redis either way. Plain functions of their inputs, so the
settings module stays declarative and the choices are testable without reloading settings.
"""
from kombu import Exchange, Queue

JOB_QUEUES = ("gpu", "cpu")
AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")


def broker_url(environ: dict, redis_url: str | None) -> str:
    """The broker URL: ``CELERY_BROKER_URL`` if set, else Redis, else an in-memory stand-in."""
    return environ.get("CELERY_BROKER_URL") or redis_url or "memory://"


def is_rabbitmq(url: str) -> bool:
    return url.startswith(AMQP_SCHEMES)


def transport_options(url: str, visibility_timeout: int) -> dict:
    """Per-broker delivery guarantees.

    RabbitMQ: publisher confirms, so ``apply_async`` returns only once the broker holds the
    message (without them a broker under memory or disk pressure drops messages silently).
    Redis: the visibility timeout after which an unacknowledged message is redelivered; it must
    exceed the hard time limit of a job or long jobs run twice.
    """
    if is_rabbitmq(url):
        return {"confirm_publish": True}
    return {"visibility_timeout": visibility_timeout}


def task_queues() -> tuple[Queue, ...]:
    """The job queues, declared durable on a durable direct exchange each (RabbitMQ keeps them
    and their persistent messages across a restart; on Redis the declaration is a no-op)."""
    return tuple(
        Queue(name, Exchange(name, type="direct", durable=True), routing_key=name, durable=True)
        for name in JOB_QUEUES
    )
