"""NetworkExplorer on a static page (saved state only, the site's loader, no kernel), in headless Chromium.

The page's own forward pass is checked against MXNet's: the class scores of lesson 10's trained network
on the test digits, shifted digits and random drawings (560 inputs) and of three other networks (every
supported layer and setting), and every layer's feature maps on a sample. Then the learner's ways in:
the keyboard (one announcement per key press), mouse and touch strokes, the shift buttons, the presets,
hovering and focusing feature-map cells (their receptive fields against Python's). Junk from a kernel is
a plain message; axe finds nothing in either theme; screenshots at 390 px (a phone) and on a desktop.
"""
import json

import numpy as np
import pytest
from explorer_page import StaticPage, install_probes, open_page, widget_states
from lab_browser import axe_audit, next_frames
from mxnet import nd
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from d2lutils.widgets import NetworkExplorer
from d2lutils.widgets._base import plain

from network_nets import ZOO, inputs, lesson_net, mxnet_layers, shift, zoo_net

pytestmark = pytest.mark.browser

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
NAMES = ("lesson",) + ZOO


def network(name):
    return lesson_net()[0] if name == "lesson" else zoo_net(name)


@pytest.fixture(scope="module")
def static_page():
    with StaticPage(widget_states([NetworkExplorer(network(name)) for name in NAMES])) as static:
        yield static


@pytest.fixture()
def page(browser, static_page):
    if browser.driver.current_url != static_page.url:
        ready = open_page(browser.driver, static_page)
        assert ready["errors"] == [] and ready["count"] == len(NAMES)
        install_probes(browser.driver)
    return browser.driver


SWEEP_JS = """
const [i, list, done] = arguments;
(async () => {
  const ex = window.d2l.explorers[i], root = ex.el.querySelector('[data-explorer]'), out = [];
  for (const values of list) {
    ex.model.set(values);
    await null;  // the explorer draws in the microtask its change queued: done once this one runs
    out.push([JSON.parse(root.dataset.scores || 'null'), root.querySelector('.d2l-status').textContent,
              root.querySelector('.d2l-status').classList.contains('d2l-error')]);
  }
  return out;
})().then(done, (e) => done(String(e)));
"""


def sweep(driver, i, settings):
    return driver.execute_async_script(SWEEP_JS, i, settings)


def errors(driver):
    return driver.execute_script("return window.d2l.errors;") + [
        e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_page_scores_equal_mxnet_on_560_inputs_and_its_words_equal_pythons(page):
    net, data = lesson_net()
    X, shifts = inputs(data, count_random=100)
    assert len(X) >= 300
    settings = [{"image": plain(x[0].tolist()), "shift": list(s)} for x, s in zip(X, shifts)]
    shown = sweep(page, 0, settings)
    want = net(nd.array(np.array([shift(x, *s) for x, s in zip(X, shifts)]))).asnumpy()
    got = np.array([scores for scores, _, _ in shown])
    assert got.shape == want.shape == (len(X), 10)
    assert np.abs(got - want).max() < 1e-4
    py = NetworkExplorer(net)
    for values, (scores, status, error) in zip(settings[::4], shown[::4]):
        py.set_state(values)
        assert status == py.status and not error
        assert np.abs(np.array(py.scores) - scores).max() < 1e-6
    # most test digits, and most of the ones moved by a pixel, are read right: the page shows a trained network
    assert (got[:len(data.y_test)].argmax(1) == data.y_test).mean() > 0.9
    assert errors(page) == []


@pytest.mark.parametrize("index, name", list(enumerate(NAMES))[1:])
def test_other_networks_scores_and_every_layers_maps_equal_mxnet(page, index, name):
    net = network(name)
    data = lesson_net()[1]
    X, shifts = inputs(data, count_random=40, seed=index)
    X = np.array([shift(x, *s) for x, s in zip(X, shifts)])[::8]
    shown = sweep(page, index, [{"image": plain(x[0].tolist()), "shift": [0, 0]} for x in X])
    want = net(nd.array(X)).asnumpy().reshape(len(X), -1)
    assert np.abs(np.array([s for s, _, _ in shown]) - want).max() < 1e-4
    for x in X[:4]:  # every layer's output, as the page computed it for its maps
        sweep(page, index, [{"image": plain(x[0].tolist())}])
        maps = page.execute_script(
            "return window.d2l.explorers[arguments[0]].el.querySelector('[data-explorer]').d2lOutputs"
            ".map((a) => Array.from(a));", index)
        for got, ref in zip(maps, mxnet_layers(net, x[None]), strict=True):
            np.testing.assert_allclose(np.array(got), ref.ravel(), rtol=1e-4, atol=1e-5)
    assert errors(page) == []


def test_every_binary_form_of_the_weights_works(browser):
    """The weights reach the module as a DataView (JupyterLab, the site), an ArrayBuffer or a Uint8Array."""
    net, data = lesson_net()
    states = widget_states([NetworkExplorer(net)])
    X = data.X_test[:12]
    want = net(nd.array(X)).asnumpy()
    for form in ("arraybuffer", "uint8array"):
        with StaticPage(states, form=form) as static:
            assert open_page(browser.driver, static)["errors"] == []
            install_probes(browser.driver)
            shown = sweep(browser.driver, 0, [{"image": plain(x[0].tolist())} for x in X])
            assert np.abs(np.array([s for s, _, _ in shown]) - want).max() < 1e-4, form


COUNT_JS = """
const root = arguments[0];
const live = root.querySelector('[role=status]'), field = root.querySelector('.d2l-net-field');
window.__d2lSaid = [];
if (window.__d2lSayObserver) window.__d2lSayObserver.disconnect();
const obs = window.__d2lSayObserver = new MutationObserver(() => {
  for (const [node, name] of [[live, 'status'], [field, 'field']]) {
    const last = window.__d2lSaid.filter((s) => s[0] === name).pop();
    const before = last ? last[1] : node.dataset.before;
    if (node.textContent !== before) window.__d2lSaid.push([name, node.textContent]);
  }
});
live.dataset.before = live.textContent;
field.dataset.before = field.textContent;
obs.observe(live, {childList: true, characterData: true, subtree: true});
obs.observe(field, {childList: true, characterData: true, subtree: true});
"""


def explorer(driver, i=0):
    return driver.execute_script("return window.d2l.explorers[arguments[0]].el.querySelector('[data-explorer]');", i)


def model_state(driver, i=0):
    return driver.execute_script(
        "const m = window.d2l.explorers[arguments[0]].model; return JSON.parse(JSON.stringify("
        "{image: m.get('image'), shift: m.get('shift'), cursor: m.get('cursor')}));", i)


def settle(driver):
    driver.execute_async_script("window.d2lSettle().then(arguments[0]);")


def test_keyboard_draws_and_each_key_press_is_announced_once(page):
    net, data = lesson_net()
    sweep(page, 0, [{"image": [[0.0] * 8 for _ in range(8)], "shift": [0, 0], "cursor": [0, 0]}])
    root = explorer(page)
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    assert grid.get_attribute("role") == "application" and grid.get_attribute("tabindex") == "0"
    page.execute_script("arguments[0].focus();", grid)
    py = NetworkExplorer(net)
    keys = [Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_DOWN, " ", Keys.SHIFT + Keys.ARROW_DOWN,
            Keys.SHIFT + Keys.ARROW_DOWN, Keys.SHIFT + Keys.ARROW_RIGHT, Keys.ARROW_LEFT, " ", " ", Keys.ARROW_UP]
    ink = {(1, 2), (2, 2), (3, 2), (3, 3)}
    for key in keys:
        page.execute_script(COUNT_JS, root)
        grid.send_keys(key)
        settle(page)
        said = page.execute_script("return window.__d2lSaid;")
        assert [name for name, _ in said] == ["status"], (key, said)  # one announcement, the status
        assert page.switch_to.active_element == grid
        state = model_state(page)
        py.set_state(state)
        assert said[0][1] == py.status.split(" The drawing")[0]
        assert root.find_element(By.CSS_SELECTOR, ".d2l-status").text == py.status
    drawn = {(r, c) for r in range(8) for c in range(8) if state["image"][r][c] > 0}
    assert drawn == ink and state["cursor"] == [2, 2]
    want = net(nd.array(np.array(state["image"], np.float32)[None, None])).asnumpy()[0]
    assert np.abs(np.array(json.loads(root.get_attribute("data-scores"))) - want).max() < 1e-4
    grid.send_keys(Keys.CONTROL + "c")  # copies, as everywhere: it does not clear
    settle(page)
    assert model_state(page)["image"] == state["image"]
    for clear in (Keys.DELETE, "c"):
        grid.send_keys(" ")
        grid.send_keys(clear)
        settle(page)
        assert not np.any(model_state(page)["image"]) and root.text.count("The drawing is empty.") == 1
    assert errors(page) == []


def cell_point(driver, grid, r, c):
    """Viewport coordinates of the middle of cell (r, c) of the drawing."""
    return driver.execute_script("""
        const [grid, r, c] = arguments, box = grid.querySelector('svg').getBoundingClientRect();
        const unit = box.width / 258;
        return [Math.round(box.left + (17 + 30 * c + 15) * unit), Math.round(box.top + (17 + 30 * r + 15) * unit)];""",
                                 grid, r, c)


@pytest.mark.parametrize("kind", [interaction.POINTER_MOUSE, interaction.POINTER_TOUCH])
def test_a_stroke_with_the_mouse_or_a_finger_paints_and_erases(page, kind):
    sweep(page, 0, [{"image": [[0.0] * 8 for _ in range(8)], "shift": [0, 0], "cursor": [0, 0]}])
    root = explorer(page)
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    path = [(1, 1), (1, 2), (2, 3), (3, 3), (4, 3)]

    def stroke(cells):
        actions = ActionBuilder(page, mouse=PointerInput(kind, f"{kind} pointer"))
        actions.pointer_action.move_to_location(*cell_point(page, grid, *cells[0])).pointer_down()
        for cell in cells[1:]:
            actions.pointer_action.move_to_location(*cell_point(page, grid, *cell))
        actions.pointer_action.pointer_up()
        actions.perform()
        settle(page)
    stroke(path)
    state = model_state(page)
    assert {(r, c) for r in range(8) for c in range(8) if state["image"][r][c] == 1} == set(path)
    assert state["cursor"] == [4, 3]
    stroke([(1, 2), (2, 3)])  # starting on ink, the stroke erases
    state = model_state(page)
    assert {(r, c) for r in range(8) for c in range(8) if state["image"][r][c] == 1} == {(1, 1), (3, 3), (4, 3)}
    assert errors(page) == []


def test_shift_buttons_and_presets_move_what_the_network_reads(page):
    net, _ = lesson_net()
    py = NetworkExplorer(net)
    sweep(page, 0, [{"image": py.presets["test digit 3"], "shift": [0, 0], "cursor": [0, 0]}])
    root = explorer(page)
    buttons = {b.get_attribute("aria-label") or b.text: b for b in root.find_elements(By.CSS_SELECTOR, "button")}
    for label, want in [("shift the drawing right", [0, 1]), ("shift the drawing down", [1, 1]),
                        ("shift the drawing down", [2, 1]), ("shift the drawing left", [2, 0]),
                        ("shift the drawing up", [1, 0])]:
        buttons[label].send_keys(Keys.ENTER)  # the keyboard, as a learner would
        settle(page)
        state = model_state(page)
        assert state["shift"] == want
        py.set_state(state)
        assert root.find_element(By.CSS_SELECTOR, ".d2l-status").text == py.status
        scores = json.loads(root.get_attribute("data-scores"))
        ref = net(nd.array(shift(np.array(state["image"], np.float32)[None, None], *want))).asnumpy()[0]
        assert np.abs(np.array(scores) - ref).max() < 1e-4
    assert "shifted 1 row down" in py.status
    # painting on a shifted drawing paints what the learner sees: the shift becomes part of the drawing
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    page.execute_script("arguments[0].focus();", grid)
    grid.send_keys(" ")
    settle(page)
    state = model_state(page)
    expected = shift(np.array(py.presets["test digit 3"])[None], 1, 0)[0]
    expected[state["cursor"][0], state["cursor"][1]] = 1 - (expected[state["cursor"][0], state["cursor"][1]] > 0)
    assert state["shift"] == [0, 0] and np.array_equal(np.array(state["image"]), expected)
    buttons["no shift"].click()
    select = Select(root.find_element(By.CSS_SELECTOR, "select"))
    assert [o.text for o in select.options][1:] == list(py.presets)
    select.select_by_value("test digit 7")
    settle(page)
    state = model_state(page)
    assert state["image"] == py.presets["test digit 7"] and state["shift"] == [0, 0]
    py.set_state(state)
    assert py.prediction == 7 and root.find_element(By.CSS_SELECTOR, ".d2l-status").text == py.status
    assert select.first_selected_option.get_attribute("value") == ""  # ready to load the next one
    assert errors(page) == []


def outline(root):
    rect = root.find_elements(By.CSS_SELECTOR, "rect.d2l-net-field-outline")
    if not rect:
        return None
    rows, cols = (tuple(int(v) for v in rect[0].get_attribute(a).split(",")) for a in ("data-rows", "data-cols"))
    return rows, cols


HOVER_JS = """
const [root, cells] = arguments;
const maps = [...root.querySelectorAll('.d2l-net-maps')];
return cells.map(([p, i, j, rows, cols]) => {
  const canvas = maps[p].querySelector('canvas'), b = canvas.getBoundingClientRect();
  canvas.dispatchEvent(new PointerEvent('pointermove', {bubbles: true, clientX: b.left + (j + 0.5) * b.width / cols,
                                                        clientY: b.top + (i + 0.5) * b.height / rows}));
  const rect = root.querySelector('rect.d2l-net-field-outline');
  return rect ? [rect.dataset.rows.split(',').map(Number), rect.dataset.cols.split(',').map(Number)] : null;
});
"""


@pytest.mark.parametrize("index", [0, 1])
def test_hovering_or_focusing_a_map_cell_outlines_its_receptive_field(page, index):
    py = NetworkExplorer(network(NAMES[index]))
    root = explorer(page, index)
    panels = root.find_elements(By.CSS_SELECTOR, ".d2l-net-maps")
    layer_index = [l for l, L in enumerate(py.layers[:-1]) if L["kind"] != "flatten"]
    assert len(panels) == len(layer_index)
    # every cell of every layer's maps (pointer events at its middle) outlines what Python says it sees
    cells, want = [], []
    for p, l in enumerate(layer_index):
        shape = py.layers[l]["shape"]
        rows, cols = (shape[1], shape[2]) if len(shape) == 3 else (1, shape[0])
        for i in range(rows):
            for j in range(cols):
                cells.append([p, i, j, rows, cols])
                want.append(py.region(l, (i, j)))
    page.execute_script("arguments[0].scrollIntoView({block: 'start'});", panels[0])
    got = page.execute_script(HOVER_JS, root, cells)
    assert [tuple(map(tuple, g)) for g in got] == want and len(want) > 100
    # a real mouse: onto a cell of the third layer's maps, then away
    p, l = 2, layer_index[2]
    canvas = panels[p].find_elements(By.CSS_SELECTOR, "canvas")[-1]
    shape = py.layers[l]["shape"]
    corner = ("arguments[0].scrollIntoView({block: 'center'}); const b = arguments[0].getBoundingClientRect();"
              "return [Math.floor(b.left + b.width * 0.9), Math.floor(b.top + b.height * 0.1)];")  # top-right cell
    x, y = page.execute_script(corner, canvas)
    actions = ActionBuilder(page)
    actions.pointer_action.move_to_location(x, y)
    actions.perform()
    settle(page)
    assert outline(root) == py.region(l, (0, shape[2] - 1))
    ActionChains(page).move_to_element(root.find_element(By.CSS_SELECTOR, ".d2l-title")).perform()
    settle(page)
    assert outline(root) is None
    # a finger: a tap on a cell (no hovering on a phone) shows its field until the next tap
    page.execute_script("""
        const [canvas, x, y] = arguments, at = {bubbles: true, clientX: x, clientY: y, pointerType: 'touch'};
        for (const type of ['pointerdown', 'pointerup', 'pointerout', 'pointerleave'])
          canvas.dispatchEvent(new PointerEvent(type, {...at, bubbles: type !== 'pointerleave'}));""",
                        canvas, *page.execute_script(corner, canvas))
    page.execute_script("arguments[0].dispatchEvent(new PointerEvent('pointerleave', {pointerType: 'touch'}));",
                        panels[p])
    settle(page)
    assert outline(root) == py.region(l, (0, shape[2] - 1))
    # the keyboard: focus the first layer's maps, move its cell with the arrow keys; one announcement each
    panel = panels[0]
    page.execute_script("arguments[0].focus();", panel)
    settle(page)
    L = py.layers[0]
    i, j = (L["shape"][1] - 1) // 2, (L["shape"][2] - 1) // 2
    assert outline(root) == py.region(0, (i, j))
    for key, (di, dj) in [(Keys.ARROW_LEFT, (0, -1)), (Keys.ARROW_UP, (-1, 0)), (Keys.ARROW_UP, (-1, 0))]:
        page.execute_script(COUNT_JS, root)
        panel.send_keys(key)
        settle(page)
        i, j = max(i + di, 0), max(j + dj, 0)
        assert outline(root) == py.region(0, (i, j))
        said = page.execute_script("return window.__d2lSaid;")
        assert [name for name, _ in said] == ["field"] and f"cell ({i}, {j}) sees" in said[0][1]
    assert errors(page) == []


JUNK = ["3", None, 2.5, -1, [1], [1, 2, 3], {"a": 1}, [True, 1], "", [[0.5] * 8] * 7, [[2] * 8] * 8,
        [[None] * 8] * 8, [8, 0], [1.5, 0], True]


def test_junk_from_a_kernel_is_a_plain_message_and_the_page_recovers(page):
    net, _ = lesson_net()
    py = NetworkExplorer(net)
    valid = {"image": py.presets["test digit 5"], "shift": [0, 0], "cursor": [0, 0]}
    for trait in valid:
        for junk in JUNK:
            got = sweep(page, 0, [valid, {trait: junk}])[1]
            py.set_state(plain(valid))
            py.set_state({trait: plain(junk)})
            assert got[1] == py.status and "Error" not in got[1] and "undefined" not in got[1]
            assert got[2] == (py.scores is None)
        got = sweep(page, 0, [valid])[0]
        py.set_state(valid)
        assert got[1] == py.status and not got[2]
    for junk in ({"layers": [{"kind": "conv"}]}, {"weights": [1, 2, 3]}, {"layers": "x"}):
        got = sweep(page, 0, [junk])[0]
        assert got[1].startswith("Cannot show the network") and got[2]
    assert errors(page) == []


PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False}  # the page has no viewport tag


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_accessible_in_both_themes_and_usable_on_a_phone(browser, artifacts, theme):
    driver = browser.driver
    with StaticPage(widget_states([NetworkExplorer(lesson_net()[0])]), theme=theme) as static:
        assert open_page(driver, static)["errors"] == []
        root = explorer(driver)
        panel = root.find_element(By.CSS_SELECTOR, ".d2l-net-maps")
        driver.execute_script("arguments[0].focus();", panel)  # a receptive field shown, too
        assert axe_audit(driver, ["[data-explorer]"], impacts=ALL_IMPACTS) == []
        colours = driver.execute_script("""
            const root = arguments[0], css = (s, p) => getComputedStyle(root.querySelector(s))[p];
            return {text: css('.d2l-status', 'color'), index: css('.d2l-net-svg text', 'fill'),
                    paper: css('.d2l-net-paper', 'fill')};""", root)
        bright = lambda c: sum(float(v) for v in c[c.index("(") + 1:c.index(")")].split(",")[:3]) / 3  # noqa: E731
        assert (bright(colours["text"]) > 128) == (bright(colours["index"]) > 128) == (theme == "dark")
        assert colours["paper"] == "rgb(255, 255, 255)"  # the drawing is paper in both themes
        driver.set_window_size(1280, 1600)
        next_frames(driver)
        driver.save_screenshot(str(artifacts / f"network-static-{theme}.png"))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        try:
            next_frames(driver)
            widths = driver.execute_script("""
                const root = arguments[0];
                return {page: document.documentElement.scrollWidth, root: root.getBoundingClientRect().right,
                        grid: root.querySelector('.d2l-net-grid').getBoundingClientRect().width,
                        overflowing: [...root.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > 391)
                          .map((e) => e.className.baseVal ?? e.className).slice(0, 5)};""", root)
            assert widths["page"] <= 390 and widths["root"] <= 390 and widths["overflowing"] == [], widths
            assert widths["grid"] >= 240  # cells of 30 px: big enough for a finger
            assert axe_audit(driver, ["[data-explorer]"], impacts=ALL_IMPACTS) == []
            driver.save_screenshot(str(artifacts / f"network-phone-{theme}.png"))
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.set_window_size(*browser.window_size)
