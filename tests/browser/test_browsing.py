"""What a person does in a real browser: browse by facets, follow links, cite a contribution."""

import re

from playwright.sync_api import expect

from .conftest import CITATION, cited_contribution_url


def facet_link(page, facet, value):
    # A facet link's accessible name is its value then its count ("House of Commons 4").
    return page.get_by_role("region", name=facet, exact=True).get_by_role(
        "link", name=re.compile(rf"^{re.escape(value)}\b")
    )


def chip(page, label):
    return page.locator(".active-filters").get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)}\b")
    )


def results_count(page):
    return page.locator("h2.results-count")


def test_filtering_debates_by_clicking_facets_and_removing_a_chip(page):
    page.goto("/debates/")
    expect(results_count(page)).to_have_text("4 debates")

    facet_link(page, "House", "House of Commons").click()
    expect(page).to_have_url(re.compile(r"[?&]house=commons\b"))
    facet_link(page, "Topic", "The Munro review").click()

    expect(results_count(page)).to_have_text("3 debates")
    expect(chip(page, "House: House of Commons")).to_be_visible()
    expect(chip(page, "Topic: The Munro review")).to_be_visible()
    expect(page.locator("li.result h3 a")).to_have_count(3)

    chip(page, "Topic: The Munro review").click()

    expect(results_count(page)).to_have_text("4 debates")
    expect(chip(page, "Topic: The Munro review")).to_have_count(0)
    expect(chip(page, "House: House of Commons")).to_be_visible()

    page.locator("li.result h3").get_by_role("link", name="Munro Report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Munro Report")
    expect(page.locator("dl.facts")).to_contain_text("9 June 2011")


def test_following_a_contribution_link_leads_to_its_citation(page):
    page.goto("/debates/")
    page.get_by_role("link", name="Children, Schools and Families Bill").click()
    contribution = page.locator("article.contribution").filter(has_text=CITATION)

    contribution.get_by_role("link", name="Link to this contribution").click()

    expect(page).to_have_url(re.compile(r"/contributions/[\w-]+/$"))
    expect(page.locator("#citation-text")).to_have_text(CITATION)
    expect(page.get_by_role("heading", name="Tim Loughton", level=2)).to_be_visible()


def test_copy_citation_button_copies_the_citation(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(cited_contribution_url())
    # Found by what it copies, not by its name: the name changes once it has copied.
    button = page.locator("button[data-copy='citation-text']")

    # The button is hidden in the HTML: it only makes sense once the script can copy.
    expect(button).to_have_text("Copy citation")
    expect(button).to_be_visible()
    button.click()

    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == CITATION


def test_filters_and_pages_work_without_javascript(page_without_js):
    page = page_without_js
    page.goto("/debates/")

    facet_link(page, "Topic", "The Munro review").click()
    expect(results_count(page)).to_have_text("3 debates")
    chip(page, "Topic: The Munro review").click()
    expect(results_count(page)).to_have_text("4 debates")

    page.get_by_role("link", name="Children, Schools and Families Bill").click()
    page.locator("article.contribution").filter(has_text=CITATION).get_by_role(
        "link", name="Link to this contribution"
    ).click()
    expect(page.locator("#citation-text")).to_have_text(CITATION)
    copy_button = page.get_by_role("button", name="Copy citation", include_hidden=True)
    expect(copy_button).to_have_count(1)
    expect(copy_button).to_be_hidden()


def test_on_a_phone_the_filters_stack_above_the_results_without_sideways_scrolling(phone_page):
    page = phone_page
    page.goto("/debates/?topic=munro-review")

    filters = page.get_by_role("complementary", name="Filters").bounding_box()
    results = page.locator("section.browse-results").bounding_box()
    assert results["y"] >= filters["y"] + filters["height"], (filters, results)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"page is {scroll_width}px wide on a 390px screen"
