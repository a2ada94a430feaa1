"""The built documentation site, as a reader's browser sees it (issue 12, deliverable 4).

``make docs`` builds the site into ``docs/_build/html`` and then runs this file with
``SURVEYSTATS_TEST_SITE=1``; ``make test`` skips it (the site is not built there, and a site
left from an earlier build would be tested stale). The checks:

- every internal link and every image, stylesheet and script a page names exists, and every
  ``#fragment`` of an internal link is an anchor of its target page (parsed, no browser);
- headless Chromium (Debian's ``chromium``, driven over the DevTools protocol by
  ``tests/chromium_cdp.py``, offline) loads every page: no uncaught exception, no console
  error or warning, no failed request, every image decoded;
- the search index is not empty, and the search page finds the course's topics;
- each lesson's solutions are folded when the page opens.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from chromium_cdp import Browser, find_chromium, problems

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "_build" / "html"

if os.environ.get("SURVEYSTATS_TEST_SITE") != "1":
    pytest.skip("the built site is tested by `make docs` (SURVEYSTATS_TEST_SITE=1)",
                allow_module_level=True)
if not (SITE / "index.html").is_file():
    pytest.fail(f"no built site in {SITE}: run `make docs`", pytrace=False)


def _pages() -> list[Path]:
    """Every page of the site (not the theme's template fragments in _static)."""
    return sorted(p for p in SITE.rglob("*.html")
                  if p.relative_to(SITE).parts[0] not in ("_static", "_sources", "_images"))


PAGES = _pages()


class _Page(HTMLParser):
    """The anchors a page defines and the URLs it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in a:
                self.anchors.add(a[key])
        url = a.get("href") if tag in ("a", "link") else a.get("src") \
            if tag in ("img", "script", "source", "iframe") else None
        if url:
            self.refs.append((tag, url))


@functools.cache
def _parsed(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_the_site_has_its_pages() -> None:
    names = {p.relative_to(SITE).as_posix() for p in PAGES}
    for expected in ("index.html", "search.html", "intervals.html", "course/index.html",
                     "api/index.html", "examples/vtsiom_2025.html"):
        assert expected in names
    assert sum(n.startswith("course/lesson_") for n in names) == 8
    assert sum(n.startswith("api/generated/") for n in names) > 100


def _internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("mailto:", "//"))


def test_every_internal_link_and_resource_exists() -> None:
    broken = []
    checked = 0
    for page in PAGES:
        for tag, url in _parsed(page).refs:
            if not _internal(url):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)}: <{tag}> {url} (no such file)")
            elif parts.fragment and tag == "a" and target.suffix == ".html":
                if unquote(parts.fragment) not in _parsed(target).anchors:
                    broken.append(f"{page.relative_to(SITE)}: {url} (no such anchor)")
    assert checked > 1000
    assert not broken, "\n".join(broken[:40])


def test_the_search_index_is_not_empty() -> None:
    text = (SITE / "searchindex.js").read_text(encoding="utf-8")
    found = re.fullmatch(r"Search\.setIndex\((.*)\)\s*", text, re.S)
    assert found is not None
    index = json.loads(found[1])
    assert len(index["docnames"]) == len(PAGES) - 3  # all but genindex, search, py-modindex
    assert len(index["terms"]) > 1000
    for word in ("coverag", "jackknif", "falsif", "wilson", "kish"):  # stemmed
        assert word in index["terms"], word


# -- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("headless Chromium not found (Debian: apt-get install chromium; or set "
                    "SURVEYSTATS_CHROMIUM to a Chrome/Chromium binary)", pytrace=False)
    b = Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


# an image counts as shown when the browser decoded it; one below the fold is decoded too
# (the pages use no lazy loading), so every image is checked
BROKEN_IMAGES = ("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                 ".map(i => i.getAttribute('src'))")


@pytest.fixture(scope="module")
def loaded(browser: Browser) -> dict[str, dict[str, Any]]:
    """Every page loaded once: what the console said and which images did not show."""
    out = {}
    for page in PAGES:
        events = browser.load(page.as_uri(), settle=0.1)
        out[page.relative_to(SITE).as_posix()] = {
            "problems": problems(events), "broken_images": browser.evaluate(BROKEN_IMAGES),
            "images": browser.evaluate("document.images.length"),
            "title": browser.evaluate("document.title")}
    return out


def test_every_page_loads_without_a_console_error(loaded: dict[str, dict[str, Any]]) -> None:
    bad = {name: r["problems"] for name, r in loaded.items() if r["problems"]}
    assert not bad, json.dumps(bad, indent=1)[:4000]
    assert all(r["title"] for r in loaded.values())


def test_every_image_shows(loaded: dict[str, dict[str, Any]]) -> None:
    bad = {name: r["broken_images"] for name, r in loaded.items() if r["broken_images"]}
    assert not bad, json.dumps(bad, indent=1)[:4000]
    # the pages that are about pictures have them
    assert loaded["gallery.html"]["images"] >= 15
    assert loaded["examples/vtsiom_2025.html"]["images"] >= 10


def test_formulas_are_typeset_offline(browser: Browser) -> None:
    page = SITE / "course" / "lesson_01_intervals.html"
    browser.load(page.as_uri())
    deadline = time.monotonic() + 20
    typeset = 0
    while time.monotonic() < deadline and not typeset:
        typeset = browser.evaluate("document.querySelectorAll('mjx-container').length")
        time.sleep(0.1)
    assert typeset > 0, "MathJax did not typeset the lesson's formulas"


@pytest.mark.parametrize("query, page", [
    ("coverage", "course/lesson_01_intervals"),
    ("jackknife", "course/lesson_04_replicate_weights"),
    ("falsification", "course/lesson_07_saying_what_one_thinks"),
    ("Kish", "design-effects"),
])
def test_the_search_page_finds_the_topics(browser: Browser, query: str, page: str) -> None:
    browser.load((SITE / "search.html").as_uri() + f"?q={query}")
    deadline = time.monotonic() + 20
    links: list[str] = []
    while time.monotonic() < deadline:
        links = browser.evaluate(
            "[...document.querySelectorAll('#search-results li a')].map(a => a.href)")
        if links and browser.evaluate(
                "!!document.querySelector('#search-results .search-summary')"):
            break
        time.sleep(0.1)
    assert links, f"no search results for {query!r}"
    assert any(f"/{page}.html" in link for link in links), (query, links[:10])


@pytest.mark.parametrize("lesson", sorted(
    p.relative_to(SITE).as_posix() for p in PAGES if p.name.startswith("lesson_")))
def test_solutions_are_folded(browser: Browser, lesson: str) -> None:
    browser.load((SITE / lesson).as_uri())
    # a closed <details> keeps its content laid out but not rendered: checkVisibility() says
    # whether a reader sees the code; the cell itself is then one "show" line high
    folded = browser.evaluate("""[...document.querySelectorAll('div.cell.tag_solution')].map(
        c => { const d = c.querySelector('details');
               const code = c.querySelector('pre');
               return {details: !!d, open: d ? d.open : null,
                       codeVisible: code ? code.checkVisibility() : null,
                       oneLine: c.getBoundingClientRect().height < 60}; })""")
    assert len(folded) >= 3
    for cell in folded:
        assert cell == {"details": True, "open": False, "codeVisible": False, "oneLine": True}
    # and a click opens one
    opened = browser.evaluate("""(() => { const c = document.querySelector('div.cell.tag_solution');
        c.querySelector('summary').click();
        return c.querySelector('pre').checkVisibility(); })()""")
    assert opened is True
