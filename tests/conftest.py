"""Session hooks: print the fuzz outcome summary when SURVEYSTATS_FUZZ_SUMMARY is set."""

from __future__ import annotations

import os
import sys
from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not os.environ.get("SURVEYSTATS_FUZZ_SUMMARY"):
        return
    module = sys.modules.get("fuzz_strategies")
    if module is None:
        return
    terminalreporter.write_sep("=", "fuzz outcomes")
    terminalreporter.write_line(module.summary())
