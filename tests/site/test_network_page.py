"""Lesson 10's NetworkExplorer on the built website: each edition's trained network runs in the page, with no kernel.

The page shows both editions, and each framework's tab holds the explorer of its own edition's network (trained by
MXNet or by PyTorch, with its own weights). The reference is MXNet itself: a Gluon network of lesson 10's
architecture gets the weights that the edition's notebook saved for the page (its widget state; PyTorch's Conv2d
and Linear weights have Gluon's layouts), and its forward pass must give the page's class scores, to 1e-4, on every
preset digit, each shifted one pixel four ways, and random drawings. A key press on the drawing is answered by the
page alone and announced once in its status line.
"""
import base64

import numpy as np
import pytest
from course_pages import ROOT, remote_requests
from explorer_page import notebook_states
from selenium.webdriver.common.keys import Keys

from network_nets import lesson_layers, shift

pytestmark = pytest.mark.browser
pytest.importorskip("mxnet", reason="the reference forward pass is MXNet's (the MXNet edition's environment)")

PAGE = "10_a_network_that_reads_digits.html"
NOTEBOOK = "10_a_network_that_reads_digits.ipynb"
FRAMEWORKS = ("mxnet", "pytorch")

SET_AND_READ = """
const [root, list, done] = arguments;
const host = root.closest('[data-model-id]');
const model = window.d2lWidgets.manager.models.get(host.dataset.modelId);
(async () => {
  const out = [];
  for (const values of list) {
    model.set(values);
    model.save_changes();
    await null;  // the explorer draws in the microtask its change queued
    out.push(JSON.parse(root.dataset.scores || 'null'));
  }
  return out;
})().then(done, (e) => done(String(e)));
"""


def saved_network(framework):
    """(layers, weights as float32, presets) that ``framework``'s edition of the notebook saved for the page."""
    notebook = ROOT / "notebooks" / framework / NOTEBOOK
    [state] = [s for s in notebook_states(notebook).values() if "layers" in s["state"] and "presets" in s["state"]]
    [buffer] = [b for b in state["buffers"] if b["path"] == ["weights"]]
    weights = np.frombuffer(base64.b64decode(buffer["data"]), dtype="<f4")
    return state["state"]["layers"], weights, state["state"]["presets"]


def gluon_net(layers, weights):
    """Lesson 10's architecture in Gluon, holding the saved weights."""
    from mxnet import nd
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(*lesson_layers(nn))
    net.initialize()
    net(nd.zeros((1, 1, 8, 8)))
    with_weights = [layer for layer in layers if layer.get("weight", -1) >= 0]
    blocks = [block for block in net if isinstance(block, (nn.Conv2D, nn.Dense))]
    assert len(with_weights) == len(blocks) == 4
    for spec, block in zip(with_weights, blocks):
        for key, param in (("weight", block.weight), ("bias", block.bias)):
            start, size = spec[key], int(np.prod(param.shape))
            param.set_data(nd.array(weights[start:start + size].reshape(param.shape)))
    return net


def test_the_editions_trained_different_networks():
    """Each tab shows its own edition's network: the two notebooks saved different weights for the page."""
    (layers_mx, weights_mx, _), (layers_pt, weights_pt, _) = (saved_network(fw) for fw in FRAMEWORKS)
    assert weights_mx.shape == weights_pt.shape and not np.allclose(weights_mx, weights_pt)
    assert [layer["kind"] for layer in layers_mx if layer.get("weight", -1) >= 0] == \
        [layer["kind"] for layer in layers_pt if layer.get("weight", -1) >= 0]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_trained_network_runs_in_the_page_as_in_mxnet(browser, server, framework):
    from mxnet import nd
    layers, weights, presets = saved_network(framework)
    net = gluon_net(layers, weights)
    labels = [int(name.split()[-1]) for name in presets]  # "test digit 3"
    images = [np.array(image, dtype=np.float32) for image in presets.values()]
    assert sorted(labels) == list(range(10))
    rng = np.random.default_rng(0)
    images += [(rng.random((8, 8)) < 0.3).astype(np.float32) for _ in range(10)]
    cases = [(image, (0, 0)) for image in images] + [
        (image, move) for image in images[:10] for move in [(1, 0), (-1, 0), (0, 1), (0, -1)]]

    page = browser.open(server, PAGE)
    # the edition's own tab, shown for this page only (the reader's choice is not changed)
    page.driver.execute_script("d2lSwitch.show(arguments[0], {save: false, say: false});", framework)
    explorer = page.explorer("NetworkExplorer", framework=framework)
    assert explorer is not None, f"{PAGE}: no NetworkExplorer in the {framework} tab"
    assert explorer.root.is_displayed()
    got = np.array(page.driver.execute_async_script(
        SET_AND_READ, explorer.root, [{"image": image.tolist(), "shift": list(move)} for image, move in cases]))
    want = net(nd.array(np.array([shift(image[None], *move) for image, move in cases]))).asnumpy()
    assert got.shape == want.shape == (len(cases), 10)
    assert np.abs(got - want).max() < 1e-4
    # the page holds the trained network: it reads its own preset test digits, one of each class, right
    assert (want[:10].argmax(1) == labels).sum() >= 9

    # a key press on the drawing: answered in the page, announced once, nothing fetched, no error
    grid = explorer.root.find_element("css selector", ".d2l-net-grid")
    grid.send_keys(Keys.DELETE)
    before = explorer.status()
    grid.send_keys(Keys.SPACE)
    after = explorer.status()
    assert after != before and after.startswith("Prediction"), (before, after)
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []
