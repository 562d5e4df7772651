"""Checkers for lesson 8 (making convolution fast). Each returns a Feedback; none reveals the answer.

Exercises 1 and 2 use the layer of :data:`TASK`: 3 -> 16 channels, 3x3 kernels, a 64x64
input, no padding, stride 1. Exercise 3 asks for a vectorized single-channel ``corr2d``.
"""
import contextlib
import importlib.util
import sys
import time
import warnings

import numpy as np

from ..conv import corr2d
from ..shapes import conv_output_shape
from ..timing import corr2d_loop, corr2d_loop_torch
from ._calls import error_line, not_a_function
from ._feedback import (_short, as_shape, check_array, check_number, check_shape, checker, correct,
                        same_number, wrong)

#: The layer of exercises 1 and 2.
TASK = {"c_i": 3, "c_o": 16, "input_size": (64, 64), "kernel_size": (3, 3)}

#: Exercise 3: the speed criterion is relative, so that a loaded machine slows both sides alike. The answer,
#: on a FAST_SIZE x FAST_SIZE image with a 3x3 kernel, must be at least FAST_MIN_SPEEDUP times faster than the
#: per-pixel loop of lesson 2 (d2lutils.timing.corr2d_loop, NDArrays), whose time is measured in the same check on a
#: LOOP_SIZE x LOOP_SIZE image and scaled by the number of output pixels (the loop's cost is proportional to
#: it). The two are timed in alternating rounds and each side keeps its best (shortest) time, so that a burst of
#: load slows a round, not the verdict. Typical speed-ups on 128x128: whole-array numpy or MXNet code 8,000 to
#: 30,000; a Python loop over the pixels on numpy arrays about 130, on NDArrays about 1: every kind of answer
#: lands far from the line.
FAST_SIZE = 128
LOOP_SIZE = 16
FAST_MIN_SPEEDUP = 1000
#: Exercise 3: first, on the LOOP_SIZE image side by side with the loop, an answer less than this many times
#: faster (a loop on NDArrays) is rejected at once, without timing it on the larger image (that would take seconds).
SMALL_MIN_SPEEDUP = 20
#: Exercise 3 in the PyTorch edition: the reference is lesson 2's loop on torch tensors
#: (d2lutils.timing.corr2d_loop_torch), about 10 us per output pixel instead of MXNet's 300 us, so the lines are
#: lower. Typical speed-ups on 128x128: whole-array numpy or PyTorch code 400 to 2,000; a Python loop over the
#: pixels on numpy arrays about 3, on tensors about 1: again far from the line on both sides.
FAST_MIN_SPEEDUP_TORCH = 40
SMALL_MIN_SPEEDUP_TORCH = 2
#: Exercise 3: alternating rounds (loop, then the answer's best of FAST_RUNS runs): at least MIN_ROUNDS; while
#: the speed-up is within a factor AMBIGUOUS of FAST_MIN_SPEEDUP, more rounds, up to MAX_ROUNDS.
MIN_ROUNDS = 3
MAX_ROUNDS = 8
FAST_RUNS = 3
AMBIGUOUS = 2.0

#: Exercise 3: (H, W) and (kh, kw) of the inputs the answer is compared on. The inputs hold fractions (quarters
#: plus an eighth), so that an answer that rounds or truncates to integers is caught; their sums are exact in
#: float32.
FAST_CASES = [((3, 3), (2, 2)), ((5, 7), (2, 3)), ((6, 6), (3, 3)), ((4, 9), (1, 4)), ((8, 5), (4, 1))]


#: The clock the speed check reads (seconds); tests replace it.
_clock = time.perf_counter


def _task_output():
    return conv_output_shape(TASK["input_size"], TASK["kernel_size"])


def _framework():
    """The edition's framework: "mxnet" or "pytorch", whichever the notebook loaded (MXNet's if both, or if neither
    is loaded yet, the one installed, MXNet first)."""
    for module, name in (("mxnet", "mxnet"), ("torch", "pytorch")):
        if module in sys.modules:
            return name
    return "mxnet" if importlib.util.find_spec("mxnet") is not None else "pytorch"


def _lines():
    """(speed-up line on FAST_SIZE, speed-up line on LOOP_SIZE, the reference loop's name) of the edition."""
    if _framework() == "mxnet":
        return FAST_MIN_SPEEDUP, SMALL_MIN_SPEEDUP, "d2lutils.timing.corr2d_loop"
    return FAST_MIN_SPEEDUP_TORCH, SMALL_MIN_SPEEDUP_TORCH, "d2lutils.timing.corr2d_loop_torch"


def _reference_loop(X, K):
    """Lesson 2's per-pixel loop (in the edition's framework) on numpy X (H, W), K (kh, kw), waiting for its
    result: numpy (H-kh+1, W-kw+1)."""
    if _framework() == "mxnet":
        from mxnet import nd
        return corr2d_loop(nd.array(X), nd.array(K)).asnumpy()
    import torch
    return corr2d_loop_torch(torch.from_numpy(X), torch.from_numpy(K)).numpy()


@contextlib.contextmanager
def _one_torch_thread():
    """PyTorch on one thread while the speed is measured: on a busy machine its operators split over the cores
    wait for the scheduler (milliseconds instead of microseconds), a verdict on the machine, not the answer."""
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    if threads is None:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _quietly(f, X, K):
    """``f(X, K)`` with the warnings it triggers silenced: the checker's verdict is what the learner reads."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return f(X, K)


def _run_time(f, X, K):
    """Wall time of one call ``f(X, K)`` on copies of X and K (made before the clock starts), in seconds."""
    X, K = X.copy(), K.copy()
    start = _clock()
    _quietly(f, X, K)
    return _clock() - start


def _output_pixels(size, k=3):
    return (size - k + 1) ** 2


def _times(speedup):
    return f"{speedup:.0f}" if speedup >= 10 else f"{speedup:.1f}"


def _raised(err, X, K):
    """One line for an exception raised by the learner's function on X and K (see ``_calls.error_line``)."""
    return f"your function raised {error_line(err)} on X of shape {X.shape} and K of shape {K.shape}."


@checker
def check_multiply_adds(answer):
    """Exercise 1: multiply-adds of one forward pass of the TASK layer (each product counts once)."""
    H, W = _task_output()
    kh, kw = TASK["kernel_size"]
    expected = TASK["c_o"] * H * W * TASK["c_i"] * kh * kw
    hint = ("count the output values of all channels first (windows must fit inside X), then the products "
            "each one needs over its whole window, across the input channels.")
    everywhere = TASK["c_o"] * TASK["input_size"][0] * TASK["input_size"][1] * TASK["c_i"] * kh * kw
    if same_number(answer, everywhere):
        return wrong(f"{_short(answer)} counts a window at every input pixel; windows must fit inside X.", hint)
    if same_number(answer, expected // TASK["c_i"]) or same_number(answer, everywhere // TASK["c_i"]):
        return wrong(f"{_short(answer)} counts the products of a single input channel: every window reaches "
                     f"through all the input channels of X, and each of them adds products.", hint)
    if same_number(answer, expected // TASK["c_o"]):
        return wrong(f"{_short(answer)} is the work of only part of the layer: count its output channels again.",
                     hint)
    return check_number(answer, expected, hint=hint, what="a number of multiply-adds")


@checker
def check_im2col_shape(answer):
    """Exercise 2: shape (rows, columns) of the im2col matrix of the TASK input."""
    H, W = _task_output()
    kh, kw = TASK["kernel_size"]
    expected = (TASK["c_i"] * kh * kw, H * W)
    hint = ("a column holds everything the window of one output pixel reads, over all input channels; "
            "count the columns, and the values in one column.")
    if as_shape(answer) == expected[::-1]:
        return wrong("rows and columns are swapped: each column holds one window.", hint)
    if as_shape(answer) == (kh * kw, H * W):
        return wrong("that matrix holds the windows of a single input channel: a column holds the window of "
                     "every input channel, one below the other.", hint)
    return check_shape(answer, expected, hint=hint, what="a (rows, columns) tuple", batch_axes=False)


def _fast_cases():
    """The (X, K) pairs the answer is compared on: float32 fractions, the same on every call."""
    rng = np.random.default_rng(8)
    cases = []
    for (h, w), (kh, kw) in FAST_CASES:
        X = ((rng.integers(-16, 17, size=(h, w)) + 0.5) / 4).astype(np.float32)
        K = ((rng.integers(-8, 9, size=(kh, kw)) + 0.5) / 4).astype(np.float32)
        cases.append((X, K))
    return cases


def _check_results(answer, hint):
    """None if ``answer`` is right on every case, else the Feedback saying what is wrong."""
    for X, K in _fast_cases():
        expected = corr2d(X.astype(np.float64), K.astype(np.float64))  # before the call, from copies
        X_in, K_in = X.copy(), K.copy()
        try:
            Y = _quietly(answer, X_in, K_in)
        except Exception as err:  # the learner's code: report in one line, never raise
            return wrong(_raised(err, X, K), hint)
        if not (np.array_equal(X_in, X) and np.array_equal(K_in, K)):
            name = "X" if not np.array_equal(X_in, X) else "K"
            return wrong(f"your function changed its input {name} (shape {X.shape if name == 'X' else K.shape}); "
                         f"it must leave {name} as it was and return a new array.", hint)
        if Y is None:
            return wrong("your function returned None; did you forget `return`?")
        result = check_array(Y, expected, hint=hint, batch_axes=False)
        if not result.ok:
            return wrong(f"on X of shape {X.shape} and K of shape {K.shape}: {result.message}", hint)
    return None


def _speed(answer, hint):
    """None if ``answer`` is fast enough (see the constants above), else the Feedback saying why not."""
    with _one_torch_thread():
        return _measure_speed(answer, hint, *_lines())


def _measure_speed(answer, hint, fast_min, small_min, loop_name):
    """_speed with the edition's lines (see :func:`_lines`)."""
    rng = np.random.default_rng(9)
    X_loop = rng.random((LOOP_SIZE, LOOP_SIZE), dtype=np.float32)
    X_fast = rng.random((FAST_SIZE, FAST_SIZE), dtype=np.float32)
    K = rng.random((3, 3), dtype=np.float32)
    scale = _output_pixels(FAST_SIZE) / _output_pixels(LOOP_SIZE)
    # The small image first, the same input for both: a loop on NDArrays is caught without a long wait.
    try:
        t_small = _run_time(answer, X_loop, K)
    except Exception as err:  # e.g. code that only works on small inputs
        return wrong(_raised(err, X_loop, K), hint)
    loops = [_run_time(_reference_loop, X_loop, K)]
    if loops[0] / max(t_small, 1e-9) < small_min:
        t_small = min(t_small, _run_time(answer, X_loop, K))  # one more of each before judging
        loops.append(_run_time(_reference_loop, X_loop, K))
        speedup = min(loops) / max(t_small, 1e-9)
        if speedup < small_min:
            return wrong(f"the results are right, but on a {LOOP_SIZE}x{LOOP_SIZE} image your function took "
                         f"{t_small * 1e3:.1f} ms and lesson 2's per-pixel loop ({loop_name}) "
                         f"{min(loops) * 1e3:.0f} ms: only {_times(speedup)} times faster. Without a Python loop "
                         f"over pixels it is over {fast_min} times faster on a {FAST_SIZE}x{FAST_SIZE} "
                         f"image.", hint)
    fast = []
    rounds = 0
    while True:
        rounds += 1
        try:
            fast.append(_run_time(answer, X_fast, K))
            if fast[-1] < 0.01:  # a slow answer: one run a round is enough
                fast.extend(_run_time(answer, X_fast, K) for _ in range(FAST_RUNS - 1))
        except Exception as err:
            return wrong(_raised(err, X_fast, K), hint)
        if rounds > 1 or len(loops) < rounds:
            loops.append(_run_time(_reference_loop, X_loop, K))
        speedup = min(loops) * scale / max(min(fast), 1e-9)
        ambiguous = fast_min / AMBIGUOUS <= speedup <= fast_min * AMBIGUOUS
        if rounds >= MAX_ROUNDS or (rounds >= MIN_ROUNDS and not ambiguous):
            break
    if speedup >= fast_min:
        return None
    t_fast, t_loop = min(fast), min(loops) * scale
    return wrong(f"the results are right, but on a {FAST_SIZE}x{FAST_SIZE} image your function took "
                 f"{t_fast * 1e3:.1f} ms, only {_times(speedup)} times faster than lesson 2's per-pixel loop "
                 f"({loop_name}, about {t_loop:.1f} s there, scaled from "
                 f"{LOOP_SIZE}x{LOOP_SIZE}). Without a Python loop over pixels it is over "
                 f"{fast_min} times faster.", hint)


@checker
def check_fast_corr2d(answer):
    """Exercise 3: a function f(X, K), X (H, W), K (kh, kw) numpy -> (H-kh+1, W-kw+1), without a pixel loop.

    Right results on FAST_CASES first (expected values computed before the call, the function gets copies
    and must not change them), then speed: at least FAST_MIN_SPEEDUP times faster than the per-pixel loop
    on a FAST_SIZE x FAST_SIZE image, both timed in this check (see the constants above).
    """
    hint = ("build all windows at once (shifted slices, numpy.lib.stride_tricks.sliding_window_view or an "
            "im2col matrix) and combine them with K in one or kh*kw whole-array operations.")
    problem = not_a_function(answer, "corr2d_fast", "images", hint)
    if problem is not None:
        return problem
    for verdict in (_check_results, _speed):  # each gives None, or a Feedback (which is falsy when wrong)
        feedback = verdict(answer, hint)
        if feedback is not None:
            return feedback
    return correct("right on every input it was tried on, and fast.")
