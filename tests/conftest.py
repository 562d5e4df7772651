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


def _top_level_frameworks(path, seen=None):
    """The frameworks a test module imports at its top level (not inside functions or try blocks), directly or
    through the tests' own helper modules beside it (tests/reference.py, ...)."""
    path = Path(path)
    seen = set() if seen is None else seen
    if path in seen:
        return set()
    seen.add(path)
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return set()
    modules = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    found = modules & set(FRAMEWORKS)
    for name in modules - found:
        helper = path.parent / f"{name}.py"
        if helper.is_file():
            found |= _top_level_frameworks(helper, seen)
    return found


def pytest_ignore_collect(collection_path, config):
    if collection_path.suffix != ".py" or not MISSING:
        return None
    needs = _top_level_frameworks(collection_path) & MISSING
    if needs:
        _left_out.setdefault(sorted(needs)[0], []).append(collection_path.name)
        return True
    return None


def pytest_terminal_summary(terminalreporter, config):
    left_out = dict(_left_out)
    if not left_out and MISSING and hasattr(config, "workerinput") is False:  # xdist: the workers collected
        for path in sorted(Path(__file__).parent.rglob("test_*.py")):
            needs = _top_level_frameworks(path) & MISSING
            if needs:
                left_out.setdefault(sorted(needs)[0], []).append(path.name)
    for name, files in sorted(left_out.items()):
        terminalreporter.write_line(f"{len(files)} test module(s) need {name}, not installed here: they run in "
                                    f"{FRAMEWORKS[name]} ({', '.join(sorted(files))})")
