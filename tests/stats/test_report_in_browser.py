"""The HTML report as a coordinator sees it: rendered by headless Chromium, phone-sized."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiz_bot.stats.report import Report, render
from tests.stats.test_report_formats import report  # noqa: F401 - the shared fixture

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# .ci/run installs Chromium from the machine's packages; on a developer machine without it
# the test is skipped, but in CI it must run.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Chromium is not installed (CI installs it)",
)


@needs_chromium
def test_html_report_renders_in_headless_chromium_offline(
    report: Report,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    assert CHROMIUM is not None, "CI must install Chromium (see .ci/run)"
    page = tmp_path / "report.html"
    page.write_bytes(render(report, "html"))
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=412,1600", f"--screenshot={shot}", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    image = shot.read_bytes()
    assert image.startswith(PNG_MAGIC)
    # A blank page compresses to almost nothing; charts and tables do not.
    assert len(image) > 20_000
