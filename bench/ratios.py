"""`make bench`, step 1: d2lutils against each framework's own operators on the same inputs (issue 16, item 6).

Usage: python bench/ratios.py --framework mxnet|torch [--quick]   (prints the rows as JSON on stdout)

``bench/run.py`` runs each framework's part in the interpreter that has the framework: in its own process when it
can import it, otherwise in the other edition's venv (``.venv`` for MXNet, ``.venv-pytorch`` for PyTorch) through
this script, so that both frameworks' ratios appear in one run. Each row says which interpreter measured it.

Three cases (the course's goals): one channel 224x224 with a 3x3 kernel, 3 -> 16 channels 64x64 with 3x3
kernels, and 3x3 max pooling of 224x224 with stride 1. Each on two paths:

- numpy path: d2lutils gets numpy arrays and returns numpy; the framework gets its own arrays (made once, outside
  the timing) and its result is read as numpy (MXNet: ``.asnumpy()``, which waits for MXNet's asynchronous engine;
  PyTorch: ``.numpy()``, a view of the finished result), through ``d2lutils.timing``'s ``conv_*``/``pool_*``;
- tensor path (NDArray path for MXNet), the one the lessons use: d2lutils gets the framework's arrays and returns
  one (values ready: its conversions are timed), against the same framework call as on the numpy path. MXNet with
  its result left as an NDArray is timed in the same rounds, for information.

PyTorch on this kind of machine: its CPU operators split small convolutions over all cores, and when another
program holds a core the split call waits for the scheduler (medians of 2 to 16 ms instead of 0.2 ms, in some
runs). So PyTorch is timed twice in the same rounds, with its default number of threads and with one thread
(``torch.set_num_threads(1)``), and the goal is judged against the faster of the two: the stricter comparison.

Medians of many runs after a warm-up, all sides measured in alternating rounds. Each result is first compared
with the framework's: a wrong one is a FAIL row with the reason, and is not timed.
"""
import argparse
import contextlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from d2lutils import corr2d, corr2d_multi_in_out, pool2d  # noqa: E402
from d2lutils.timing import median_time  # noqa: E402

#: The goals: (case, limit against MXNet, limit against PyTorch).
CASES = [
    ("conv 1 channel 224x224, 3x3", 1.0, 1.5),
    ("conv 3->16 channels 64x64, 3x3", 2.0, 2.0),
    ("max pool 3x3 224x224, stride 1", 1.0, 1.5),
]
FRAMEWORKS = {"mxnet": "MXNet", "torch": "PyTorch"}
#: The venv of each framework (tools/install.sh), relative to the repository.
VENVS = {"mxnet": ".venv", "torch": ".venv-pytorch"}
LOOP_GOAL = 1000  # speed-up of d2lutils.corr2d over lesson 2's loop, 224x224


def alternate(*functions, rounds=5, repeat=40, settings=None):
    """Median times of the functions (seconds), measured in alternating rounds so that all see the same machine.

    ``settings`` (optional), one per function: None, or a context manager factory entered around that function's
    measurements (e.g. PyTorch on one thread), so that switching costs nothing inside the timing.
    """
    times = [[] for _ in functions]
    settings = settings or [None] * len(functions)
    for _ in range(rounds):
        for t, f, setting in zip(times, functions, settings):
            with setting() if setting else contextlib.nullcontext():
                t.append(median_time(f, repeat=repeat, warmup=2))
    return tuple(float(np.median(t)) for t in times)


def raised(err):
    """One line for an exception: its type and the last line of its message (MXNet's end in the reason)."""
    lines = str(err).strip().splitlines()
    return f"raised {type(err).__name__}" + (f": {lines[-1].strip()[:160]}" if lines else "")


def disagreement(name, f, g, atol=1e-4):
    """Why f() and g() (numpy arrays) disagree, or None if they agree within ``atol``."""
    try:
        a, b = np.asarray(f()), np.asarray(g())
    except Exception as err:
        return f"{name}: {raised(err)}"
    if a.shape != b.shape:
        return f"{name}: shape {a.shape}, expected {b.shape}"
    if not np.allclose(a, b, atol=atol):
        return f"{name}: max |difference| {float(np.max(np.abs(a - b))):.3g} > {atol:g}"
    return None


def _inputs():
    rng = np.random.default_rng(0)
    X = rng.random((224, 224), dtype=np.float32)
    K = rng.random((3, 3), dtype=np.float32)
    X3 = rng.random((3, 64, 64), dtype=np.float32)
    K3 = rng.random((16, 3, 3, 3), dtype=np.float32)
    return X, K, X3, K3


def _interpreter():
    return {"python": sys.executable, "version": sys.version.split()[0], "numpy": np.__version__}


def _row(framework, case, path, limit, **values):
    return {"framework": framework, "case": case, "path": path, "limit": limit, **values}


def _measure(framework, case, path, limit, check, d2l, ref, extra=(), setting=None):
    """A row: ``d2l`` timed against ``ref`` (and the ``extra`` (name, function) pairs, each measured inside
    ``setting`` if given) unless ``check`` failed."""
    if check:
        return _row(framework, case, path, limit, ok=False, error=check)
    times = alternate(d2l, ref, *(f for _, f in extra), settings=[None, None] + [setting] * len(extra))
    row = _row(framework, case, path, limit, d2lutils_s=times[0], reference_s=times[1])
    for (name, _), t in zip(extra, times[2:]):
        row[name] = t
    return row


def mxnet_rows(quick=False):
    from mxnet import nd

    from d2lutils.timing import conv_mxnet, corr2d_loop, pool_mxnet

    def ready(Y):
        Y.wait_to_read()
        return Y

    def conv_nd(X, K):
        """nd.Convolution, result left as an NDArray (values ready): for information."""
        return ready(nd.Convolution(X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0],
                                    no_bias=True)[0])

    def pool_nd(X, p):
        return ready(nd.Pooling(X.reshape((1, 1) + X.shape), kernel=(p, p), stride=(1, 1), pool_type="max")[0, 0])

    X, K, X3, K3 = _inputs()
    X_nd, K_nd, X2_nd, K2_nd = nd.array(X[None]), nd.array(K[None, None]), nd.array(X), nd.array(K)
    X3_nd, K3_nd = nd.array(X3), nd.array(K3)
    cases = [
        (lambda: corr2d(X, K), lambda: ready(corr2d(X2_nd, K2_nd)), lambda: conv_mxnet(X_nd, K_nd)[0],
         lambda: conv_nd(X_nd, K_nd)),
        (lambda: corr2d_multi_in_out(X3, K3), lambda: ready(corr2d_multi_in_out(X3_nd, K3_nd)),
         lambda: conv_mxnet(X3_nd, K3_nd), lambda: conv_nd(X3_nd, K3_nd)),
        (lambda: pool2d(X, 3), lambda: ready(pool2d(X2_nd, 3)), lambda: pool_mxnet(X2_nd, 3),
         lambda: pool_nd(X2_nd, 3)),
    ]
    rows = []
    for (case, limit, _), (f_np, f_nd, g, g_nd) in zip(CASES, cases):
        rows.append(_measure("mxnet", case, "numpy", limit, disagreement("d2lutils vs MXNet", f_np, g), f_np, g))
        rows.append(_measure("mxnet", case, "NDArray", limit,
                             disagreement("d2lutils vs MXNet (NDArray path)", lambda: f_nd().asnumpy(), g),
                             f_nd, g, extra=[("mxnet_ndarray_s", g_nd)]))
    rows.append(_loop_row("mxnet", quick, corr2d_loop, nd.array, lambda Y: Y.asnumpy(), rows[0]))
    return rows


def torch_rows(quick=False):
    import torch
    import torch.nn.functional as F

    from d2lutils.timing import conv_torch, corr2d_loop_torch, pool_torch

    threads = torch.get_num_threads()

    @contextlib.contextmanager
    def one_thread():
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)

    X, K, X3, K3 = _inputs()
    tX, tK, tX3, tK3 = (torch.from_numpy(A.copy()) for A in (X, K, X3, K3))
    tX1, tK1 = tX[None], tK[None, None]
    cases = [
        (lambda: corr2d(X, K), lambda: corr2d(tX, tK), lambda: conv_torch(tX1, tK1)[0]),
        (lambda: corr2d_multi_in_out(X3, K3), lambda: corr2d_multi_in_out(tX3, tK3), lambda: conv_torch(tX3, tK3)),
        (lambda: pool2d(X, 3), lambda: pool2d(tX, 3), lambda: pool_torch(tX, 3)),
    ]
    rows = []
    for (case, _, limit), (f_np, f_t, g) in zip(CASES, cases):
        for path, f, as_numpy in (("numpy", f_np, f_np), ("tensor", f_t, lambda: f_t().numpy())):
            check = disagreement(f"d2lutils vs PyTorch ({path} path)", as_numpy, g)
            if check is None and path == "tensor" and not isinstance(f_t(), torch.Tensor):
                check = f"d2lutils returned {type(f_t()).__name__} for torch tensors, not a tensor"
            row = _measure("torch", case, path, limit, check, f, g, extra=[("torch_1thread_s", g)], setting=one_thread)
            if "reference_s" in row:  # judged against PyTorch's faster setting
                row["torch_threads"], row["torch_default_s"] = threads, row["reference_s"]
                row["reference_s"] = min(row["reference_s"], row["torch_1thread_s"])
            rows.append(row)
    rows.append(_loop_row("torch", quick, corr2d_loop_torch, torch.from_numpy, lambda Y: Y.numpy(), rows[0]))
    return rows


def _loop_row(framework, quick, loop, array, as_numpy, fast_row):
    """The speed-up of d2lutils.corr2d (numpy path) over lesson 2's loop in the framework, 224x224 (quick: the
    loop on 48x48, extrapolated by the number of output pixels)."""
    size = 48 if quick else 224
    case = "corr2d vs lesson 2's loop, 224x224" + (f" (loop from {size}x{size})" if quick else "")
    X, K = _inputs()[:2]
    Xl, Kl = array(X[:size, :size].copy()), array(K.copy())
    out = []

    def run():
        out.append(as_numpy(loop(Xl, Kl)))

    try:
        t_loop = median_time(run, repeat=1, warmup=0)
        check = disagreement("lesson 2's loop vs d2lutils.corr2d", lambda: out[0], lambda: corr2d(X[:size, :size], K))
    except Exception as err:
        check = f"lesson 2's loop {raised(err)}"
    if check is None and "d2lutils_s" not in fast_row:
        check = "no time for d2lutils.corr2d: its result is wrong (see above)"
    if check:
        return _row(framework, case, "numpy", LOOP_GOAL, ok=False, error=check, loop=True)
    t_loop *= (222 * 222) / ((size - 2) * (size - 2))
    return _row(framework, case, "numpy", LOOP_GOAL, loop=True, d2lutils_s=fast_row["d2lutils_s"], loop_s=t_loop)


def judge(rows):
    """Add ``ratio`` and ``ok`` to every measured row (in place) and return the rows."""
    for r in rows:
        if r.get("error"):
            continue
        if r.get("loop"):
            r["ratio"] = r["loop_s"] / r["d2lutils_s"]
            r["ok"] = r["ratio"] >= r["limit"]
        else:
            r["ratio"] = r["d2lutils_s"] / r["reference_s"]
            r["ok"] = r["ratio"] <= r["limit"]
    return rows


def rows_for(framework, quick=False):
    """The judged rows of one framework, measured in this interpreter, each naming the interpreter."""
    rows = mxnet_rows(quick) if framework == "mxnet" else torch_rows(quick)
    for r in rows:
        r["interpreter"] = _interpreter()
    return judge(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=sorted(FRAMEWORKS), required=True)
    parser.add_argument("--quick", action="store_true", help="the lecture's loop on 48x48, extrapolated")
    args = parser.parse_args(argv)
    json.dump(rows_for(args.framework, args.quick), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
