"""`make test-install`: a venv that starts with pip 23.0.1 installs the course (issue 18 item 1).

pip 23.0.1 is what Debian 12's own ``python3.11 -m venv`` brings, and the oldest pip the course
supports. On its own it cannot resolve our pins (reproduced: ``ResolutionImpossible``, "beautifulsoup4
4.15.0 depends on soupsieve>=1.6.1; the user requested (constraint) soupsieve==4.1.3"); tools/install.sh
must bring pip to the version constraints.txt pins before it installs anything else. The new environment's
JupyterLab must then serve the course's settings (no news pop-up) through its settings API.

It builds a whole second environment (a minute or more, most of it from pip's cache), so it runs in
`make test-install` (which .ci/run calls), not in `make test`: there it is skipped.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OLDEST_PIP = "23.0.1"

pytestmark = pytest.mark.skipif(os.environ.get("D2L_TEST_INSTALL") != "1",
                                reason="builds a second environment: run by `make test-install`")


NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def served_notification_settings(venv, tmp):
    """The notification plugin's settings as ``venv``'s JupyterLab serves them (its settings API) to a
    learner with an empty user settings directory."""
    import secrets
    import socket
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    cmd = [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/lab/api/settings/{NOTIFICATION}",
                                             headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    return json.load(r)
            except OSError:
                time.sleep(0.2)
        raise AssertionError("JupyterLab did not answer")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pip_version(venv):
    out = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True,
                         check=True).stdout
    return out.split()[1]


def test_a_venv_with_pip_23_0_1_installs_the_course():
    pinned = re.search(r"^pip==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M).group(1)
    python = subprocess.run([str(ROOT / "tools" / "find_python.sh")], capture_output=True, text=True,
                            check=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="d2l-install-"))
    venv = tmp / "venv"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    try:
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"pip=={OLDEST_PIP}"],
                       check=True, env=env)
        assert pip_version(venv) == OLDEST_PIP
        run = subprocess.run(["sh", "tools/install.sh"], cwd=ROOT, env=dict(env, VENV=str(venv)),
                             capture_output=True, text=True)
        assert run.returncode == 0, f"install.sh failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        assert f"was {OLDEST_PIP}" in run.stdout
        assert pip_version(venv) == pinned
        check = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout[-2000:]
        smoke = subprocess.run(
            [str(venv / "bin" / "python"), "-c",
             "import mxnet, numpy, jupyterlab, anywidget, d2lutils; from d2lutils import corr2d; "
             "print(mxnet.__version__, numpy.__version__, corr2d([[1, 2], [3, 4]], [[1]]).tolist())"],
            capture_output=True, text=True, cwd=tmp)
        assert smoke.returncode == 0, smoke.stderr[-2000:]
        assert smoke.stdout.split()[:2] == ["1.9.1", "1.23.5"]
        assert (venv / "share/jupyter/kernels/d2l-cnn/kernel.json").is_file()
        # make lab: no news pop-up. JupyterLab's own default is "none" (ask, with a pop-up over the lesson);
        # the environment's override (install.sh, inside the venv, never the learner's home) says "false".
        answer = served_notification_settings(venv, tmp)
        defaults = answer["schema"]["properties"]
        assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
        assert answer["settings"] == {}  # nothing in the (empty) user settings: the environment decides
        schema = venv / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json"
        assert json.loads(schema.read_text())["properties"]["fetchNews"]["default"] == "none"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
