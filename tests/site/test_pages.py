"""Every page of the course site in headless Chromium, served from 127.0.0.1.

Each page: no console errors; no request to any host but the local server; one framework switch per
framework group, showing MXNet (a first visit: the browser's choice is cleared by each switch test); every stored figure
there and loaded; math typeset by MathJax (no raw $ left, no MathJax errors); the light theme's
colours; an axe-core audit with no violation at all (not only none serious or critical); every
kind of code token at 4.5:1 contrast or more (axe leaves those "incomplete"); at a phone's width
(390 px), nothing wider than the screen or cut off out of reach (course_pages.OVERFLOW). The index and every
lesson then switch to the dark theme (as its button does): dark colours, stored figures readable,
the audit's colour rules and the code tokens' contrast again; then, with the PyTorch code shown by the
framework switches, the whole audit (dark), its colour rules (light), the code's contrast and the phone's
width. The search page finds "padding".
Whole-page screenshots of the index and lesson 4 in both themes go to tests/site/artifacts/
(git-ignored).
"""
import course_pages
import pytest
from course_pages import (CODE_CONTRAST, COLOURS, CONTENT_PAGES, EVERY_IMPACT, NOTEBOOK_OF, OVERFLOW, PHONE_WIDTH,
                          SCREENSHOTS, THEME_RULES, audit, blocking, remote_requests)
from lab_browser import next_frames

pytestmark = pytest.mark.browser

_MATH = """
const art = document.querySelector('article.bd-article') || document.body;
const skip = 'pre, code, script, style, mjx-container, .highlight, textarea, .d2l-widget';
const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
const raw = [];
while (walker.nextNode()) {
    const t = walker.currentNode.textContent;
    if (/\\$|\\\\\\(|\\\\\\[/.test(t)) raw.push(t.trim().slice(0, 100));
}
return {typeset: art.querySelectorAll('mjx-container').length,
        errors: art.querySelectorAll('mjx-merror').length, raw: raw};
"""


def check_page(browser, server, artifacts, path, dark=False):
    """Open ``path`` (light theme) and check everything promised above; fail with every problem."""
    page = browser.open(server, path)
    problems = []
    colours = page.driver.execute_script(COLOURS)
    if not (colours["theme"] == "light" and colours["bg"] > 0.9 and colours["text"] < 0.2):
        problems.append(f"the light theme's colours: {colours}")
    errors = page.console_errors()
    if errors:
        problems.append(f"console errors: {errors}")
    urls = page.requests()
    if not urls or not urls[0].startswith(f"{server.url}/{path}"):
        problems.append(f"the network log did not record the page itself (first: {urls[:1]})")
    if remote_requests(urls, server):
        problems.append(f"requests to other hosts: {remote_requests(urls, server)}")
    notebook = NOTEBOOK_OF.get(path)
    if notebook is not None:
        images = page.images()
        want = course_pages.expected_figures(notebook)
        figures = [i for i in images if "_images/" in (i[0] or "")]
        if len(figures) != want:
            problems.append(f"{len(figures)} figures on the page, {want} stored in {notebook.name}")
        broken = [src for src, alt, width, complete in images if not complete or not width]
        if broken:
            problems.append(f"images that did not load: {broken}")
        math = page.driver.execute_script(_MATH)
        if course_pages.has_math(notebook) and not math["typeset"]:
            problems.append("the notebook has $...$ math but the page shows no MathJax output")
        if math["raw"]:
            problems.append(f"raw TeX left in the text: {math['raw'][:5]}")
        if math["errors"]:
            problems.append(f"{math['errors']} MathJax errors")
    switches = page.driver.execute_script(course_pages.SWITCHES)
    wrong = [sw["id"] for sw in switches["switches"] if not sw["tablist"]
             or [(t["fw"], t["selected"], t["tabindex"], t["shown"]) for t in sw["tabs"]]
             != [("mxnet", "true", 0, True), ("pytorch", "false", -1, True)]
             or [(q["fw"], q["shown"]) for q in sw["panels"]] != [("mxnet", True), ("pytorch", False)]]
    if switches["switches"] and (switches["choice"] != "mxnet" or wrong):
        problems.append(f"framework switches not on MXNet (a first visit's choice): {wrong}")
    if notebook is not None and len(switches["switches"]) != len(course_pages.framework_groups(notebook)):
        problems.append(f"{len(switches['switches'])} framework switches for "
                        f"{len(course_pages.framework_groups(notebook))} framework groups")
    code = page.driver.execute_script(CODE_CONTRAST)
    if code["low"]:
        problems.append(f"code tokens below 4.5:1 contrast: {code['low'][:6]}")
    violations = blocking(audit(page.driver), EVERY_IMPACT)
    if violations:
        problems.append("axe-core: " + " | ".join(violations))
    errors = page.console_errors()  # anything logged while auditing
    if errors:
        problems.append(f"console errors: {errors}")
    problems += phone_width_problems(page)
    assert problems == [], f"{path}:\n" + "\n".join(problems)
    if path in SCREENSHOTS:
        page.screenshot(artifacts / f"site-{SCREENSHOTS[path]}-light.png")
    if dark:
        check_dark(page, artifacts, path)
        check_pytorch(page, path)


def phone_width_problems(page):
    """The page at a phone's width: nothing wider than the screen or cut off (course_pages.OVERFLOW)."""
    driver = page.driver
    size = driver.get_window_size()
    driver.set_window_size(PHONE_WIDTH, size["height"])
    try:
        next_frames(driver)
        got = driver.execute_script(OVERFLOW)
    finally:
        driver.set_window_size(size["width"], size["height"])
        next_frames(driver)
    if got["width"] != PHONE_WIDTH:
        return [f"the window did not shrink to {PHONE_WIDTH} px: {got}"]
    if got["count"] or got["page"] > got["width"]:
        return [f"at {PHONE_WIDTH} px: {got['count']} problems, the page {got['page']} px wide: {got['problems']}"]
    return []


def check_dark(page, artifacts, path):
    page.switch_theme("dark")
    colours = page.driver.execute_script(COLOURS)
    assert colours["theme"] == "dark"
    assert colours["bg"] < 0.1 and colours["text"] > 0.5, f"{path}: dark theme colours {colours}"
    for fig in colours["figures"]:
        # stored images were drawn for a white page: they sit on a white card, undimmed
        assert fig["bg"] > 0.95 and fig["filter"] == "none", f"{path}: a figure in the dark theme: {fig}"
    assert blocking(audit(page.driver, THEME_RULES), EVERY_IMPACT) == [], f"{path} in the dark theme"
    assert page.driver.execute_script(CODE_CONTRAST)["low"] == [], f"{path}: code tokens in the dark theme"
    assert page.console_errors() == []
    if path in SCREENSHOTS:
        page.screenshot(artifacts / f"site-{SCREENSHOTS[path]}-dark.png")


def check_pytorch(page, path):
    """The page with the PyTorch code shown (for this page only: the reader's choice is not changed), in both
    themes: the audit (every rule in the dark theme, the colour rules in the light one), the code tokens'
    contrast, the phone's width, no console errors."""
    driver = page.driver
    if not driver.execute_script("return document.querySelectorAll('.d2l-switch').length;"):
        return
    problems = []
    try:
        driver.execute_script("d2lSwitch.show('pytorch', {save: false, say: false});")
        next_frames(driver)
        for theme, rules in (("dark", None), ("light", THEME_RULES)):
            page.switch_theme(theme)
            violations = blocking(audit(driver, rules), EVERY_IMPACT)
            if violations:
                problems.append(f"axe-core ({theme}): " + " | ".join(violations))
            low = driver.execute_script(CODE_CONTRAST)["low"]
            if low:
                problems.append(f"code tokens below 4.5:1 contrast ({theme}): {low[:6]}")
        problems += phone_width_problems(page)
        problems += [f"console errors: {e}" for e in page.console_errors()]
    finally:
        driver.execute_script("d2lSwitch.show('mxnet', {save: false, say: false});")
    assert problems == [], f"{path} with the PyTorch code shown:\n" + "\n".join(problems)


# Two classes: pytest-xdist (--dist loadscope) may run them on two workers at once.
class TestLessonPages:
    @pytest.mark.parametrize("path", course_pages.LESSON_PAGES)
    def test_page(self, browser, server, artifacts, path):
        check_page(browser, server, artifacts, path, dark=True)


class TestOtherPages:
    @pytest.mark.parametrize("path", [p for p in CONTENT_PAGES if p not in course_pages.LESSON_PAGES]
                             + course_pages.SPHINX_PAGES)
    def test_page(self, browser, server, artifacts, path):
        check_page(browser, server, artifacts, path)


def test_search_finds_padding(browser, server):
    page = browser.open(server, "search.html?q=padding")
    found = page.wait(lambda: page.driver.execute_script(
        "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.getAttribute('href'));"),
        30, "search results for 'padding'")
    assert any(href.startswith("04_padding_and_stride.html") for href in found), found
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []


def test_the_audit_checks_each_kind_of_code_token_and_puts_the_page_back(browser, server):
    """The audit merges most code tokens into plain text while it runs (course_pages._RUN_AXE): a token
    class drawn in a colour too faint to read is still found, and the page is left exactly as it was."""
    page = browser.open(server, "09_from_layers_to_a_network.html")
    driver = page.driver
    article = "return document.querySelector('article.bd-article').innerHTML;"
    before = driver.execute_script(article)
    audit(driver, ["color-contrast"])  # its findings on the page itself are test_page's business
    assert driver.execute_script(article) == before, "the audit changed the page"
    tokens = driver.execute_script("return document.querySelectorAll('.cell_input .highlight pre span.kn').length;")
    assert tokens > 5  # `import`, `from`: many tokens of one class, all but one merged while axe runs
    driver.execute_script("""const s = document.createElement('style'); s.id = 'faint';
        s.textContent = '.highlight .kn { color: #e8e8e8 !important; }'; document.head.appendChild(s);""")
    found = [n["target"] for v in audit(driver, ["color-contrast"]) if v["id"] == "color-contrast" for n in v["nodes"]]
    driver.execute_script("document.getElementById('faint').remove();")
    assert any(".kn" in t for t in found), found
    # axe calls code tokens "incomplete", not violations: CODE_CONTRAST measures them (test_page)
    assert driver.execute_script(CODE_CONTRAST)["low"] == []
    driver.execute_script("""const s = document.createElement('style'); s.id = 'faint';
        s.textContent = '.highlight .kn { color: #8a8a8a !important; }'; document.head.appendChild(s);""")
    low = driver.execute_script(CODE_CONTRAST)["low"]
    driver.execute_script("document.getElementById('faint').remove();")
    assert [t for t in low if t.startswith("input kn ")] and all(" kn " in t for t in low), low
    assert driver.execute_script(article) == before
