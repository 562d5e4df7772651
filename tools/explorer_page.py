"""A static page that runs the explorers from saved widget state alone: no kernel, nothing fetched.

The page is what the course website does with a notebook's widgets, with the website's own loader
(``site/_static/d2l-widgets.js``): it reads the saved state of every anywidget model (``_esm`` text,
``_css``, traits, base64 buffers), mounts each with the loader's local stand-in for the kernel-side
model and lets the module run on its own.

    from explorer_page import StaticPage, notebook_states, widget_states
    states = widget_states([ConvExplorer(), PhotoFilter()])           # from live Python widgets
    states = notebook_states("notebooks/mxnet/04_padding_and_stride.ipynb")  # or from a notebook's metadata
    with StaticPage(states, form="dataview", theme="dark") as page:    # served on 127.0.0.1
        driver.get(page.url)           # window.d2l = {ready, explorers: [{id, el, model}], errors}

``form`` is how binary traits reach the module ("dataview", "arraybuffer" or "uint8array"); the
explorers must accept all three. ``theme`` sets ``html[data-theme]`` with pydata-sphinx-theme-like
``--pst-color-*`` variables, as the course site will.
"""
import base64
import functools
import html
import json
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: The few pydata-sphinx-theme colours the explorers read, light and dark (the site's theme).
THEME_CSS = """
html[data-theme=light] { --pst-color-text-base: #222832; --pst-color-background: #ffffff;
  --pst-color-surface: #f3f4f5; --pst-color-border: #d1d5da; --pst-color-primary: #0a7d91; }
html[data-theme=dark] { --pst-color-text-base: #ced6dd; --pst-color-background: #14181e;
  --pst-color-surface: #29313d; --pst-color-border: #48566b; --pst-color-primary: #3fb1c5; }
body { background: var(--pst-color-background); color: var(--pst-color-text-base);
  font-family: system-ui, sans-serif; margin: 16px 24px; }
.d2l-mount { margin: 0 0 28px 0; }
"""


def widget_states(widgets):
    """{model_id: saved state} for live widgets, in the notebook's format (buffers base64)."""
    from ipywidgets.widgets.widget import _remove_buffers
    states = {}
    for w in widgets:
        state, paths, buffers = _remove_buffers(w.get_state())
        states[w.model_id] = {
            "model_name": state["_model_name"], "model_module": state["_model_module"],
            "model_module_version": state["_model_module_version"], "state": state,
            "buffers": [{"path": p, "encoding": "base64", "data": base64.b64encode(bytes(b)).decode("ascii")}
                        for p, b in zip(paths, buffers)]}
    return states


def notebook_states(path):
    """{model_id: saved state} of the anywidget models a notebook shows, in the order it shows them."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    saved = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = [out["data"][WIDGET_VIEW]["model_id"] for cell in nb["cells"] if cell["cell_type"] == "code"
             for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {})]
    return {mid: saved[mid] for mid in shown
            if mid in saved and saved[mid].get("model_module") == "anywidget" and "_esm" in saved[mid]["state"]}


def page_html(states, form="dataview", theme="light", title="Explorers on a static page"):
    """The page's HTML: the states and one view per model as myst-nb writes them, the site's loader."""
    data = json.dumps({"version_major": 2, "version_minor": 0, "state": states}).replace("</", "<\\/")
    views = "".join(f'<script type="{WIDGET_VIEW}">{json.dumps({"model_id": mid})}</script>\n' for mid in states)
    return f"""<!doctype html>
<html lang="en" data-theme="{html.escape(theme)}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{THEME_CSS}</style>
<script>
window.d2lWidgetsBufferForm = {json.dumps(form)};
window.d2l = {{ ready: false, explorers: [], errors: [] }};
window.addEventListener("error", (e) => window.d2l.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.d2l.errors.push(String(e.reason)));
</script>
<script type="{WIDGET_STATE}">{data}</script>
<script defer src="d2l-widgets.js"></script>
<script defer>
window.addEventListener("DOMContentLoaded", async () => {{
  const views = await window.d2lWidgets.ready;
  for (const view of views) {{
    if (view.status !== "mounted") {{
      window.d2l.errors.push(`model ${{view.model_id}}: ${{view.status}} ${{view.error || ""}}`);
      continue;
    }}
    const host = document.querySelector(`.d2l-widget[data-model-id="${{view.model_id}}"]`);
    const el = host.lastElementChild;
    el.classList.add("d2l-mount");
    el.dataset.modelId = view.model_id;
    window.d2l.explorers.push({{ id: view.model_id, el, model: window.d2lWidgets.manager.models.get(view.model_id) }});
  }}
  window.d2l.ready = true;
}});
</script>
</head>
<body><main><h1>{html.escape(title)}</h1>
{views}</main></body>
</html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticPage:
    """The page written to a temporary folder and served on 127.0.0.1 (a free port) until ``stop()``."""

    def __init__(self, states, form="dataview", theme="light", title="Explorers on a static page"):
        self.html = page_html(states, form, theme, title)
        self.tmp = self.server = None

    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="d2l-static-"))
        (self.tmp / "index.html").write_text(self.html, encoding="utf-8")
        shutil.copy(HERE.parent / "site" / "_static" / "d2l-widgets.js", self.tmp / "d2l-widgets.js")
        handler = functools.partial(_QuietHandler, directory=str(self.tmp))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/index.html"

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def open_page(driver, page, timeout=30):
    """Load ``page`` in a selenium ``driver`` and wait until every explorer is mounted; return window.d2l."""
    import time
    driver.get(page.url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = driver.execute_script("return window.d2l && {ready: window.d2l.ready, errors: window.d2l.errors,"
                                      " count: window.d2l.explorers.length};")
        if state and state["ready"]:
            return state
        time.sleep(0.05)
    raise TimeoutError(f"the static page did not mount its explorers within {timeout} s")


#: Helpers the tests and the benchmark install in a page (static or JupyterLab): read what an explorer
#: shows, and time an input event until the updated text and drawing are on screen.
PROBE_JS = r"""
window.d2lProbe = function (el) {
  const q = (s) => el.querySelector(s);
  const text = (s) => { const n = q(s); return n ? n.textContent : null; };
  const shown = (s) => { const n = q(s); return n ? !n.hidden : null; };
  const out = q('.d2l-output');
  const table = [...el.querySelectorAll('table.d2l-numbers tbody tr')].map(
    (tr) => [...tr.children].map((c) => c.textContent));
  const levels = [...el.querySelectorAll('g.d2l-level')].map((g) => {
    const rects = [...g.querySelectorAll('rect.d2l-cell')];
    return rects.map((r) => (r.classList.contains('d2l-win') || r.classList.contains('d2l-seen')
      || r.classList.contains('d2l-out')) ? 1 : 0);
  });
  return {
    name: el.querySelector('[data-explorer]') ? el.querySelector('[data-explorer]').dataset.explorer
      : el.dataset.explorer,
    live: text('[role=status]'), status: text('.d2l-status'), error: q('.d2l-status')?.classList.contains('d2l-error'),
    formula: [...el.querySelectorAll('.d2l-formula > div')].map((d) => d.textContent),
    drawn: shown('.d2l-drawing') ?? shown('figure:has(.d2l-photo-out)'), gluon: text('.d2l-shape code'),
    pytorch: el.querySelectorAll('.d2l-shape code')[1]?.textContent ?? null,
    values: out ? JSON.parse(out.getAttribute('data-values') || 'null') : null,
    table, levels, title: text('svg.d2l-svg title'), desc: text('svg.d2l-svg desc'),
  };
};
window.d2lSettle = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Set traits on explorer i's model (as a kernel would), let it draw, return what it shows. */
window.d2lApply = async function (i, values) {
  const ex = window.d2l.explorers[i];
  for (const [k, v] of Object.entries(values)) ex.model.set(k, v);
  await window.d2lSettle();
  return window.d2lProbe(ex.el);
};
window.d2lSweep = async function (i, list) {
  const out = [];
  for (const values of list) out.push(await window.d2lApply(i, values));
  return out;
};
/** The photo filter's output canvas as grey levels, base64 (one byte per pixel). */
window.d2lCanvas = function (el) {
  const c = el.querySelector('canvas.d2l-photo-out');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let q = 0; q < d.length; q += 4) s += String.fromCharCode(d[q]);
  return {width: c.width, height: c.height, grey: btoa(s)};
};
"""

#: Time from a key press on a control to the frame that shows the result: from the keydown's time stamp
#: to the first change of the explorer's drawing or status after which `want` (a role=status text, or
#: None for any) is shown (`changed`), to the next requestAnimationFrame callback, where the frame with
#: the update begins (`raf`), and to a task posted from there, which runs once that frame has been
#: painted (`frame`).
TIMER_JS = r"""
window.d2lArm = function (root, want) {
  const rec = window.__d2lTiming = {down: null, changed: null, raf: null, frame: null, text: null};
  document.addEventListener('keydown', (e) => { if (rec.down === null) rec.down = e.timeStamp; },
                            {capture: true, once: true});
  if (window.__d2lObserver) window.__d2lObserver.disconnect();
  const live = root.querySelector('[role=status]');
  const obs = window.__d2lObserver = new MutationObserver((records) => {
    if (rec.changed !== null || rec.down === null) return;
    const drew = records.some((r) => {
      const t = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      // the drawing (redrawn, or hidden for an impossible setting) or the status: not the slider's own number
      return t && (t.matches('svg.d2l-svg, canvas.d2l-photo-out, .d2l-drawing, figure') ||
                   t.closest('svg.d2l-svg, .d2l-status'));
    });
    if (!drew) return;
    const text = live.textContent;
    if (want !== null && text !== want) return;
    rec.changed = performance.now();
    rec.text = text;
    // the next frame's rendering starts with requestAnimationFrame; a task posted from there runs once
    // that frame (with the update in it) has been painted
    requestAnimationFrame(() => {
      rec.raf = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { rec.frame = performance.now(); };
      channel.port2.postMessage(null);
    });
  });
  obs.observe(root, {childList: true, subtree: true, characterData: true, attributes: true});
};
"""


def install_probes(driver):
    """Define window.d2lProbe, d2lApply, d2lSweep, d2lCanvas and d2lArm in the current page."""
    driver.execute_script(PROBE_JS + TIMER_JS)


def key_latency(driver, root, control, key, want=None, timeout=10):
    """Press ``key`` on ``control`` (inside explorer ``root``); return ms from the keydown to
    {"changed": the DOM update, "raf": the requestAnimationFrame after it, "painted": that frame painted}.
    ``want``: the role=status text to wait for (None: any redraw).

    Needs :func:`install_probes`. Times are the page's own (performance.now()), from the keydown
    event's time stamp.
    """
    import time
    driver.execute_script("window.d2lArm(arguments[0], arguments[1]);", root, want)
    control.send_keys(key)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rec = driver.execute_script("return window.__d2lTiming;")
        if rec["frame"] is not None:
            return {"changed": rec["changed"] - rec["down"], "raf": rec["raf"] - rec["down"],
                    "painted": rec["frame"] - rec["down"]}
        time.sleep(0.005)
    raise TimeoutError(f"no update showing {want!r} within {timeout} s after a key press")


def slider_values(driver, root):
    """{aria-label: value} of the explorer's range inputs."""
    return driver.execute_script(
        "const out = {}; for (const r of arguments[0].querySelectorAll('input[type=range]'))"
        " out[r.getAttribute('aria-label')] = Number(r.value); return out;", root)


def expected_live(cls, n, v):
    """The role=status text an explorer of class ``cls`` on input ``n`` must show for its sliders' values
    ``v`` ({aria-label: value}), computed with d2lutils.shapes / d2lutils.receptive; None if impossible."""
    from d2lutils import conv_output_shape, pool_output_shape
    from d2lutils.receptive import stack_shapes
    try:
        if cls == "ConvExplorer":
            out = conv_output_shape(n, (v["kernel height"], v["kernel width"]), (v["padding height"], v["padding width"]),
                                    (v["stride height"], v["stride width"]), (v["dilation height"], v["dilation width"]))
        elif cls == "PoolExplorer":
            out = pool_output_shape(n, (v["pool size height"], v["pool size width"]),
                                    (v["padding height"], v["padding width"]), (v["stride height"], v["stride width"]))
        elif cls == "PhotoFilter":
            out = conv_output_shape(n, 3, v["padding"], v["stride"])
        else:  # ReceptiveFieldExplorer: the dilation sliders of pooling layers are hidden (and 1)
            layers = []
            for l in range(1, 5):
                if f"layer {l} kernel height" not in v:
                    break
                layers.append({"kind": v.get(f"layer {l} kind", "conv"), **{
                    key: (v[f"layer {l} {word} height"], v[f"layer {l} {word} width"])
                    for key, word in (("kernel_size", "kernel"), ("stride", "stride"), ("padding", "padding"),
                                      ("dilation", "dilation"))}})
            out = stack_shapes(n, layers)[-1]
    except ValueError:
        return None
    return f"Output shape {out}."
