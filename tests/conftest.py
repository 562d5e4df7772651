"""Shared test settings: a hypothesis profile sized for a 2-core machine, and one suite for two environments.

`make test` runs this suite once in each edition's environment: .venv (MXNet, numpy 1.23) and .venv-pytorch
(torch, numpy 2). A test module that imports a framework at its top level is collected only where that framework
is installed (and so runs in the other environment's pass); the terminal summary lists what each pass left out.
Tests that need a framework inside a function use ``pytest.importorskip``.
"""
import ast
import importlib.util
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.load_profile("course")

FRAMEWORKS = {"mxnet": "the MXNet environment (.venv)", "torch": "the PyTorch environment (.venv-pytorch)"}
MISSING = {name for name in FRAMEWORKS if importlib.util.find_spec(name) is None}
_left_out = {}


def _top_level_frameworks(path):
    """The frameworks a test module imports at its top level (not inside functions or try blocks)."""
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError):
        return set()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(FRAMEWORKS)


def pytest_ignore_collect(collection_path, config):
    if collection_path.suffix != ".py" or not MISSING:
        return None
    needs = _top_level_frameworks(collection_path) & MISSING
    if needs:
        _left_out.setdefault(sorted(needs)[0], []).append(collection_path.name)
        return True
    return None


def pytest_terminal_summary(terminalreporter):
    for name, files in sorted(_left_out.items()):
        terminalreporter.write_line(f"{len(files)} test module(s) need {name}, not installed here: they run in "
                                    f"{FRAMEWORKS[name]} ({', '.join(sorted(files))})")
