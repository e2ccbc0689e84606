"""axe-core scans of the main pages: no serious or critical accessibility violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import cited_contribution_url

BLOCKING_IMPACTS = {"serious", "critical"}


PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/debates/?house=commons&topic=munro-review", id="filtered-debate-list"),
    pytest.param("/debates/2010-02-23-children-schools-and-families-bill/", id="debate"),
    # A callable: the contribution's key comes from the database, which is empty at collection.
    pytest.param(cited_contribution_url, id="contribution-permalink"),
    pytest.param("/speakers/tim-loughton/", id="speaker"),
    pytest.param("/topics/munro-review/", id="topic"),
]


def describe(violations):
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}" for node in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(page, path):
    response = page.goto(path() if callable(path) else path)
    assert response.ok, response.status

    violations = Axe().run(page).response["violations"]

    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found on {page.url}:\n{describe(blocking)}"
