"""`make bench`: the course's speed goals, measured side by side in one run.

Usage: python bench/run.py [--quick] [--jobs N]

1. Ratios of d2lutils to MXNet's own operators on the same data (goals from issues 6 and 9), on two paths:
   - numpy path: d2lutils gets numpy arrays and returns numpy; MXNet gets NDArrays and its result is
     fetched with ``.asnumpy()`` (MXNet is asynchronous; this waits for the values);
   - NDArray path, the one the lessons use: d2lutils gets NDArrays and returns an NDArray, and the time
     includes waiting for its values (``.wait_to_read()``): d2lutils pays its conversions. The goal is
     judged against the same MXNet call as on the numpy path (the issue's measurement); MXNet with its
     result left as an NDArray (no copy, no layout conversion) is timed in the same rounds and printed
     for information.
   Medians of many runs after a warm-up, the two sides measured in alternating rounds.
   Each result, the lecture loop's too, is first compared with MXNet's: a wrong one is a FAIL
   row with the reason, and is not timed.
2. The live explorers' Python side: median of 50 ``.set(...)`` calls (bench/explorers.py).
3. When Chromium is installed, the explorers in the page (bench/explorers.py): key press -> the frame
   that shows the new shape text and drawing, on a static page and in JupyterLab (goal: median <= 16 ms),
   beside the kernel round trip every move used to wait for.
3b. The course website (bench/site_bench.py): its build time, and the explorer's key press ->
   painted update on the static lesson-4 page (goal: one frame, 16 ms).
4. Each notebook's execution time (in memory with nbclient, kernel d2l-cnn, ``--jobs`` at a time).
5. The wall time of the test suite (``make test``).

``--quick`` runs 1 and 2 only, and times the lecture's loop on a smaller image, extrapolating
to 224x224 by the number of output pixels. Everything is written to bench/results.json.
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

from d2lutils import corr2d, corr2d_multi_in_out, pool2d  # noqa: E402
from d2lutils.timing import conv_mxnet, corr2d_loop, median_time, pool_mxnet  # noqa: E402

import site_bench  # noqa: E402  (bench/site_bench.py: the course website's build and explorer)
import explorers  # noqa: E402  (bench/explorers.py: the explorers' sections)

KERNEL = "d2l-cnn"
NOTEBOOK_BUDGET = 10.0   # seconds per notebook
TEST_BUDGET = 120.0      # seconds for `make test` (issue 18: on a 2-core machine)


def say(text):
    print(text, flush=True)


def verdict(ok):
    return {True: "PASS", False: "FAIL", None: "N/A"}[ok]


def alternate(*functions, rounds=5, repeat=40):
    """Median times of the functions (seconds), measured in alternating rounds so that all see the same machine."""
    times = [[] for _ in functions]
    for _ in range(rounds):
        for t, f in zip(times, functions):
            t.append(median_time(f, repeat=repeat, warmup=2))
    return tuple(float(np.median(t)) for t in times)


def raised(err):
    """One line for an exception: its type and the last line of its message (MXNet's end in the reason)."""
    lines = str(err).strip().splitlines()
    return f"raised {type(err).__name__}" + (f": {lines[-1].strip()[:160]}" if lines else "")


def disagreement(name, f, g, atol=1e-4):
    """Why f() and g() (numpy arrays) disagree, or None if they agree within ``atol``.

    Exceptions are reasons too: a wrong result becomes a FAIL row of the report, never a traceback.
    """
    try:
        a, b = np.asarray(f()), np.asarray(g())
    except Exception as err:
        return f"{name}: {raised(err)}"
    if a.shape != b.shape:
        return f"{name}: shape {a.shape}, expected {b.shape}"
    if not np.allclose(a, b, atol=atol):
        return f"{name}: max |difference| {float(np.max(np.abs(a - b))):.3g} > {atol:g}"
    return None


def failed_row(goal, limit, reason):
    say(f"    FAIL: {reason}")
    return {"goal": goal, "d2lutils_s": None, "ratio": None, "limit": limit, "ok": False, "error": reason}


def bench_ratios(quick):
    from mxnet import nd
    np.random.seed(0)
    rows = []

    def compare(goal, path, limit, ok, f, g, reference, check, also=None):
        """A ratio row: f (d2lutils) timed against g (MXNet), after ``check`` (a reason, or None) passed.

        ``also`` (optional) is MXNet with its result left as an NDArray, timed in the same rounds, for information.
        """
        if check:
            rows.append(dict(failed_row(goal, limit, check), path=path))
            return None
        times = alternate(f, g, also) if also else alternate(f, g)
        t_f, t_g = times[:2]
        row = {"goal": goal, "path": path, "d2lutils_s": t_f, reference: t_g, "ratio": t_f / t_g,
               "limit": limit, "ok": ok(t_f / t_g)}
        if also:
            row["mxnet_ndarray_s"] = times[2]
            row["ratio_to_mxnet_ndarray"] = t_f / times[2]
        rows.append(row)
        return t_f

    def conv_nd(X, K):
        """nd.Convolution on X (c_i, H, W), K (c_o, c_i, kh, kw) NDArrays -> NDArray (c_o, H', W'), values ready."""
        Y = nd.Convolution(X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0], no_bias=True)[0]
        Y.wait_to_read()
        return Y

    def pool_nd(X, p):
        Y = nd.Pooling(X.reshape((1, 1) + X.shape), kernel=(p, p), stride=(1, 1), pool_type="max")[0, 0]
        Y.wait_to_read()
        return Y

    def ready(Y):
        Y.wait_to_read()
        return Y

    X = np.random.rand(224, 224).astype(np.float32)
    K = np.random.rand(3, 3).astype(np.float32)
    X_nd, K_nd = nd.array(X[None]), nd.array(K[None, None])
    X2_nd, K2_nd = nd.array(X), nd.array(K)
    X3 = np.random.rand(3, 64, 64).astype(np.float32)
    K3 = np.random.rand(16, 3, 3, 3).astype(np.float32)
    X3_nd, K3_nd = nd.array(X3), nd.array(K3)
    cases = [
        ("corr2d 1 channel 224x224, 3x3 / nd.Convolution", "<= 1.0", lambda r: r <= 1.0,
         "single channel 224x224, 3x3 kernel: d2lutils.corr2d vs nd.Convolution",
         lambda: corr2d(X, K), lambda: conv_mxnet(X_nd, K_nd)[0],
         lambda: ready(corr2d(X2_nd, K2_nd)), lambda: conv_nd(X_nd, K_nd)[0]),
        ("corr2d_multi_in_out 3->16 64x64, 3x3 / nd.Convolution", "<= 2.0", lambda r: r <= 2.0,
         "3 -> 16 channels 64x64, 3x3 kernels: d2lutils.corr2d_multi_in_out vs nd.Convolution",
         lambda: corr2d_multi_in_out(X3, K3), lambda: conv_mxnet(X3_nd, K3_nd),
         lambda: ready(corr2d_multi_in_out(X3_nd, K3_nd)), lambda: conv_nd(X3_nd, K3_nd)),
        ("pool2d max 3x3 224x224 / nd.Pooling", "<= 1.0", lambda r: r <= 1.0,
         "3x3 max pooling 224x224, stride 1: d2lutils.pool2d vs nd.Pooling",
         lambda: pool2d(X, 3), lambda: pool_mxnet(X2_nd, 3),
         lambda: ready(pool2d(X2_nd, 3)), lambda: pool_nd(X2_nd, 3)),
    ]
    t_fast = None
    for goal, limit, ok, text, f_np, g_np, f_nd, g_nd in cases:
        for path, f, g in (("numpy", f_np, g_np), ("NDArray", f_nd, g_np)):
            say(f"  {text} ({path} path)")
            as_numpy = (lambda h: lambda: h().asnumpy()) if path == "NDArray" else (lambda h: h)
            t = compare(goal, path, limit, ok, f, g, "mxnet_s",
                        disagreement(f"d2lutils vs MXNet ({path} path)", as_numpy(f), g),
                        also=g_nd if path == "NDArray" else None)
            if goal.startswith("corr2d 1 channel") and path == "numpy":
                t_fast = t

    size = 48 if quick else 224
    goal = ("speed-up of corr2d over the lecture's loop, 224x224"
            + (f" (loop extrapolated from {size}x{size})" if size != 224 else ""))
    say(f"  the lecture's loop on {size}x{size} (one run, {'quick' if quick else '10 to 30 s'})")
    Xl, Kl = nd.array(X[:size, :size]), nd.array(K)
    out = []

    def loop():
        Y = corr2d_loop(Xl, Kl)
        Y.wait_to_read()
        out.append(Y)

    try:
        t_loop = median_time(loop, repeat=1, warmup=0)
        check = disagreement("the lecture's loop vs nd.Convolution", lambda: out[0].asnumpy(),
                             lambda: conv_mxnet(nd.array(X[None, :size, :size]), K_nd)[0])
    except Exception as err:
        check = f"the lecture's loop {raised(err)}"
    if check is None and t_fast is None:
        check = "no time for d2lutils.corr2d: its result is wrong (see above)"
    if check:
        rows.append(dict(failed_row(goal, ">= 1000", check), path="numpy"))
        return rows
    if size != 224:  # O(H' W'): scale by the number of output pixels
        t_loop *= (222 * 222) / ((size - 2) * (size - 2))
    speedup = t_loop / t_fast
    rows.append({"goal": goal, "path": "numpy", "d2lutils_s": t_fast, "loop_s": t_loop, "ratio": speedup,
                 "limit": ">= 1000", "ok": speedup >= 1000})
    return rows


def run_notebook(path):
    """Execute one notebook in memory (not written back); return (path, seconds, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # this worker only: hide the kernels' start-up warnings; errors come back below
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=600,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as err:
        return path, time.perf_counter() - start, str(err).strip().splitlines()[-1][:200]
    return path, time.perf_counter() - start, None


def bench_notebooks(jobs):
    paths = sorted(p for p in (ROOT / "notebooks" / "mxnet").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    rows = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_notebook, str(p)) for p in paths]
        for done, future in enumerate(as_completed(futures), 1):
            path, seconds, error = future.result()
            name = str(Path(path).relative_to(ROOT / "notebooks" / "mxnet"))
            ok = error is None and seconds <= NOTEBOOK_BUDGET
            rows.append({"notebook": name, "seconds": seconds, "limit_s": NOTEBOOK_BUDGET, "ok": ok,
                         "error": error})
            say(f"  [{done}/{len(paths)}] {name}: {seconds:.1f} s" + (f"  ERROR {error}" if error else ""))
    return sorted(rows, key=lambda r: r["notebook"])


def bench_tests():
    log = ROOT / "bench" / "test_output.log"
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.run(["make", "--no-print-directory", "test"], cwd=ROOT, stdout=out,
                              stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    lines = [ln for ln in log.read_text().splitlines() if ln.strip()]
    summary = next((ln.strip("= ") for ln in reversed(lines) if re.search(r"passed|failed|error", ln)), "")
    say(f"  make test: {seconds:.1f} s, exit code {proc.returncode}: {summary}")
    return {"command": "make test", "seconds": seconds, "limit_s": TEST_BUDGET, "exit_code": proc.returncode,
            "summary": summary, "log": str(log.relative_to(ROOT)),
            "ok": proc.returncode == 0 and seconds <= TEST_BUDGET}


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows)


def report(results):
    say("\n== Goals (medians; MXNet: NDArray in, .asnumpy() out; d2lutils: numpy in and out on the numpy path,"
        "\n   NDArray in and out, values ready, on the NDArray path) ==")
    rows = [("goal", "path", "d2lutils", "reference", "ratio", "limit", "")]
    for r in results["ratios"]:
        if r.get("error"):
            rows.append((r["goal"], r.get("path", "-"), "-", "-", "-", r["limit"], f"FAIL ({r['error']})"))
            continue
        ref = r.get("mxnet_s", r.get("loop_s"))
        label = "MXNet" if "mxnet_s" in r else "loop"
        ratio = f"{r['ratio']:.0f}x" if "loop_s" in r else f"{r['ratio']:.2f}"
        rows.append((r["goal"], r.get("path", "-"), f"{r['d2lutils_s'] * 1e6:.0f} us",
                     f"{ref * 1e6:.0f} us ({label})" if ref < 1 else f"{ref:.1f} s ({label})", ratio, r["limit"],
                     verdict(r["ok"])))
    say(table(rows))
    also = [r for r in results["ratios"] if "ratio_to_mxnet_ndarray" in r]
    if also:
        say("  For information, NDArray path against MXNet with its result left as an NDArray (no copy):")
        say(table([("", "d2lutils", "MXNet, NDArray out", "ratio")] + [
            (r["goal"].split(" /")[0], f"{r['d2lutils_s'] * 1e6:.0f} us", f"{r['mxnet_ndarray_s'] * 1e6:.0f} us",
             f"{r['ratio_to_mxnet_ndarray']:.2f}") for r in also]))
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
        t = results["tests"]
        say("\n== Test suite ==")
        say(table([("command", "wall time", "limit", "result", ""),
                   (t["command"], f"{t['seconds']:.1f} s", f"{t['limit_s']:.0f} s", t["summary"], verdict(t["ok"]))]))
    else:
        say("\n== Test suite: skipped (--quick) ==")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the browser round trip, the notebooks and "
                        "the test suite; extrapolate the lecture loop from a 48x48 image")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at a time (default 2)")
    args = parser.parse_args(argv)

    import mxnet
    started = time.perf_counter()
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                           "python": platform.python_version(), "numpy": np.__version__,
                           "mxnet": mxnet.__version__},
               "method": "MXNet: NDArray input, result fetched with .asnumpy(); d2lutils: numpy input and result "
                         "(numpy path) or NDArray input and result, .wait_to_read() (NDArray path; MXNet with an "
                         "NDArray result is timed too, for information); medians of 5 alternating rounds x 40 runs "
                         "after warm-up",
               "quick": args.quick}
    steps = ["ratios", "explorers"] + ([] if args.quick else ["browser", "site", "notebooks", "tests"])

    def step(name, text):
        say(f"[{steps.index(name) + 1}/{len(steps)}] {text}")

    step("ratios", "Ratios to MXNet's operators and to the lecture's loop")
    results["ratios"] = bench_ratios(args.quick)
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
    goals = ([r["ok"] for r in results["ratios"]] + [r["ok"] for r in results["widgets"]]
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
