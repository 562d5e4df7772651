"""The explorers on the lesson 4 and 7 pages run with no kernel and show the right output shape.

The contract the explorers meet (issue 10), which this test relies on:
- the explorer's root element carries ``data-explorer="ConvExplorer"`` / ``"PoolExplorer"``;
- its controls are ``input[type=range]`` (or ``role="slider"``) with an ``aria-label`` naming the
  parameter and the axis: "kernel height", "pool size width", "padding height", "stride width",
  "dilation height" (a label without "height"/"width" sets both axes);
- the input shape is an "input height"/"input width" control or the model's ``input_shape`` trait;
- a ``role="status"`` element inside the root reads ``Output shape (H', W')`` or, for an
  impossible setting, the reason (any text without "Output shape (").

The padding height is moved from the keyboard (ArrowRight up to its end, then ArrowLeft), and after
every move the status must show the shape ``d2lutils.shapes`` computes from what the controls show.

"""
import statistics

import pytest
from course_pages import remote_requests
from selenium.webdriver.common.keys import Keys

from d2lutils import conv_output_shape, pool_output_shape

pytestmark = pytest.mark.browser

EXPLORERS = [("04_padding_and_stride.html", "ConvExplorer"), ("07_pooling.html", "PoolExplorer")]
MOVES = 10


def expected_shape(name, settings):
    """The output shape d2lutils.shapes gives for the controls' settings, or None if impossible."""
    missing = [k for k in ("input", "kernel", "padding") if None in settings.get(k, [None])]
    assert not missing, f"{name}: no control or trait for {missing} (settings read: {settings})"
    n, k, p = settings["input"], settings["kernel"], settings["padding"]
    try:
        if name == "ConvExplorer":
            return conv_output_shape(n, k, p, settings.get("stride", [1, 1]), settings.get("dilation", [1, 1]))
        return pool_output_shape(n, k, p, settings.get("stride", k))
    except ValueError:
        return None


def check_status(name, settings, status):
    shape = expected_shape(name, settings)
    if shape is None:
        assert status and "Output shape (" not in status, \
            f"{name}: {settings} is impossible, but the status reads {status!r}"
    else:
        assert f"Output shape {shape}" in status, f"{name}: {settings} gives {shape}, the status reads {status!r}"
    return shape


def sweep(explorer, name, moves=MOVES, label="padding height"):
    """Move ``label`` ``moves`` times from the keyboard and check each status.

    Returns (ms from each key press to the painted update (None: status unchanged), the set of
    shapes seen (None for an impossible setting)).
    """
    controls = {c["label"].strip().lower(): c for c in explorer.controls()}
    assert label in controls, f"{name}: no control labelled {label!r} (labels: {sorted(controls)})"
    lo, hi = controls[label]["min"], controls[label]["max"]
    settings = explorer.settings()
    check_status(name, settings, explorer.status())
    up, times, shapes = True, [], set()
    for _ in range(moves):
        before = settings["padding"][0]
        up = (up and before < hi) or before <= lo
        times.append(explorer.press(label, Keys.ARROW_RIGHT if up else Keys.ARROW_LEFT))
        settings = explorer.settings()
        assert settings["padding"][0] == before + (1 if up else -1), \
            f"{name}: {label} went from {before} to {settings['padding'][0]} on one key press"
        shapes.add(check_status(name, settings, explorer.status()))
    assert len(shapes) > 1 or moves < 2, f"{name}: {moves} moves of {label} never changed the output shape"
    return times, shapes


def open_explorer(site_dir, browser, server, path, name):
    page = browser.open(server, path)
    assert page.views and all(v["status"] == "mounted" for v in page.views), page.views
    explorer = page.explorer(name)
    assert explorer is not None, f'{path}: no [data-explorer="{name}"] element on the page'
    return page, explorer


@pytest.mark.parametrize("path, name", EXPLORERS)
def test_explorer_follows_the_keyboard_with_the_right_shape(site_dir, browser, server, path, name):
    page, explorer = open_explorer(site_dir, browser, server, path, name)
    times, _ = sweep(explorer, name)
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []
    measured = [t for t in times if t is not None]
    if measured:
        print(f"\n{name} on {path}: key press -> painted update, median {statistics.median(measured):.1f} ms")


@pytest.mark.parametrize("path, name", EXPLORERS)
def test_explorer_works_in_the_dark_theme(site_dir, browser, server, path, name):
    page, explorer = open_explorer(site_dir, browser, server, path, name)
    page.set_theme("dark")
    explorer = page.explorer(name)
    sweep(explorer, name, moves=2)
    assert page.console_errors() == []
