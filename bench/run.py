"""`make bench`: the course's speed goals, measured side by side in one run.

Usage: python bench/run.py [--quick | --ratios] [--jobs N]

1. Ratios of d2lutils to MXNet's and to PyTorch's own operators on the same data (goals from issues 6, 9 and 16),
   side by side, on the numpy path and on each framework's arrays path (NDArrays, torch tensors), and the speed-up
   over lesson 2's loop in each framework: see bench/ratios.py. The framework this interpreter has is measured
   here; the other in its own edition's venv (.venv / .venv-pytorch, or D2L_MXNET_PYTHON / D2L_TORCH_PYTHON), by
   bench/ratios.py as a subprocess. The report names the interpreter of each framework's rows.
   Each result, the loops' too, is first compared with the framework's: a wrong one is a FAIL row with the
   reason, and is not timed.
2. The live explorers' Python side: median of 50 ``.set(...)`` calls (bench/explorers.py).
3. When Chromium is installed, the explorers in the page (bench/explorers.py): key press -> the frame
   that shows the new shape text and drawing, on a static page and in JupyterLab (goal: median <= 16 ms),
   beside the kernel round trip every move used to wait for.
3b. The course website (bench/site_bench.py): its build time, and the explorer's key press ->
   painted update on the static lesson-4 page (goal: one frame, 16 ms).
4. Each notebook's execution time (in memory with nbclient, kernel d2l-cnn, ``--jobs`` at a time).
5. The wall time of the test suite (``make test``), and the CPU time the whole machine spent meanwhile (Linux's
   /proc/stat): divided by the cores, the shortest wall time that much work allows.

``--ratios`` runs 1 only (as ``--quick`` does it). ``--quick`` runs 1 and 2 only, and times the lecture's loop on a
smaller image, extrapolating to 224x224 by the number of output pixels. Everything is written to bench/results.json.
The exit code is 1 if any goal is missed, so a missed goal cannot go unnoticed.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ratios  # noqa: E402  (bench/ratios.py: d2lutils against MXNet's and PyTorch's operators)
import site_bench  # noqa: E402  (bench/site_bench.py: the course website's build and explorer)
import explorers  # noqa: E402  (bench/explorers.py: the explorers' sections)

#: Each edition's kernel, registered inside its own environment (tools/install.sh).
KERNELS = {"mxnet": ("d2l-cnn", ROOT / ".venv"), "pytorch": ("d2l-cnn-pytorch", ROOT / ".venv-pytorch")}
NOTEBOOK_BUDGET = 10.0   # seconds per notebook
TEST_BUDGET = 120.0      # seconds for `make test` (issue 18: on a 2-core machine)


def say(text):
    print(text, flush=True)


def verdict(ok):
    return {True: "PASS", False: "FAIL", None: "N/A"}[ok]


def torch_python():
    """The PyTorch edition's interpreter for the PyTorch rows (D2L_TORCH_PYTHON, else .venv-pytorch), or None."""
    for candidate in (os.environ.get("D2L_TORCH_PYTHON"), ROOT / ratios.VENVS["torch"] / "bin" / "python"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def mxnet_python():
    """The MXNet edition's interpreter for the MXNet rows (D2L_MXNET_PYTHON, else .venv), or None."""
    for candidate in (os.environ.get("D2L_MXNET_PYTHON"), ROOT / ratios.VENVS["mxnet"] / "bin" / "python"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def importable(module):
    import importlib.util
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def framework_rows(framework, quick):
    """One framework's ratio rows: measured here if this interpreter has the framework, else by bench/ratios.py in
    the other edition's venv (a subprocess whose JSON comes back). A framework found nowhere gives one FAIL row."""
    name = ratios.FRAMEWORKS[framework]
    if importable(framework):
        say(f"  {name}: measured in this process ({sys.executable})")
        return ratios.rows_for(framework, quick)
    python = torch_python() if framework == "torch" else mxnet_python()
    if python is None:
        reason = (f"{name} is not installed here and no {ratios.VENVS[framework]} was found "
                  f"(make install FRAMEWORK={'pytorch' if framework == 'torch' else 'mxnet'})")
    else:
        say(f"  {name}: measured by bench/ratios.py in {python}")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        proc = subprocess.run([python, str(ROOT / "bench" / "ratios.py"), "--framework", framework]
                              + (["--quick"] if quick else []), capture_output=True, text=True, env=env, cwd=ROOT)
        if proc.returncode == 0:
            try:
                return json.loads(proc.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
        lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
        reason = f"bench/ratios.py in {python} failed: {lines[-1][:200] if lines else proc.returncode}"
    say(f"    FAIL: {reason}")
    return [{"framework": framework, "case": f"{name}'s operators", "path": "-", "limit": "-", "ok": False,
             "error": reason}]


def bench_ratios(quick):
    rows = []
    for framework in ratios.FRAMEWORKS:
        rows += framework_rows(framework, quick)
    for r in rows:
        if r.get("error") and r.get("path") != "-":
            say(f"    FAIL: {r['error']}")
    return rows


def run_notebook(path):
    """Execute one notebook in memory (not written back); return (path, seconds, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # this worker only: hide the kernels' start-up warnings; errors come back below
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    nb = nbformat.read(path, as_version=4)
    edition = Path(path).relative_to(ROOT / "notebooks").parts[0]
    kernel, venv = KERNELS[edition]
    # the edition's kernel from its own environment, whichever environment runs the bench
    specs = KernelSpecManager(kernel_dirs=[str(venv / "share" / "jupyter" / "kernels")])
    km = KernelManager(kernel_name=kernel, kernel_spec_manager=specs)
    client = NotebookClient(nb, km=km, kernel_name=kernel, timeout=600,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as err:
        return path, time.perf_counter() - start, str(err).strip().splitlines()[-1][:200]
    return path, time.perf_counter() - start, None


def bench_notebooks(jobs):
    paths = [p for edition, (_, venv) in KERNELS.items() if (venv / "bin" / "python").exists()
             for p in sorted((ROOT / "notebooks" / edition).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    rows = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_notebook, str(p)) for p in paths]
        for done, future in enumerate(as_completed(futures), 1):
            path, seconds, error = future.result()
            name = str(Path(path).relative_to(ROOT / "notebooks"))
            ok = error is None and seconds <= NOTEBOOK_BUDGET
            rows.append({"notebook": name, "seconds": seconds, "limit_s": NOTEBOOK_BUDGET, "ok": ok,
                         "error": error})
            say(f"  [{done}/{len(paths)}] {name}: {seconds:.1f} s" + (f"  ERROR {error}" if error else ""))
    return sorted(rows, key=lambda r: r["notebook"])


def busy_seconds(stat_text, ticks_per_second):
    """The CPU time every process of the machine has used since boot, in seconds, from the text of Linux's
    /proc/stat: its first line's user, nice, system, irq, softirq and steal ticks (idle and iowait left out;
    guest time is already inside user)."""
    fields = stat_text.split("\n", 1)[0].split()
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        raise ValueError("stat_text: not the text of /proc/stat (its first line starts with 'cpu ' and holds at "
                         "least 8 counters)")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / ticks_per_second


def machine_busy_seconds():
    """busy_seconds of this machine now, or None where there is no /proc/stat (not Linux)."""
    try:
        return busy_seconds(Path("/proc/stat").read_text(), os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, AttributeError):
        return None


def bench_tests():
    """`make test`'s wall time, and the CPU time the machine spent meanwhile: divided by the cores, the shortest
    wall time this much work could take with every core busy the whole run."""
    log = ROOT / "bench" / "test_output.log"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    busy_before = machine_busy_seconds()
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.run(["make", "--no-print-directory", "test"], cwd=ROOT, stdout=out,
                              stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    busy_after = machine_busy_seconds()
    cpu = None if busy_before is None or busy_after is None else busy_after - busy_before
    lines = [ln for ln in log.read_text().splitlines() if ln.strip()]
    # one pytest summary per edition's environment ("==> The mxnet edition, in .venv" precedes each)
    editions = [ln.split()[2] for ln in lines if ln.startswith("==> The ")]
    sums = [ln.strip("= ") for ln in lines if re.match(r"^=+ .*(passed|failed|error).* in [\d.]+s", ln)]
    summary = "; ".join(f"{e}: {t}" for e, t in zip(editions, sums)) if len(editions) == len(sums) else "; ".join(sums)
    say(f"  make test: {seconds:.1f} s, exit code {proc.returncode}: {summary}")
    if cpu is not None:
        say(f"  CPU time of the whole machine meanwhile: {cpu:.0f} s on {cores} cores, so at least "
            f"{cpu / cores:.0f} s of wall time with every core busy throughout")
    return {"command": "make test", "seconds": seconds, "limit_s": TEST_BUDGET, "exit_code": proc.returncode,
            "summary": summary, "log": str(log.relative_to(ROOT)), "cpu_seconds": cpu, "cores": cores,
            "shortest_possible_s": None if cpu is None else cpu / cores,
            "ok": proc.returncode == 0 and seconds <= TEST_BUDGET}


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows)


def _us(seconds):
    return f"{seconds * 1e6:.0f} us" if seconds < 0.1 else f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def _cell(r):
    """(d2lutils, reference, ratio vs goal, verdict) of one ratio row, for the side-by-side table."""
    if r is None:
        return ("-", "-", "-", "")
    if r.get("error"):
        return ("-", "-", "-", f"FAIL ({r['error']})")
    if r.get("loop"):
        return (_us(r["d2lutils_s"]), f"{_us(r['loop_s'])} (loop)", f"{r['ratio']:.0f}x (>= {r['limit']})",
                verdict(r["ok"]))
    return (_us(r["d2lutils_s"]), _us(r["reference_s"]), f"{r['ratio']:.2f} (<= {r['limit']:.1f})", verdict(r["ok"]))


def ratio_report(rows):
    """The ratio rows of both frameworks side by side: one line per case and path (numpy, framework arrays)."""
    say("\n== Goals: d2lutils time / the framework's time on the same inputs (medians) ==")
    say("  numpy path: d2lutils numpy in and out; the framework its own arrays in, numpy out (MXNet .asnumpy(),")
    say("  PyTorch .numpy()). Arrays path: d2lutils the framework's arrays in and out, values ready, against the")
    say("  same framework call. PyTorch: the faster of its default threads and one thread (see bench/ratios.py).")
    by_key, keys, seen = {}, [], set()
    for r in rows:
        path = "numpy" if r.get("path") in ("numpy", "-") else "arrays"
        key = (r["case"], path)
        by_key[(r["framework"],) + key] = r
        if key not in seen:
            seen.add(key)
            keys.append(key)
    lines = [("case", "path", "MXNet: d2lutils", "MXNet", "ratio (goal)", "", "PyTorch: d2lutils", "PyTorch",
              "ratio (goal)", "")]
    for case, path in keys:
        lines.append((case, path) + _cell(by_key.get(("mxnet", case, path)))
                     + _cell(by_key.get(("torch", case, path))))
    say(table(lines))
    ran = {}
    for r in rows:
        if "interpreter" in r:
            ran.setdefault(r["framework"], r["interpreter"])
    for fw, it in ran.items():
        say(f"  {ratios.FRAMEWORKS[fw]} rows measured by {it['python']} (Python {it['version']}, numpy {it['numpy']})")
    also = [r for r in rows if "mxnet_ndarray_s" in r and not r.get("error")]
    if also:
        say("  For information, NDArray path against MXNet with its result left as an NDArray (no copy):")
        say(table([("", "d2lutils", "MXNet, NDArray out", "ratio")] + [
            (r["case"], _us(r["d2lutils_s"]), _us(r["mxnet_ndarray_s"]),
             f"{r['d2lutils_s'] / r['mxnet_ndarray_s']:.2f}")
            for r in also]))
    threads = [r for r in rows if "torch_default_s" in r and not r.get("error")]
    if threads:
        say("  For information, PyTorch with its default threads and with one thread:")
        say(table([("", "path", f"{threads[0]['torch_threads']} threads", "1 thread")] + [
            (r["case"], r["path"], _us(r["torch_default_s"]), _us(r["torch_1thread_s"])) for r in threads]))


def report(results):
    ratio_report(results["ratios"])
    if results.get("widgets") is None:
        say("\n== Explorers, notebooks, test suite: skipped (--ratios) ==")
        return
    say("\n== Explorers: Python .set, and key press -> the next frame in the page (medians) ==")
    say(explorers.report(results["widgets"], results.get("kernel_round_trips") or []))
    site_bench.report(results.get("site"), say, table)
    if results.get("notebooks") is not None:
        say(f"\n== Notebooks: execution time ({results['notebook_jobs']} at a time, kernel startup included) ==")
        rows = [("notebook", "time", "limit", "")]
        for r in results["notebooks"]:
            rows.append((r["notebook"], f"{r['seconds']:.1f} s", f"{r['limit_s']:.0f} s",
                         verdict(r["ok"]) + (f" ({r['error']})" if r["error"] else "")))
        say(table(rows) if len(rows) > 1 else "  no notebooks found")
    else:
        say("\n== Notebooks: skipped (--quick) ==")
    if results.get("tests") is not None:
        report_tests(results["tests"])
    else:
        say("\n== Test suite: skipped (--quick) ==")


def report_tests(t):
    """The test suite's row of the report."""
    say("\n== Test suite ==")
    cpu = "not measured (no /proc/stat)" if t.get("cpu_seconds") is None else (
        f"{t['cpu_seconds']:.0f} s on {t['cores']} cores (>= {t['shortest_possible_s']:.0f} s of wall time)")
    say(table([("command", "wall time", "limit", "CPU time (whole machine)", "result", ""),
               (t["command"], f"{t['seconds']:.1f} s", f"{t['limit_s']:.0f} s", cpu, t["summary"],
                verdict(t["ok"]))]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the browser round trip, the notebooks and "
                        "the test suite; extrapolate the lecture loop from a 48x48 image")
    parser.add_argument("--ratios", action="store_true", help="only the ratios to MXNet's and PyTorch's operators "
                        "(step 1), with --quick's extrapolated loop")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at a time (default 2)")
    args = parser.parse_args(argv)
    if args.ratios:
        args.quick = True

    started = time.perf_counter()
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                           "python": platform.python_version(), "numpy": np.__version__},
               "method": "d2lutils against each framework's operators on the same inputs: numpy path (d2lutils numpy "
                         "in and out; MXNet NDArray in, .asnumpy() out; PyTorch tensor in, .numpy() out) and the "
                         "framework's arrays path (d2lutils NDArray/tensor in and out, values ready); PyTorch judged "
                         "at the faster of its default threads and one thread; medians of 5 alternating rounds x 40 "
                         "runs after warm-up (bench/ratios.py)",
               "quick": args.quick}
    steps = ["ratios"] + ([] if args.ratios else ["explorers"]) + (
        [] if args.quick else ["browser", "site", "notebooks", "tests"])

    def step(name, text):
        say(f"[{steps.index(name) + 1}/{len(steps)}] {text}")

    step("ratios", "Ratios to MXNet's and PyTorch's operators and to the lecture's loop")
    results["ratios"] = bench_ratios(args.quick)
    results["widgets"] = None
    if not args.ratios:
        step("explorers", "Explorer updates")
        results["widgets"] = explorers.bench_widgets()
    if not args.quick:
        step("browser", "Explorers in the page: static page and JupyterLab (headless Chromium)")
        rows, results["kernel_round_trips"] = explorers.bench_browser()
        results["widgets"] += rows
    results["notebooks"] = results["tests"] = results["site"] = None
    if not args.quick:
        step("site", "Course website: build time, explorer on the static page (headless Chromium)")
        results["site"] = site_bench.bench_site(say)
        step("notebooks", f"Executing every notebook ({args.jobs} at a time)")
        results["notebook_jobs"] = args.jobs
        results["notebooks"] = bench_notebooks(args.jobs)
        step("tests", "Test suite (make test)")
        results["tests"] = bench_tests()
    goals = ([r["ok"] for r in results["ratios"]] + [r["ok"] for r in results["widgets"] or []]
             + [r["ok"] for r in results["notebooks"] or []]
             + ([results["tests"]["ok"]] if results["tests"] else []) + site_bench.goals(results["site"]))
    results["all_goals_met"] = all(ok is True for ok in goals)
    results["seconds"] = time.perf_counter() - started
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    missed = sum(ok is not True for ok in goals)
    say(f"\n{'All goals met' if not missed else f'{missed} goal(s) missed or not measured'}"
        f" ({results['seconds']:.0f} s). Written to bench/results.json.")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
