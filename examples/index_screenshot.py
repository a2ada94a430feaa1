"""Screenshot of the VTsIOM report's index page in headless Chromium, for docs/gallery.md.

Run: python examples/index_screenshot.py [PNG] (default: docs/gallery/index_screenshot.png).
Renders the bundled case's report (``surveystats report``: PNG and SVG charts) into a
temporary folder, opens its ``index.html`` in headless Chromium (Debian's ``chromium``, or
the binary named by ``SURVEYSTATS_CHROMIUM``) and saves the top of the page, 900 x 1400 CSS
pixels, as the reader first sees it. Prints the path written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WINDOW = (900, 1400)
DEFAULT = Path(__file__).resolve().parent.parent / "docs" / "gallery" / "index_screenshot.png"


def find_chromium() -> str:
    """The browser: ``SURVEYSTATS_CHROMIUM``, else the first Chromium or Chrome on PATH."""
    given = os.environ.get("SURVEYSTATS_CHROMIUM")
    found = given or next(filter(None, map(shutil.which, (
        "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))), None)
    if found is None:
        raise SystemExit("index_screenshot.py: headless Chromium not found; install it "
                         "(Debian: apt-get install chromium) or set SURVEYSTATS_CHROMIUM")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default=DEFAULT, type=Path,
                        help=f"where to save the screenshot (default: {DEFAULT})")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="surveystats-screenshot-") as tmp:
        report = Path(tmp) / "charts"
        env = {**os.environ, "MPLBACKEND": "Agg"}
        subprocess.run([sys.executable, "-m", "surveystats", "report", "--out", str(report),
                        "--quiet"], check=True, env=env)
        cmd = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={Path(tmp) / 'profile'}", "--force-device-scale-factor=1",
               f"--window-size={WINDOW[0]},{WINDOW[1]}", "--virtual-time-budget=10000",
               f"--screenshot={args.png.resolve()}", (report / "index.html").as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        args.png.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(cmd, check=True, capture_output=True)
    print(args.png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
