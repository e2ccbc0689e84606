"""Screenshots of the main pages for docs/screenshots/: `make screenshots`.

Not a test module (its name does not start with test_), so `make test` never collects it:
screenshots differ byte by byte from run to run and would dirty the tree. Run on request,
through pytest for its live server and browser fixtures.
"""

from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE, cited_contribution_url

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# (file name, path, whole page?): a whole debate is too long to be useful, so that one shows
# only what a visitor first sees.
DESKTOP_PAGES = [
    pytest.param("home", "/", True, id="home"),
    pytest.param("debate-list-filtered", "/debates/?topic=munro-review", True, id="debate-list"),
    pytest.param("debate", "/debates/2011-06-09-munro-report/", False, id="debate"),
    pytest.param("contribution", cited_contribution_url, True, id="contribution"),
    pytest.param("speaker", "/speakers/tim-loughton/", True, id="speaker"),
]


def save(page, name, path, full_page):
    # goto waits for "load", after the deferred script has un-hidden the copy button.
    response = page.goto(path() if callable(path) else path)
    assert response.ok, response.status
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"{name}.png", full_page=full_page, animations="disabled", caret="hide"
    )


@pytest.mark.parametrize(("name", "path", "full_page"), DESKTOP_PAGES)
def test_screenshots_desktop(page, name, path, full_page):
    assert page.viewport_size == DESKTOP
    save(page, name, path, full_page)


def test_screenshots_phone_debate_list(phone_page):
    assert phone_page.viewport_size == PHONE
    # The whole page, to show the filters stacked above the results.
    save(phone_page, "debate-list-phone", "/debates/?topic=munro-review", full_page=True)
