"""Lessons 3, 4 and 7 in a real JupyterLab with headless Chromium.

For each lesson: run all cells; the explorer answers key presses on its own; the kernel's explorer
follows the page (``.output_shape``, ``.status``) and the page follows the kernel (``.set``); after the
kernel is shut down (DELETE /api/kernels/<id>) the explorer keeps working from the page alone; an
axe-core audit of the explorers and figures in the Light and Dark themes finds nothing serious or
critical; screenshots of both themes go to tests/browser/artifacts/.

Then a notebook executed as ``make execute`` does: every explorer's full state is stored (``_esm``
included), so a static page mounts it from the notebook alone; and the lessons' figures render, with
their colours, in that notebook opened untrusted, as a freshly cloned one is.
"""
import json
import re
import sys
from pathlib import Path

import lab_browser
import nbformat
import pytest
from explorer_page import StaticPage, expected_live, install_probes, notebook_states, open_page, slider_values
from lab_browser import axe_audit, next_frames, set_lab_theme
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

#: (notebook, explorer, the control the learner moves, what the kernel then sets)
LESSONS = [
    ("03_edge_detection.ipynb", "PhotoFilter", "padding", "w.set(stride=2, preset='Sobel x')"),
    ("04_padding_and_stride.ipynb", "ConvExplorer", "padding height", "w.set(padding=(2, 1), stride=2)"),
    ("07_pooling.ipynb", "PoolExplorer", "pool size height", "w.set(pool_size=3, padding=1, mode='avg')"),
]
KEYS = [Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_LEFT, Keys.END, Keys.HOME, Keys.ARROW_RIGHT]
#: ipywidgets' own console message when a model cannot reach a kernel that was shut down
NO_KERNEL = "Could not send widget sync message"
#: What the audit looks at: the explorers, the lessons' drawings and the figures' captions.
AUDITED = ["[data-explorer]", ".d2l-figure", ".d2l-caption"]


def brightness(css_colour):
    """'rgb(12, 34, 56)' -> the mean of the three channels (0-255)."""
    rgb = [float(v) for v in css_colour[css_colour.index("(") + 1:css_colour.index(")")].split(",")[:3]]
    return sum(rgb) / 3


def live_shape(live):
    """'Padding height 2. Output shape (3, 4).' -> (3, 4); anything else -> None."""
    m = re.search(r"Output shape \((\d+), (\d+)\)\.$", live)
    return (int(m.group(1)), int(m.group(2))) if m else None


def says(live, expected):
    """The live region's announcement ends with the status's first sentence ('... Output shape (3, 4).')."""
    return live.endswith(expected) if expected else live.startswith("Impossible setting")


def kernel_explorer(page, cls):
    """Python code naming ``w``: the kernel's explorer of class ``cls`` that this notebook shows."""
    ids = page.widget_model_ids()
    return (f"import json\nfrom ipywidgets.widgets.widget import _instances as _I\n"
            f"w = [_I[m] for m in {ids!r} if m in _I and type(_I[m]).__name__ == {cls!r}][0]\n")


def kernel_view(page):
    out = page.kernel_run("import json\nprint(json.dumps({'status': w.status, 'shape': w.output_shape}))")
    return json.loads(out)


def probe(page, root):
    return page.driver.execute_script("return window.d2lProbe(arguments[0]);", root)


def settle(page):
    page.driver.execute_async_script("setTimeout(arguments[0], 0);")


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and NO_KERNEL not in e["message"] and "favicon" not in e["message"]]


@pytest.mark.parametrize("notebook, cls, label, kernel_set", LESSONS, ids=[n[:2] for n, *_ in LESSONS])
def test_lesson_explorer_with_the_kernel_then_without_it(lab, browser, artifacts, notebook, cls, label, kernel_set):
    page = browser.open_notebook(lab, notebook)
    page.run_all()
    assert page.errors() == [], f"cells raised in {notebook}"
    root = page.wait_for(f'[data-explorer="{cls}"]')
    driver = page.driver
    install_probes(driver)
    console_errors(driver)  # empties the log: only what happens from here on counts
    page.kernel_run(kernel_explorer(page, cls))
    n = tuple(json.loads(page.kernel_run("print(json.dumps(list(getattr(w, 'input_shape', None) or w.photo_shape)))")))
    assert probe(page, root)["status"] == kernel_view(page)["status"]

    # the page answers key presses itself, and the kernel's explorer follows it
    control = next(c for c in root.find_elements(By.CSS_SELECTOR, "input[type=range]")
                   if c.get_attribute("aria-label") == label)
    for key in KEYS[:3]:
        control.send_keys(key)
        settle(page)
        shown = probe(page, root)
        assert says(shown["live"], expected_live(cls, n, slider_values(driver, root))), shown["live"]
        page.wait(lambda: kernel_view(page)["status"] == shown["status"], 15, "the kernel to follow the page")
        assert live_shape(shown["live"]) == (tuple(kernel_view(page)["shape"]) if kernel_view(page)["shape"] else None)

    # the kernel moves the page
    page.kernel_run(kernel_set)
    want = kernel_view(page)["status"]
    page.wait(lambda: probe(page, root)["status"] == want, 15, "the page to follow the kernel's .set")

    # no kernel: the page keeps working alone
    page.shutdown_kernel(lab)
    root = driver.find_element(By.CSS_SELECTOR, f'[data-explorer="{cls}"]')
    control = next(c for c in root.find_elements(By.CSS_SELECTOR, "input[type=range]")
                   if c.get_attribute("aria-label") == label)
    changed = 0
    for key in KEYS[1:]:
        before = probe(page, root)
        control.send_keys(key)
        settle(page)
        shown = probe(page, root)
        live = expected_live(cls, n, slider_values(driver, root))
        assert says(shown["live"], live), shown["live"]
        changed += shown["status"] != before["status"]
    assert changed >= 3, "the explorer stopped reacting after the kernel was shut down"
    assert console_errors(driver) == []

    # readable and accessible in both themes: the audit, then screenshots of the explorer and a figure
    report = {"notebook": notebook, "themes": {}}
    for theme in ("light", "dark"):
        set_lab_theme(driver, dark=theme == "dark")
        # text and lines follow the theme (light on dark, dark on light); the window stays orange
        colours = driver.execute_script("""
            const root = arguments[0], css = (el, p) => el ? getComputedStyle(el)[p] : null;
            return {text: css(root.querySelector('.d2l-status'), 'color'),
                    svg: css(root.querySelector('svg.d2l-svg text'), 'fill'),
                    window: css(root.querySelector('svg.d2l-svg rect.d2l-win'), 'fill')};""", root)
        for what in ("text", "svg"):
            if colours[what]:
                assert (brightness(colours[what]) > 128) == (theme == "dark"), (theme, what, colours)
        if colours["window"]:
            assert colours["window"] == "rgb(246, 178, 107)", colours  # orange in both themes
        violations = axe_audit(driver, AUDITED)
        assert violations == [], f"{notebook} ({theme}): " + json.dumps(violations, indent=1)[:3000]
        images = driver.execute_script(
            "return [...document.querySelectorAll('.jp-RenderedImage img')].map(i => i.alt || '');")
        report["themes"][theme] = {"violations": violations, "png_outputs": len(images),
                                   "png_outputs_without_alt": sum(1 for a in images if not a)}
        driver.execute_script("window.jupyterapp.shell.collapseLeft(); arguments[0].scrollIntoView({block: 'start'});",
                              root)
        next_frames(driver)
        driver.save_screenshot(str(artifacts / f"lab-{notebook[:2]}-{theme}-explorer.png"))
        figures = driver.find_elements(By.CSS_SELECTOR, ".d2l-figure, .d2l-caption")
        if figures:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", figures[0])
            next_frames(driver)
            driver.save_screenshot(str(artifacts / f"lab-{notebook[:2]}-{theme}-figure.png"))
    (artifacts / f"lab-{notebook[:2]}-audit.json").write_text(json.dumps(report, indent=2))


SAVED_STATE_CELLS = [
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport numpy as np\n"
    "from d2lutils.drawing import channels_svg, conv_step_svg, figure_png\n"
    "from d2lutils.widgets import ConvExplorer, PhotoFilter, PoolExplorer, ReceptiveFieldExplorer",
    "ConvExplorer(input_shape=(8, 8)).set(padding=1, stride=2)",
    "PoolExplorer(input_shape=(4, 4)).set(mode='avg')",
    "PhotoFilter().set(preset='Sobel x')",
    "ReceptiveFieldExplorer(input_shape=(16, 16)).set(layers=[{'kind': 'conv', 'kernel_size': 3, 'dilation': 2},"
    " {'kind': 'pool', 'kernel_size': 2}], position=(2, 3))",
    "X = np.arange(9).reshape(3, 3)\nconv_step_svg((3, 3), kernel_size=2, padding=1, position=(0, 0), X=X,"
    " K=np.array([[0, 1], [2, 3]]), title='One ring of zero padding around a 3x3 input')",
    "channels_svg(c_i=3, H=5, W=5, c_o=2, kh=3, kw=3, padding=1)",
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1, 4])\nfigure_png(fig, 'a rising line')",
]


@pytest.fixture(scope="module")
def executed(lab):
    """A notebook with every explorer and figure, executed as `make execute` does, in Lab's folder."""
    sys.path.insert(0, str(Path(lab_browser.__file__).parent))
    import execute_notebooks
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in SAVED_STATE_CELLS])
    path = lab.root / "saved_state.ipynb"
    nbformat.write(nb, path)
    _, _, error = execute_notebooks.execute(path)
    assert error is None, error
    return path


def test_figures_render_themed_in_an_untrusted_notebook(lab, browser, artifacts, executed):
    page = browser.open_notebook(lab, executed.name)
    page.wait_for_kernel()
    driver = page.driver
    figures = page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".d2l-figure"), 30, "the figures")
    trusted = driver.execute_script(
        "return window.jupyterapp.shell.currentWidget.content.widgets.map(c => c.model.trusted);")
    assert not any(trusted), "a freshly executed, unsigned notebook should be untrusted"
    nb = json.loads(executed.read_text())
    stored = ["".join(o["data"]["text/html"]) for c in nb["cells"] for o in c.get("outputs", [])
              if "text/html" in o.get("data", {}) and "d2l-figure" in "".join(o["data"]["text/html"])]
    assert len(figures) == len(stored) == 2
    for figure, html in zip(figures, stored):
        # every box and every colour of the stored drawing survived the sanitizer
        shown = driver.execute_script(
            "return [arguments[0], ...arguments[0].querySelectorAll('[style]')].map(d => d.getAttribute('style'));",
            figure)
        assert len(shown) == html.count(' style="') and html.count("<div ") > 50
        assert sum("background-color" in s for s in shown) == html.count("background-color")
        assert sum("position:absolute" in s.replace(" ", "") for s in shown) == html.count("position:absolute")
    caption = driver.find_element(By.CSS_SELECTOR, ".d2l-caption")
    assert caption.text == "Figure: A rising line."
    for theme in ("light", "dark"):
        set_lab_theme(driver, dark=theme == "dark")
        assert axe_audit(driver, [".d2l-figure", ".d2l-caption"]) == []
        # the figure's text takes the theme's colour: dark on light, light on dark
        color = driver.execute_script("return getComputedStyle(arguments[0]).color;", figures[0])
        assert (brightness(color) < 128) == (theme == "light"), (theme, color)
        driver.execute_script("window.jupyterapp.shell.collapseLeft(); arguments[0].scrollIntoView({block: 'start'});",
                              figures[0])
        next_frames(driver)
        driver.save_screenshot(str(artifacts / f"untrusted-figures-{theme}.png"))


def test_executed_notebook_stores_every_explorer_whole_and_a_page_mounts_it(browser, executed):
    states = notebook_states(executed)
    assert [s["state"]["_anywidget_id"].rsplit(".", 1)[1] for s in states.values()] == [
        "ConvExplorer", "PoolExplorer", "PhotoFilter", "ReceptiveFieldExplorer"]
    for s in states.values():
        assert s["state"]["_esm"].rstrip().endswith("export default { render };") and s["state"]["_css"]
        assert s["state"]["_status"].startswith("Output shape")
    photo = next(s for s in states.values() if "photo_shape" in s["state"])
    assert [b["path"] for b in photo["buffers"]] == [["photo"]]
    with StaticPage(states) as static:
        ready = open_page(browser.driver, static)
        assert ready["errors"] == [] and ready["count"] == 4
        install_probes(browser.driver)
        shown = browser.driver.execute_script("return window.d2l.explorers.map(e => window.d2lProbe(e.el).status);")
    assert shown == [s["state"]["_status"] for s in states.values()]  # the page says what the kernel said


def test_missing_browser_is_reported_and_required_in_ci(monkeypatch):
    monkeypatch.setattr(lab_browser, "CHROMIUM", "/nonexistent/chromium")
    reason = lab_browser.browser_missing()
    assert reason and "/nonexistent/chromium" in reason and "apt-get install chromium" in reason
    monkeypatch.delenv("D2L_REQUIRE_BROWSER", raising=False)
    monkeypatch.setenv("CI", "true")
    assert lab_browser.browser_required()
    monkeypatch.setenv("CI", "false")
    assert not lab_browser.browser_required()
    monkeypatch.setenv("D2L_REQUIRE_BROWSER", "1")
    assert lab_browser.browser_required()
