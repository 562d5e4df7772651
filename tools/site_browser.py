"""Serve the built course website on 127.0.0.1 and drive it with headless Chromium.

Used by the site tests (tests/site) and by the site part of ``make bench`` (bench/site.py).

    with SiteServer("build/site") as server, SiteBrowser() as browser:
        page = browser.open(server, "04_padding_and_stride.html")
        page.console_errors(), page.requests()          # what the page logged and fetched
        explorer = page.explorer("ConvExplorer")         # None while the page has no anywidget explorer
        explorer.press("padding height", Keys.ARROW_RIGHT)

``SiteServer`` is a plain static file server (Python's http.server, the same thing ``make
serve-site`` runs) on a free port of 127.0.0.1; it records every path it was asked for.
``SiteBrowser`` is lab_browser's headless Chromium with the console and the network log on, so
that a test can list every request a page made, to any host.
"""
import functools
import re
import sys
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_browser  # noqa: E402

# Page theme switch of pydata-sphinx-theme (sphinx-book-theme's base): the mode is kept in
# localStorage["mode"] and shown as <html data-mode=... data-theme=...>.
_SET_THEME = """
const theme = arguments[0];
localStorage.setItem('mode', theme);
localStorage.setItem('theme', theme);
document.documentElement.dataset.mode = theme;
document.documentElement.dataset.theme = theme;
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):  # no access log on stderr
        pass

    def do_GET(self):
        self.server.paths.append(urllib.parse.urlsplit(self.path).path)
        super().do_GET()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class SiteServer(lab_browser._Managed):
    """A static file server for ``directory`` on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, directory, port=0):
        self.directory = Path(directory)
        self.port = port
        self.httpd = None
        self.thread = None

    def start(self):
        if not (self.directory / "index.html").exists():
            raise RuntimeError(f"{self.directory}/index.html is missing: build the site first (make site)")
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.httpd.paths = []
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)
        self.thread.start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def paths(self):
        return list(self.httpd.paths)

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


class SiteBrowser(lab_browser.Browser):
    """Headless Chromium (lab_browser.Browser) recording console messages and network requests."""

    def __init__(self, window_size=(1280, 1000)):
        super().__init__(window_size=window_size, logging_prefs={"browser": "ALL", "performance": "ALL"})

    def start(self):
        super().start()
        # Chromium may show its own new-tab page first (chrome:// resources): let it settle, forget it.
        self.driver.get("about:blank")
        time.sleep(0.3)
        self.drain()
        return self

    def open(self, server, path="index.html", theme="light", timeout=30):
        """Load ``path`` from ``server`` in ``theme`` ('light' or 'dark') and wait until it is ready.

        The theme is the reader's choice the site keeps in localStorage: it is set before the page
        loads when the browser is already on the server's origin, else by one reload.
        """
        self.drain()
        url = f"{server.url}/{path}"
        on_origin = self.driver.current_url.startswith(server.url + "/")
        if on_origin:
            self.driver.execute_script(_SET_THEME, theme)
        self.driver.get(url)
        page = SitePage(self.driver, path, url)
        page.wait_ready(timeout)
        if not on_origin:
            if self.driver.execute_script("return document.documentElement.dataset.theme") == theme:
                self.driver.execute_script(_SET_THEME, theme)  # keep it for the next pages
            else:
                page.set_theme(theme)
        got = self.driver.execute_script("return document.documentElement.dataset.theme")
        if got != theme:
            raise RuntimeError(f"{path}: asked for the {theme} theme, the page shows {got!r}")
        return page

    def drain(self):
        """Forget the logs so far (each page starts with empty ones)."""
        for kind in ("browser", "performance"):
            self.driver.get_log(kind)


_READY = """
const done = arguments[arguments.length - 1];
const widgets = window.d2lWidgets ? window.d2lWidgets.ready : Promise.resolve([]);
const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
Promise.all([widgets, math]).then(([views]) => done({views: views || [], error: null}),
                                  (err) => done({views: [], error: String(err)}));
"""


class SitePage:
    """One page of the site, loaded in the browser."""

    def __init__(self, driver, path, url):
        self.driver = driver
        self.path = path
        self.url = url
        self.views = []
        self._log = {"browser": [], "performance": []}

    def wait(self, condition, timeout, what):
        return lab_browser.wait_until(condition, timeout, f"{self.path}: {what}", poll=0.05)

    def wait_ready(self, timeout=30):
        """The document loaded, MathJax typeset and every widget view mounted (or noted)."""
        self.wait(lambda: self.driver.execute_script("return document.readyState") == "complete", timeout,
                  "the document to load")
        # the loader is a deferred script: it defines window.d2lWidgets once the document is parsed
        self.wait(lambda: self.driver.execute_script("return !!window.d2lWidgets || "
                                                     "!document.querySelector('script[src*=\"d2l-widgets\"]')"),
                  timeout, "the widget loader")
        result = self.driver.execute_async_script(_READY)
        if result["error"]:
            raise RuntimeError(f"{self.path}: the page did not become ready: {result['error']}")
        self.views = result["views"]
        return self

    def switch_theme(self, theme):
        """Switch the loaded page to ``theme`` as the theme button does (no reload)."""
        self.driver.execute_script(_SET_THEME, theme)
        # the theme's colours change with CSS transitions: wait until they have all finished
        self.driver.execute_async_script("""
            const done = arguments[0];
            requestAnimationFrame(() => requestAnimationFrame(() => {
                const running = document.getAnimations().map(a => a.finished.catch(() => null));
                Promise.race([Promise.all(running), new Promise(r => setTimeout(r, 3000))]).then(() => done());
            }));""")

    def set_theme(self, theme):
        self.driver.execute_script(_SET_THEME, theme)
        self.driver.refresh()
        self.wait_ready()
        got = self.driver.execute_script("return document.documentElement.dataset.theme")
        if got != theme:
            raise RuntimeError(f"{self.path}: asked for the {theme} theme, the page shows {got!r}")

    # ------------------------------------------------------------------ logs
    def _read_logs(self):
        for kind in self._log:
            self._log[kind].extend(self.driver.get_log(kind))

    def console_messages(self):
        self._read_logs()
        return [(e["level"], e["message"]) for e in self._log["browser"]]

    def console_errors(self):
        return [msg for level, msg in self.console_messages() if level == "SEVERE"]

    def requests(self):
        """Every URL the page asked for since it started loading (from the network log).

        Requests made by Chromium's own pages (a document URL chrome://...) are not the page's.
        """
        import json
        self._read_logs()
        urls = []
        for entry in self._log["performance"]:
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                params = message["params"]
                if not params.get("documentURL", "").startswith("chrome://"):
                    urls.append(params["request"]["url"])
        return urls

    # ------------------------------------------------------------------ content
    def images(self):
        """[(src, alt, naturalWidth, complete)] of every image in the article."""
        return self.driver.execute_script("""
            return Array.from(document.querySelectorAll('article img')).map(
                i => [i.getAttribute('src'), i.getAttribute('alt'), i.naturalWidth, i.complete]);""")

    def screenshot(self, path, full=True):
        """Save a PNG of the page (the whole page when ``full``)."""
        size = self.driver.get_window_size()
        if full:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(size["width"], min(max(height, 600), 12000))
            lab_browser.next_frames(self.driver)  # laid out and painted at the new size
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.set_window_size(size["width"], size["height"])

    def explorer(self, name, framework="mxnet"):
        """The first ``[data-explorer=name]`` root on this page, as an :class:`Explorer`, or None.

        A page shows both editions of its notebook: an explorer under a framework switch counts only in
        ``framework``'s panel (the MXNet edition's by default; None: any panel).
        """
        roots = self.driver.find_elements("css selector", f'[data-explorer="{name}"]')
        if framework is not None:
            roots = [r for r in roots if self.driver.execute_script(
                "const p = arguments[0].closest('.d2l-switch-panel'); return !p || p.dataset.framework === arguments[1];",
                r, framework)]
        return Explorer(self, roots[0]) if roots else None


# "padding height" -> ("padding", 0); "kernel width" -> ("kernel", 1); "stride" -> ("stride", None)
_PARAMS = [("input", r"input"), ("kernel", r"kernel|pool|window"), ("padding", r"padding"),
           ("stride", r"stride"), ("dilation", r"dilation")]


def parse_control_label(label):
    """(parameter, axis) for an explorer control's aria-label; axis 0 height, 1 width, None both."""
    text = (label or "").lower()
    param = next((name for name, pattern in _PARAMS if re.search(rf"\b(?:{pattern})\b", text)), None)
    axis = 0 if re.search(r"\bheight\b|\brows?\b", text) else 1 if re.search(r"\bwidth\b|\bcolumns?\b", text) \
        else None
    return param, axis


_CONTROLS = """
const root = arguments[0];
return Array.from(root.querySelectorAll('input[type=range], [role=slider]')).map(el => ({
    label: el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent : ''),
    value: Number(el.value !== undefined && el.value !== '' && el.tagName === 'INPUT' ? el.value
                  : el.getAttribute('aria-valuenow')),
    min: Number(el.min || el.getAttribute('aria-valuemin')),
    max: Number(el.max || el.getAttribute('aria-valuemax')),
    disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true'}));
"""

_MODEL_STATE = """
const host = arguments[0].closest('[data-model-id]');
if (!host || !window.d2lWidgets) return null;
const model = window.d2lWidgets.manager.models.get(host.dataset.modelId);
if (!model) return null;
const out = {};
for (const [k, v] of Object.entries(model._state)) {
    if (!k.startsWith('_') && (v === null || ['number', 'string', 'boolean'].includes(typeof v) || Array.isArray(v)))
        out[k] = v;
}
return out;
"""

_TIME_UPDATE = """
const [root, control] = arguments;
const status = root.querySelector('[role=status]');
const rec = {down: null, input: null, changed: null, painted: null, text: status ? status.textContent : null};
window.__d2lTiming = rec;
document.addEventListener('keydown', () => { if (rec.down === null) rec.down = performance.now(); },
                          {capture: true, once: true});
for (const type of ['input', 'change'])
    control.addEventListener(type, () => { if (rec.input === null) rec.input = performance.now(); }, {once: true});
const obs = new MutationObserver(() => {
    if (rec.changed !== null || status.textContent === rec.text) return;
    rec.changed = performance.now();
    obs.disconnect();
    requestAnimationFrame(() => { rec.painted = performance.now(); });
});
if (status) obs.observe(status, {childList: true, subtree: true, characterData: true, attributes: true});
"""

class Explorer:
    """An explorer mounted on a site page: its controls (by aria-label) and its status text."""

    def __init__(self, page, root):
        self.page = page
        self.root = root

    @property
    def driver(self):
        return self.page.driver

    def controls(self):
        return self.driver.execute_script(_CONTROLS, self.root)

    def control(self, label):
        from selenium.webdriver.common.by import By
        found = [el for el in self.root.find_elements(By.CSS_SELECTOR, "input[type=range], [role=slider]")
                 if (el.get_attribute("aria-label") or "").strip().lower() == label.lower()]
        if not found:
            labels = [c["label"] for c in self.controls()]
            raise LookupError(f"no control labelled {label!r} in the explorer (labels: {labels})")
        return found[0]

    def status(self):
        from selenium.webdriver.common.by import By
        found = self.root.find_elements(By.CSS_SELECTOR, "[role=status]")
        if not found:
            raise LookupError('the explorer has no role="status" element')
        return found[0].text.strip()

    def model_state(self):
        """The explorer model's plain traits (numbers, strings, lists), or None."""
        return self.driver.execute_script(_MODEL_STATE, self.root)

    def settings(self):
        """{parameter: [h, w]} from the controls (and ``input_shape`` from the model if no control)."""
        values = {}
        for c in self.controls():
            param, axis = parse_control_label(c["label"])
            if param is None:
                continue
            pair = values.setdefault(param, [None, None])
            for a in ((axis,) if axis is not None else (0, 1)):
                pair[a] = int(c["value"])
        if "input" not in values or None in values["input"]:
            state = self.model_state() or {}
            shape = state.get("input_shape")
            if shape:
                values["input"] = [int(shape[0]), int(shape[1])]
        return values

    def press(self, label, key, settle_ms=300, timeout=5):
        """Focus the control ``label`` and press ``key``.

        Returns the ms from the keydown to the first frame painted after the status text changed,
        or None when the status did not change (the control moved to a setting with the same
        text, or did not move: then this returns ``settle_ms`` after its input event, or 1 s after
        the keydown with no input event).
        """
        control = self.control(label)
        self.driver.execute_script(_TIME_UPDATE, self.root, control)
        control.send_keys(key)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rec = self.driver.execute_script(
                "const r = window.__d2lTiming; return Object.assign({}, r, {now: performance.now()});")
            if rec["painted"] is not None and rec["down"] is not None:
                return rec["painted"] - rec["down"]
            if rec["changed"] is None and rec["input"] is not None and rec["now"] - rec["input"] > settle_ms:
                return None
            if rec["input"] is None and rec["down"] is not None and rec["now"] - rec["down"] > 1000:
                return None  # the key did not move the control (at its end)
            time.sleep(0.01)
        return None


def padding_latency(explorer, moves=15, label="padding height"):
    """Move ``label`` ``moves`` times from the keyboard (up to its end, then down, ...).

    Returns the ms from each key press to the first frame painted after the status changed, for
    the moves that changed it.
    """
    from selenium.webdriver.common.keys import Keys
    control = next((c for c in explorer.controls() if c["label"].strip().lower() == label), None)
    if control is None:
        raise LookupError(f"no control labelled {label!r}")
    lo, hi, value = control["min"], control["max"], control["value"]
    up, times = True, []
    for _ in range(moves):
        up = (up and value < hi) or value <= lo
        t = explorer.press(label, Keys.ARROW_RIGHT if up else Keys.ARROW_LEFT)
        value += 1 if up else -1
        if t is not None:
            times.append(t)
    return times
