"""The set-up files agree with each other: one environment, described three times."""
import json
import re
from pathlib import Path

import pytest
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


def test_environment_pytorch_yml_pins_what_requirements_pytorch_pins():
    req = pins((ROOT / "requirements-pytorch.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment-pytorch.yml").read_text())
    deps = env["dependencies"]
    assert any(str(d).startswith("python=3.1") for d in deps)
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pins(pip_section) == req
    assert "mxnet" not in req and req["numpy"].startswith("2."), "the PyTorch edition runs on current numpy 2"
    assert "torch" in req


@pytest.mark.parametrize("requirements, constraints", [("requirements.txt", "constraints.txt"),
                                                       ("requirements-pytorch.txt", "constraints-pytorch.txt")])
def test_each_edition_pins_the_same_shared_packages_and_pip(requirements, constraints):
    """Both editions pin pip, and the packages they share (JupyterLab, the test tools, the site) at one version."""
    mx = pins((ROOT / "requirements.txt").read_text().splitlines())
    pt = pins((ROOT / "requirements-pytorch.txt").read_text().splitlines())
    shared = set(mx) & set(pt) - {"numpy"}
    assert shared and all(mx[n] == pt[n] for n in shared)
    lock = pins((ROOT / constraints).read_text().splitlines())
    assert "pip" in lock
    req = pins((ROOT / requirements).read_text().splitlines())
    for name, version in req.items():
        assert lock.get(name) == version, f"{constraints} {name}: {lock.get(name)}, {requirements} {version}"


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
    # That JupyterLab serves it (its settings API, a learner with no settings of their own) is checked on a
    # freshly installed environment by `make test-install` (tests/test_install.py): starting a server costs
    # seconds that `make test` does not have.
