"""Benchmarks and evaluations (make eval, make bench, make bench-e2e); not part of the tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable


def run_each_in_fresh_process(module: str, scenarios: Iterable[str]) -> None:
    """Run `python -m module scenario` for each scenario and print what it prints.

    A fresh process per scenario keeps its peak memory and its imports its own.
    """
    for name in scenarios:
        out = subprocess.run(
            [sys.executable, "-m", module, name],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip())
