"""Drive a notebook in a real JupyterLab with Debian's headless Chromium (selenium).

Used by the browser tests (tests/browser) and by ``make bench`` (bench/explorers.py). Nothing is
downloaded: the browser is /usr/bin/chromium and the driver /usr/bin/chromedriver (selenium manager is
never asked); axe-core is the release pinned in package.json, installed into node_modules/ by
tools/install_axe.sh (make test).

    with Lab(notebooks_dir) as lab, Browser() as browser:
        page = browser.open_notebook(lab, "04_padding_and_stride.ipynb")
        page.run_all()
        root = page.wait_for('[data-explorer="ConvExplorer"]')
        page.kernel_run("print(1 + 1)")          # code in the notebook's kernel, not as a cell
        page.shutdown_kernel(lab)                 # DELETE /api/kernels/<id>
        axe_audit(browser.driver, ["[data-explorer]"])

JupyterLab runs on 127.0.0.1 at a free port with a random token, on a *temporary copy* of
the notebooks (so autosave never touches the repository), with its own settings and
workspaces directories. Both ``Lab`` and ``Browser`` shut down what they started, also
on errors (use them as context managers or call ``.stop()``).
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HEADLESS_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]


def browser_missing():
    """A reason string if Chromium or ChromeDriver is missing, else ``None``."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return (f"{' and '.join(missing)} not found: install Debian's packages "
                f"(apt-get install chromium chromium-driver)")
    return None


def browser_required():
    """True when the browser test must run, not skip: on CI (CI=true) or with D2L_REQUIRE_BROWSER=1."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("D2L_REQUIRE_BROWSER") == "1"


def skip_or_fail_without_browser(what="the browser test"):
    """For a pytest fixture: skip with the reason when Chromium is missing, or fail when it is required."""
    import pytest
    reason = browser_missing()
    if reason:
        if browser_required():
            pytest.fail(f"{reason}; {what} is required here (CI=true or D2L_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


def wait_until(condition, timeout, what, poll=0.1):
    """Call ``condition()`` until it returns something true, and return that; TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(poll)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Managed:
    """``with X() as x``: start on entry, stop on exit; a half-started one is stopped too."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


class Lab(_Managed):
    """A JupyterLab server on a temporary copy of ``notebooks_dir``."""

    def __init__(self, notebooks_dir, jupyter=None, startup_timeout=90):
        self.source = Path(notebooks_dir)
        self.jupyter = Path(jupyter) if jupyter else Path(sys.executable).parent / "jupyter"
        self.startup_timeout = startup_timeout
        self.proc = None
        self.tmp = None

    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="d2l-lab-"))
        self.root = self.tmp / "notebooks"
        shutil.copytree(self.source, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        settings = self.tmp / "settings"
        # No news or update checks (no network, no pop-up over the notebook).
        notif = settings / "@jupyterlab" / "apputils-extension"
        notif.mkdir(parents=True)
        (notif / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   MPLBACKEND="module://matplotlib_inline.backend_inline")
        cmd = [str(self.jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.tmp / "lab.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s:\n{self.log_text()}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name):
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def log_text(self, tail=3000):
        try:
            return (self.tmp / "lab.log").read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def stop(self):
        """Shut the server down (kernels first, through its API), then remove the copy."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                req = urllib.request.Request(f"{self.url}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {self.token}"})
                urllib.request.urlopen(req, timeout=5).close()
                self.proc.wait(timeout=15)
            except Exception:
                pass
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                if self.proc.poll() is not None:
                    break
                try:
                    os.killpg(self.proc.pid, sig)  # the server's own process group only
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    pass
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None



class Browser(_Managed):
    """Headless Chromium driven by selenium through /usr/bin/chromedriver."""

    def __init__(self, window_size=(1280, 1100), logging_prefs=None):
        self.window_size = window_size
        # e.g. {"browser": "ALL", "performance": "ALL"}: console messages and network events
        # become readable with driver.get_log(...) (the site tests record every request this way).
        self.logging_prefs = logging_prefs
        self.driver = None
        self.profile = None

    def start(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        reason = browser_missing()
        if reason:
            raise RuntimeError(reason)
        self.profile = tempfile.mkdtemp(prefix="d2l-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in HEADLESS_FLAGS + [f"--user-data-dir={self.profile}",
                                      f"--window-size={self.window_size[0]},{self.window_size[1]}"]:
            options.add_argument(flag)
        if self.logging_prefs:
            options.set_capability("goog:loggingPrefs", dict(self.logging_prefs))
        # An explicit driver path: selenium manager is never run, so nothing is downloaded.
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_script_timeout(60)
        return self

    def open_notebook(self, lab, name):
        """Open the notebook ``name`` of ``lab``; its kernel starts as JupyterLab starts it.

        The first notebook loads JupyterLab; the next ones open in the same JupyterLab (as a learner
        opens the next lesson from the file browser) after the notebooks open so far are closed
        (their changes dropped: the server's files are a temporary copy), which saves loading the
        whole application again for every notebook.
        """
        if self.driver.current_url.startswith(f"{lab.url}/lab") and self.driver.execute_script(
                "return !!window.jupyterapp;"):
            error = self.driver.execute_async_script(_OPEN_IN_LAB, name)
            if error:
                raise RuntimeError(f"JupyterLab could not open {name}: {error}")
        else:
            self.driver.get(lab.notebook_url(name))
        return NotebookPage(self.driver, name)

    def stop(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            finally:
                self.driver = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None



_OPEN_IN_LAB = """
const [path, done] = [arguments[0], arguments[arguments.length - 1]];
const app = window.jupyterapp;
(async () => {
    for (const widget of Array.from(app.shell.widgets('main'))) {
        if (widget.context) widget.context.model.dirty = false;  // no "save your changes?" dialog
        widget.dispose();
    }
    const widget = await app.commands.execute('docmanager:open', {path});
    await widget.context.ready;
    app.shell.activateById(widget.id);
})().then(() => done(null), (err) => done(String(err)));
"""

_KERNEL_STATE = """
const app = window.jupyterapp;
const w = app && app.shell.currentWidget;
if (!w || !w.sessionContext || !w.content) return null;
const k = w.sessionContext.session && w.sessionContext.session.kernel;
return {path: w.context.path, ready: w.sessionContext.isReady, status: k ? k.status : null,
        cells: w.content.widgets.length,
        pending: w.content.widgets.filter(c => c.model.type === 'code' &&
                 (c.model.executionCount === null || c.model.executionState === 'running')).length};
"""

class NotebookPage:
    """One open notebook in JupyterLab."""

    def __init__(self, driver, name):
        self.driver = driver
        self.name = name

    def wait(self, condition, timeout, what):
        return wait_until(condition, timeout, f"{self.name}: {what}")

    def state(self):
        return self.driver.execute_script(_KERNEL_STATE)

    def wait_for_kernel(self, timeout=90):
        """Wait until the notebook is open and its kernel is idle."""
        return self.wait(lambda: (s := self.state()) and s["ready"] and s["status"] == "idle" and s,
                         timeout, "the kernel to be idle")

    def run_all(self, timeout=120):
        """Run all cells and wait until every code cell has run and the kernel is idle again."""
        self.wait_for_kernel()
        # The command's promise resolves once every cell has run (no fixed sleeps, no idle-between-cells race).
        self.driver.set_script_timeout(timeout)
        try:
            result = self.driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                    (ok) => done(ok === false ? 'a cell failed' : null), (err) => done(String(err)));""")
        finally:
            self.driver.set_script_timeout(60)
        assert result in (None, "a cell failed"), f"{self.name}: run all cells: {result}"
        done = lambda: (s := self.state()) and s["status"] == "idle" and s["pending"] == 0 and s  # noqa: E731
        return self.wait(done, timeout, "all cells to run")

    def errors(self):
        """'ename: evalue' of every error output in the notebook (empty when all cells ran cleanly)."""
        return self.driver.execute_script("""
            const w = window.jupyterapp.shell.currentWidget, errors = [];
            for (const cell of w.content.widgets) {
                if (cell.model.type !== 'code') continue;
                const outputs = cell.model.outputs;
                for (let i = 0; i < outputs.length; i++) {
                    const o = outputs.get(i).toJSON();
                    if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
                }
            }
            return errors;""")

    def wait_for(self, selector, timeout=60):
        """Wait for an element to be rendered; scroll it into view and return it."""
        from selenium.webdriver.common.by import By
        el = self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, selector), timeout,
                       f"{selector} to render")[0]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", el)
        return el

    # ------------------------------------------------------------ the kernel behind the page
    def kernel_run(self, code, timeout=60):
        """Run ``code`` in the notebook's kernel (not as a cell); return its printed output."""
        self.driver.set_script_timeout(timeout)
        out = self.driver.execute_async_script("""
            const [code, done] = [arguments[0], arguments[arguments.length - 1]];
            const session = window.jupyterapp.shell.currentWidget.sessionContext.session;
            if (!session || !session.kernel) { done('NO KERNEL'); return; }
            const future = session.kernel.requestExecute({code, silent: false, store_history: false});
            let out = '';
            future.onIOPub = (msg) => {
                if (msg.header.msg_type === 'stream') out += msg.content.text;
                if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
            };
            future.done.then(() => done(out), (e) => done('FAILED ' + e));""", code)
        if out.startswith(("ERROR", "FAILED", "NO KERNEL")):
            raise RuntimeError(f"{self.name}: the kernel could not run {code!r}: {out}")
        return out

    def widget_model_ids(self):
        """The model ids of the widget views the notebook's outputs show, in order."""
        return self.driver.execute_script("""
            const ids = [];
            for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
                if (cell.model.type !== 'code') continue;
                const outputs = cell.model.outputs;
                for (let i = 0; i < outputs.length; i++) {
                    const data = outputs.get(i).toJSON().data || {};
                    const view = data['application/vnd.jupyter.widget-view+json'];
                    if (view) ids.push(view.model_id);
                }
            }
            return ids;""")

    def kernel_id(self):
        return self.driver.execute_script(
            "const s = window.jupyterapp.shell.currentWidget.sessionContext.session;"
            "return s && s.kernel ? s.kernel.id : null;")

    def shutdown_kernel(self, lab, timeout=30):
        """Shut the notebook's kernel down through the server (DELETE /api/kernels/<id>), as a crash would."""
        kid = self.kernel_id()
        req = urllib.request.Request(f"{lab.url}/api/kernels/{kid}", method="DELETE",
                                     headers={"Authorization": f"token {lab.token}"})
        urllib.request.urlopen(req, timeout=10).close()

        def gone():  # the server no longer knows the kernel: its process has been shut down
            try:
                urllib.request.urlopen(urllib.request.Request(
                    f"{lab.url}/api/kernels/{kid}", headers={"Authorization": f"token {lab.token}"}), timeout=5).close()
                return False
            except urllib.error.HTTPError as err:
                return err.code == 404
        self.wait(gone, timeout, "the kernel to be gone")
        return kid


# ---------------------------------------------------------------- accessibility and themes

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_missing():
    """Why axe-core cannot run here (a sentence), or None."""
    if not AXE_PATH.exists():
        return f"{AXE_PATH} is missing: tools/install_axe.sh (make test) installs the axe-core pinned in package.json"
    return None


def axe_script():
    """axe-core's axe.min.js, the release pinned in package.json (nothing downloaded at test time).

    Missing: the calling test skips with the reason, or fails where browsers are required (CI=true or
    D2L_REQUIRE_BROWSER=1).
    """
    reason = axe_missing()
    if reason:
        import pytest
        if browser_required():
            pytest.fail(f"{reason}; the accessibility audit is required here (CI=true or D2L_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return AXE_PATH.read_text(encoding="utf-8")


def axe_audit(driver, include, impacts=("serious", "critical")):
    """Run axe-core on the elements matching the CSS selectors ``include`` (a list); return the
    violations of the given impacts as [{id, impact, help, nodes: [target, ...]}] (empty when clean).

    The page's own chrome is outside ``include``; an empty ``include`` (nothing matched) raises, so an
    audit never passes by looking at nothing.
    """
    if not driver.execute_script("return typeof window.axe !== 'undefined';"):
        driver.execute_script(axe_script())
    found = driver.execute_script("return arguments[0].map(s => document.querySelectorAll(s).length);", include)
    if not any(found):
        raise AssertionError(f"axe: nothing on the page matches {include}")
    result = driver.execute_async_script("""
        const [include, done] = [arguments[0], arguments[arguments.length - 1]];
        window.axe.run({include: include.filter(s => document.querySelector(s)).map(s => [s])},
                       {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                  nodes: v.nodes.map(n => n.target.join(' '))}))),
                e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """, include)
    return [v for v in result if v["impact"] in impacts]


def next_frames(driver, frames=2):
    """Return once the page has rendered ``frames`` more frames (layout and paint are up to date)."""
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        let n = arguments[0];
        const step = () => (--n > 0 ? requestAnimationFrame(step) : done());
        requestAnimationFrame(step);""", frames)


def set_lab_theme(driver, dark):
    """Switch JupyterLab's theme (needs --LabApp.expose_app_in_browser, as Lab starts it) and wait."""
    theme = "JupyterLab Dark" if dark else "JupyterLab Light"
    driver.execute_script(f"window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}});")
    want = "false" if dark else "true"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if driver.execute_script("return document.body.dataset.jpThemeLight;") == want:
            next_frames(driver)  # the theme's stylesheet is loaded before the flag flips: let it paint
            return
        time.sleep(0.1)
    raise TimeoutError(f"JupyterLab did not switch to {theme}")
