"""Session hooks: print the fuzz outcome summary when SURVEYSTATS_FUZZ_SUMMARY is set."""

from __future__ import annotations

import os
import sys
from typing import Any

# Reference generators are run by hand (they need tools the tests do not, e.g. mpmath);
# --doctest-modules must not import them.
collect_ignore_glob = ["reference/*/make_*.py"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not os.environ.get("SURVEYSTATS_FUZZ_SUMMARY"):
        return
    module = sys.modules.get("fuzz_strategies")
    if module is None:
        return
    terminalreporter.write_sep("=", "fuzz outcomes")
    terminalreporter.write_line(module.summary())
