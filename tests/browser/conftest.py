"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Playwright's own browser download does not work here, so these tests use /usr/bin/chromium
(CI installs it, see .ci/run) and fail, rather than skip, when it is missing.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from debates.models import Contribution

# Playwright's sync API runs an asyncio event loop in this thread for as long as the browser is
# open (the whole session), so Django sees a running loop and refuses ORM calls with
# SynchronousOnlyOperation, in these tests and in every test that runs after them. The ORM is
# only ever called synchronously here, so the check is safe to turn off.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# Tim Loughton in the Children, Schools and Families Bill debate, as the record source cites him.
CITATION = "HC Deb 23 February 2010, vol 506, cc185-6"


def cited_contribution_url():
    """The permalink of the CITATION contribution (its key comes from the loaded seed)."""
    return Contribution.objects.get(column_reference="506 c185-6").get_absolute_url()


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session: starting it is the slow part."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM}: "
            "install it with `sudo apt-get install -y chromium` (CI does this in .ci/run).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server):
    """The live server's base URL, with the seed data loaded.

    live_server runs on transactional_db, which empties the tables after each test, so the
    seed is loaded again for every test (it is small).
    """
    call_command("loaddata", "seed", verbosity=0)
    return live_server.url


def _new_page(browser, site, **context_options):
    # base_url lets tests say page.goto("/debates/"); a British visitor's language and clock.
    context = browser.new_context(
        base_url=site, locale="en-GB", timezone_id="Europe/London", **context_options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, site):
    """A desktop-width page in a fresh context (no cookies or state shared between tests)."""
    context, page = _new_page(browser, site, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, site):
    context, page = _new_page(browser, site, viewport=DESKTOP, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, site):
    context, page = _new_page(browser, site, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()
