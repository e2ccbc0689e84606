from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from debates.api import router
from debates.views import ApiGuideView

api_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]

urlpatterns = [
    path("", include("debates.urls")),
    path("api/", ApiGuideView.as_view(), name="api-guide"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("admin/", admin.site.urls),
]


def handler404(request, exception):
    # An address under /api/ that matches no route still answers in the API's own shape.
    if request.path.startswith("/api/v1/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)
