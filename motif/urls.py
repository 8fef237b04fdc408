"""Top-level URLs. Each app owns its pages (``urls``) and its API (``api_urls``)."""
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from accounts.urls import auth_urlpatterns

handler404 = "motif.views.not_found"
handler500 = "motif.views.server_error"


def optional(prefix, module):
    """Include an app's URL module at ``prefix`` once that app provides it."""
    return [path(prefix, include(module))] if find_spec(module) else []


urlpatterns = [
    path("", account_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("jobs/", include("jobs.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("jobs.api_urls")),
    *optional("studio/", "studio.urls"),
    *optional("api/studio/", "studio.api_urls"),
    *optional("feed/", "recommender.urls"),
    *optional("api/", "recommender.api_urls"),
    *optional("analyze/", "perception.urls"),
    *optional("api/perception/", "perception.api_urls"),
]
