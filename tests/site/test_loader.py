"""The site's widget loader (site/_static/d2l-widgets.js) mounts anywidgets with no kernel.

A small notebook with a tiny anywidget of our own (tests/site/tiny_widget.js: a padding slider,
a role="status" output shape and a binary buffer) is executed with nbclient, so that its widget
state is stored the way `make execute` stores the explorers' (traits, `_esm`, `_css`, base64
buffers), then built as a one-page site and opened in headless Chromium from 127.0.0.1.
"""
import json
import re
import sys
from pathlib import Path

import build_site
import nbformat
import test_explorers
import pytest
import site_browser
from jupyter_client import KernelManager
from nbclient import NotebookClient
from course_pages import audit, blocking, remote_requests
from selenium.webdriver.common.keys import Keys

from d2lutils import conv_output_shape

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ESM = (HERE / "tiny_widget.js").read_text()
MOCK_ESM = (HERE / "mock_explorer.js").read_text()
CSS = ".tiny-root { border: 3px solid currentColor; padding: 4px; }"
PHOTO = bytes((7 * i + 3) % 256 for i in range(1000))  # not a multiple of 4: a DataView, not a typed array

DEFINE = f'''\
import anywidget
import traitlets


class Tiny(anywidget.AnyWidget):
    _esm = {ESM!r}
    _css = {CSS!r}
    padding = traitlets.Int(2).tag(sync=True)
    kernel_size = traitlets.Int(3).tag(sync=True)
    input_shape = traitlets.List([8, 8]).tag(sync=True)
    photo = traitlets.Bytes({PHOTO!r}).tag(sync=True)


class MockExplorer(anywidget.AnyWidget):
    _esm = {MOCK_ESM!r}
    kind = traitlets.Unicode("ConvExplorer").tag(sync=True)
    input_shape = traitlets.List([8, 8]).tag(sync=True)
    kernel_size = traitlets.List([3, 3]).tag(sync=True)
    padding = traitlets.List([0, 0]).tag(sync=True)
    stride = traitlets.List([1, 1]).tag(sync=True)
    dilation = traitlets.List([1, 1]).tag(sync=True)
    bug = traitlets.Bool(False).tag(sync=True)
'''

FIGURE_HTML = ('<figure class="d2l-figure"><div style="border:1px solid currentColor">Input</div>'
               '<figcaption>A theme-aware figure</figcaption></figure>')
FIXED_HTML = '<div class="fixed-colours" style="color:#6b6b6b">A checker drawn for a white page</div>'

CELLS = [
    ("markdown", "# A tiny explorer\n\nThe loader's test page: $p$ is the padding."),
    ("code", DEFINE),
    ("code", "w = Tiny()\nw"),
    ("code", "w  # a second view of the same model"),
    ("code", "Tiny(padding=0, kernel_size=9)  # another model, in an impossible setting"),
    ("code", "import ipywidgets\n\nipywidgets.IntSlider(3, description='old')  # not an anywidget"),
    # stand-ins for the lesson 4 and 7 explorers, to test the lesson checks (test_explorers.py)
    ("code", "MockExplorer(kind='ConvExplorer', input_shape=[7, 9], stride=[2, 1], dilation=[1, 2])"),
    ("code", "MockExplorer(kind='PoolExplorer', input_shape=[5, 4], kernel_size=[3, 2], stride=[3, 2])"),
    ("code", "MockExplorer(kind='ConvExplorer', bug=True)  # shows a wrong height on purpose"),
    # the two kinds of HTML output the lessons store: a theme-aware figure, fixed colours for a white page
    ("code", "from IPython.display import HTML\n\nHTML(" + repr(FIGURE_HTML) + ")"),
    ("code", "HTML(" + repr(FIXED_HTML) + ")"),
]


def tiny_shape(padding, kernel_size=3, input_shape=(8, 8)):
    """What the tiny explorer must show: padding on the height only (d2lutils.shapes)."""
    try:
        return f"Output shape {conv_output_shape(input_shape, kernel_size, (padding, 0))}"
    except ValueError:
        return "The kernel does not fit the input"


def course_kernel():
    """The kernel of the environment running the tests: the MXNet edition's (d2l-cnn) or the PyTorch
    edition's (d2l-cnn-pytorch); the site tests run once, in either (Makefile: ONCE)."""
    from jupyter_client.kernelspec import KernelSpecManager
    found = KernelSpecManager().find_kernel_specs()
    return next((k for k in ("d2l-cnn", "d2l-cnn-pytorch") if k in found), "python3")


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    nb = nbformat.v4.new_notebook()
    # cell ids as tools/editions.py gives them (the site merges the two editions by them)
    nb.cells = [nbformat.v4.new_markdown_cell(src, id=f"c{n:03d}") if kind == "markdown"
                else nbformat.v4.new_code_cell(src, id=f"c{n:03d}") for n, (kind, src) in enumerate(CELLS)]
    kernel = course_kernel()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3 (CNN course)", "language": "python"}
    folder = tmp_path_factory.mktemp("tiny") / "notebooks" / "mxnet"
    folder.mkdir(parents=True)
    # IPC transport, as `make execute` does: local sockets, no TCP warning
    km = KernelManager(kernel_name=kernel, transport="ipc", ip=str(folder.parent / "kernel"))
    NotebookClient(nb, km=km, kernel_name=kernel, timeout=120,
                   resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "00_index.ipynb"
    nbformat.write(nb, path)
    # the PyTorch edition: the same cells, all shared (the page shows the MXNet edition's outputs)
    (folder.parent / "pytorch").mkdir()
    (folder.parent / "pytorch" / "00_index.ipynb").write_text(path.read_text())
    return path


@pytest.fixture(scope="module")
def tiny_site(notebook):
    out = notebook.parent.parent.parent / "site"
    build_site.build(notebook.parent.parent, out, clean=True, repo_url="")
    with site_browser.SiteServer(out) as server:
        yield server


_SHARED = {}


@pytest.fixture()
def page(tiny_site, browser):
    """The page as loaded, shared by the tests that only read it (loaded again after any navigation)."""
    shown = _SHARED.get("page")
    if shown is None or not browser.driver.execute_script("return window.__d2lSharedPage === true;"):
        shown = _SHARED["page"] = browser.open(tiny_site, "index.html")
        browser.driver.execute_script("window.__d2lSharedPage = true;")
    return shown


@pytest.fixture()
def fresh_page(tiny_site, browser):
    """The page loaded anew, for a test that changes what it shows (not shared)."""
    return browser.open(tiny_site, "index.html")


def test_the_fixture_stores_what_the_explorers_will_store(notebook):
    nb = json.loads(notebook.read_text())
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    tiny = [m for m in state.values() if m["model_module"] == "anywidget" and m["state"]["_esm"] == ESM]
    assert len(tiny) == 2
    for model in tiny:
        assert model["model_name"] == "AnyModel"
        assert model["state"]["_esm"] == ESM and model["state"]["_css"] == CSS
        assert [b["path"] for b in model["buffers"]] == [["photo"]]
        assert model["buffers"][0]["encoding"] == "base64"


def test_views_mount_with_no_kernel(page):
    assert [v["status"] for v in page.views] == ["mounted"] * 3 + ["needs-kernel"] + ["mounted"] * 3
    assert page.console_errors() == []
    roots = page.driver.find_elements("css selector", '[data-explorer="TinyExplorer"]')
    assert len(roots) == 3
    statuses = [site_browser.Explorer(page, r).status() for r in roots]
    assert statuses == [tiny_shape(2), tiny_shape(2), tiny_shape(0, kernel_size=9)]
    # initialize() once per model, render() once per view
    assert page.driver.execute_script("return globalThis.__tinyInitialized") == 2
    # the module's CSS is on the page
    assert page.driver.execute_script("return getComputedStyle(arguments[0]).borderTopWidth", roots[0]) == "3px"


def test_binary_buffer_arrives_as_a_dataview(page):
    texts = [el.text for el in page.driver.find_elements("css selector", ".tiny-photo")]
    assert texts == [f"photo DataView {len(PHOTO)} bytes, sum {sum(PHOTO)}"] * 3


def test_keyboard_moves_the_slider_and_every_view_of_the_model(fresh_page):
    page = fresh_page
    roots = [site_browser.Explorer(page, r)
             for r in page.driver.find_elements("css selector", '[data-explorer="TinyExplorer"]')]
    first, second, other = roots
    for key, padding in [(Keys.ARROW_RIGHT, 3), (Keys.ARROW_RIGHT, 4), (Keys.ARROW_RIGHT, 4),
                         (Keys.ARROW_LEFT, 3), (Keys.HOME, 0)]:
        ms = first.press("padding height", key)
        assert first.status() == tiny_shape(padding)
        assert second.status() == tiny_shape(padding), "the second view of the same model did not follow"
        assert first.settings()["padding"][0] == padding
        assert first.model_state()["padding"] == padding
        if ms is not None:
            assert ms >= 0
    assert other.status() == tiny_shape(0, kernel_size=9), "another model changed"
    model = page.driver.execute_script(
        "const m = window.d2lWidgets.manager.models.get(arguments[0].closest('[data-model-id]').dataset.modelId);"
        "return m.sent;", first.root)
    assert model["saves"] >= 4 and model["messages"] == []
    assert page.console_errors() == []


def test_a_page_opened_from_disk_runs_its_explorers(tiny_site, browser):
    """file:// pages get no module scripts in Chromium: the loader is a classic script for that."""
    browser.drain()
    url = (tiny_site.directory / "index.html").as_uri()
    browser.driver.get(url)
    page = site_browser.SitePage(browser.driver, "index.html (file://)", url).wait_ready()
    assert [v["status"] for v in page.views] == ["mounted"] * 3 + ["needs-kernel"] + ["mounted"] * 3
    explorer = site_browser.Explorer(page, page.driver.find_element("css selector", '[data-explorer="TinyExplorer"]'))
    explorer.press("padding height", Keys.ARROW_RIGHT)
    assert explorer.status() == tiny_shape(3)
    assert page.console_errors() == []


def test_old_ipywidgets_get_a_note_not_an_error(page):
    notes = page.driver.find_elements("css selector", ".d2l-widget-needs-kernel [role=note]")
    assert len(notes) == 1
    assert "make lab" in notes[0].text
    assert page.console_errors() == []


def test_nothing_is_fetched_from_another_host(page, tiny_site):
    urls = page.requests()
    assert urls, "no requests recorded: the network log is not working"
    assert remote_requests(urls, tiny_site) == []


LOCAL_MODEL_SEMANTICS = """
const done = arguments[arguments.length - 1];
const M = window.d2lWidgets.LocalModel;
const log = [];
const m = new M("m1", {a: 1, b: [1, 2], c: null}, null);
const ctx = {};
m.on("change:a", (model, value) => log.push(["change:a", value, model === m]));
m.on("change:b change:c", (model, value) => log.push(["change:b|c", value instanceof DataView ? "DataView" : value]));
m.on("change", () => log.push(["change", m.get("a")]));
m.on("change:a", () => log.push(["ctx"]), ctx);
m.set("a", 1);                       // same value: no event
m.set("b", [1, 2]);                  // equal array: no event
m.set({a: 2, b: [3]});               // two traits, one "change"
m.off(null, null, ctx);
m.set("a", 3);
const nested = () => { if (m.get("a") === 4) m.set("c", "from a handler"); };
m.on("change:a", nested);
m.set("a", 4);                       // a handler sets c: still one "change" after both
m.off("change:a", nested);
const buf1 = new DataView(new Uint8Array([1, 2]).buffer), buf2 = new DataView(new Uint8Array([1, 2]).buffer);
m.set("c", buf1); m.set("c", buf2);  // equal bytes: no second event
m.on("msg:custom", (content, buffers) => log.push(["msg", content.x, buffers.length]));
m.receive({x: 5}, [buf1]);
m.send({y: 1}); m.save_changes();
done({log, sent: m.sent});
"""


def test_local_model_follows_backbone_events(page):
    result = page.driver.execute_async_script(LOCAL_MODEL_SEMANTICS)
    assert result["log"] == [
        ["change:a", 2, True], ["ctx"], ["change:b|c", [3]], ["change", 2],
        ["change:a", 3, True], ["change", 3],
        ["change:a", 4, True], ["change:b|c", "from a handler"], ["change", 4],
        ["change:b|c", "DataView"], ["change", 4],
        ["msg", 5, 1],
    ]
    assert result["sent"] == {"saves": 1, "messages": [{"content": {"y": 1}, "buffers": []}]}


def test_math_in_the_fixture_page_is_typeset(page):
    assert page.driver.find_elements("css selector", "article mjx-container")
    text = page.driver.find_element("css selector", "article").text
    assert not re.search(r"\$p\$", text)


def mock_explorers(page):
    roots = page.driver.find_elements("css selector", "[data-explorer$=Explorer]:not([data-explorer=TinyExplorer])")
    return [(r.get_attribute("data-explorer"), site_browser.Explorer(page, r)) for r in roots]


def test_the_lesson_checks_pass_on_a_correct_explorer(fresh_page):
    """test_explorers.sweep, which checks lessons 4 and 7, on stand-ins for their explorers."""
    page = fresh_page
    (conv_name, conv), (pool_name, pool), _ = mock_explorers(page)
    assert (conv_name, pool_name) == ("ConvExplorer", "PoolExplorer")
    assert conv.settings() == {"input": [7, 9], "kernel": [3, 3], "padding": [0, 0], "stride": [2, 1],
                               "dilation": [1, 2]}
    times, shapes = test_explorers.sweep(conv, conv_name)
    assert len(times) == test_explorers.MOVES and all(t is not None and t >= 0 for t in times)
    assert None not in shapes and len(shapes) > 2
    times, shapes = test_explorers.sweep(pool, pool_name)
    assert None in shapes, "the sweep of a (3, 2) pool's padding 0..3 should reach impossible settings"
    assert page.console_errors() == []


def test_the_lesson_checks_catch_a_wrong_shape(fresh_page):
    page = fresh_page
    *_, (name, wrong) = mock_explorers(page)
    with pytest.raises(AssertionError, match="the status reads"):
        test_explorers.sweep(wrong, name, moves=1)


def test_explorers_and_html_outputs_follow_the_site_theme(tiny_site, browser):
    """JupyterLab's CSS variables, which the explorers' modules use, follow the page's theme; a
    theme-aware figure sits on the page in its colours, a fixed-colour HTML output on a white card."""
    colours = {}
    for theme in ("light", "dark"):
        page = browser.open(tiny_site, "index.html", theme=theme)
        colours[theme] = page.driver.execute_script("""
            const s = getComputedStyle(document.querySelector('[data-explorer=TinyExplorer]'));
            const out = sel => getComputedStyle(document.querySelector(sel).closest('.output'));
            return {explorer: [s.color, s.getPropertyValue('--jp-ui-font-color1').trim(),
                               s.getPropertyValue('--jp-layout-color0').trim()],
                    body: [getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor],
                    figure: [out('.d2l-figure').color, out('.d2l-figure').backgroundColor],
                    fixed: out('.fixed-colours').backgroundColor};""")
        assert blocking(audit(page.driver)) == [], theme
        assert page.console_errors() == []
    for theme, c in colours.items():
        colour, jp_font, jp_layout = c["explorer"]
        assert colour == c["body"][0], f"{theme}: the explorer's text colour is not the page's"
        assert jp_font and jp_layout, f"{theme}: --jp-* variables are not defined for the explorers"
        assert c["figure"][0] == c["body"][0], f"{theme}: the figure is not in the page's text colour"
        assert c["figure"][1] in ("rgba(0, 0, 0, 0)", "transparent"), f"{theme}: the figure sits on a card"
    assert colours["light"]["explorer"][1] != colours["dark"]["explorer"][1]
    assert colours["dark"]["fixed"] == "rgb(255, 255, 255)", "fixed colours need a white card in the dark theme"


def test_the_bench_measures_an_explorer_on_a_static_page(tiny_site, browser):
    """bench/site_bench.py's measurement, on the stand-in ConvExplorer (the lesson has none yet)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import site_bench
    median, times = site_bench.explorer_latency(tiny_site.directory, page="index.html", name="ConvExplorer", moves=6,
                                                browser=browser)
    assert median is not None, times
    assert len(times) == 6 and all(t > 0 for t in times)  # every padding move changes this explorer's shape
    median, reason = site_bench.explorer_latency(tiny_site.directory, page="index.html", name="NoSuchExplorer",
                                                 browser=browser)
    assert median is None and "no NoSuchExplorer" in reason
