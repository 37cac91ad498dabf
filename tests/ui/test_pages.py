"""The web pages in real headless Chromium (Debian's), driven by Playwright; screenshots kept
in test-artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright

from tests.conftest import REPO, VERSION

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that records requests leaving the host and console errors, checked afterwards
    (a test marked ``refused_by_server(status)`` expects the browser to log that status)."""
    context = browser.new_context(base_url=server, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    offsite: list[str] = []
    errors: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith((server, "data:")):
            offsite.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    tab.on("request", on_request)
    tab.on("console", on_console)
    yield tab
    context.close()
    refused = request.node.get_closest_marker("refused_by_server")
    if refused:
        expected = f"the server responded with a status of {refused.args[0]}"
        assert any(expected in e for e in errors), errors
        errors = [e for e in errors if expected not in e]
    assert offsite == [], f"requests left the host: {offsite}"
    assert errors == [], f"console errors: {errors}"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_home_page_shows_live_counts_and_tribunals(page: Page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("international criminal justice")
    rows = page.locator("#tribunals tbody tr")
    expect(rows).to_have_count(7)
    expect(page.locator("#tribunals")).to_contain_text("International Criminal Tribunal for Rwanda")
    # the Mechanism's cases only (3, 3 accused): not the ICTY and ICTR judgments it delivered
    irmct = rows.filter(has_text="(IRMCT)").locator("td")
    expect(irmct.nth(2)).to_have_text("3")
    expect(irmct.nth(3)).to_have_text("3")
    # the counts read as words, each linking to its class in the ontology
    warrants = page.locator("#counts li").filter(has_text="Arrest warrants")
    expect(warrants.locator("a")).to_have_attribute("href", "/ontology#ArrestWarrant")
    expect(page.locator("#counts")).not_to_contain_text("ArrestWarrant")
    shot(page, "home")


@pytest.mark.parametrize("typed", ["Mladic", "mladić"])
def test_search_suggests_with_and_without_accents_and_opens_the_result(
    page: Page, typed: str
) -> None:
    page.goto("/")
    box = page.locator("#home-search")
    box.press_sequentially(typed, delay=30)
    option = page.get_by_role("option", name="Ratko Mladić · Person")
    expect(option).to_be_visible()
    box.press("ArrowDown")
    selected = page.locator("#home-search-suggestions [aria-selected=true]")
    while selected.inner_text() != option.inner_text():
        box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator("h1")).to_have_text("Ratko Mladić")
    expect(page).to_have_url(f"{page.url.split('/doc/')[0]}/doc/person/ratko-mladic.html")
    shot(page, f"search-{'plain' if typed == 'Mladic' else 'accented'}")


def test_search_page_lists_results(page: Page) -> None:
    page.goto("/search?q=kambanda")
    expect(page.locator("#results li").first).to_contain_text("Jean Kambanda")
    page.goto("/search?q=a")  # more matches than the page shows: it says so
    expect(page.locator("main")).to_contain_text("The first 100 results")


def test_example_query_runs_and_charts_aggregates(page: Page) -> None:
    page.goto("/query")
    page.locator("button[data-example=genocide-charges]").click()
    table = page.locator(".yasr table.dataTable tbody tr")
    expect(table.first).to_be_visible(timeout=15_000)
    assert table.count() > 10
    expect(page.locator(".yasr")).to_contain_text("ECCC Law, article 4")
    page.locator("button[data-example=cases-per-tribunal]").click()
    expect(page.locator(".yasr")).to_contain_text("ICTR", timeout=15_000)
    page.locator("#draw-chart").click()
    expect(page.locator("#result-chart")).to_have_attribute("data-drawn", "7")
    shot(page, "query")
    page.locator("button[data-example=death-sentences]").click()
    expect(page.locator(".yasr")).to_contain_text("Hideki", timeout=15_000)
    page.locator("#draw-chart").click()  # no numeric column: a message instead of a chart
    expect(page.locator("#share-status")).to_contain_text("numeric column")


def test_query_editor_opens_on_an_example_with_our_prefixes(page: Page) -> None:
    page.goto("/query")
    code = page.locator("#yasgui .CodeMirror-code")
    expect(code).to_contain_text("# title: Cases and accused per tribunal")
    expect(code).to_contain_text("PREFIX icj:  <https://w3id.org/icj-graph/ontology#>")
    expect(code).not_to_contain_text("?sub ?pred ?obj")  # the editor's own generic default
    page.locator("#yasgui .yasqe_queryButton").click()
    expect(page.locator(".yasr")).to_contain_text("ICTY", timeout=15_000)


@pytest.mark.refused_by_server(403)
def test_query_editor_shows_the_servers_error_message(page: Page) -> None:
    refused = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    page.goto(f"/query?query={quote(refused)}")
    expect(page.locator(".yasr")).to_contain_text("SERVICE", timeout=15_000)
    expect(page.locator(".yasr")).to_contain_text("403")


def test_query_editor_controls_have_accessible_names(page: Page) -> None:
    page.goto("/query?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
    expect(page.locator(".yasr table.dataTable")).to_be_visible(timeout=15_000)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('#yasgui input, #yasgui select, #yasgui textarea')]
            .filter(c => c.type !== 'hidden' && !c.getAttribute('aria-label')
                         && !(c.labels && c.labels.length) && !c.title)
            .map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_results_link_to_this_servers_entity_pages(page: Page, server: str) -> None:
    query = (
        'SELECT ?case WHERE { ?case <https://w3id.org/icj-graph/ontology#caseNumber> "IT-09-92" }'
    )
    page.goto(f"/query?query={quote(query)}")
    link = page.locator(f'.yasr a[href="{server}/id/case/it-09-92"]')
    expect(link).to_be_visible(timeout=15_000)
    link.click()
    expect(page.locator("h1")).to_have_text("Prosecutor v. Ratko Mladić")


def test_case_page_has_timeline_charges_and_sources(page: Page) -> None:
    page.goto("/id/case/it-09-92")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(5)
    expect(timeline.first).to_contain_text("1996-07-11")
    expect(page.locator("#charges tbody tr")).to_have_count(11)
    expect(page.locator("#charges")).to_contain_text("ICTY Statute, article 4(3)(a)")
    # not in the timeline nor the tables, so listed under "Linked from"; a charge is not
    incoming = page.locator("table.incoming")
    expect(incoming).to_contain_text("Mladić: life imprisonment")
    expect(incoming).not_to_contain_text("count 1")
    expect(page.locator(".sources a[href='https://www.icty.org/en/case/mladic']")).to_be_visible()
    # an encoded source reads as text; its link keeps the encoding
    wiki = page.locator(
        ".sources a[href='https://en.wikipedia.org/wiki/Trial_of_Ratko_Mladi%C4%87']"
    )
    expect(wiki).to_have_text("https://en.wikipedia.org/wiki/Trial_of_Ratko_Mladić")
    schema = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert schema["name"] == "Prosecutor v. Ratko Mladić"
    assert schema["@context"] == "https://schema.org"
    shot(page, "case")


def test_person_page_lists_cases_across_tribunals(page: Page) -> None:
    page.goto("/id/person/jean-kambanda")
    expect(page.locator("#prosecutions")).to_contain_text("ICTR-97-23")
    expect(page.locator("#charges tbody tr")).to_have_count(6)
    shot(page, "person")


def test_a_case_whose_number_no_source_gives_is_named_by_its_title(page: Page) -> None:
    page.goto("/id/person/zoran-marinic")
    row = page.locator("#prosecutions tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Prosecutor v. Zoran Marinić")
    expect(row).to_contain_text("Withdrawn")


def test_person_page_shows_measures_against_them(page: Page) -> None:
    page.goto("/id/person/karim-khan")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Criminal proceedings against Court officials")
    expect(timeline).to_contain_text("under Executive Order 14203")


def test_person_page_shows_a_summons_from_issue_to_appearance(page: Page) -> None:
    page.goto("/id/person/bahar-idriss-abu-garda")
    events = page.locator("#timeline li")
    expect(events.nth(0)).to_contain_text("2009-05-07")  # issued under seal
    expect(events.nth(0)).to_contain_text("Summons to appear")
    expect(events.nth(1)).to_contain_text("2009-05-17")
    expect(events.nth(1)).to_contain_text("Unsealing")
    expect(events.nth(2)).to_contain_text("2009-05-18")
    expect(events.nth(2)).to_contain_text("appears before the ICC on a summons")


def test_state_page_shows_its_rome_statute_history(page: Page) -> None:
    page.goto("/id/state/bdi")
    expect(page.locator("#timeline")).to_contain_text("Withdrawal")
    shot(page, "state")


def test_dataset_description_is_a_page_with_the_downloads(page: Page) -> None:
    page.goto("/")
    page.locator("footer a", has_text="dataset description").click()
    expect(page.locator("h1")).to_have_text("The icj-graph dataset")
    downloads = page.locator("#dumps tbody tr")
    expect(downloads).to_have_count(4)
    nquads = page.locator("#dumps a[href$='.nq.gz']").get_attribute("href")
    assert nquads and page.request.get(nquads).ok
    expect(page.locator("#graphs")).to_contain_text("https://w3id.org/icj-graph/graph/data/icty")


def test_statistics_page_draws_every_chart(page: Page) -> None:
    page.goto("/stats")
    canvases = page.locator(".chart-block canvas")
    expect(canvases).to_have_count(4)
    for i in range(4):
        expect(canvases.nth(i)).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))
    shot(page, "stats")


def test_pages_fit_a_phone_and_are_keyboard_navigable(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    for path in ("/", "/id/case/it-09-92", "/stats"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    phone.goto("/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    shot(phone, "home-phone")
    context.close()


def test_query_page_gives_a_citation(page: Page) -> None:
    page.goto("/query")
    page.locator("button[data-example=cases-per-tribunal]").click()
    page.locator("#cite").click()
    citation = page.locator("#citation")
    expect(citation).to_contain_text(f"icj-graph dataset, version {VERSION} (build ")
    expect(citation).to_contain_text("https://w3id.org/icj-graph/. SPARQL query (SHA-256 ")
    expect(citation).to_contain_text("# title: Cases and accused per tribunal")


def test_api_page_draws_the_openapi_description_from_this_host(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator("#swagger-ui .opblock-summary-path").first).to_be_visible()
    expect(page.locator("#swagger-ui")).to_contain_text("/sparql")


def test_downloads_of_a_graph_query_are_turtle_and_json_ld(page: Page) -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    page.goto("/query?query=" + quote(construct))
    download = page.locator("#download-csv")
    download.hover()
    expect(download).to_have_text("Download Turtle")
    href = download.get_attribute("href") or ""
    assert "format=ttl" in href
    answer = page.request.get(href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/turtle")
    page.locator("#download-json").hover()
    expect(page.locator("#download-json")).to_have_attribute("download", "results.jsonld")
    page.goto("/query?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
    page.locator("#download-csv").hover()
    expect(page.locator("#download-csv")).to_have_text("Download CSV")
