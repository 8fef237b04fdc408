"""ASGI entry point: HTTP and the job WebSocket from one process."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")
django_asgi_app = get_asgi_application()

from motif.routing import build_application  # noqa: E402  (needs Django set up first)

application = build_application(django_asgi_app)
