"""The contributions-per-year chart as a person sees it: drawn, named, clickable, and
rendered under the site's Content-Security-Policy without a single violation."""

import re

import pytest
from playwright.sync_api import expect

# What the seed holds: every contribution by year, and the Munro review topic's.
PAGES = [
    pytest.param("/", {2010: 1, 2011: 6, 2012: 3, 2013: 3}, id="home"),
    pytest.param("/topics/munro-review/", {2011: 3, 2012: 2, 2013: 1}, id="topic"),
    pytest.param("/speakers/tim-loughton/", {2010: 1, 2011: 2, 2012: 2}, id="speaker"),
]

# Records every CSP violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
});
"""


def chart(page):
    return page.get_by_role("figure", name=re.compile(r"^Contributions per year"))


@pytest.mark.parametrize(("path", "per_year"), PAGES)
def test_the_chart_is_drawn_named_and_free_of_csp_violations(page, path, per_year):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(path)

    expect(chart(page)).to_be_visible()
    busiest = max(per_year, key=lambda year: (per_year[year], -year))
    expect(chart(page)).to_have_accessible_name(
        re.compile(rf"; most in {busiest}\b.*\({per_year[busiest]}")
    )
    bars = page.locator("svg.timeline-chart rect.timeline-bar")
    expect(bars).to_have_count(len(per_year))
    heights = []
    for box in (bars.nth(i).bounding_box() for i in range(len(per_year))):
        assert box["width"] > 0 and box["height"] > 0, box
        heights.append(box["height"])
    # Drawn to scale: the busiest year's bar is the tallest.
    assert heights[sorted(per_year).index(busiest)] == max(heights)
    assert page.evaluate("window.cspViolations") == []
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_clicking_a_bar_lists_that_years_contributions_on_the_topic(page):
    page.goto("/topics/munro-review/")

    page.locator("svg.timeline-chart a.timeline-year").filter(has_text="2012:").click()

    expect(page).to_have_url(re.compile(r"/contributions/\?topic=munro-review&year=2012$"))
    expect(page.locator("h2.results-count")).to_have_text("2 contributions")


def test_the_table_behind_the_chart_opens_from_the_keyboard(page):
    page.goto("/speakers/tim-loughton/")
    summary = page.get_by_text("Table of contributions per year")
    table = page.locator("details.timeline-table table")
    expect(table).to_be_hidden()

    summary.focus()
    page.keyboard.press("Enter")

    expect(table).to_be_visible()
    expect(table.locator("tbody th")).to_have_text(["2010", "2011", "2012"])
    expect(table.locator("tbody td")).to_have_text(["1", "2", "2"])
    table.get_by_role("link", name="2", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/contributions/\?speaker=tim-loughton&year=2011$"))
    expect(page.locator("h2.results-count")).to_have_text("2 contributions")
