"""`make test-install`: a venv that starts with pip 23.0.1 installs the course (issue 18 item 1).

pip 23.0.1 is what Debian 12's own ``python3.11 -m venv`` brings, and the oldest pip the course
supports. On its own it cannot resolve our pins (reproduced: ``ResolutionImpossible``, "beautifulsoup4
4.15.0 depends on soupsieve>=1.6.1; the user requested (constraint) soupsieve==4.1.3"); tools/install.sh
must bring pip to the version constraints.txt pins before it installs anything else.

It builds a whole second environment (a minute or more, most of it from pip's cache), so it runs in
`make test-install` (which .ci/run calls), not in `make test`: there it is skipped.
"""
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
        assert (venv / "share/jupyter/lab/settings/overrides.json").is_file()
        assert (venv / "share/jupyter/kernels/d2l-cnn/kernel.json").is_file()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
