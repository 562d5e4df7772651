"""Checkers for lesson 8 (making convolution fast). Each returns a Feedback; none reveals the answer.

Exercises 1 and 2 use the layer of :data:`TASK`: 3 -> 16 channels, 3x3 kernels, a 64x64
input, no padding, stride 1. Exercise 3 asks for a vectorized single-channel ``corr2d``.
"""
import time

import numpy as np

from ..conv import corr2d
from ..shapes import conv_output_shape
from ..timing import corr2d_loop
from ._calls import error_line
from ._feedback import as_shape, check_array, check_number, check_shape, correct, missing, wrong

#: The layer of exercises 1 and 2.
TASK = {"c_i": 3, "c_o": 16, "input_size": (64, 64), "kernel_size": (3, 3)}

#: Exercise 3: the speed criterion is relative, so that a loaded machine slows both sides alike. On a
#: FAST_SIZE x FAST_SIZE image with a 3x3 kernel (best of three runs) the answer must be at least
#: FAST_MIN_SPEEDUP times faster than the lecture's loop (d2lutils.timing.corr2d_loop, NDArrays), whose time
#: is measured in the same check on a LOOP_SIZE x LOOP_SIZE image and scaled by the number of output pixels
#: (the loop's cost is proportional to it). Typical speed-ups on 128x128: whole-array numpy or MXNet code
#: 8,000 to 30,000; a Python loop over the pixels on numpy arrays about 130, on NDArrays about 1.
FAST_SIZE = 128
LOOP_SIZE = 32
FAST_MIN_SPEEDUP = 1000
#: Exercise 3: on the LOOP_SIZE image, side by side with the loop, an answer less than this many times faster
#: (a loop on NDArrays) is rejected at once, without timing it on the larger image (that would take seconds).
SMALL_MIN_SPEEDUP = 20

#: Exercise 3: (H, W) and (kh, kw) of the inputs the answer is compared on.
FAST_CASES = [((3, 3), (2, 2)), ((5, 7), (2, 3)), ((6, 6), (3, 3)), ((4, 9), (1, 4)), ((8, 5), (4, 1))]

#: The clock _best_time reads (seconds); tests replace it.
_clock = time.perf_counter


def _task_output():
    return conv_output_shape(TASK["input_size"], TASK["kernel_size"])


def _best_time(f, X, K, runs):
    """Shortest of ``runs`` wall times of ``f(X, K)``, in seconds (tests replace it to decide without a clock)."""
    best = np.inf
    for _ in range(runs):
        start = _clock()
        f(X, K)
        best = min(best, _clock() - start)
    return best


def _lecture_loop(X, K):
    """The lecture's loop on numpy X (H, W), K (kh, kw), waiting for its result: numpy (H-kh+1, W-kw+1)."""
    from mxnet import nd
    return corr2d_loop(nd.array(X), nd.array(K)).asnumpy()


def _output_pixels(size, k=3):
    return (size - k + 1) ** 2


def _times(speedup):
    return f"{speedup:.0f}" if speedup >= 10 else f"{speedup:.1f}"


def _raised(err, X, K):
    """One line for an exception raised by the learner's function: its type and one line of its message."""
    return f"your function raised {error_line(err)} on X of shape {X.shape} and K of shape {K.shape}."


def check_multiply_adds(answer):
    """Exercise 1: multiply-adds of one forward pass of the TASK layer (each product counts once)."""
    H, W = _task_output()
    kh, kw = TASK["kernel_size"]
    expected = TASK["c_o"] * H * W * TASK["c_i"] * kh * kw
    hint = ("count the output values (c_o channels of H' x W', with H' = H - kh + 1), then the products "
            "each one needs: one per kernel weight, over all c_i input channels.")
    if answer is not None and not isinstance(answer, (bool, np.bool_)):
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        if value == TASK["c_o"] * TASK["input_size"][0] * TASK["input_size"][1] * TASK["c_i"] * kh * kw:
            return wrong(f"{answer!r} counts a window at every input pixel; windows must fit inside X.", hint)
        if value == expected // TASK["c_o"]:
            return wrong(f"{answer!r} is the cost of one output channel; there are {TASK['c_o']}.", hint)
    return check_number(answer, expected, hint=hint, what="a number of multiply-adds")


def check_im2col_shape(answer):
    """Exercise 2: shape (rows, columns) of the im2col matrix of the TASK input."""
    H, W = _task_output()
    kh, kw = TASK["kernel_size"]
    expected = (TASK["c_i"] * kh * kw, H * W)
    hint = ("one column per output pixel (H' x W' of them), one row per value under the window, "
            "counted over every input channel.")
    if as_shape(answer) == expected[::-1]:
        return wrong("rows and columns are swapped: each column holds one window.", hint)
    return check_shape(answer, expected, hint=hint, what="a (rows, columns) tuple")


def check_fast_corr2d(answer):
    """Exercise 3: a function f(X, K), X (H, W), K (kh, kw) numpy -> (H-kh+1, W-kw+1), without a pixel loop.

    Right results on FAST_CASES first, then speed: at least FAST_MIN_SPEEDUP times faster than the lecture's
    loop on a FAST_SIZE x FAST_SIZE image (see the constants above).
    """
    hint = ("build all windows at once (shifted slices, numpy.lib.stride_tricks.sliding_window_view or an "
            "im2col matrix) and combine them with K in one or kh*kw whole-array operations.")
    if answer is None:
        return missing("your function (its name, without parentheses)")
    if not callable(answer):
        return wrong(f"expected a function such as corr2d_fast, got {type(answer).__name__}.", hint)
    rng = np.random.default_rng(8)
    for (h, w), (kh, kw) in FAST_CASES:
        X = rng.integers(-4, 5, size=(h, w)).astype(np.float32)
        K = rng.integers(-3, 4, size=(kh, kw)).astype(np.float32)
        try:
            Y = answer(X, K)
        except Exception as err:  # the learner's code: report in one line, never raise
            return wrong(_raised(err, X, K), hint)
        if Y is None:
            return wrong("your function returned None; did you forget `return`?")
        result = check_array(Y, corr2d(X, K), hint=hint)
        if not result.ok:
            return wrong(f"on X of shape {X.shape} and K of shape {K.shape}: {result.message}", hint)
    # Speed, relative to the lecture's loop timed here on the same machine. The small image comes first:
    # the same input for both, and a loop on NDArrays (seconds on FAST_SIZE) is caught without a long wait.
    X = rng.random((LOOP_SIZE, LOOP_SIZE), dtype=np.float32)
    K = rng.random((3, 3), dtype=np.float32)
    try:
        t_small = _best_time(answer, X, K, 1)
    except Exception as err:  # e.g. code that only works on small inputs
        return wrong(_raised(err, X, K), hint)
    t_loop = _best_time(_lecture_loop, X, K, 1)
    speedup = t_loop / max(t_small, 1e-9)
    if speedup < SMALL_MIN_SPEEDUP:
        return wrong(f"the results are right, but on a {LOOP_SIZE}x{LOOP_SIZE} image your function took "
                     f"{t_small * 1e3:.0f} ms and the lecture's loop (d2lutils.timing.corr2d_loop) "
                     f"{t_loop * 1e3:.0f} ms: only {_times(speedup)} times faster. Without a Python loop over "
                     f"pixels it is over {FAST_MIN_SPEEDUP} times faster on a {FAST_SIZE}x{FAST_SIZE} image.",
                     hint)
    X = rng.random((FAST_SIZE, FAST_SIZE), dtype=np.float32)
    K = rng.random((3, 3), dtype=np.float32)
    try:
        t_fast = _best_time(answer, X, K, 3)
    except Exception as err:
        return wrong(_raised(err, X, K), hint)
    t_loop_fast = t_loop * _output_pixels(FAST_SIZE) / _output_pixels(LOOP_SIZE)
    speedup = t_loop_fast / max(t_fast, 1e-9)
    if speedup < FAST_MIN_SPEEDUP:
        return wrong(f"the results are right, but on a {FAST_SIZE}x{FAST_SIZE} image your function took "
                     f"{t_fast * 1e3:.1f} ms, only {_times(speedup)} times faster than the lecture's loop "
                     f"(d2lutils.timing.corr2d_loop, about {t_loop_fast:.1f} s there, scaled from "
                     f"{LOOP_SIZE}x{LOOP_SIZE}). Without a Python loop over pixels it is over "
                     f"{FAST_MIN_SPEEDUP} times faster.", hint)
    return correct("right on every test input, and fast.")
