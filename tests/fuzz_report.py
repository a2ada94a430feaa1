"""Run the fuzz suite and print how many cases were tried and how they ended.

Usage: ``MPLBACKEND=Agg .venv/bin/python tests/fuzz_report.py [more pytest args]``.
``SURVEYSTATS_FUZZ_EXAMPLES`` sets the number of examples per callable (default 80).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

if __name__ == "__main__":
    here = Path(__file__).parent
    os.environ["SURVEYSTATS_FUZZ_SUMMARY"] = "1"
    start = time.perf_counter()
    code = pytest.main([str(here / "test_fuzz.py"), str(here / "test_fuzz_design.py"),
                        "-q", "-p", "no:cacheprovider", "--no-header", "-rN",
                        *sys.argv[1:]])
    print(f"fuzz run time: {time.perf_counter() - start:.1f} s")
    sys.exit(code)
