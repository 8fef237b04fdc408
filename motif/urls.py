"""Top-level URLs. Each app owns its pages (``urls``) and its API (``api_urls``)."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.urls import auth_urlpatterns
from jobs import ops_views

handler400 = "motif.views.bad_request"
handler404 = "motif.views.not_found"
handler500 = "motif.views.server_error"


urlpatterns = [
    path("", account_views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url="/static/img/motif.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("jobs/", include("jobs.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("jobs.api_urls")),
    path("studio/", include("studio.urls")),
    path("api/studio/", include("studio.api_urls")),
    path("feed/", include("recommender.urls")),
    path("api/", include("recommender.api_urls")),
    path("analyze/", include("perception.urls")),
    path("api/perception/", include("perception.api_urls")),
    path("ops/", ops_views.ops_page, name="ops"),
    path("metrics", ops_views.metrics_view, name="metrics"),
]
