"""The explorers on a static page, from their saved state alone (a local stand-in model, no kernel).

What the page computes is checked against independent references: output shapes against real Gluon
layers, pooled values against nd.Pooling, receptive fields against d2lutils.receptive, the filtered
photograph against d2lutils.corr2d; and its words against the Python explorer's ``.status`` for the
same settings. Most settings are driven through the model (fast, hundreds of them); a sample through
real key presses. Bad values never break the page, and the next good one recovers.
"""
import base64
import json
import random
import re
import time

import numpy as np
import pytest
from explorer_page import StaticPage, install_probes, open_page, widget_states
from lab_browser import axe_audit, wait_until
from mxnet import gluon, nd
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from d2lutils import conv_output_shape, corr2d, pool_output_shape
from d2lutils.receptive import receptive_field, receptive_region, stack_shapes
from d2lutils.widgets import ConvExplorer, PhotoFilter, PoolExplorer, ReceptiveFieldExplorer
from d2lutils.widgets._base import plain
from d2lutils.widgets.photo import to_uint8

from reference import mx_pool

pytestmark = pytest.mark.browser

#: The explorers on the page, in order, and the Python twin that gets the same settings.
EXPLORERS = [
    ("conv 8x8", lambda: ConvExplorer(input_shape=(8, 8))),
    ("conv 5x9", lambda: ConvExplorer(input_shape=(5, 9))),
    ("conv 16x16", lambda: ConvExplorer(input_shape=(16, 16))),
    ("pool 4x4", lambda: PoolExplorer(input_shape=(4, 4))),
    ("pool 7x5", lambda: PoolExplorer(input_shape=(7, 5))),
    ("receptive 20x20", lambda: ReceptiveFieldExplorer(input_shape=(20, 20))),
    ("photo", lambda: PhotoFilter(learned_kernel=[[1, -1]])),
]
INDEX = {name: i for i, (name, _) in enumerate(EXPLORERS)}
CONTROL_TRAITS = {"ConvExplorer": ConvExplorer._controls, "PoolExplorer": PoolExplorer._controls,
                  "ReceptiveFieldExplorer": ReceptiveFieldExplorer._controls, "PhotoFilter": PhotoFilter._controls}


class Page:
    def __init__(self, driver):
        self.driver = driver

    def root(self, name):
        return self.driver.execute_script("return window.d2l.explorers[arguments[0]].el;", INDEX[name])

    def probe(self, name):
        return self.driver.execute_script("return window.d2lProbe(window.d2l.explorers[arguments[0]].el);",
                                          INDEX[name])

    def sweep(self, name, settings):
        return self.driver.execute_async_script(
            "const [i, list, done] = arguments; window.d2lSweep(i, list).then(done, (e) => done({error: String(e)}));",
            INDEX[name], settings)

    def state(self, name, traits):
        """The model's current values of ``traits`` (what the page would send to a kernel)."""
        return self.driver.execute_script(
            "const m = window.d2l.explorers[arguments[0]].model; const out = {};"
            "for (const t of arguments[1]) out[t] = m.get(t); return JSON.parse(JSON.stringify(out));",
            INDEX[name], list(traits))

    def errors(self):
        errors = self.driver.execute_script("return window.d2l.errors;")
        logs = [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
        return errors + logs


@pytest.fixture(scope="module")
def static_page():
    with StaticPage(widget_states([make() for _, make in EXPLORERS])) as static:
        yield static


@pytest.fixture()
def page(browser, static_page):
    """The page with every explorer, (re)loaded if another test navigated elsewhere."""
    if browser.driver.current_url != static_page.url:
        ready = open_page(browser.driver, static_page)
        assert ready["errors"] == [] and ready["count"] == len(EXPLORERS)
        install_probes(browser.driver)
    return Page(browser.driver)


def twin(name):
    return dict(EXPLORERS)[name]()


# ---------------------------------------------------------------- references

def gluon_conv_shape(n, k, p, s, d):
    net = gluon.nn.Conv2D(1, kernel_size=k, padding=p, strides=s, dilation=d, in_channels=1)
    net.initialize()
    return tuple(net(nd.zeros((1, 1) + tuple(n))).shape[2:])


def gluon_pool(X, k, p, s, mode):
    layer = (gluon.nn.MaxPool2D if mode == "max" else gluon.nn.AvgPool2D)(k, strides=s, padding=p)
    Y = layer(nd.array(X[None, None]))
    return tuple(Y.shape[2:]), Y.asnumpy()[0, 0]


def pair(rng, lo, hi):
    a = rng.randint(lo, hi)
    return [a, a] if rng.random() < 0.4 else [a, rng.randint(lo, hi)]


# ---------------------------------------------------------------- the page computes what Gluon computes

@pytest.mark.parametrize("name, n, count", [("conv 8x8", (8, 8), 90), ("conv 5x9", (5, 9), 70),
                                            ("conv 16x16", (16, 16), 60)])
def test_conv_page_matches_gluon_and_python(page, name, n, count):
    rng = random.Random(sum(map(ord, name)))
    lim = ConvExplorer._limits(n)
    settings = []
    for _ in range(count):
        values = {"linked": False, **{t: pair(rng, *lim[t]) for t in ConvExplorer._params}}
        if rng.random() < 0.3:
            values["step"] = rng.randint(0, 40)
        settings.append(values)
    shown = page.sweep(name, settings)
    py = twin(name)
    possible = impossible = 0
    for values, got in zip(settings, shown):
        py.set_state(values)
        assert got["status"] == py.status, values
        k, p, s, d = (tuple(values[t]) for t in ConvExplorer._params)
        try:
            expected = conv_output_shape(n, k, p, s, d)
        except ValueError:
            expected = None
        if expected is None:
            assert got["live"].startswith("Impossible setting") and got["error"] and not got["drawn"]
            assert py.output_shape is None
            if impossible < 10:  # Gluon refuses these too
                with pytest.raises(Exception):
                    gluon_conv_shape(n, k, p, s, d)
            impossible += 1
            continue
        assert gluon_conv_shape(n, k, p, s, d) == expected == py.output_shape
        assert got["live"] == f"Output shape {expected}." and got["drawn"] and not got["error"]
        assert got["formula"] == py.formula and got["gluon"] == py.gluon and got["pytorch"] == py.pytorch
        assert f"output {expected[0]}×{expected[1]}" in got["title"] and got["desc"]
        possible += 1
    assert possible >= 15 and impossible >= 5
    assert page.errors() == []


@pytest.mark.parametrize("name, n, count", [("pool 4x4", (4, 4), 110), ("pool 7x5", (7, 5), 110)])
def test_pool_page_matches_nd_pooling_and_python(page, name, n, count):
    rng = random.Random(sum(map(ord, name)))
    lim = PoolExplorer._limits(n)
    X = np.arange(n[0] * n[1], dtype=np.float32).reshape(n)
    settings = []
    for _ in range(count):
        values = {"linked": False, "default_stride": False, "mode": rng.choice(["max", "avg"]),
                  **{t: pair(rng, *lim[t]) for t in PoolExplorer._params}}
        if rng.random() < 0.3:
            values["step"] = rng.randint(0, 20)
        settings.append(values)
    if n == (4, 4):  # a tie: (0 + ... + 1) / 8 = 0.125, written 0.13 on both sides (toFixed), not 0.12
        settings.insert(0, {"linked": False, "default_stride": False, "mode": "avg", "pool_size": [2, 4],
                            "padding": [1, 2], "stride": [1, 1], "step": 0})
    shown = page.sweep(name, settings)
    py = twin(name)
    possible = impossible = 0
    assert n != (4, 4) or shown[0]["status"].endswith("/ 8 = 0.13 (padding counts as 0).")
    for values, got in zip(settings, shown):
        py.set_state(values)
        assert got["status"] == py.status, values
        k, p, s = (tuple(values[t]) for t in PoolExplorer._params)
        try:
            expected = pool_output_shape(n, k, p, s)
        except ValueError:
            expected = None
        if expected is None:
            assert got["live"].startswith("Impossible setting") and not got["drawn"]
            impossible += 1
            continue
        shape, Yg = gluon_pool(X, k, p, s, values["mode"])
        assert shape == expected == py.output_shape
        assert got["live"] == f"Output shape {expected}."
        Y = np.array(got["values"])
        np.testing.assert_allclose(Y, mx_pool(X, k, values["mode"], p, s), rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(Y, Yg, rtol=1e-6, atol=1e-6)
        assert got["formula"] == py.formula and got["gluon"] == py.gluon and got["pytorch"] == py.pytorch
        possible += 1
    assert possible >= 40 and impossible >= 10
    assert page.errors() == []


def random_layers(rng):
    layers = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["conv", "conv", "pool"])
        k = pair(rng, 1, 5)
        layer = {"kind": kind, "kernel_size": k, "stride": pair(rng, 1, 3),
                 "padding": [rng.randint(0, min(3, v - 1) if kind == "pool" else 3) for v in k],
                 "dilation": pair(rng, 1, 3) if kind == "conv" else [1, 1]}
        layers.append(layer)
    return layers


def test_receptive_page_matches_d2lutils_receptive(page):
    rng = random.Random(12)
    n = (20, 20)
    settings = []
    for _ in range(220):
        layers = random_layers(rng)
        settings.append({"linked": False, "layers": layers, "position": [rng.randint(0, 19), rng.randint(0, 19)]})
    shown = page.sweep("receptive 20x20", settings)
    py = twin("receptive 20x20")
    possible = 0
    for values, got in zip(settings, shown):
        py.set_state(values)
        assert got["status"] == py.status, values
        layers = values["layers"]
        try:
            shapes = stack_shapes(n, layers)
        except ValueError:
            assert got["live"].startswith("Impossible setting") and not got["drawn"] and py.output_shape is None
            continue
        out = shapes[-1]
        pos = tuple(min(values["position"][a], out[a] - 1) for a in range(2))
        assert got["live"] == f"Output shape {out}." and py.output_shape == out and tuple(py.position) == pos
        fields = [receptive_field(layers[:l + 1]) for l in range(len(layers))]
        for l, row in enumerate(got["table"][1:]):  # each layer: output shape, field size, jump
            f = fields[l]
            assert row[1] == f"({shapes[l][0]}, {shapes[l][1]})"
            assert row[2] == f"{f.size[0]}×{f.size[1]}"
            assert row[3] == (str(f.jump[0]) if f.jump[0] == f.jump[1] else f"({f.jump[0]}, {f.jump[1]})")
            assert f"= {f.size[0]}" in row[4] and f"= {f.jump[0]}" in row[4]
        # the highlighted cells of the input and of every layer are exactly what the output cell depends on
        levels_shapes = [n] + shapes
        for l, mask in enumerate(got["levels"]):
            if l == len(layers):
                want = np.zeros(levels_shapes[l], dtype=int)
                want[pos] = 1
            else:
                rows, cols = receptive_region(levels_shapes[l], layers[l:], pos)
                want = np.zeros(levels_shapes[l], dtype=int)
                want[np.ix_(rows, cols)] = 1
            assert mask == want.ravel().tolist(), (values, l)
        possible += 1
    assert possible >= 80
    assert page.errors() == []


def test_photo_page_filters_like_corr2d_in_every_binary_form(browser):
    """The photograph reaches the module as a DataView, an ArrayBuffer or a Uint8Array: all work."""
    py = PhotoFilter()
    states = widget_states([py])
    settings = [{"preset": "Sobel x", "kernel": py.presets["Sobel x"], "padding": 1, "stride": 1},
                {"preset": "custom", "kernel": [[0.5, -1.25, 0], [2, 0.1, -3], [0, 1, 1]], "padding": 3, "stride": 2},
                {"preset": "blur", "kernel": py.presets["blur"], "padding": 0, "stride": 4}]
    for form in ("dataview", "arraybuffer", "uint8array"):
        with StaticPage(states, form=form) as static:
            assert open_page(browser.driver, static)["errors"] == []
            install_probes(browser.driver)
            page = Page(browser.driver)
            for values in settings:
                got = browser.driver.execute_async_script(
                    "const [v, done] = arguments; window.d2lApply(0, v).then(() => "
                    "done([window.d2lProbe(window.d2l.explorers[0].el), window.d2lCanvas(window.d2l.explorers[0].el)]));",
                    values)
                shown, canvas = got
                py.set_state(values)
                assert shown["status"] == py.status
                grey = np.frombuffer(base64.b64decode(canvas["grey"]), dtype=np.uint8).reshape(canvas["height"],
                                                                                                canvas["width"])
                want = to_uint8(py.Y)  # float32, as the lesson computes it
                assert grey.shape == want.shape == py.output_shape
                assert np.abs(grey.astype(int) - want.astype(int)).max() <= 1, form
                # off by one only where the exact grey level 255·|y| / max|y| is a whole number (a floor tie
                # that rounding decides either way), computed here from the photo's integer grey levels
                Yu = np.abs(corr2d(np.frombuffer(py.photo, np.uint8).reshape(py.X.shape).astype(np.float64),
                                   np.array(values["kernel"], dtype=np.float64), padding=values["padding"],
                                   stride=values["stride"]))
                level = 255 * Yu / Yu.max()
                off = grey.astype(int) != np.floor(level + 1e-9).astype(int)
                assert np.all(np.abs(level[off] - np.round(level[off])) < 1e-6), form
            assert page.errors() == []


# ---------------------------------------------------------------- real key presses

KEYS = [Keys.ARROW_RIGHT, Keys.ARROW_LEFT, Keys.ARROW_UP, Keys.ARROW_DOWN, Keys.HOME, Keys.END, Keys.PAGE_UP]


@pytest.mark.parametrize("name", ["conv 8x8", "pool 4x4", "receptive 20x20", "photo"])
def test_key_presses_move_the_page_and_python_agrees(page, name):
    """Keys on the page's own controls; the twin gets what the page would send to a kernel, and says the same."""
    rng = random.Random(len(name))
    driver = page.driver
    root = page.root(name)
    py = twin(name)
    cls = type(py).__name__
    py.set_state(plain(page.state(name, CONTROL_TRAITS[cls])))
    moved = 0
    before = page.probe(name)["status"]
    for _ in range(24):
        # the enabled, visible controls, with their kind (one round trip to the browser)
        controls = driver.execute_script(
            "return [...arguments[0].querySelectorAll('input[type=range], input[type=number], select')]"
            ".filter((c) => !c.disabled && c.offsetParent !== null)"
            ".map((c) => [c, c.tagName === 'SELECT' ? 'select' : c.type, c.getAttribute('aria-label')]);", root)
        control, kind, label = rng.choice(controls)
        key = rng.choice(KEYS if kind == "range" else [Keys.ARROW_DOWN, Keys.ARROW_UP])
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", control)
        control.send_keys(key)
        # once the page has settled: did the key stay on the control, what the model holds, what the page says
        focused, state, got = driver.execute_async_script("""
            const [control, i, traits, done] = arguments;
            window.d2lSettle().then(() => {
                const m = window.d2l.explorers[i].model, out = {};
                for (const t of traits) out[t] = m.get(t);
                done([document.activeElement === control, JSON.parse(JSON.stringify(out)),
                      window.d2lProbe(window.d2l.explorers[i].el)]);
            });""", control, INDEX[name], list(CONTROL_TRAITS[cls]))
        assert focused, (label, key)  # the key stayed on the control
        py.set_state(plain(state))
        assert got["status"] == py.status, (label, key)
        moved += got["status"] != before
        before = got["status"]
    assert moved >= 5, "the key presses hardly changed anything"
    assert page.errors() == []


def test_every_control_is_labelled_and_reachable_by_tab(page):
    driver = page.driver
    for name in INDEX:
        root = page.root(name)
        assert root.find_element(By.CSS_SELECTOR, "[data-explorer]").get_attribute("data-explorer") in CONTROL_TRAITS
        assert len(root.find_elements(By.CSS_SELECTOR, "[data-explorer] [role=status]")) == 1
        labels = []
        for c in root.find_elements(By.CSS_SELECTOR, "input, select, button"):
            label = c.get_attribute("aria-label") or driver.execute_script(
                "return arguments[0].labels && arguments[0].labels.length ? arguments[0].labels[0].textContent : "
                "arguments[0].textContent;", c)
            assert label and label.strip(), c.get_attribute("outerHTML")[:120]
            labels.append(label)
            assert c.get_attribute("tabindex") in (None, "0")
        ranges = [c.get_attribute("aria-label") for c in root.find_elements(By.CSS_SELECTOR, "input[type=range]")]
        assert len(ranges) == len(set(ranges)) and all(ranges)
    page.sweep("conv 8x8", [VALID["conv 8x8"]])  # a setting with several steps: Play and step are enabled
    conv = page.root("conv 8x8")
    assert {"padding height", "padding width", "kernel height", "stride width", "dilation height", "step"} <= {
        c.get_attribute("aria-label") for c in conv.find_elements(By.CSS_SELECTOR, "input[type=range]")}
    # Tab walks through the conv explorer's controls in order
    first = conv.find_element(By.CSS_SELECTOR, "input")
    driver.execute_script("arguments[0].focus();", first)
    seen = []
    for _ in range(14):
        seen.append(driver.execute_script("return document.activeElement.getAttribute('aria-label') || "
                                       "document.activeElement.textContent;"))
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert {"kernel height", "kernel width", "padding height", "padding width", "Play", "step"} <= set(seen), seen


def test_play_button_steps_on_its_own_and_pauses(page):
    page.sweep("conv 8x8", [{"kernel_size": [3, 3], "padding": [1, 1], "stride": [2, 2], "dilation": [1, 1],
                             "step": 0}])
    root = page.root("conv 8x8")
    button = root.find_element(By.CSS_SELECTOR, "button.d2l-play")
    button.send_keys(Keys.ENTER)  # the keyboard, as a learner would
    assert button.get_attribute("aria-pressed") == "true" and button.text == "Pause"
    step = wait_until(lambda: (s := page.state("conv 8x8", ["step"])["step"]) >= 2 and s, 10,
                      "two steps of the animation (a step every 0.7 s)")
    assert step >= 2 and f"Step {step + 1} of 16" in page.probe("conv 8x8")["status"]
    button.send_keys(Keys.SPACE)
    time.sleep(0.2)
    assert button.get_attribute("aria-pressed") == "false"
    assert page.state("conv 8x8", ["step"])["step"] in (step, step + 1, step + 2)


def test_clicking_an_output_cell_picks_it(page):
    page.sweep("receptive 20x20", [{"layers": [{"kind": "conv", "kernel_size": [3, 3], "stride": [2, 2],
                                                "padding": [0, 0], "dilation": [1, 1]}], "position": [0, 0]}])
    root = page.root("receptive 20x20")
    cell = root.find_element(By.CSS_SELECTOR, "rect.d2l-pick[data-i='4'][data-j='6']")
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
    cell.click()
    page.driver.execute_async_script("window.d2lSettle().then(arguments[0]);")
    assert page.state("receptive 20x20", ["position"])["position"] == [4, 6]
    assert "Output cell (4, 6) depends on input rows 8–10 and columns 12–14" in page.probe("receptive 20x20")["status"]


# ---------------------------------------------------------------- bad values never break the page

JUNK = ["3", None, 2.5, -1, 10 ** 30, [1], [1, 2, 3], {"a": 1}, [True, 1], "", [1.5, 2], [[1, 2], [3, 4]], True]
VALID = {
    "conv 8x8": {"kernel_size": [3, 3], "padding": [1, 1], "stride": [1, 1], "dilation": [1, 1], "step": 0,
                 "linked": True, "input_shape": [8, 8], "limits": ConvExplorer._limits((8, 8))},
    "pool 4x4": {"pool_size": [2, 2], "padding": [0, 0], "stride": [2, 2], "mode": "max", "default_stride": True,
                 "step": 0, "linked": True, "input_shape": [4, 4], "limits": PoolExplorer._limits((4, 4))},
    "receptive 20x20": {"layers": [{"kind": "conv", "kernel_size": [3, 3], "stride": [1, 1], "padding": [0, 0],
                                    "dilation": [1, 1]}], "position": [0, 0], "linked": True, "input_shape": [20, 20]},
    "photo": {"kernel": [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "padding": 1, "stride": 1, "preset": "identity"},
}


@pytest.mark.parametrize("name", list(VALID))
def test_bad_values_from_a_kernel_are_plain_messages_and_the_page_recovers(page, name):
    valid = VALID[name]
    py = twin(name)
    for trait in valid:
        for junk in JUNK:
            got = page.sweep(name, [valid, {trait: junk}])[1]
            assert isinstance(got["status"], str) and got["status"].strip()
            assert "Error" not in got["status"] and "undefined" not in got["status"] and "NaN" not in got["status"]
            py.set_state(plain(valid))
            py.set_state({trait: plain(junk)})
            if got["error"]:  # a value the controls cannot show: the same words as Python's
                assert got["status"] == py.status, (trait, junk)
        got = page.sweep(name, [valid])[0]
        py.set_state(plain(valid))
        assert not got["error"] and got["status"] == py.status
    assert page.errors() == []


# ---------------------------------------------------------------- themes and accessibility

@pytest.mark.parametrize("theme", ["light", "dark"])
def test_static_page_is_accessible_in_both_themes(browser, artifacts, theme):
    states = widget_states([make() for _, make in EXPLORERS[::2] + EXPLORERS[5:6]])
    with StaticPage(states, theme=theme) as static:
        assert open_page(browser.driver, static)["errors"] == []
        violations = axe_audit(browser.driver, ["[data-explorer]"])
        assert violations == [], json.dumps(violations, indent=1)[:3000]
        browser.driver.set_window_size(1280, 3200)
        browser.driver.save_screenshot(str(artifacts / f"static-page-{theme}.png"))
        browser.driver.set_window_size(*browser.window_size)


# ---------------------------------------------------------------- what a screen reader hears

#: One key press on one control of an explorer, counting the live region's changes (a MutationObserver on
#: the role=status element): [text before, text after, changes, the control is still focused, focus on <body>].
_ARM_LIVE = """
const [root] = arguments;
const live = root.querySelector('[role=status]');
const rec = window.__d2lLive = {before: live.textContent, changes: 0, texts: []};
if (window.__d2lLiveObs) window.__d2lLiveObs.disconnect();
window.__d2lLiveObs = new MutationObserver(() => {
    if (live.textContent !== rec.texts[rec.texts.length - 1]) { rec.changes += 1; rec.texts.push(live.textContent); }
});
window.__d2lLiveObs.observe(live, {childList: true, subtree: true, characterData: true});
"""
_READ_LIVE = """
const [root, control, done] = arguments;
window.d2lSettle().then(() => requestAnimationFrame(() => {
    const live = root.querySelector('[role=status]'), rec = window.__d2lLive;
    done([rec.before, live.textContent, rec.changes, document.activeElement === control,
          document.activeElement === document.body]);
}));
"""
_CONTROLS = """
return [...arguments[0].querySelectorAll('input, select, button')]
    .filter((c) => !c.disabled && c.offsetParent !== null && !(c.type === 'radio' && c.checked))
    .map((c) => [c, c.tagName === 'SELECT' ? 'select' : c.tagName === 'BUTTON' ? 'button' : c.type,
                 c.getAttribute('aria-label') || (c.labels && c.labels[0] ? c.labels[0].textContent : c.textContent),
                 c.type === 'range' && Number(c.value) >= Number(c.max)]);
"""


def press_and_listen(driver, root, control, key):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", control)
    driver.execute_script(_ARM_LIVE, root)
    control.send_keys(key)
    return driver.execute_async_script(_READ_LIVE, root, control)


@pytest.mark.parametrize("name", ["conv 8x8", "pool 4x4", "receptive 20x20", "photo"])
def test_every_control_tells_the_live_region_what_changed(page, name):
    """Each control, one key press: the role=status region says something new, once; the key stays on the control."""
    page.sweep(name, [VALID[name]])
    driver, root = page.driver, page.root(name)
    heard = {}
    for control, kind, label, at_end in driver.execute_script(_CONTROLS, root):
        if kind == "button" and label.strip() in ("Play", "Pause"):
            key = Keys.ENTER
        elif kind == "button":
            continue  # the receptive explorer's add / remove: test_adding_and_removing_layers_...
        else:
            key = {"range": Keys.ARROW_LEFT if at_end else Keys.ARROW_RIGHT, "number": Keys.ARROW_UP,
                   "select": Keys.ARROW_DOWN, "checkbox": Keys.SPACE, "radio": Keys.SPACE}[kind]
        if not driver.execute_script("return !arguments[0].disabled && arguments[0].offsetParent !== null;", control):
            continue  # hidden or disabled by an earlier press (a pooling layer has no dilation)
        before, after, changes, focused, body = press_and_listen(driver, root, control, key)
        assert after != before and changes == 1, (label, before, after, changes)
        assert focused and not body, label
        assert after.strip() and "undefined" not in after and "NaN" not in after, (label, after)
        heard[label.strip()] = after
        if label.strip() in ("Play", "Pause"):
            press_and_listen(driver, root, control, Keys.ENTER)  # pause again
    assert len(heard) >= {"conv 8x8": 11, "pool 4x4": 9, "receptive 20x20": 10, "photo": 12}[name], heard
    # what each kind of control says (the sentences the issue asks for)
    says = "\n".join(heard.values())
    if name != "photo":
        assert re.search(r"Step \d+ of \d+: output cell \(\d+, \d+\) (reads|pools) rows", says) or \
            "depends on input rows" in says, says
    if name == "pool 4x4":
        assert re.search(r"(Max|Average) pooling\. Output cell \(\d+, \d+\): ", says), says
    if name == "receptive 20x20":
        assert re.search(r"Layer 1 \w+ .*Receptive field \d+×\d+, jump \d+; output shape", says), says
    if name == "photo":
        assert re.search(r"Preset [\w ()-]+: kernel \[\[", says) and "Kernel row 1, column 1:" in says, says
    assert page.errors() == []


def test_adding_and_removing_layers_keeps_the_focus_and_says_the_new_field(page):
    page.sweep("receptive 20x20", [VALID["receptive 20x20"]])
    driver, root = page.driver, page.root("receptive 20x20")
    add, remove = [b for b in root.find_elements(By.CSS_SELECTOR, "button")
                   if b.text in ("Add a layer", "Remove the last layer")]
    for count in range(2, 5):  # up to the limit of 4 layers: the button disables itself on the last press
        _, after, changes, focused, body = press_and_listen(driver, root, add, Keys.ENTER)
        assert changes == 1 and after.startswith(f"Layer {count} added: conv 3×3") and "Receptive field" in after
        assert not body
    assert add.get_attribute("disabled") is not None
    assert driver.execute_script("return document.activeElement") == remove  # not <body>
    for count in range(4, 1, -1):
        _, after, changes, focused, body = press_and_listen(driver, root, remove, Keys.ENTER)
        assert changes == 1 and after.startswith(f"Layer {count} removed.") and not body, after
    assert remove.get_attribute("disabled") is not None
    assert driver.execute_script("return document.activeElement") == add
    assert page.errors() == []
