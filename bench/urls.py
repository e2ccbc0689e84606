from django.http import HttpResponse
from django.urls import path

from safeguarding_archive.urls import urlpatterns as archive_urlpatterns


def hello(request):
    """No database, no template: what Django and gunicorn cost on this machine."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *archive_urlpatterns]
