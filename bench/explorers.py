"""`make bench`, the explorers: from a key press on a control to the frame that shows the result.

1. ``bench_widgets``: the Python side, median time of ``.set(...)`` (validation, the new status and
   output shape computed with d2lutils, the message to the page built).
2. ``bench_browser``: in headless Chromium, for every explorer, key presses on one of its sliders,
   timed in the page from the keydown event's time stamp to the requestAnimationFrame that follows the
   explorer's redraw (its role=status text and its drawing updated): the frame that paints the result.
   On a static page (the explorers mounted from saved state, no kernel) and in JupyterLab (lessons 3, 4
   and 7, and the receptive-field and network explorers in scratch notebooks; for the network explorer a
   stroke on its drawing: Shift + arrow paints the next cell, its maps and scores repainted). Beside it, in JupyterLab, the kernel
   round trip that every move used to wait for: keydown -> the change reaches the kernel -> the
   kernel's new ``_status`` is back on the page. Goal: median <= 16 ms (one frame at 60 Hz).
"""
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

FRAME_GOAL_S = 0.016
SET_GOALS = {"ConvExplorer": 0.010, "PoolExplorer": 0.010, "PhotoFilter": 0.010, "ReceptiveFieldExplorer": 0.010,
             "NetworkExplorer": 0.010}

#: (explorer, the slider the bench moves, the lesson that shows it in JupyterLab or None for a scratch notebook)
MOVES = [("ConvExplorer", "padding height", "04_padding_and_stride.ipynb"),
         ("PoolExplorer", "pool size height", "07_pooling.ipynb"),
         ("PhotoFilter", "padding", "03_edge_detection.ipynb"),
         ("ReceptiveFieldExplorer", "layer 1 kernel height", None),
         ("NetworkExplorer", "drawing", None)]

#: The scratch notebooks' code for the explorers that no lesson shows yet (JupyterLab part).
SCRATCH = {
    "ReceptiveFieldExplorer": "from d2lutils.widgets import ReceptiveFieldExplorer\n"
                              "ReceptiveFieldExplorer(input_shape=(16, 16))",
    "NetworkExplorer": "from d2lutils.widgets import NetworkExplorer\nimport sys\n"
                       f"sys.path.insert(0, {str(ROOT / 'bench')!r})\nfrom explorers import lesson_net\n"
                       "NetworkExplorer(lesson_net())",
}

#: The explorer's model in JupyterLab (ipywidgets' manager, reached through the output's renderer) and
#: the time its `_status` comes back from the kernel after a key press.
KERNEL_JS = r"""
window.__d2lModel = null;  // this notebook's model is found again (JupyterLab may have shown another one before)
window.d2lFindModel = async function (cls) {
  const nb = window.jupyterapp.shell.currentWidget.content;
  for (const cell of nb.widgets) {
    if (!cell.outputArea) continue;
    for (const child of cell.outputArea.widgets) {
      for (const w of (child.widgets || [child])) {
        if (!w._manager) continue;
        const m = w._manager.promise ? await w._manager.promise : await w._manager;
        const ids = m._models instanceof Map ? [...m._models.keys()] : Object.keys(m._models || {});
        for (const id of ids) {
          const model = await m.get_model(id);
          if ((model.get('_anywidget_id') || '').endsWith('.' + cls) && model.comm_live) return model;
        }
      }
    }
  }
  return null;
};
window.d2lArmKernel = async function (cls, root) {
  const model = window.__d2lModel || (window.__d2lModel = await window.d2lFindModel(cls));
  const rec = window.__d2lKernel = {down: null, back: null};
  document.addEventListener('keydown', (e) => { if (rec.down === null) rec.down = e.timeStamp; },
                            {capture: true, once: true});
  // the kernel's answer to this key press: its status is the one the page now shows (a late answer
  // to the previous press, still on its way, is not counted)
  const back = () => {
    if (rec.down === null || rec.back !== null) return;
    if (model.get('_status') !== root.querySelector('.d2l-status').textContent) return;
    rec.back = performance.now();
    model.off('change:_status', back);
  };
  model.on('change:_status', back);
  return model !== null;
};
"""


def say(text):
    print(text, flush=True)


def lesson_net():
    """Lesson 10's network (two conv-ReLU-pool blocks, two dense layers) trained for 3 epochs (about a second)."""
    import mxnet as mx
    from mxnet import init
    from mxnet.gluon import nn

    from d2lutils.digits import load_digits
    from d2lutils.training import train
    mx.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(pool_size=2),
            nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(pool_size=2),
            nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize(init.Xavier())
    train(net, load_digits(), num_epochs=3, lr=0.01, progress=False)
    return net


def _make(cls):
    from d2lutils import widgets
    return {"ConvExplorer": lambda: widgets.ConvExplorer(input_shape=(8, 8)),
            "PoolExplorer": lambda: widgets.PoolExplorer(input_shape=(4, 4)),
            "PhotoFilter": lambda: widgets.PhotoFilter(),
            "ReceptiveFieldExplorer": lambda: widgets.ReceptiveFieldExplorer(input_shape=(16, 16)),
            "NetworkExplorer": lambda: widgets.NetworkExplorer(lesson_net())}[cls]()


def _digits():
    from d2lutils.widgets.network import test_digits
    return list(test_digits().values())


def bench_widgets(repeat=50):
    """Median time of ``.set(...)`` in Python, cycling through settings."""
    from d2lutils.data import KERNELS
    cycles = {
        "ConvExplorer": [dict(kernel_size=k, padding=p, stride=s, dilation=d)
                         for k, p, s, d in [(3, 0, 1, 1), (3, 1, 1, 1), (5, 2, 2, 1), (2, 0, 2, 1),
                                            (3, 1, 1, 2), (1, 0, 1, 1), (4, 1, 3, 1), (3, 2, 2, 2)]],
        "PoolExplorer": [dict(pool_size=k, padding=p, stride=s, mode=m)
                         for k, p, s, m in [(2, 0, 2, "max"), (2, 0, 1, "avg"), (3, 1, 1, "max"),
                                            (3, 1, 2, "avg"), (2, 1, 2, "max"), (3, 0, 1, "avg")]],
        "PhotoFilter": [dict(kernel=K, padding=p, stride=s)
                        for (K, p, s) in zip(KERNELS.values(), [1, 0, 1, 2, 1, 0, 1], [1, 1, 2, 1, 1, 2, 1])],
        "ReceptiveFieldExplorer": [dict(layers=[{"kind": "conv", "kernel_size": k, "dilation": d},
                                                {"kind": "pool", "kernel_size": 2}], position=(1, 1))
                                   for k, d in [(3, 1), (5, 1), (3, 2), (1, 1), (7, 2)]],
        "NetworkExplorer": [dict(image=X, shift=s) for X, s in zip(_digits(), [(0, 0), (0, 1), (1, -1), (-2, 0)] * 3)],
    }
    rows = []
    for name, cycle in cycles.items():
        w = _make(name)
        for kwargs in cycle[:2]:  # warm-up
            w.set(**kwargs)
        times = []
        for i in range(repeat):
            start = time.perf_counter()
            w.set(**cycle[i % len(cycle)])
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        rows.append({"widget": f"{name}.set (Python)", "median_s": t, "max_s": max(times), "limit_s": SET_GOALS[name],
                     "ok": t <= SET_GOALS[name], "updates": repeat})
        say(f"  {name}.set: median {t * 1e3:.2f} ms over {repeat} updates")
    return rows


def _press(driver, root, control, key, cls, kernel, frames, trips, problem):
    """One timed key press on ``control``: the ms to the painted frame go to ``frames`` and, with ``kernel``,
    the ms until the kernel's answer is back to ``trips``. ``problem(live)``: None, or what is wrong with
    the page's status line."""
    from explorer_page import key_latency
    if kernel:
        assert driver.execute_async_script(
            "window.d2lArmKernel(arguments[0], arguments[1]).then(arguments[2]);", cls, root), f"no kernel model for {cls}"
    frames.append(key_latency(driver, root, control, key))
    # the visible status line (Python's .status); the role=status announcer beside it says what changed
    live = driver.execute_script("return arguments[0].querySelector('.d2l-status').textContent;", root)
    wrong = problem(live)
    if wrong:
        raise AssertionError(f"{cls}: the page shows {live!r}, {wrong}")
    if kernel:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            rec = driver.execute_script("return window.__d2lKernel;")
            if rec["back"] is not None:
                trips.append(rec["back"] - rec["down"])
                break
            time.sleep(0.003)
        else:
            raise TimeoutError(f"{cls}: the kernel did not answer within 10 s")
        time.sleep(0.05)  # let the kernel's echo settle before the next press


def _sweep(driver, root, label, cls, n, moves, kernel=False):
    """Press arrow keys on slider ``label`` (up to its end, then down, ...); per move the ms to the painted
    frame, and with ``kernel`` also the ms until the kernel's answer is back. Checks every result."""
    from explorer_page import expected_live, slider_values
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    control = next(c for c in root.find_elements(By.CSS_SELECTOR, "input[type=range]")
                   if c.get_attribute("aria-label") == label)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", control)
    lo, hi = int(control.get_attribute("min")), int(control.get_attribute("max"))
    frames, trips, up = [], [], True

    def problem(live):
        want = expected_live(cls, n, slider_values(driver, root))
        return None if (want or "Impossible setting") in live else f"expected {want!r}"
    for _ in range(moves):
        v = int(control.get_attribute("value"))
        up = (up and v < hi) or v == lo
        _press(driver, root, control, Keys.ARROW_RIGHT if up else Keys.ARROW_LEFT, cls, kernel, frames, trips, problem)
    return frames, trips


def _sweep_drawing(driver, root, cls, moves, kernel=False):
    """Strokes on the network explorer's drawing, Shift + arrow painting the next cell (a snake over the grid)
    and every 8th a Space toggling one: per stroke the ms to the painted frame with its maps and scores, and
    with ``kernel`` also the ms until the kernel's answer is back. Checks every result."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    grid = root.find_element(By.CSS_SELECTOR, ".d2l-net-grid")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", grid)
    frames, trips, col, right = [], [], 0, True

    def problem(live):
        return None if live.startswith("Prediction: ") else "expected a prediction"
    for move in range(moves):
        if move % 8 == 7:
            key = " "
        elif (right and col == 7) or (not right and col == 0):
            key, right = Keys.SHIFT + Keys.ARROW_DOWN, not right
        else:
            key, col = Keys.SHIFT + (Keys.ARROW_RIGHT if right else Keys.ARROW_LEFT), col + (1 if right else -1)
        _press(driver, root, grid, key, cls, kernel, frames, trips, problem)
    return frames, trips


def _row(what, times_ms, limit_s=FRAME_GOAL_S):
    """A result row. ``times_ms``: numbers, or {changed, raf, painted} dicts (the goal is on ``raf``)."""
    if times_ms and isinstance(times_ms[0], dict):
        extra = {k: statistics.median(t[k] for t in times_ms) / 1e3 for k in ("changed", "raf", "painted")}
        times_ms = [t["raf"] for t in times_ms]
    else:
        extra = {}
    t = statistics.median(times_ms) / 1e3
    return {"widget": what, "median_s": t, "max_s": max(times_ms) / 1e3, "limit_s": limit_s,
            "ok": None if limit_s is None else t <= limit_s, "updates": len(times_ms),
            **{f"median_{k}_s": v for k, v in extra.items()}}


def bench_browser(moves=40):
    """Frame latencies on a static page and in JupyterLab, and the kernel round trips: (goal rows, round-trip rows)."""
    import lab_browser
    from explorer_page import StaticPage, install_probes, open_page, widget_states
    missing = lab_browser.browser_missing()
    if missing:
        say(f"  skipped: {missing}")
        return [], []
    rows, trips = [], []
    shapes = {"ConvExplorer": (8, 8), "PoolExplorer": (4, 4), "PhotoFilter": (300, 256),
              "ReceptiveFieldExplorer": (16, 16)}
    widgets = [_make(cls) for cls, _, _ in MOVES]
    with StaticPage(widget_states(widgets)) as static, lab_browser.Browser(window_size=(1280, 1400)) as browser:
        driver = browser.driver
        open_page(driver, static)
        install_probes(driver)
        roots = driver.execute_script("return window.d2l.explorers.map(e => e.el);")
        for (cls, label, _), root in zip(MOVES, roots):
            if cls == "NetworkExplorer":
                frames, _ = _sweep_drawing(driver, root, cls, moves)
            else:
                frames, _ = _sweep(driver, root, label, cls, shapes[cls], moves)
            rows.append(_row(f"{cls} (static page)", frames))
            say(f"  {cls} on a static page: {_medians(rows[-1])}")
    with lab_browser.Lab(ROOT / "notebooks" / "mxnet") as lab, lab_browser.Browser(window_size=(1280, 1400)) as browser:
        import nbformat
        for cls, code in SCRATCH.items():
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
            nb.metadata["kernelspec"] = {"name": "d2l-cnn", "display_name": "Python 3.11 (CNN course)",
                                         "language": "python"}
            nbformat.write(nb, lab.root / f"bench_{cls}.ipynb")
        for cls, label, lesson in MOVES:
            page = browser.open_notebook(lab, lesson or f"bench_{cls}.ipynb")
            page.run_all()
            root = page.wait_for(f'[data-explorer="{cls}"]')
            install_probes(page.driver)
            page.driver.execute_script(KERNEL_JS)
            if cls == "NetworkExplorer":
                frames, round_trips = _sweep_drawing(page.driver, root, cls, moves, kernel=True)
            else:
                frames, round_trips = _sweep(page.driver, root, label, cls, shapes[cls], moves, kernel=True)
            rows.append(_row(f"{cls} (JupyterLab)", frames))
            trips.append(_row(f"{cls}: kernel round trip", round_trips, None))
            say(f"  {cls} in JupyterLab: {_medians(rows[-1])}; kernel round trip "
                f"{statistics.median(round_trips):.1f} ms")
    return rows, trips


def _medians(row):
    return (f"medians {row['median_changed_s'] * 1e3:.1f} ms to the updated DOM, {row['median_raf_s'] * 1e3:.1f} ms "
            f"to the next frame, {row['median_painted_s'] * 1e3:.1f} ms to that frame painted")


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows)


def report(rows, trips):
    """The explorers' table: every goal row, and the kernel round trips beside the page's own update."""
    def ms(v):
        return "-" if v is None else f"{v * 1e3:.1f} ms"
    lines = [("explorer", "median", "max", "painted", "limit", "")]
    for r in rows:
        lines.append((r["widget"], "not measured" if r["median_s"] is None else ms(r["median_s"]),
                      ms(r.get("max_s")), ms(r.get("median_painted_s")), f"{r['limit_s'] * 1e3:.0f} ms",
                      {True: "PASS", False: "FAIL", None: "N/A"}[r["ok"]]))
    for t in trips:
        page = next((r for r in rows if r["widget"] == t["widget"].replace(": kernel round trip", " (JupyterLab)")), None)
        ratio = f"{t['median_s'] / page['median_s']:.1f}x the page's frame" if page and page["median_s"] else ""
        lines.append((t["widget"] + " (each move, before)", ms(t["median_s"]), ms(t["max_s"]), "-", "-", ratio))
    return (table(lines) + "\n  median: key press -> the next frame after the explorer's update (requestAnimationFrame);"
            "\n  painted: -> that frame painted; kernel round trip: key press -> the kernel's new status back on the page.")
