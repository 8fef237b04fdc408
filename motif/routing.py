"""Protocol routing: HTTP to Django, WebSocket to the Channels consumers."""
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from jobs.broadcast import remember_server_loop
from jobs.consumers import JobConsumer

websocket_urlpatterns = [path("ws/jobs/", JobConsumer.as_asgi())]


def build_application(http_app):
    """Return the ASGI application serving ``http_app`` and the WebSocket routes."""
    router = ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
    return remember_server_loop(router)
