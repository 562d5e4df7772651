"""`make bench`'s test-suite row (bench/run.py): the wall time of `make test`, and the CPU time the machine spent
meanwhile, read from Linux's /proc/stat. `make test` itself is faked here; `make bench` runs the real one."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import run as bench  # noqa: E402  (bench/run.py)

# the first lines of a /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice
STAT = "cpu  4000 100 600 90000 700 20 30 50 300 0\ncpu0 2000 50 300 45000 350 10 15 25 150 0\nintr 1 2 3\n"


def test_busy_seconds_counts_every_busy_kind_of_tick_and_no_idle_one():
    # (4000 + 100 + 600 + 20 + 30 + 50) ticks at 100 ticks a second; idle, iowait and guest (inside user) left out
    assert bench.busy_seconds(STAT, 100) == pytest.approx(48.0)
    assert bench.busy_seconds(STAT, 250) == pytest.approx(19.2)


@pytest.mark.parametrize("text", ["", "intr 1 2 3\n", "cpu  1 2 3\n", "cpu0 1 2 3 4 5 6 7 8\n"])
def test_busy_seconds_refuses_what_is_not_proc_stat(text):
    with pytest.raises(ValueError, match="^stat_text: "):
        bench.busy_seconds(text, 100)


def test_the_test_row_reports_wall_time_cpu_time_and_the_shortest_possible_wall_time(monkeypatch, tmp_path, capsys):
    busy = iter([1000.0, 1500.0])  # before and after `make test`: 500 CPU seconds
    monkeypatch.setattr(bench, "machine_busy_seconds", lambda: next(busy))
    monkeypatch.setattr(bench.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    (tmp_path / "bench").mkdir()

    def fake_make(cmd, cwd, stdout, stderr):
        assert cmd[0] == "make" and cmd[-1] == "test" and cwd == tmp_path
        stdout.write("==> The mxnet edition, in .venv\n===== 7 passed in 3.00s =====\n"
                     "==> The pytorch edition, in .venv-pytorch\n===== 5 passed, 1 skipped in 2.00s =====\n")
        return subprocess.CompletedProcess(cmd, 0)
    monkeypatch.setattr(bench.subprocess, "run", fake_make)
    row = bench.bench_tests()
    assert row["cpu_seconds"] == 500.0 and row["cores"] == 2 and row["shortest_possible_s"] == 250.0
    assert row["summary"] == "mxnet: 7 passed in 3.00s; pytorch: 5 passed, 1 skipped in 2.00s"
    assert row["ok"] is True and row["exit_code"] == 0  # the fake ran in far less than the budget
    out = capsys.readouterr().out
    assert "500 s on 2 cores, so at least 250 s of wall time" in out
    bench.report_tests(row)
    assert "500 s on 2 cores (>= 250 s of wall time)" in capsys.readouterr().out


def test_without_proc_stat_the_cpu_time_is_not_measured(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bench, "machine_busy_seconds", lambda: None)
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    (tmp_path / "bench").mkdir()
    monkeypatch.setattr(bench.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 2))
    row = bench.bench_tests()
    assert row["cpu_seconds"] is None and row["shortest_possible_s"] is None and row["ok"] is False
    bench.report_tests(row)
    assert "not measured (no /proc/stat)" in capsys.readouterr().out
