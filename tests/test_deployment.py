"""What a public deployment promises: security headers everywhere, read-only everywhere but
a rate-limited staff admin, a health check, request logs, and error pages that leak nothing."""

import importlib
import json
import logging
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import Client
from django.urls import URLResolver, clear_url_caches, get_resolver

import safeguarding_archive.urls
from debates.models import Contribution, Debate, Topic
from safeguarding_archive.startup import warm_up

STRICT_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    directives = (d.strip() for d in response["Content-Security-Policy"].split(";"))
    return dict(d.split(" ", 1) for d in directives if d)


def every_page_type() -> list[str]:
    contribution = Contribution.objects.select_related("debate", "speaker").first()
    return [
        "/",
        "/debates/",
        contribution.debate.get_absolute_url(),
        contribution.debate.get_akn_url(),
        "/contributions/",
        contribution.get_absolute_url(),
        "/speakers/",
        contribution.speaker.get_absolute_url(),
        "/topics/",
        Topic.objects.first().get_absolute_url(),
        contribution.party.get_absolute_url(),
        "/search/?q=munro",
        "/api/",
        "/api/v1/contributions/",
        f"/api/v1/contributions/{contribution.key}/",
        "/api/v1/schema/",
        "/api/v1/popolo/",
        "/healthz",
        "/admin/login/",
        "/no-such-page/",  # 404
        "/debates/?year=nineteen",  # 400
    ]


def test_every_page_type_sends_the_security_headers(seeded, client):
    for path in every_page_type():
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path
        assert policy(response).items() >= STRICT_POLICY.items(), path
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path


def test_hsts_is_sent_over_https_when_configured(seeded, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_api_docs_relax_styles_only_and_run_no_inline_script(db, client):
    for path in ("/api/v1/docs/", "/api/v1/docs/redoc/"):
        response = client.get(path)
        assert response.status_code == 200
        directives = policy(response)
        assert directives.items() >= STRICT_POLICY.items()
        assert "script-src" not in directives  # scripts: 'self' only, from default-src
    swagger = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in swagger  # its start-up script is a file of its own


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/debates/", "/api/v1/contributions/", "/api/v1/speakers/"])
def test_nothing_outside_the_admin_accepts_a_write(db, method, path):
    client = Client(enforce_csrf_checks=True)
    assert getattr(client, method)(path).status_code in (403, 405)
    assert Debate.objects.count() == 0


def test_the_admin_is_for_staff_only(db, client):
    client.force_login(User.objects.create_user("reader"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.fixture
def reload_urls():
    """Rebuild the URL configuration from the current settings, and restore it after."""

    def reload():
        importlib.reload(safeguarding_archive.urls)
        clear_url_caches()

    yield reload
    reload()


def test_the_admin_can_live_at_another_path(db, client, settings, reload_urls):
    settings.ADMIN_PATH = "staff-only-7f3/"
    reload_urls()
    assert client.get("/staff-only-7f3/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404
    settings.ADMIN_PATH = "admin/"  # before the fixture rebuilds the defaults


def test_repeated_failed_admin_logins_lock_the_login_out(db, client, settings):
    User.objects.create_superuser("editor", password="the right password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "editor", "password": "a wrong guess"})

    response = client.post(
        "/admin/login/", {"username": "editor", "password": "the right password"}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_healthz_says_whether_the_database_answers(db, client, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("safeguarding_archive.views.connection.cursor", unreachable)
    response = client.get("/healthz")
    monkeypatch.undo()  # before the test database is torn down through the same connection
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_each_request_is_logged_as_one_json_line(seeded, client, caplog):
    with caplog.at_level(logging.INFO, logger="safeguarding_archive.requests"):
        client.get("/speakers/", {"q": "a private search"})
    [record] = [r for r in caplog.records if r.name == "safeguarding_archive.requests"]
    line = json.loads(record.getMessage())
    assert line["method"] == "GET"
    assert line["path"] == "/speakers/"
    assert line["status"] == 200
    assert line["view"] == "debates:speaker-list"
    assert line["ms"] >= 0
    assert "private" not in record.getMessage()


def test_a_server_error_page_leaks_nothing(seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/archive/settings.py")

    monkeypatch.setattr("debates.views.SpeakerListView.get_queryset", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/speakers/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    for leak in ("secret internals", "Traceback", "Django", "settings.py"):
        assert leak not in body


def test_not_found_and_bad_request_pages_are_our_own(seeded, client):
    missing = client.get("/speakers/nobody-of-that-name/")
    assert missing.status_code == 404
    assert "Safeguarding Debates Archive" in missing.content.decode()
    bad = client.get("/contributions/", {"year": "nineteen"})
    assert bad.status_code == 400
    assert "nineteen" in bad.content.decode()


def test_start_up_loads_every_view_and_template_without_the_database():
    """What gunicorn's preload_app runs once before the workers fork (no database access
    is allowed here: a connection opened now would be shared by every worker)."""
    clear_url_caches()
    warm_up()

    resolver = get_resolver()
    assert resolver._populated
    assert all(
        pattern._populated for pattern in resolver.url_patterns if isinstance(pattern, URLResolver)
    )
    gunicorn = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))
    assert gunicorn["preload_app"] is True
