"""Fixtures for the browser tests: headless Chromium, JupyterLab on a temporary copy of the notebooks.

Without /usr/bin/chromium or /usr/bin/chromedriver the tests are skipped with the reason,
except when they are required (CI=true or D2L_REQUIRE_BROWSER=1, as `make test-browser`
and `.ci/run` do): then they fail. Every process is always shut down, also on failure.
Screenshots and audit reports go to tests/browser/artifacts/ (git-ignored).
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import lab_browser  # noqa: E402  (tools/ is not a package)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def browser():
    reason = lab_browser.browser_missing()
    if reason:
        if lab_browser.browser_required():
            pytest.fail(f"{reason}; the browser test is required here (CI=true or D2L_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    b = lab_browser.Browser(window_size=(1280, 1200))
    try:
        yield b.start()
    finally:
        b.stop()


@pytest.fixture(scope="module")
def lab(browser):
    """JupyterLab serving a temporary copy of notebooks/ (autosave never touches the repository)."""
    source = ROOT / "notebooks" / "mxnet"
    assert (source / "04_padding_and_stride.ipynb").exists(), "notebooks/ is missing its lessons"
    server = lab_browser.Lab(source)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture()
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
