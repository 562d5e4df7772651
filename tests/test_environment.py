"""The set-up files agree with each other: one environment, described three times."""
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def test_environment_yml_pins_what_requirements_pins():
    req = pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pins(pip_section) == req
    assert "numpy" in req and req["numpy"].startswith("1.23."), "MXNet 1.9.1 needs numpy 1.23.x"
    assert req["mxnet"] == "1.9.1"


def test_constraints_agree_with_requirements():
    req = pins((ROOT / "requirements.txt").read_text().splitlines())
    lock = pins((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in req.items():
        assert lock.get(name) == version, f"{name}: requirements {version}, constraints {lock.get(name)}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_lab_keeps_security_defaults():
    makefile = (ROOT / "Makefile").read_text()
    lab = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "--ServerApp.ip=127.0.0.1" in lab
    assert "token" not in lab.lower() and "0.0.0.0" not in lab


# ---------------------------------------------------------------- JupyterLab's settings (issue 18 item 4)
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_install_writes_lab_settings_into_the_environment_not_the_home():
    """install.sh copies tools/jupyterlab/overrides.json into the venv: no news pop-up, no update check."""
    import sys
    wanted = json.loads((ROOT / "tools" / "jupyterlab" / "overrides.json").read_text())
    assert wanted[NOTIFICATION] == {"fetchNews": "false", "checkForUpdates": False}
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file(), "make install did not write the venv's JupyterLab overrides"
    assert json.loads(installed.read_text()) == wanted
    install = (ROOT / "tools" / "install.sh").read_text()
    assert "$VENV/share/jupyter/lab/settings" in install and "HOME" not in install


def test_lab_serves_the_no_news_setting_with_an_empty_user_settings_dir(tmp_path):
    """A learner with no settings of their own gets 'never fetch news' from JupyterLab's settings API.

    JupyterLab's own default is 'none' (ask: the pop-up); the environment's override makes it 'false'.
    """
    import os
    import secrets
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    schema = Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json"
    assert json.loads(schema.read_text())["properties"]["fetchNews"]["default"] == "none"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp_path}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/lab/api/settings/{NOTIFICATION}"
                req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    answer = json.load(r)
            except OSError:
                time.sleep(0.2)
        assert answer is not None, "JupyterLab did not answer"
        defaults = answer["schema"]["properties"]
        assert defaults["fetchNews"]["default"] == "false"
        assert defaults["checkForUpdates"]["default"] is False
        assert answer["settings"] == {}  # nothing in the (empty) user settings: the environment decides
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
