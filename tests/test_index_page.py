"""The report's index page: valid HTML and CSS, every chart shown with alt text, offline.

The static checks parse the page with the standard library. The browser checks load it in
headless Chromium (Debian's ``chromium``) through a copy of the page with a small probe
script that writes, once the page has loaded, what the browser made of it (image load
state, computed styles, resources fetched, errors) into the DOM; ``--dump-dom`` prints it.
No driver library: the command line is enough for one page load.

Without Chromium the browser checks skip, unless ``SURVEYSTATS_REQUIRE_BROWSER=1`` (set by
``make test``, which installs Chromium first) turns the skip into a failure.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from chromium_cdp import find_chromium

from surveystats._poll import PollCard
from surveystats._report import _Chart, _figure_html, _index_html, write_report
from surveystats.plotting import _report as charts

# Labels a user's own poll brings: Cyrillic, both kinds of quotes, < and &.
TRICKY = 'Поддержка «СВО» & "мир" <скорее да>'
TITLE = 'Опрос <тест> & "ВЦИОМ"'
CHARTS = ["intervals", "coverage", "error_budget"]  # a few quick charts, one of them per item
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def _render(out: Path, formats: tuple[str, ...]) -> Path:
    toplines = pd.DataFrame({"item": ["support", "peace"], "label": [TRICKY, "Peace & <quiet>"],
                             "estimate": [0.62, 0.48], "n": [1200, 1200]})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(charts, "chart_jobs", functools.partial(charts.chart_jobs, charts=CHARTS))
        return write_report(toplines, out, card=PollCard(title=TITLE), formats=formats)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same small report twice: PNG and SVG, and SVG only."""
    base = tmp_path_factory.mktemp("index")
    return {"png,svg": _render(base / "both", ("png", "svg")),
            "svg": _render(base / "svg", ("svg",))}


# static checks ---------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Collects tags, attributes and text; records nesting errors (a tag closed out of order)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype = ""
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self._open_text: list[tuple[str, list[str]]] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)
            self._open_text.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        name, parts = self._open_text.pop()
        self.text.setdefault(name, "".join(parts))

    def handle_data(self, data: str) -> None:
        for _, parts in self._open_text:
            parts.append(data)


def _parse(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.mark.parametrize("formats", ["png,svg", "svg"])
def test_page_is_well_formed_and_links_only_its_own_files(reports: dict[str, Path],
                                                          formats: str) -> None:
    folder = reports[formats]
    page = _parse(folder / "index.html")
    assert page.doctype.lower() == "doctype html"
    assert not page.errors and not page.stack
    ids = {a["id"] for _, a in page.tags if "id" in a}
    for tag, attrs in page.tags:
        assert tag not in {"script", "link", "iframe"}, tag  # nothing to run or fetch
        for key in ("src", "href"):
            if key not in attrs:
                continue
            url = urlsplit(attrs[key])
            assert not url.scheme and not url.netloc, attrs[key]  # relative: works offline
            if url.path:
                assert not url.path.startswith("/") and "/" not in url.path, attrs[key]
                assert (folder / unquote(url.path)).is_file(), attrs[key]
            else:
                assert url.fragment in ids, attrs[key]
    assert page.text["title"] == page.text["h1"] == f"{TITLE}: how sure can we be?"


@pytest.mark.parametrize("formats", ["png,svg", "svg"])
def test_every_chart_has_one_image_with_its_finding_as_alt(reports: dict[str, Path],
                                                           formats: str) -> None:
    folder = reports[formats]
    page = _parse(folder / "index.html")
    imgs = [a for t, a in page.tags if t == "img"]
    stems = sorted({p.stem for p in folder.glob("*.svg")})
    assert sorted(Path(a["src"]).stem for a in imgs) == stems  # one image per chart
    assert all(a["src"].endswith(".svg") for a in imgs)  # SVG shown when written
    alts = [a["alt"] for a in imgs]
    assert all(alt.strip() and "\n" not in alt for alt in alts)
    assert len(set(alts)) == len(alts)  # each says what its chart found
    assert any("70%" in alt or "62%" in alt for alt in alts)  # the finding, not the file name
    links = {a["href"] for t, a in page.tags if t == "a"}
    for stem in stems:  # the caption links every file written
        for fmt in formats.split(","):
            assert f"{stem}.{fmt}" in links


def test_stylesheet_has_single_braces_and_balanced_rules(reports: dict[str, Path]) -> None:
    text = (reports["png,svg"] / "index.html").read_text(encoding="utf-8")
    css = re.search(r"<style>(.*?)</style>", text, re.S)
    assert css is not None
    assert "{{" not in css[1] and "}}" not in css[1]
    assert css[1].count("{") == css[1].count("}") == len(re.findall(r"[^{}]+\{[^{}]*\}", css[1]))


def _svg(path: Path) -> Path:
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="576pt" height="432pt"/>',
                    encoding="utf-8")
    return path


def test_labels_and_titles_are_escaped(reports: dict[str, Path], tmp_path: Path) -> None:
    text = (reports["png,svg"] / "index.html").read_text(encoding="utf-8")
    assert "<скорее да>" not in text and "&lt;скорее да&gt;" in text
    assert "<тест>" not in text and "<quiet>" not in text
    assert html.escape(TRICKY) in text  # the summary's item list, readable once unescaped
    chart = _Chart("error_budget_support", (_svg(tmp_path / "error_budget_support.svg"),),
                   f'{TRICKY}: 62% becomes 50%')
    img = _Page()
    img.feed(_figure_html(chart))
    (_, attrs), = [(t, a) for t, a in img.tags if t == "img"]
    assert attrs["alt"] == f"{TRICKY}: 62% becomes 50%"  # survives the round trip intact


def test_a_chart_without_a_title_is_named_in_its_alt_text(tmp_path: Path) -> None:
    page = _Page()
    svg = _svg(tmp_path / "bias tornado#1.svg")
    page.feed(_index_html("t", [_Chart("bias_tornado", (svg,), "")], ""))
    (attrs,) = [a for t, a in page.tags if t == "img"]
    assert attrs["alt"] == "bias tornado chart"
    assert attrs["src"] == "bias%20tornado%231.svg"  # a file name made a relative URL
    assert (attrs["width"], attrs["height"]) == ("768", "576")  # 576 x 432 pt in CSS pixels


# in the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        reason = ("headless Chromium not found (Debian: apt-get install chromium; or set "
                  "SURVEYSTATS_CHROMIUM to a Chrome/Chromium binary)")
        if os.environ.get("SURVEYSTATS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; SURVEYSTATS_REQUIRE_BROWSER=1 requires the browser test")
        pytest.skip(reason)
    return found


# Registered first in <head>, so errors while the page loads are caught; reports at load.
PROBE = """<script>
window.__errors = [];
addEventListener("error", e => __errors.push(
  e.message || ("failed to load " + (e.target.src || e.target.href))), true);
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => { __errors.push(args.join(" ")); original(...args); };
}
addEventListener("load", () => {
  const first = s => document.querySelector(s);
  const px = (selector, prop) => {
    const el = first(selector);
    return el === null ? null : getComputedStyle(el).getPropertyValue(prop);
  };
  const report = {
    images: [...document.images].map(i => ({
      src: i.getAttribute("src"), alt: i.alt, complete: i.complete,
      naturalWidth: i.naturalWidth, shownWidth: i.getBoundingClientRect().width})),
    rules: [...document.styleSheets].flatMap(s => [...s.cssRules].map(r => r.selectorText)),
    style: {
      bodyMaxWidth: px("body", "max-width"),
      figureMarginTop: px("figure", "margin-top"),
      figcaptionColor: px("figcaption", "color"),
      figcaptionFontSize: px("figcaption", "font-size"),
      bodyFontSize: px("body", "font-size"),
      imgDisplay: px("figure img", "display"),
      imgBorder: px("figure img", "border-top-color"),
      preBackground: px("pre", "background-color")},
    mainWidth: first("main")?.getBoundingClientRect().width,
    errors: __errors};
  const out = document.createElement("pre");
  out.id = "surveystats-probe";
  out.textContent = JSON.stringify(report);
  document.body.append(out);
});
</script>
"""


def _load(chromium: str, page: Path) -> dict[str, Any]:
    """Load ``page`` (through a probed copy beside it) in headless Chromium; the probe's report."""
    probe = page.with_name(f"probe-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>\n" + PROBE, 1),
                     encoding="utf-8")
    profile = page.parent.parent / f"chromium-profile-{page.parent.name}"
    cmd = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
           f"--user-data-dir={profile}", "--window-size=1000,800",
           "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any host lookup fails
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
           "--dump-dom", probe.as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    finally:
        probe.unlink()
        shutil.rmtree(profile, ignore_errors=True)
    found = re.search(r'<pre id="surveystats-probe">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, f"no probe report (exit {done.returncode}): {done.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(html.unescape(found[1]))
    report["console"] = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return report


@pytest.fixture(scope="module")
def loaded(reports: dict[str, Path], chromium: str) -> Iterator[dict[str, dict[str, Any]]]:
    yield {key: _load(chromium, folder / "index.html") for key, folder in reports.items()}


@pytest.mark.parametrize("formats", ["png,svg", "svg"])
def test_every_image_loads_in_chromium(reports: dict[str, Path],
                                       loaded: dict[str, dict[str, Any]], formats: str) -> None:
    report = loaded[formats]
    images = report["images"]
    assert len(images) == len(list(reports[formats].glob("*.svg"))) > 0
    for img in images:
        assert img["complete"] and img["naturalWidth"] > 0, img["src"]
        assert img["alt"].strip(), img["src"]
        assert 0 < img["shownWidth"] <= report["mainWidth"], img  # fits the column
    assert not report["errors"] and not report["console"]


def test_the_stylesheet_applies_in_chromium(loaded: dict[str, dict[str, Any]]) -> None:
    report = loaded["png,svg"]
    assert report["rules"] == ["body", "nav", "figure", "figure img", "figcaption", "pre"]
    style = report["style"]
    assert style["bodyMaxWidth"] == "840px"
    assert style["figcaptionColor"] == "rgb(85, 85, 85)"  # #555
    caption, body = (float(style[k].removesuffix("px"))
                     for k in ("figcaptionFontSize", "bodyFontSize"))
    assert caption == pytest.approx(0.9 * body)
    assert float(style["figureMarginTop"].removesuffix("px")) == pytest.approx(2.5 * body)
    assert style["imgDisplay"] == "block"
    assert style["imgBorder"] == "rgb(221, 221, 221)"  # #ddd
    assert style["preBackground"] == "rgb(246, 246, 246)"  # #f6f6f6
