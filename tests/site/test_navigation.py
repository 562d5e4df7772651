"""The site as a learner meets it on a phone, a tablet and a desktop, in headless Chromium.

- The sidebar toggles ("Lesson list", "Contents of this page") open and close their panels at 390, 800,
  1100 and 1300 px, by mouse, by touch and from the keyboard: the panel shows, focus moves into it,
  Escape closes it and focus returns to the toggle; aria-expanded follows.
- Search: "1×1" (as the pages write it) and "1x1" find the same pages; snippets are lesson text, with
  no theme words and no TeX backslashes.
- One search field or button at every width; code lines wrap inside their block.
- Code cells have a keyboard-usable copy button.
- Screenshots of a phone-width page with the lesson list open, in both themes, go to
  tests/site/artifacts/site-phone-lessons-<theme>.png.
"""
import time

import pytest
from course_pages import EVERY_IMPACT, audit, blocking
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

LESSON = "04_padding_and_stride.html"
WIDTHS = [390, 800, 1100, 1300]
#: Below these widths a panel is off-screen and opens as a modal dialog; from them on it sits beside the article.
NARROW_BELOW = {"primary": 960, "secondary": 1200}

_STATE = """
const [kind] = arguments;
const panel = document.getElementById(`pst-${kind}-sidebar`), dialog = document.getElementById(`pst-${kind}-sidebar-modal`);
const box = dialog.open ? dialog : panel;
const r = box.getBoundingClientRect(), s = getComputedStyle(box);
const shown = r.width > 50 && r.height > 50 && s.display !== 'none' && s.visibility !== 'hidden' &&
    r.right > 0 && r.left < innerWidth;
const links = box.querySelectorAll('a[href]').length;
const toggles = [...document.querySelectorAll(`.${kind}-toggle`)].filter(b => b.getClientRects().length &&
    getComputedStyle(b).visibility !== 'hidden');
const f = document.activeElement;
return {dialog: dialog.open, shown, links, focusInside: box.contains(f) && f !== box, focusOnBody: f === document.body,
        focusOnToggle: toggles.includes(f), expanded: toggles.map(b => b.getAttribute('aria-expanded')),
        names: toggles.map(b => b.getAttribute('aria-label'))};
"""


def visible_toggle(driver, kind):
    found = [b for b in driver.find_elements("css selector", f".{kind}-toggle") if b.is_displayed()]
    assert len(found) == 1, f"{len(found)} visible {kind} toggles"
    return found[0]


def press(driver, button, how):
    """Press ``button`` with the mouse, a finger or the keyboard (Enter)."""
    if how != "keyboard":  # a closed panel slides away in 0.2 s: until then it is what a pointer would hit
        state_hit = "const r = arguments[0].getBoundingClientRect(); " \
                    "return arguments[0].contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));"
        deadline = time.monotonic() + 2
        while not driver.execute_script(state_hit, button) and time.monotonic() < deadline:
            time.sleep(0.03)
    if how == "mouse":
        ActionChains(driver).move_to_element(button).click().perform()
    elif how == "touch":
        r = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.x + r.width / 2, "
                                  "r.y + r.height / 2];", button)
        point = {"x": r[0], "y": r[1]}
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    else:
        driver.execute_script("arguments[0].focus();", button)
        driver.switch_to.active_element.send_keys(Keys.ENTER)


def settle(driver):
    """Two frames later: the click handled, the panel laid out (the theme's slide-in transition is not waited for:
    the checks read the panel's box and styles, not its paint)."""
    driver.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));")


def state(driver, kind, until=None, timeout=3):
    """The panel's state, once ``until(state)`` holds (a tap's click may come a moment after the touch)."""
    deadline = time.monotonic() + timeout
    while True:
        st = driver.execute_script(_STATE, kind)
        if until is None or until(st) or time.monotonic() > deadline:
            return st
        time.sleep(0.03)


def open_and_close(driver, kind, how, width):
    """Open the ``kind`` panel with its toggle (``how``), check it, close it with Escape, check that."""
    toggle = visible_toggle(driver, kind)
    narrow = width < NARROW_BELOW[kind]
    if not narrow and state(driver, kind)["shown"]:  # beside the article from the start: hide it first
        press(driver, toggle, how)
        settle(driver)
        st = state(driver, kind, lambda st: not st["shown"])
        assert not st["shown"] and st["expanded"] == ["false"], (kind, how, width, st)
    press(driver, toggle, how)
    settle(driver)
    st = state(driver, kind, lambda st: st["focusInside"])
    assert st["shown"] and st["links"] > 3 and st["dialog"] == narrow, (kind, how, width, st)
    assert st["focusInside"], f"{kind} at {width} px ({how}): focus did not move into the panel: {st}"
    assert st["expanded"] == ["true"], st
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    settle(driver)
    st = state(driver, kind)
    assert st["focusOnToggle"] and not st["focusOnBody"], f"{kind} at {width} px ({how}): focus after Escape: {st}"
    assert not st["dialog"] and st["expanded"] == ["false"], (kind, how, width, st)
    if not narrow:  # shown again for the next check (a wide panel hidden by Escape comes back with its toggle)
        press(driver, visible_toggle(driver, kind), "keyboard")
        assert state(driver, kind, lambda st: st["shown"])["shown"]


@pytest.fixture()
def sized(browser):
    """The browser, its window put back to its usual size afterwards."""
    yield browser
    browser.driver.set_window_size(*browser.window_size)
    browser.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


# A class of its own: pytest-xdist (--dist loadscope) may run it on one worker and the tests below on another.
class TestSidebars:
    @pytest.mark.parametrize("width", WIDTHS)
    def test_toggles_open_and_close_their_panels(self, sized, server, artifacts, width):
        check_toggles(sized, server, artifacts, width)


def check_toggles(sized, server, artifacts, width):
    driver = sized.driver
    driver.set_window_size(width, 900)
    page = sized.open(server, LESSON)
    assert driver.execute_script("return innerWidth") == width
    st = {kind: state(driver, kind) for kind in ("primary", "secondary")}
    assert st["primary"]["names"] == ["Lesson list"] and st["secondary"]["names"] == ["Contents of this page"], st
    searches = driver.execute_script("return [...document.querySelectorAll('.search-button__button')]"
                                     ".filter(b => b.getClientRects().length).length;")
    assert searches == 1, f"{searches} search fields or buttons at {width} px"
    # code lines wrap in their block: none wider than the column (no sideways scrolling to read code)
    assert driver.execute_script("return [...document.querySelectorAll('article pre')]"
                                 ".filter(p => p.scrollWidth > p.clientWidth + 1).length;") == 0
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    for kind in ("primary", "secondary"):
        for how in ("mouse", "touch", "keyboard"):
            open_and_close(driver, kind, how, width)
    assert page.console_errors() == []
    if width == 390:  # the lesson list open on a phone, in both themes
        for theme in ("light", "dark"):
            page.switch_theme(theme)
            press(driver, visible_toggle(driver, "primary"), "keyboard")
            settle(driver)
            assert state(driver, "primary", lambda st: st["dialog"])["dialog"]
            current = driver.execute_script("return document.activeElement.textContent.trim();")
            assert current.startswith("04 Padding and stride"), f"focus on {current!r}, not the current lesson"
            assert blocking(audit(driver), EVERY_IMPACT) == [], f"the open lesson list ({theme})"
            driver.save_screenshot(str(artifacts / f"site-phone-lessons-{theme}.png"))
            driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            settle(driver)


_RESULTS = """
return Array.from(document.querySelectorAll('#search-results li')).map(li => ({
    href: li.querySelector('a').getAttribute('href'), snippet: (li.querySelector('p.context') || {}).textContent || ''}));
"""
THEME_WORDS = ["System Settings", "Light Dark", "Color mode", "Contents", "Toggle", "Search Ctrl"]


def search(sized, server, query):
    page = sized.open(server, f"search.html?q={query}")
    results = page.wait(lambda: (r := page.driver.execute_script(_RESULTS)) and all(x["snippet"] for x in r) and r,
                        30, f"search results with snippets for {query!r}")
    assert page.console_errors() == []
    return results


def test_search_reads_like_the_lessons(sized, server):
    times = search(sized, server, "1×1")
    plain = search(sized, server, "1x1")
    assert any(r["href"].startswith("06_1x1_convolution.html") for r in times), times
    assert {r["href"].split("#")[0] for r in times} == {r["href"].split("#")[0] for r in plain}
    for r in times + search(sized, server, "padding"):
        for word in THEME_WORDS:
            assert word not in r["snippet"], f"theme words in a snippet: {r}"
        assert "\\" not in r["snippet"], f"TeX in a snippet: {r}"
    # TeX as a reader sees it
    assert sized.driver.execute_script(r"return d2lSite.texText('\\lfloor (8 - 5 + 2) / 4 \\rfloor \\times 3')") == \
        "⌊(8 - 5 + 2) / 4⌋ × 3"
    assert sized.driver.execute_script(r"return d2lSite.texText('\\(3 \\times 3\\)')") == "3 × 3"


def test_code_cells_have_a_copy_button_the_keyboard_reaches(sized, server):
    page = sized.open(server, LESSON)
    driver = page.driver
    info = driver.execute_script("""
        const cells = document.querySelectorAll('div.cell_input div.highlight');
        const buttons = [...document.querySelectorAll('div.cell_input button.copybtn')];
        return {cells: cells.length, buttons: buttons.length, tabbable: buttons.filter(b => b.tabIndex >= 0).length,
                names: [...new Set(buttons.map(b => b.getAttribute('aria-label') || b.title || b.textContent.trim()))]};""")
    assert info["cells"] > 5 and info["buttons"] == info["cells"] == info["tabbable"], info
    assert all(info["names"]), info
    # the keyboard: Tab from the code reaches the button, Enter copies (the button says so)
    button = driver.find_element("css selector", "div.cell_input button.copybtn")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", button)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait(lambda: driver.execute_script(
        "const b = document.querySelector('div.cell_input button.copybtn');"
        "return (b.getAttribute('data-tooltip') || '').startsWith('Copied');"), 5, "the copy button to say Copied")
    assert page.console_errors() == []
