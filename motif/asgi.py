"""ASGI entry point: HTTP and the job WebSocket from one process.

HTTP requests go to Django's WSGI handler on a fixed pool of ``MOTIF_HTTP_THREADS`` threads (a2wsgi);
WebSockets stay on the event loop (Channels). Django's own ASGI handler would run every sync view in a
thread created for that request and open a new database connection per request, and the sync-only
WhiteNoise middleware would move each request between threads twice more: about twice the cost of a
feed page. Long-lived threads also keep their database connections (``CONN_MAX_AGE``).

In embedded mode, importing this module is the server's start: interrupted jobs run again, queued
ones are dispatched and periodic work begins (``jobs.startup``), whichever way uvicorn is started.
"""
import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")
django_wsgi_app = get_wsgi_application()

from django.conf import settings  # noqa: E402

from jobs.startup import start_embedded  # noqa: E402
from motif.routing import build_application  # noqa: E402  (needs Django set up first)
from motif.warmup import warm_up_in_background  # noqa: E402

application = build_application(WSGIMiddleware(django_wsgi_app, workers=settings.MOTIF_HTTP_THREADS))
if settings.MOTIF_MODE == "embedded":
    warm_up_in_background()
    start_embedded()
