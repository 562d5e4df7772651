"""Light and dark themes: both readable, figures included; screenshots of both as test artifacts.

Screenshots (git-ignored) go to tests/site/artifacts/: site-index-{light,dark}.png and
site-lesson04-{light,dark}.png (whole pages).
"""
import pytest
from course_pages import LESSON_PAGES
from course_pages import audit, blocking, remote_requests

pytestmark = pytest.mark.browser

_COLOURS = """
const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                   return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const bg = getComputedStyle(document.body).backgroundColor;
const text = getComputedStyle(document.querySelector('article.bd-article p') || document.body).color;
const figures = Array.from(document.querySelectorAll('.cell_output img')).map(img => {
    const s = getComputedStyle(img);
    return {bg: lum(rgb(s.backgroundColor)), filter: s.filter};
});
return {theme: document.documentElement.dataset.theme, bg: lum(rgb(bg)), text: lum(rgb(text)), figures};
"""


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_dark_theme_is_readable(browser, server, path):
    page = browser.open(server, path, theme="dark")
    colours = page.driver.execute_script(_COLOURS)
    assert colours["theme"] == "dark"
    assert colours["bg"] < 0.1 and colours["text"] > 0.5, f"{path}: dark theme colours {colours}"
    for fig in colours["figures"]:
        # stored figures were drawn for a white page: they sit on a white card, undimmed
        assert fig["bg"] > 0.95 and fig["filter"] == "none", f"{path}: a figure in the dark theme: {fig}"
    assert blocking(audit(page.driver)) == []
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []


@pytest.mark.parametrize("path, name", [("index.html", "index"), ("04_padding_and_stride.html", "lesson04")])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(browser, server, artifacts, path, name, theme):
    page = browser.open(server, path, theme=theme)
    colours = page.driver.execute_script(_COLOURS)
    assert colours["theme"] == theme
    if theme == "light":
        assert colours["bg"] > 0.9 and colours["text"] < 0.2
    target = artifacts / f"site-{name}-{theme}.png"
    page.screenshot(target)
    assert target.stat().st_size > 10_000
