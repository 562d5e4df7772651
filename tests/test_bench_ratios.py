"""`make bench`'s ratio rows (bench/ratios.py, bench/run.py --ratios): both frameworks side by side, each measured
by the interpreter that has it, judged against the goals. Timings are faked here (``median_time``); the speed
goals themselves are measured by `make bench`.
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import ratios  # noqa: E402


def fake_rows():
    rows = []
    for fw, arrays in (("mxnet", "NDArray"), ("torch", "tensor")):
        for case, limit_mx, limit_pt in ratios.CASES:
            limit = limit_mx if fw == "mxnet" else limit_pt
            rows.append({"framework": fw, "case": case, "path": "numpy", "limit": limit, "d2lutils_s": 1e-4,
                         "reference_s": 2e-4})
            rows.append({"framework": fw, "case": case, "path": arrays, "limit": limit, "d2lutils_s": 3e-4,
                         "reference_s": 1e-4})
    return ratios.judge(rows)


def test_judge():
    rows = fake_rows()
    assert all(r["ratio"] == pytest.approx(0.5) and r["ok"] for r in rows if r["path"] == "numpy")
    assert all(r["ratio"] == pytest.approx(3.0) and not r["ok"] for r in rows if r["path"] != "numpy")
    loop = ratios.judge([{"loop": True, "limit": 1000, "d2lutils_s": 1e-4, "loop_s": 0.05}])[0]
    assert loop["ratio"] == pytest.approx(500) and loop["ok"] is False
    failed = ratios.judge([{"error": "wrong", "ok": False}])[0]
    assert "ratio" not in failed and failed["ok"] is False


def test_the_report_puts_both_frameworks_side_by_side(capsys):
    import run
    run.ratio_report(fake_rows())
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.strip().startswith(("conv ", "max pool"))]
    assert len(lines) == 6  # 3 cases x (numpy path, the frameworks' arrays path), one line each
    for line in lines:
        assert line.count("PASS") + line.count("FAIL") == 2  # a verdict against each framework
    assert "MXNet" in out and "PyTorch" in out and "(<= 1.5)" in out and "(<= 1.0)" in out


def test_a_framework_found_nowhere_is_a_failed_row(monkeypatch):
    import run
    monkeypatch.setattr(run, "importable", lambda module: False)
    monkeypatch.setattr(run, "torch_python", lambda: None)
    monkeypatch.setattr(run, "mxnet_python", lambda: None)
    for fw in ratios.FRAMEWORKS:
        rows = run.framework_rows(fw, quick=True)
        assert len(rows) == 1 and rows[0]["ok"] is False and "not installed" in rows[0]["error"]


@pytest.mark.parametrize("framework", ["mxnet", "torch"])
def test_the_rows_of_the_installed_framework(framework, monkeypatch):
    """Every case is measured after its results agree with the framework's (fake clock: no real timing)."""
    pytest.importorskip(framework)
    monkeypatch.setattr(ratios, "median_time", lambda f, repeat=1, warmup=0: (f(), 1e-4)[1])
    rows = ratios.rows_for(framework, quick=True)
    assert len(rows) == 2 * len(ratios.CASES) + 1
    assert all(r.get("error") is None for r in rows), [r.get("error") for r in rows]
    assert all(r["ratio"] == pytest.approx(1.0) and r["ok"] for r in rows if not r.get("loop"))  # equal fake times
    assert {r["interpreter"]["python"] for r in rows} == {sys.executable}
