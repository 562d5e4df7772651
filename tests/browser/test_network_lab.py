"""NetworkExplorer in a real JupyterLab: a notebook trains lesson 10's network and shows the explorer.

Key presses on the drawing are answered by the page at once and the kernel's explorer follows them
(``.status``, ``.scores``); ``.set(shift=...)`` from the kernel moves the page; once the kernel is shut
down the page keeps drawing and computing alone; axe finds nothing in JupyterLab's light and dark themes.
"""
import json

import nbformat
import numpy as np
import pytest
from lab_browser import axe_audit, next_frames, set_lab_theme
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

CELLS = [
    "import mxnet as mx\nfrom mxnet import init\nfrom mxnet.gluon import nn\n"
    "from d2lutils.digits import load_digits\nfrom d2lutils.training import train\n"
    "from d2lutils.widgets import NetworkExplorer\n\nmx.random.seed(0)",
    "net = nn.Sequential()\n"
    "net.add(nn.Conv2D(16, kernel_size=3, padding=1, activation='relu'), nn.MaxPool2D(pool_size=2),\n"
    "        nn.Conv2D(32, kernel_size=3, padding=1, activation='relu'), nn.MaxPool2D(pool_size=2),\n"
    "        nn.Dense(64, activation='relu'), nn.Dense(10))\n"
    "net.initialize(init.Xavier())\ndata = load_digits(test_fraction=0.2, seed=0)\n"
    "history = train(net, data, num_epochs=3, lr=0.01, progress=False)",
    "w = NetworkExplorer(net)\nw",
]
NO_KERNEL = "Could not send widget sync message"


@pytest.fixture(scope="module")
def notebook(lab):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "d2l-cnn", "display_name": "Python 3.11 (CNN course)", "language": "python"}
    path = lab.root / "network_explorer.ipynb"
    nbformat.write(nb, path)
    return path.name


def page_view(driver, root):
    return driver.execute_script(
        "const r = arguments[0]; return {status: r.querySelector('.d2l-status').textContent,"
        " scores: JSON.parse(r.dataset.scores || 'null')};", root)


def kernel_view(page):
    return json.loads(page.kernel_run("import json\nprint(json.dumps({'status': w.status, 'scores': w.scores}))"))


def test_network_explorer_in_jupyterlab_with_and_without_the_kernel(lab, browser, artifacts, notebook):
    page = browser.open_notebook(lab, notebook)
    page.run_all()
    assert page.errors() == []
    root = page.wait_for('[data-explorer="NetworkExplorer"]')
    driver = page.driver
    driver.get_log("browser")  # only what happens from here on counts
    assert page_view(driver, root)["status"] == kernel_view(page)["status"]

    # the page answers key presses itself, and the kernel's explorer follows it
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    driver.execute_script("arguments[0].focus();", grid)
    for key in [Keys.ARROW_RIGHT, Keys.ARROW_DOWN, " ", Keys.SHIFT + Keys.ARROW_RIGHT, "c"]:
        before = page_view(driver, root)["status"]
        grid.send_keys(key)
        shown = page.wait(lambda: (v := page_view(driver, root))["status"] != before and v, 5, f"the page to answer {key!r}")
        page.wait(lambda: kernel_view(page)["status"] == shown["status"], 15, "the kernel to follow the page")
        assert np.abs(np.array(kernel_view(page)["scores"]) - shown["scores"]).max() < 1e-6
        assert driver.switch_to.active_element == grid  # JupyterLab left the keys to the drawing ('c' clears)
    assert shown["status"].endswith("The drawing is empty.")

    # the kernel moves the page
    page.kernel_run("w.set(image=data.X_test[0], shift=(0, 1))")
    want = kernel_view(page)
    page.wait(lambda: page_view(driver, root)["status"] == want["status"], 15, "the page to follow the kernel's .set")
    assert "shifted 1 column right" in want["status"]
    assert np.abs(np.array(page_view(driver, root)["scores"]) - want["scores"]).max() < 1e-6

    # no kernel: the page keeps drawing and computing alone
    page.shutdown_kernel(lab)
    root = driver.find_element(By.CSS_SELECTOR, '[data-explorer="NetworkExplorer"]')
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    driver.execute_script("arguments[0].focus();", grid)
    start = page_view(driver, root)
    grid.send_keys(" ")
    toggled = page.wait(lambda: (v := page_view(driver, root))["status"] != start["status"] and v, 5, "a redraw")
    assert toggled["scores"] != start["scores"]
    grid.send_keys(" ")
    back = page.wait(lambda: (v := page_view(driver, root))["status"] != toggled["status"] and v, 5, "a redraw")
    assert np.abs(np.array(back["scores"]) - start["scores"]).max() < 1e-9  # the same drawing, the same scores
    assert [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and NO_KERNEL not in e["message"] and "favicon" not in e["message"]] == []

    for theme in ("light", "dark"):
        set_lab_theme(driver, dark=theme == "dark")
        driver.execute_script("arguments[0].querySelector('.d2l-net-maps').focus();", root)  # a field outlined
        assert axe_audit(driver, ["[data-explorer]"], impacts=("minor", "moderate", "serious", "critical")) == []
        driver.execute_script("window.jupyterapp.shell.collapseLeft(); arguments[0].scrollIntoView({block: 'start'});",
                              root)
        next_frames(driver)
        driver.save_screenshot(str(artifacts / f"lab-network-{theme}.png"))
