from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from django.views.decorators.cache import cache_page
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from debates.api import PopoloView, router
from debates.sitemaps import SITEMAPS
from debates.views import ApiGuideView

from .views import healthz, robots_txt

# Swagger UI and ReDoc style their markup inline and draw icons from data: URLs, and ReDoc
# runs a worker from a blob: URL: allowed on these two pages only. Swagger UI's own start-up
# script is served as a file (the "split" view), so no page needs inline script.
docs_policy = csp_update(
    {
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
    }
)

api_urlpatterns = [
    # Generating the schema takes most of a second and it changes only with a release
    # (whose version is in the cache key): cache it. The version is fixed here because
    # drf-spectacular would otherwise copy ?version= into a response header unchecked.
    path(
        "schema/",
        cache_page(60 * 60, key_prefix=f"schema-{settings.SPECTACULAR_SETTINGS['VERSION']}")(
            SpectacularAPIView.as_view(api_version=settings.SPECTACULAR_SETTINGS["VERSION"])
        ),
        name="schema",
    ),
    path(
        "docs/",
        docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "docs/redoc/",
        docs_policy(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    path("popolo/", PopoloView.as_view(), name="popolo"),
    *router.urls,
]

urlpatterns = [
    path("", include("debates.urls")),
    path("api/", ApiGuideView.as_view(), name="api-guide"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]


def handler404(request, exception):
    # An address under /api/ that matches no route still answers in the API's own shape.
    if request.path.startswith("/api/v1/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)
