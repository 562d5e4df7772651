"""Hostile input never hurts: every public function of the core answers with bounded work and memory,
or refuses at once with a one-line ValueError naming the function and the argument.

Work is counted, not timed: the number of Python lines a call runs (``sys.settrace``), which grows with
every Python-level loop over kernel offsets, pixels or list entries; the work inside one numpy operation
is bounded by the size and work limits the functions check. Memory is the peak traced by ``tracemalloc``
(numpy's buffers included). Both are the same on every machine.

The module runs in both venvs: cases that need MXNet or PyTorch are skipped where it is missing.
"""
import sys
import tracemalloc
import warnings

import numpy as np
import pytest

try:
    import mxnet as mx
    from mxnet import nd
    from mxnet.gluon import nn
except ImportError:  # the PyTorch edition's venv: the cases made with MXNet are skipped
    mx = nd = nn = None
try:
    import torch
except ImportError:  # the MXNet edition's venv: the cases made with torch are skipped
    torch = None

from d2lutils import (comp_conv2d, conv_output_shape, conv_shape_formula, corr2d, corr2d_multi_in,
                      corr2d_multi_in_out, corr2d_multi_in_out_1x1, pool2d, pool_output_shape, pool_shape_formula,
                      receptive_field, receptive_region, stack_shapes)
from d2lutils.data import load_photo
from d2lutils.timing import conv_mxnet, corr2d_loop, median_time, pool_mxnet

MAX_STEPS = 50_000        # Python lines one public call may run (the old pooling loop: millions)
MAX_PEAK_MB = 400         # memory it may hold at once


class Lying:
    """Claims a billion entries, each of them 1."""

    def __len__(self):
        return 10 ** 9

    def __getitem__(self, i):
        return 1


class LyingList(list):
    """A list whose __len__ and __iter__ lie: its real entries are what numpy and d2lutils read."""

    def __len__(self):
        return 10 ** 9

    def __iter__(self):
        while True:
            yield 1


class RaisingArray:
    def __array__(self, dtype=None):
        raise RuntimeError("no array here")


class TextArray:
    def __array__(self, dtype=None):
        return np.array([["a", "b"], ["c", "d"]])


class FakeNDArray:
    """Looks like an NDArray (asnumpy, shape) but is not one."""
    shape = (3, 3)

    def asnumpy(self):
        raise RuntimeError("fooled you")


class RealLike:
    """Not a list, but its __array__ gives numbers: accepted."""

    def __array__(self, dtype=None):
        return np.arange(9.0).reshape(3, 3)


def self_referencing():
    L = [1]
    L.append(L)
    return L


ONE = np.ones((3, 3))
K2 = np.ones((2, 2))

def mxnet_case(*case):
    return pytest.param(*case, marks=pytest.mark.skipif(mx is None, reason="needs MXNet"), id=case[0])


def torch_case(*case):
    return pytest.param(*case, marks=pytest.mark.skipif(torch is None, reason="needs PyTorch"), id=case[0])


# (name, call, None if it must return, else words its ValueError must contain)
HOSTILE = [
    # the unbounded work
    mxnet_case("conv2d padding 1e5", lambda: comp_conv2d(nn.Conv2D(1, kernel_size=3, padding=10 ** 5), nd.ones((8, 8))),
     ["comp_conv2d", "padding", "(100000, 100000)"]),
    ("corr2d padding 8000", lambda: corr2d(np.ones((1, 1)), np.ones((1, 1)), padding=8000),
     ["corr2d", "padding", "X of shape (1, 1) "]),
    ("pool 1000x1000 window", lambda: pool2d(np.ones((1000, 1000)), 1000), None),
    ("avg pool 1000x1000 window", lambda: pool2d(np.ones((1000, 1000)), 1000, "avg"), None),
    ("pool 1x10^6 window", lambda: pool2d(np.ones((1, 10 ** 6)), (1, 10 ** 6)), None),
    ("pool large window, many outputs", lambda: pool2d(np.ones((1500, 1500)), 500, "avg"), None),
    ("corr2d 1x10^6 kernel", lambda: corr2d(np.ones((1, 10 ** 6)), np.ones((1, 10 ** 6))), None),
    mxnet_case("corr2d huge work", lambda: corr2d(np.ones((2000, 2000)), np.ones((1000, 1000))),
     ["corr2d", "multiply-adds", "nd.Convolution"]),
    ("multi huge work", lambda: corr2d_multi_in_out(np.ones((64, 128, 128)), np.ones((64, 64, 3, 3))),
     ["corr2d_multi_in_out", "multiply-adds"]),
    ("corr2d huge X", lambda: corr2d(np.ones((5000, 5000), np.float32), np.ones((1, 1))),
     ["corr2d", "X of shape (5000, 5000)", "25,000,000"]),
    mxnet_case("corr2d huge NDArray", lambda: corr2d(nd.ones((5000, 5000)), nd.ones((1, 1))),
     ["corr2d", "X of shape (5000, 5000)"]),
    ("corr2d huge output", lambda: corr2d(np.ones((2000, 2000)), np.ones((1, 1)), padding=500),
     ["corr2d", "padding"]),
    ("1x1 many channels", lambda: corr2d_multi_in_out_1x1(np.ones((8, 512, 512)), np.ones((64, 8, 1, 1))),
     ["corr2d_multi_in_out_1x1"]),
    mxnet_case("comp_conv2d huge X", lambda: comp_conv2d(nn.Conv2D(1, 3), nd.ones((4000, 4000))), ["comp_conv2d", "X"]),
    mxnet_case("comp_conv2d many channels", lambda: comp_conv2d(nn.Conv2D(4000, 3), nd.ones((200, 200))),
     ["comp_conv2d", "output"]),
    mxnet_case("comp_conv2d wrong channels", lambda: comp_conv2d(nn.Conv2D(1, 3, in_channels=3), nd.ones((5, 5))),
     ["comp_conv2d", "3 input channels"]),
    mxnet_case("comp_conv2d dense layer", lambda: comp_conv2d(nn.Dense(3), nd.ones((5, 5))), ["comp_conv2d", "Dense"]),
    mxnet_case("comp_conv2d NHWC", lambda: comp_conv2d(nn.Conv2D(1, 3, layout="NHWC"), nd.ones((5, 5))),
     ["comp_conv2d", "NHWC"]),
    # settings
    ("stride 10**5000", lambda: corr2d(ONE, K2, stride=10 ** 5000), ["corr2d", "stride", "at most"]),
    ("padding 10**20", lambda: corr2d(ONE, K2, padding=10 ** 20), ["corr2d", "padding", "at most"]),
    ("padding 1e300", lambda: corr2d(ONE, K2, padding=1e300), ["corr2d", "padding", "at most"]),
    ("stride nan", lambda: corr2d(ONE, K2, stride=float("nan")), ["corr2d", "stride", "nan"]),
    mxnet_case("stride NDArray 3x3", lambda: corr2d(ONE, K2, stride=nd.ones((3, 3))), ["stride", "NDArray of shape (3, 3)"]),
    mxnet_case("stride NDArray pair", lambda: corr2d(ONE, K2, stride=nd.array([1, 2])), None),
    mxnet_case("stride NDArray one", lambda: corr2d(ONE, K2, stride=nd.array([2])), None),
    ("stride lying list", lambda: corr2d(ONE, K2, stride=LyingList([1, 1])), None),
    ("stride set", lambda: corr2d(ONE, K2, stride={1, 2}), ["stride", "a set"]),
    ("stride text", lambda: corr2d(ONE, K2, stride="2"), ["stride", "'2'"]),
    ("mode long text", lambda: pool2d(ONE, 2, mode="x" * 10 ** 6), ["pool2d", "mode", "10 characters" if False else "mode"]),
    ("mode bytes", lambda: pool2d(ONE, 2, mode=b"max"), ["pool2d", "mode"]),
    ("shape 10**30", lambda: conv_output_shape(10 ** 30, 3), ["conv_output_shape", "input_size", "at most"]),
    ("formula 10**5000", lambda: conv_shape_formula(8, 10 ** 5000), ["conv_shape_formula", "kernel_size"]),
    ("pool formula huge", lambda: pool_shape_formula(2 ** 31 - 1, 2 ** 31 - 1), None),
    mxnet_case("pool shape NDArray", lambda: pool_output_shape(nd.ones((4, 4)), 2), ["pool_output_shape", "input_size"]),
    # look-alikes and other non-arrays
    mxnet_case("Symbol", lambda: corr2d(mx.sym.var("x"), K2), ["corr2d", "X", "MXNet Symbol"]),
    mxnet_case("Symbol kernel", lambda: corr2d_multi_in(np.ones((1, 3, 3)), mx.sym.var("k")), ["K", "MXNet Symbol"]),
    ("fake NDArray", lambda: corr2d(FakeNDArray(), K2), ["corr2d", "X", "FakeNDArray"]),
    ("__array__ raises", lambda: corr2d(RaisingArray(), K2), ["corr2d", "X", "RuntimeError"]),
    ("__array__ gives text", lambda: corr2d(TextArray(), K2), ["corr2d", "X", "text"]),
    ("__array__ gives numbers", lambda: corr2d(RealLike(), K2), None),
    ("lying sequence", lambda: corr2d(Lying(), K2), ["corr2d", "X", "Lying"]),
    ("list of lying", lambda: corr2d([Lying(), Lying()], K2), ["corr2d", "X", "Lying"]),
    ("lying list", lambda: corr2d(LyingList([[1.0, 2.0], [3.0, 4.0]]), K2), None),
    ("generator", lambda: corr2d((v for v in [1, 2]), K2), ["corr2d", "X", "generator"]),
    ("set", lambda: corr2d({1, 2}, K2), ["X", "set"]),
    ("dict", lambda: corr2d({1: 2}, K2), ["X", "dict"]),
    ("str", lambda: corr2d("[[1, 2], [3, 4]]", K2), ["X", "text"]),
    ("bytes", lambda: corr2d(b"\x01\x02", K2), ["X", "text"]),
    ("numpy text", lambda: corr2d(np.array([["1", "2"], ["3", "4"]]), K2), ["X", "text"]),
    ("timedelta", lambda: corr2d(np.ones((3, 3), dtype="m8[s]"), K2), ["X", "timedelta64"]),
    ("datetime", lambda: pool2d(np.zeros((3, 3), dtype="M8[D]"), 2), ["pool2d", "X", "datetime64"]),
    ("object array", lambda: corr2d(np.array([[1, None]]), K2), ["X", "object"]),
    ("self-referencing list", lambda: corr2d(self_referencing(), K2), ["X", "nested"]),
    ("ragged", lambda: corr2d([[1, 2], [3]], K2), ["X", "ragged"]),
    ("10**30 in a list", lambda: corr2d([[10 ** 30]], [[1]]), ["X", "too large for 64 bits"]),
    ("10**5000 in a list", lambda: corr2d([[1, 10 ** 5000]], [[1]]), ["X", "too large for 64 bits"]),
    ("complex", lambda: pool2d(ONE * 1j, 2), ["X", "complex"]),
    mxnet_case("mx.np array", lambda: corr2d(mx.np.ones((3, 3)), mx.np.ones((2, 2))), None),
    mxnet_case("list of NDArrays", lambda: corr2d([nd.ones(3), nd.ones(3)], K2), None),
    ("huge list", lambda: corr2d([[0.0] * 3000] * 3000, K2), ["X", "at most 8,388,608 numbers"]),
    # integers and floats at their limits
    ("int64 overflow", lambda: corr2d(np.full((3, 3), 2 ** 62), np.full((2, 2), 4)), ["corr2d", "overflow"]),
    ("uint64 beyond int64", lambda: corr2d(np.full((3, 3), 2 ** 64 - 1, np.uint64), np.ones((1, 1), np.uint64)),
     ["corr2d", "overflow"]),
    ("int64 minimum", lambda: pool2d(np.full((3, 3), -2 ** 63), 2, "avg"), None),
    ("float32 overflow", lambda: corr2d(np.full((3, 3), 3e38, np.float32), np.full((2, 2), 10, np.float32)), None),
    ("inf - inf", lambda: corr2d(np.array([[np.inf, -np.inf]]), np.ones((1, 2))), None),
    ("nan", lambda: pool2d(np.full((3, 3), np.nan), 2, "avg"), None),
    ("float64 avg overflow", lambda: pool2d(np.full((3, 3), 1e308), 2, "avg"), None),
    # timing, data and receptive fields
    ("median_time repeat", lambda: median_time(lambda: None, repeat=10 ** 12), ["median_time", "repeat", "at most"]),
    ("median_time number", lambda: median_time(lambda: None, number=10 ** 5000), ["median_time", "number"]),
    ("median_time calls", lambda: median_time(lambda: None, repeat=10 ** 4, number=10 ** 4), ["median_time", "calls"]),
    mxnet_case("median_time f", lambda: median_time(nd.ones((3, 3))), ["median_time", "f", "NDArray of shape (3, 3)"]),
    mxnet_case("corr2d_loop huge", lambda: corr2d_loop(nd.ones((1000, 1000)), nd.ones((3, 3))),
     ["corr2d_loop", "Python steps"]),
    mxnet_case("corr2d_loop huge kernel", lambda: corr2d_loop(nd.ones((2000, 2000)), nd.ones((1900, 1900))),
     ["corr2d_loop", "multiply-adds"]),
    mxnet_case("corr2d_loop K too large", lambda: corr2d_loop(nd.ones((2, 2)), nd.ones((3, 3))), ["corr2d_loop", "K"]),
    mxnet_case("corr2d_loop Symbol", lambda: corr2d_loop(mx.sym.var("x"), nd.ones((3, 3))), ["corr2d_loop", "Symbol"]),
    mxnet_case("corr2d_loop numpy", lambda: corr2d_loop(np.ones((4, 4)), np.ones((2, 2))), None),
    mxnet_case("conv_mxnet channels", lambda: conv_mxnet(nd.ones((3, 5, 5)), nd.ones((2, 2, 3, 3))),
     ["conv_mxnet", "3 input channels"]),
    mxnet_case("conv_mxnet huge output", lambda: conv_mxnet(nd.ones((64, 300, 300)), nd.ones((512, 64, 3, 3))),
     ["conv_mxnet", "output"]),
    mxnet_case("conv_mxnet huge work", lambda: conv_mxnet(nd.ones((64, 100, 100)), nd.ones((256, 64, 7, 7))),
     ["conv_mxnet", "multiply-adds"]),
    mxnet_case("conv_mxnet window", lambda: conv_mxnet(nd.ones((1, 2, 2)), nd.ones((1, 1, 3, 3))), ["conv_mxnet", "window"]),
    mxnet_case("pool_mxnet window", lambda: pool_mxnet(nd.ones((5, 5)), 7), ["pool_mxnet", "pool_size", "at most 5"]),
    mxnet_case("pool_mxnet mode", lambda: pool_mxnet(nd.ones((5, 5)), 2, "sum"), ["pool_mxnet", "mode"]),
    ("load_photo 10**5000", lambda: load_photo(10 ** 5000), ["load_photo", "max_size", "at most"]),
    ("load_photo huge", lambda: load_photo(10 ** 6), None),
    ("stack lying", lambda: stack_shapes(8, Lying()), ["stack_shapes", "layers", "Lying"]),
    ("stack lying list", lambda: stack_shapes(8, LyingList([{"kind": "conv", "kernel_size": 3}])), None),
    ("stack many", lambda: stack_shapes(8, [{"kind": "pool", "kernel_size": 1}] * 10 ** 6),
     ["stack_shapes", "layers", "1 to 16"]),
    ("stack kind text", lambda: receptive_field([{"kind": "c" * 10 ** 5, "kernel_size": 3}]),
     ["receptive_field", "kind", "characters"]),
    ("stack unknown key", lambda: receptive_field([{"kind": "conv", "kernel_size": 3, ("x" * 10 ** 5,): 1}]),
     ["receptive_field", "unknown key"]),
    ("region position", lambda: receptive_region(8, [{"kind": "conv", "kernel_size": 3}], LyingList([0, 0])), None),
    ("region position huge", lambda: receptive_region(8, [{"kind": "conv", "kernel_size": 3}], (10 ** 5000, 0)),
     ["receptive_region", "position"]),
]


def count_steps(call):
    """Run ``call()``; return (its result or the exception it raised, the number of Python lines it ran).

    Lines, not calls: numpy's ufuncs and indexing raise no profiler events, but a Python loop over
    kernel offsets or pixels runs its body's lines once per step.
    """
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += event == "line"
        return trace

    sys.settrace(trace)
    try:
        result = call()
    except Exception as err:
        result = err
    finally:
        sys.settrace(None)
    return result, count


HOSTILE += [
    torch_case("torch conv2d padding 1e5", lambda: comp_conv2d(torch.nn.Conv2d(1, 1, 3, padding=10 ** 5), torch.ones(8, 8)),
               ["comp_conv2d", "padding", "(100000, 100000)"]),
    torch_case("torch huge tensor", lambda: corr2d(torch.ones(1).expand(5000, 5000), torch.ones(1, 1)),
               ["corr2d", "X of shape (5000, 5000)"]),
    torch_case("torch comp_conv2d huge X", lambda: comp_conv2d(torch.nn.Conv2d(1, 1, 3), torch.ones(1).expand(4000, 4000)),
               ["comp_conv2d", "X"]),
    torch_case("torch comp_conv2d many channels", lambda: comp_conv2d(torch.nn.Conv2d(1, 4000, 3), torch.ones(200, 200)),
               ["comp_conv2d", "output"]),
    torch_case("torch comp_conv2d huge dilation", lambda: comp_conv2d(torch.nn.Conv2d(1, 1, 3, dilation=2 ** 30),
                                                                      torch.ones(8, 8)), ["comp_conv2d", "rows"]),
    torch_case("torch comp_conv2d same huge dilation",
               lambda: comp_conv2d(torch.nn.Conv2d(1, 1, 3, padding="same", dilation=2 ** 20), torch.ones(8, 8)),
               ["comp_conv2d", "padding"]),
    torch_case("torch comp_conv2d ceil huge stride",
               lambda: comp_conv2d(torch.nn.MaxPool2d(2, stride=2 ** 31 - 1, ceil_mode=True), torch.ones(8, 8)), None),
    torch_case("torch comp_conv2d linear", lambda: comp_conv2d(torch.nn.Linear(3, 3), torch.ones(5, 5)),
               ["comp_conv2d", "torch Linear"]),
    torch_case("torch stride tensor 3x3", lambda: corr2d(ONE, K2, stride=torch.ones(3, 3)),
               ["stride", "torch tensor of shape (3, 3)"]),
    torch_case("torch stride tensor pair", lambda: corr2d(ONE, K2, stride=torch.tensor([1, 2])), None),
    torch_case("torch stride 0-d tensor", lambda: corr2d(ONE, K2, stride=torch.tensor(2)), None),
    torch_case("list of tensors", lambda: corr2d([torch.ones(3), torch.ones(3)], K2), None),
    torch_case("list of 0-d tensors", lambda: corr2d([[torch.tensor(1.0)] * 300] * 300, K2), None),
    torch_case("torch layer as X", lambda: corr2d(torch.nn.Conv2d(1, 1, 3), K2), ["corr2d", "X", "torch Conv2d"]),
    torch_case("torch float8", lambda: corr2d(torch.ones(3, 3, dtype=torch.float8_e4m3fn), K2), None),
]


@pytest.mark.parametrize("name, call, words", HOSTILE)
def test_hostile_input_is_answered_or_refused_within_bounds(name, call, words):
    if nn is not None:
        comp_conv2d(nn.Conv2D(1, 3), nd.ones((5, 5)))  # MXNet's set-up and the photo's decoding, not counted below
    if torch is not None:
        comp_conv2d(torch.nn.Conv2d(1, 1, 3), torch.ones(5, 5))
    load_photo(8)
    tracemalloc.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result, steps = count_steps(call)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert steps <= MAX_STEPS, f"{steps} Python lines run"
    assert peak <= MAX_PEAK_MB * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MB"
    assert not [w for w in caught if not issubclass(w.category, DeprecationWarning)], \
        [str(w.message) for w in caught]
    if words is None:
        assert not isinstance(result, Exception), f"{type(result).__name__}: {result}"
        return
    assert isinstance(result, ValueError), f"{type(result).__name__}: {result}"
    message = str(result)
    assert message.startswith(words[0].split(" ")[0] + ":") or ":" in message.split(" ")[0]
    for word in words:
        assert word in message, f"{word!r} missing from {message!r}"
    assert "\n" not in message and len(message) < 330, message
    assert "Traceback" not in message and "Invalid integer" not in message and "[[" not in message


def test_results_of_the_known_failures_are_right():
    assert pool2d(np.ones((1000, 1000)), 1000).tolist() == [[1.0]]
    assert pool2d(np.arange(10.0 ** 6).reshape(1, -1), (1, 10 ** 6), "avg").tolist() == [[(10 ** 6 - 1) / 2]]
    assert corr2d(np.ones((1, 10 ** 6)), np.full((1, 10 ** 6), 2.0)).tolist() == [[2.0 * 10 ** 6]]
    X = np.arange(1500 * 1500, dtype=float).reshape(1500, 1500)
    Y = pool2d(X, 500, "avg")
    assert Y.shape == (1001, 1001)
    np.testing.assert_allclose(Y[[0, 1000], [3, 0]], [X[:500, 3:503].mean(), X[1000:, :500].mean()], rtol=1e-12)


@pytest.mark.skipif(mx is None, reason="needs MXNet")
def test_mxnet_still_works_after_a_refused_layer():
    X = nd.ones((8, 8))
    with pytest.raises(ValueError, match="padding"):
        comp_conv2d(nn.Conv2D(1, kernel_size=3, padding=10 ** 5), X)
    assert nd.ones((2, 2)).sum().asscalar() == 4  # the next MXNet call
    assert comp_conv2d(nn.Conv2D(1, kernel_size=3, padding=1), X).shape == (8, 8)


@pytest.mark.skipif(mx is None, reason="needs MXNet")
def test_a_layer_mxnet_rejects_is_reported_in_one_line_and_mxnet_goes_on():
    conv2d = nn.Conv2D(1, kernel_size=3, activation="nonexistent")  # only MXNet notices, when it runs
    with pytest.raises(ValueError) as err:
        comp_conv2d(conv2d, nd.ones((6, 6)))
    message = str(err.value)
    assert message.startswith("comp_conv2d: the layer cannot run") and "nonexistent" in message
    assert "\n" not in message and len(message) < 330
    assert nd.ones((2, 2)).sum().asscalar() == 4


def test_nothing_is_written_into_the_callers_arrays():
    X, K = np.arange(12.0).reshape(3, 4), np.ones((2, 2))
    X.flags.writeable = K.flags.writeable = False  # any write raises
    corr2d(X, K, padding=1)
    pool2d(X, 1, "avg")
    pool2d(X, 2, padding=1)
    corr2d_multi_in_out_1x1(X[None], K[None, None, :1, :1])


@pytest.mark.skipif(mx is None, reason="needs MXNet")
def test_the_checks_wrap_the_lectures_code_which_lesson_8_prints_as_it_is():
    import inspect
    for function in (corr2d_loop, conv_mxnet, pool_mxnet):
        source = inspect.getsource(function)
        assert source.startswith(f"def {function.__name__}(") and "_inputs" not in source
    assert "Y[i, j] = (X[i: i + h, j: j + w] * K).sum()" in inspect.getsource(corr2d_loop)
    with pytest.raises(ValueError, match="pool_mxnet: pool_size"):
        pool_mxnet(nd.ones((3, 3)), pool_size=4, mode="avg")
    np.testing.assert_allclose(pool_mxnet(nd.ones((3, 3)), pool_size=2, mode="avg"), np.ones((2, 2)))
