"""The dark theme is readable, figures included (the light theme: test_pages.py).

Whole-page screenshots (git-ignored) go to tests/site/artifacts/: site-index-dark.png and
site-lesson04-dark.png here, the light ones from test_pages.py.
"""
import pytest
from course_pages import COLOURS, LESSON_PAGES, SCREENSHOTS, audit, blocking, remote_requests

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_dark_theme_is_readable(browser, server, artifacts, path):
    page = browser.open(server, path, theme="dark")
    colours = page.driver.execute_script(COLOURS)
    assert colours["theme"] == "dark"
    assert colours["bg"] < 0.1 and colours["text"] > 0.5, f"{path}: dark theme colours {colours}"
    for fig in colours["figures"]:
        # stored figures were drawn for a white page: they sit on a white card, undimmed
        assert fig["bg"] > 0.95 and fig["filter"] == "none", f"{path}: a figure in the dark theme: {fig}"
    assert blocking(audit(page.driver)) == []
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []
    if path in SCREENSHOTS:
        page.screenshot(artifacts / f"site-{SCREENSHOTS[path]}-dark.png")
