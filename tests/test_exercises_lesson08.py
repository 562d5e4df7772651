"""Lesson 8 checkers: accept answers computed with MXNet, reject wrong ones without revealing the answer.

No test here reads a real clock: exercise 3's speed verdicts come from a replaced ``_best_time`` (times set by
the test, or the number of Python-level calls a function makes), ``median_time`` reads a fake clock. Speed
goals are measured by ``make bench``. Also checks the fast d2lutils code on the sizes lesson 8 and `make bench` time, where the matrix
product is done in column blocks, against MXNet's own operators.
"""
import sys

import numpy as np
import pytest
from mxnet import nd

from d2lutils import corr2d, corr2d_multi_in_out, corr2d_multi_in_out_1x1, pool2d
from d2lutils import timing
from d2lutils.exercises import lesson08 as ex
from d2lutils.timing import conv_mxnet, corr2d_loop, median_time, pool_mxnet
from reference import assert_rejects


def mxnet_output_shape():
    t = ex.TASK
    X = nd.zeros((1, t["c_i"]) + t["input_size"])
    K = nd.zeros((t["c_o"], t["c_i"]) + t["kernel_size"])
    return nd.Convolution(X, K, kernel=t["kernel_size"], num_filter=t["c_o"], no_bias=True).shape


def test_multiply_adds():
    _, c_o, H, W = mxnet_output_shape()
    per_output = ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"]))
    expected = c_o * H * W * per_output
    assert ex.check_multiply_adds(expected).ok is True
    assert ex.check_multiply_adds(float(expected)).ok is True
    everywhere = c_o * int(np.prod(ex.TASK["input_size"])) * per_output
    result = ex.check_multiply_adds(everywhere)
    assert result.ok is False and "fit" in result.message
    one_channel = H * W * per_output
    result = ex.check_multiply_adds(one_channel)
    assert result.ok is False and "one output channel" in result.message
    for wrong in [expected + 1, expected // 9, H * W, "many", [expected]]:
        assert_rejects(ex.check_multiply_adds(wrong), expected)
    assert ex.check_multiply_adds(None).ok is None


def test_im2col_shape():
    _, _, H, W = mxnet_output_shape()
    expected = (ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"])), H * W)
    assert ex.check_im2col_shape(expected).ok is True
    assert ex.check_im2col_shape(list(expected)).ok is True
    result = ex.check_im2col_shape(expected[::-1])
    assert result.ok is False and "swapped" in result.message
    for wrong in [(9, H * W), (expected[0], 64 * 64), (expected[0],), "27x3844"]:
        assert_rejects(ex.check_im2col_shape(wrong), expected)
    assert ex.check_im2col_shape(None).ok is None


def mxnet_corr2d(X, K):
    """A correct answer to exercise 3, built on MXNet's operator."""
    return conv_mxnet(nd.array(X[None]), nd.array(K[None, None]))[0]


def numpy_loop(X, K):
    """Right results, one Python step per output pixel: too slow on purpose."""
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=np.float32)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def sliding_windows(X, K):
    """Another correct answer, numpy only: every window as a view, one tensordot."""
    return np.tensordot(np.lib.stride_tricks.sliding_window_view(X, K.shape), K, axes=2)


REAL_BEST_TIME = ex._best_time  # before the fixture below replaces it
LOOP_SMALL_S = 0.25  # the lecture's loop on the LOOP_SIZE image, as the fixed timer reports it


class FixedTimer:
    """Replaces ``ex._best_time``: the answer is still called once (its exceptions surface), the lecture's
    loop is not run; the times are the test's: ``learner`` (seconds, or {image size: seconds}) and ``loop``."""

    def __init__(self, learner=50e-6, loop=LOOP_SMALL_S):
        self.learner, self.loop, self.sizes = learner, loop, []

    def __call__(self, f, X, K, runs):
        assert runs >= 1
        if f is ex._lecture_loop:
            assert X.shape == (ex.LOOP_SIZE, ex.LOOP_SIZE)
            return self.loop
        f(X, K)
        self.sizes.append(X.shape[0])
        return self.learner[X.shape[0]] if isinstance(self.learner, dict) else self.learner


@pytest.fixture(autouse=True)
def fixed_timer(monkeypatch):
    """Every test of exercise 3 runs without a clock; a test changes the times or the timer as it needs."""
    timer = FixedTimer()
    monkeypatch.setattr(ex, "_best_time", timer)
    return timer


_calls_cache = {}


def python_calls(f, X, K, runs=1):
    """A deterministic stand-in for a time: 1 us per Python-level function call (Python or C) of ``f(X, K)``.

    A pixel loop makes calls for every output pixel, whole-array code a fixed few: the overhead that makes
    the lecture's loop slow. The lecture's loop is counted once per input shape (about half a second).
    """
    key = (X.shape, K.shape) if f is ex._lecture_loop else None
    if key in _calls_cache:
        return _calls_cache[key]
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        f(X, K)
    finally:
        sys.setprofile(previous)
    if key is not None:
        _calls_cache[key] = count * 1e-6
    return count * 1e-6


def test_fast_corr2d_accepts_vectorized_code(monkeypatch):
    monkeypatch.setattr(ex, "_best_time", python_calls)
    assert ex.check_fast_corr2d(sliding_windows).ok is True
    assert ex.check_fast_corr2d(corr2d).ok is True
    assert ex.check_fast_corr2d(mxnet_corr2d).ok is True
    assert ex.check_fast_corr2d(lambda X, K: nd.array(mxnet_corr2d(X, K))).ok is True


def test_fast_corr2d_judges_a_pixel_loop_too_slow(monkeypatch):
    monkeypatch.setattr(ex, "_best_time", python_calls)
    result = ex.check_fast_corr2d(numpy_loop)  # right results, one Python step per output pixel
    assert result.ok is False and result.hint
    assert f"{ex.FAST_SIZE}x{ex.FAST_SIZE}" in result.message and "corr2d_loop" in result.message
    speedup = float(result.message.split("only ")[1].split(" times")[0])
    assert 1 < speedup < ex.FAST_MIN_SPEEDUP / 2


def test_fast_corr2d_speed_is_relative_to_the_lecture_loop(fixed_timer):
    scale = ex._output_pixels(ex.FAST_SIZE) / ex._output_pixels(ex.LOOP_SIZE)
    at_limit = LOOP_SMALL_S * scale / ex.FAST_MIN_SPEEDUP  # exactly FAST_MIN_SPEEDUP times faster on FAST_SIZE
    just_inside = 0.98 * at_limit
    for load in (1, 100):  # a machine 100 times slower slows the loop alike: same verdicts
        fixed_timer.loop = LOOP_SMALL_S * load
        fixed_timer.learner = {ex.LOOP_SIZE: 1e-4 * load, ex.FAST_SIZE: just_inside * load}
        assert ex.check_fast_corr2d(sliding_windows).ok is True
        fixed_timer.learner[ex.FAST_SIZE] = at_limit * load * 1.05
        result = ex.check_fast_corr2d(sliding_windows)
        assert result.ok is False and result.hint and "ms" in result.message
        assert f"only {ex.FAST_MIN_SPEEDUP * 100 / 105:.0f} times faster" in result.message


def test_fast_corr2d_rejects_a_loop_as_slow_as_the_lecture_on_the_small_image(fixed_timer):
    fixed_timer.learner = {ex.LOOP_SIZE: LOOP_SMALL_S / ex.SMALL_MIN_SPEEDUP * 1.1, ex.FAST_SIZE: 1e-4}
    result = ex.check_fast_corr2d(sliding_windows)
    assert result.ok is False and result.hint
    assert f"{ex.LOOP_SIZE}x{ex.LOOP_SIZE}" in result.message and "corr2d_loop" in result.message
    assert ex.FAST_SIZE not in fixed_timer.sizes  # not timed on the large image: that would take seconds
    fixed_timer.learner[ex.LOOP_SIZE] = LOOP_SMALL_S / ex.SMALL_MIN_SPEEDUP
    fixed_timer.sizes.clear()
    assert ex.check_fast_corr2d(sliding_windows).ok is True
    assert fixed_timer.sizes == [ex.LOOP_SIZE, ex.FAST_SIZE]


def test_fast_corr2d_rejects():
    result = ex.check_fast_corr2d(lambda X, K: mxnet_corr2d(X, K[::-1, ::-1]))  # a true convolution
    assert result.ok is False and "differ" in result.message
    result = ex.check_fast_corr2d(lambda X, K: mxnet_corr2d(X, K)[:-1])
    assert result.ok is False and "shape" in result.message
    result = ex.check_fast_corr2d("corr2d_fast")
    assert result.ok is False and result.hint
    assert ex.check_fast_corr2d(None).ok is None


def test_best_time_is_the_shortest_run(monkeypatch):
    ticks = iter([0.0, 0.3, 1.0, 1.1, 2.0, 2.2])  # runs of 0.3, 0.1 and 0.2 s
    monkeypatch.setattr(ex, "_clock", lambda: next(ticks))
    calls = []
    assert REAL_BEST_TIME(lambda X, K: calls.append((X, K)), "X", "K", 3) == pytest.approx(0.1)
    assert calls == [("X", "K")] * 3


def test_fast_corr2d_says_when_the_function_returns_none():
    def forgot_return(X, K):
        mxnet_corr2d(X, K)

    result = ex.check_fast_corr2d(forgot_return)
    assert result.ok is False
    assert "returned None" in result.message and "`return`" in result.message
    assert "replace None" not in result.text


def raises_on_large_inputs(X, K):
    if X.size > 100:
        raise MemoryError("too big")
    return mxnet_corr2d(X, K)


def raises_mxnet_error(X, K):
    return nd.Convolution(nd.array(X), nd.array(K), kernel=K.shape, num_filter=1).asnumpy()  # no bias given


def raising(err):
    def function(X, K):
        raise err
    return function


@pytest.mark.parametrize("function, name, detail", [
    (lambda X, K: 1 / 0, "ZeroDivisionError", "division by zero"),
    (lambda X, K: X @ K, "ValueError", "matmul"),
    (raising(RuntimeError("first line\n  second line\n  third line")), "RuntimeError", "first line"),
    (raising(KeyError()), "KeyError", None),
    (raising(ValueError("x" * 1000)), "ValueError", "..."),
    (raises_on_large_inputs, "MemoryError", "too big"),  # only in the timing runs, after the small cases pass
    (raises_mxnet_error, "MXNetError", "expects 3 inputs"),  # MXNet's messages hold a C++ traceback
], ids=["zero-division", "numpy", "multi-line", "no-message", "long", "only-large", "mxnet"])
def test_fast_corr2d_reports_an_exception_in_one_line(function, name, detail):
    result = ex.check_fast_corr2d(function)  # must not raise
    assert result.ok is False and result.hint
    assert result.message.startswith(f"your function raised {name}")
    assert "\n" not in result.text and "Traceback" not in result.text and "second line" not in result.text
    assert len(result.message) < 250
    if detail:
        assert detail in result.message


def test_the_lecture_loop_agrees_with_mxnet():
    X, K = np.random.rand(9, 7).astype(np.float32), np.random.rand(3, 2).astype(np.float32)
    np.testing.assert_allclose(corr2d_loop(nd.array(X), nd.array(K)).asnumpy(), mxnet_corr2d(X, K),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("c_i, c_o, size", [(3, 16, 64), (3, 16, 96), (1, 1, 224), (8, 4, 40), (2, 3, 300)])
def test_fast_conv_agrees_with_mxnet_where_the_product_is_blocked(c_i, c_o, size):
    rng = np.random.default_rng(size)
    X = rng.standard_normal((c_i, size, size), dtype=np.float32)
    K = rng.standard_normal((c_o, c_i, 3, 3), dtype=np.float32)
    expected = conv_mxnet(nd.array(X), nd.array(K))
    np.testing.assert_allclose(corr2d_multi_in_out(X, K), expected, rtol=1e-4, atol=1e-4)
    K1 = rng.standard_normal((c_o, c_i, 1, 1), dtype=np.float32)
    np.testing.assert_allclose(corr2d_multi_in_out_1x1(X, K1), conv_mxnet(nd.array(X), nd.array(K1)),
                               rtol=1e-4, atol=1e-4)


def test_pool_and_single_channel_agree_with_mxnet():
    X = np.random.rand(224, 224).astype(np.float32)
    np.testing.assert_allclose(pool2d(X, 3), pool_mxnet(nd.array(X), 3))
    np.testing.assert_allclose(pool2d(X, 3, mode="avg"), pool_mxnet(nd.array(X), 3, "avg"), rtol=1e-5)
    K = np.random.rand(3, 3).astype(np.float32)
    np.testing.assert_allclose(corr2d(X, K), mxnet_corr2d(X, K), rtol=1e-4, atol=1e-4)


class FakeClock:
    """A clock that only moves when the timed function says so: each call of ``tick`` advances it by the next
    of ``durations`` (seconds)."""

    def __init__(self, durations):
        self.now, self.durations = 0.0, iter(durations)

    def __call__(self):
        return self.now

    def tick(self):
        self.now += next(self.durations)


def test_median_time(monkeypatch):
    # 2 warm-up calls, then 5 batches of 3 calls; batch means 1, 2, 10, 3 and 4 s (per call) -> median 3 s
    batches = [1, 2, 10, 3, 4]
    clock = FakeClock([100.0, 100.0] + [b for b in batches for _ in range(3)])
    monkeypatch.setattr(timing, "_clock", clock)
    assert median_time(clock.tick, repeat=5, number=3, warmup=2) == pytest.approx(3.0)
    with pytest.raises(StopIteration):  # every duration used: 2 + 5 * 3 calls, no more
        clock.tick()


@pytest.mark.parametrize("kwargs, name", [
    (dict(repeat=0), "repeat"), (dict(repeat=2.5), "repeat"), (dict(repeat="3"), "repeat"),
    (dict(repeat=True), "repeat"), (dict(number=0), "number"), (dict(number=1.0), "number"),
    (dict(warmup=-1), "warmup"), (dict(warmup=0.5), "warmup"), (dict(warmup=None), "warmup"),
])
def test_median_time_rejects_bad_counts(kwargs, name):
    with pytest.raises(ValueError, match=f"median_time: {name} must be a whole number"):
        median_time(lambda: None, **kwargs)


def test_median_time_accepts_numpy_integers(monkeypatch):
    clock = FakeClock([0.5] * 4)
    monkeypatch.setattr(timing, "_clock", clock)
    assert median_time(clock.tick, repeat=np.int64(2), number=np.int32(2), warmup=np.int64(0)) == 0.5
