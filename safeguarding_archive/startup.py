"""Work each server process would otherwise do on its first request, done at start-up."""

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import URLResolver, get_resolver


def warm_up() -> None:
    """Import every view and index every route for reversing (through the URL patterns),
    and compile the project's templates.

    A worker's first request used to pay for both: hundreds of milliseconds, seconds on a
    busy machine. Under gunicorn's preload_app (deploy/gunicorn.conf.py) this runs once,
    before the workers fork, and each of them starts with it done. No database
    connection is opened, so none is shared across the fork.
    """
    _index_routes(get_resolver())
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for template in sorted(Path(directory).rglob("*.html")):
            get_template(str(template.relative_to(directory)))


def _index_routes(resolver: URLResolver) -> None:
    resolver.reverse_dict  # noqa: B018 (evaluated, it imports the views and indexes names)
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            _index_routes(pattern)
