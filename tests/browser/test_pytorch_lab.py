"""The PyTorch edition in its own JupyterLab, as `make lab FRAMEWORK=pytorch` opens it.

JupyterLab runs from the PyTorch environment (.venv-pytorch) on a temporary copy of notebooks/pytorch/: a
lesson opens in its kernel with no "Select Kernel" dialog, runs top to bottom without an error and without
MXNet, the first (Colab) cell does nothing, and the explorers answer on the page with the kernel following.
"""
import json
import os
from pathlib import Path

import lab_browser
import numpy as np
import pytest
from explorer_page import install_probes
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = ROOT / ".venv-pytorch" / "bin" / "jupyter"


@pytest.fixture(scope="module")
def pytorch_lab(browser):
    if not JUPYTER.exists():
        reason = "the PyTorch environment (.venv-pytorch) is not installed: make install FRAMEWORK=pytorch"
        if lab_browser.browser_required() or os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = lab_browser.Lab(ROOT / "notebooks" / "pytorch", jupyter=JUPYTER)
    try:
        yield server.start()
    finally:
        server.stop()


def dialogs(driver):
    return driver.execute_script("return [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent);")


def kernel_facts(page):
    return json.loads(page.kernel_run(
        "import json, sys\nprint(json.dumps({'mxnet': 'mxnet' in sys.modules, 'torch': 'torch' in sys.modules,"
        " 'prefix': sys.prefix}))"))


def first_cell_outputs(driver):
    return driver.execute_script(
        "const w = window.jupyterapp.shell.currentWidget; return w.content.widgets[0].model.outputs.length;")


def test_a_lesson_runs_in_the_pytorch_kernel_with_its_explorer(pytorch_lab, browser):
    page = browser.open_notebook(pytorch_lab, "04_padding_and_stride.ipynb")
    page.wait_for_kernel()
    assert dialogs(page.driver) == []  # the notebook names its kernel: no "Select Kernel"
    page.run_all()
    assert page.errors() == []
    facts = kernel_facts(page)
    assert facts["torch"] and not facts["mxnet"]
    assert os.path.realpath(facts["prefix"]) == os.path.realpath(ROOT / ".venv-pytorch")
    assert first_cell_outputs(page.driver) == 0  # the Colab cell does nothing here

    root = page.wait_for('[data-explorer="ConvExplorer"]')
    install_probes(page.driver)
    control = next(c for c in root.find_elements(By.CSS_SELECTOR, "input[type=range]")
                   if c.get_attribute("aria-label") == "padding height")
    before = page.driver.execute_script("return window.d2lProbe(arguments[0]);", root)["status"]
    control.send_keys(Keys.ARROW_RIGHT)
    after = page.wait(lambda: (s := page.driver.execute_script("return window.d2lProbe(arguments[0]);", root)
                               ["status"]) != before and s, 5, "the explorer to answer")
    page.kernel_run("from ipywidgets.widgets.widget import _instances as _I\n"
                    "w = [v for v in _I.values() if type(v).__name__ == 'ConvExplorer'][0]")
    page.wait(lambda: page.kernel_run("print(w.status)").strip() == after, 15, "the kernel to follow the page")


def test_lesson_10_network_explorer_runs_the_torch_network(pytorch_lab, browser):
    page = browser.open_notebook(pytorch_lab, "10_a_network_that_reads_digits.ipynb")
    page.run_all(timeout=240)
    assert page.errors() == []
    assert not kernel_facts(page)["mxnet"]
    root = page.wait_for('[data-explorer="NetworkExplorer"]')
    driver = page.driver
    page.kernel_run("from ipywidgets.widgets.widget import _instances as _I\n"
                    "w = [v for v in _I.values() if type(v).__name__ == 'NetworkExplorer'][-1]")
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    driver.execute_script("arguments[0].focus();", grid)
    view = ("const r = arguments[0]; return {status: r.querySelector('.d2l-status').textContent,"
            " scores: JSON.parse(r.dataset.scores || 'null')};")
    for key in [Keys.ARROW_RIGHT, " "]:
        before = driver.execute_script(view, root)["status"]
        grid.send_keys(key)
        shown = page.wait(lambda: (v := driver.execute_script(view, root))["status"] != before and v, 5,
                          f"the page to answer {key!r}")
        kernel = page.wait(lambda: (k := json.loads(page.kernel_run(
            "import json\nprint(json.dumps({'status': w.status, 'scores': w.scores}))")))["status"]
            == shown["status"] and k, 15, "the kernel to follow the page")
        assert np.abs(np.array(kernel["scores"]) - shown["scores"]).max() < 1e-6
