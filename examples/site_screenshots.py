"""Screenshots of the built documentation site, for docs/gallery.md.

Run after ``make docs``: ``python examples/site_screenshots.py`` writes
``docs/gallery/site_index.png`` (the top of the site's entry page) and
``docs/gallery/site_lesson.png`` (the first lesson of the course, scrolled to its first
formula once MathJax has typeset it), each 1200 x 1000 CSS pixels as a reader's browser shows
them: headless Chromium (Debian's ``chromium``, or the binary named by
``SURVEYSTATS_CHROMIUM``), driven over the DevTools protocol by the same small client the
site's browser test uses (``tests/chromium_cdp.py``). Prints the paths written. It reads
only ``docs/_build/html`` and writes only those two files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "tests"))  # the DevTools client of the site's browser test
from chromium_cdp import Browser  # noqa: E402 (after the path above)
from index_screenshot import find_chromium  # noqa: E402

SITE = ROOT / "docs" / "_build" / "html"
GALLERY = ROOT / "docs" / "gallery"
WINDOW = (1200, 1000)
#: screenshot file -> (page of the built site, CSS selector of what to scroll to, or None)
SHOTS = {
    "site_index.png": ("index.html", None),
    "site_lesson.png": ("course/lesson_01_intervals.html",
                        "#a-poll-is-one-draw-from-a-sampling-distribution"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GALLERY,
                        help=f"folder for the PNG files (default: {GALLERY})")
    args = parser.parse_args(argv)
    missing = [page for page, _ in SHOTS.values() if not (SITE / page).is_file()]
    if missing:
        raise SystemExit(f"site_screenshots.py: {', '.join(missing)} not in {SITE}; "
                         "run `make docs` first")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="surveystats-screenshot-") as tmp:
        browser = Browser(find_chromium(), Path(tmp), width=WINDOW[0], height=WINDOW[1])
        try:
            for name, (page, target) in SHOTS.items():
                browser.load((SITE / page).as_uri())
                deadline = time.monotonic() + 20  # MathJax typesets after the load event
                while time.monotonic() < deadline and browser.evaluate(
                        "!!document.querySelector('.math') && "
                        "!document.querySelector('mjx-container')"):
                    time.sleep(0.1)
                if target:
                    # the heading just below the sticky header bar
                    browser.evaluate(f"document.querySelector({target!r}).scrollIntoView();"
                                     "window.scrollBy(0, -190)")
                time.sleep(0.5)
                png = (args.out / name).resolve()
                browser.screenshot(png)
                print(png)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
