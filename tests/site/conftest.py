"""Fixtures for the website tests: the course site built once per test run, a local server, Chromium.

The course site is built once per `make test` run, also under pytest-xdist: the first worker to
get here builds it from scratch (``--clean``: every warning is seen again) into a temporary
folder shared by the workers of this run, the others wait for it and read the same result.

Without /usr/bin/chromium or /usr/bin/chromedriver the browser tests skip with the reason,
except when they are required (CI=true or D2L_REQUIRE_BROWSER=1): then they fail.
"""
import fcntl
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402
import lab_browser  # noqa: E402
import site_browser  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def shared_dir(tmp_path_factory):
    """A folder shared by every xdist worker of this run (the parent of their base temp dirs)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


def build_once(tmp_path_factory, name, build):
    """Run ``build(out)`` once per test run (also under pytest-xdist: the first worker builds, the others wait
    for it): {'dir', 'seconds', 'warnings', 'error'}."""
    shared = shared_dir(tmp_path_factory) / name
    shared.mkdir(exist_ok=True)
    result_file = shared / "result.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not result_file.exists():
                out = shared / "site"
                try:
                    seconds, warnings = build(shared, out)
                    result = {"dir": str(out), "seconds": seconds, "warnings": warnings, "error": None}
                except SystemExit as err:
                    result = {"dir": str(out), "seconds": None, "warnings": "", "error": str(err)}
                result_file.write_text(json.dumps(result))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    result = json.loads(result_file.read_text())
    result["dir"] = Path(result["dir"])
    return result


@pytest.fixture(scope="session")
def course_site(tmp_path_factory):
    """Build the course's site (both editions) once per run: {'dir', 'seconds', 'warnings', 'error'}."""
    # no repository URL (whatever pyproject.toml says): no Colab links (the switch course has them)
    return build_once(tmp_path_factory, "course-site",
                      lambda shared, out: build_site.build(ROOT / "notebooks", out, clean=True, repo_url=""))


@pytest.fixture(scope="session")
def switch_site(tmp_path_factory):
    """The site of tests/site/switch_course.py's small two-edition course, built once per run, with a GitHub
    repository URL (Colab links, branch main): its folder."""
    import switch_course

    def build(shared, out):
        notebooks = switch_course.write_course(shared / "notebooks")
        return build_site.build(notebooks, out, clean=True, repo_url=switch_course.REPO_URL, branch="main")
    result = build_once(tmp_path_factory, "switch-site", build)
    if result["error"]:
        pytest.fail(f"the switch course's site did not build:\n{result['error']}")
    assert result["warnings"].strip() == "", result["warnings"]
    return result["dir"]


@pytest.fixture(scope="session")
def switch_server(switch_site):
    with site_browser.SiteServer(switch_site) as s:
        yield s


@pytest.fixture(scope="session")
def site_dir(course_site):
    if course_site["error"]:
        pytest.fail(f"the site did not build:\n{course_site['error']}")
    return course_site["dir"]


@pytest.fixture(scope="session")
def browser():
    lab_browser.skip_or_fail_without_browser("the site's browser tests")
    b = site_browser.SiteBrowser()
    try:
        yield b.start()
    finally:
        b.stop()


@pytest.fixture(scope="session")
def server(site_dir):
    with site_browser.SiteServer(site_dir) as s:
        yield s


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
