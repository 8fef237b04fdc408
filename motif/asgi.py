"""ASGI entry point: HTTP and the job WebSocket from one process."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")
django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402

from motif.routing import build_application  # noqa: E402  (needs Django set up first)
from motif.warmup import warm_up_in_background  # noqa: E402

application = build_application(django_asgi_app)
if settings.MOTIF_MODE == "embedded":
    warm_up_in_background()
