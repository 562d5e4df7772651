"""Lesson 8 checkers: accept answers computed with MXNet or PyTorch, reject wrong ones without revealing the answer.

Exercise 3's speed verdict is driven by a fake clock on a simulated busy machine (the verdict must not flip),
and by real answers on the real clock where the verdict is far from the line (whole-array code thousands of
times faster than the per-pixel loop, pixel loops 1 to 130 times). ``median_time`` reads a fake clock. Speed
goals are measured by ``make bench``. Also checks the fast d2lutils code, on the sizes lesson 8 and
`make bench` time, against MXNet's and PyTorch's own operators. Runs in both venvs: the tests that need a framework
take the one installed (``framework`` fixture) or skip.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from d2lutils import conv_output_shape, corr2d, corr2d_multi_in_out, corr2d_multi_in_out_1x1, pool2d
from d2lutils import timing
from d2lutils.exercises import lesson08 as ex
from d2lutils.timing import median_time
from reference import assert_rejects


class Framework:
    """One framework's operators for these tests: its loop of lesson 2, conv and pool (numpy out), arrays."""

    def __init__(self, name):
        self.name = name
        if name == "mxnet":
            from mxnet import nd
            self.array, self.conv, self.pool, self.loop = nd.array, timing.conv_mxnet, timing.pool_mxnet, \
                timing.corr2d_loop
            self.loop_name = "corr2d_loop"
        else:
            import torch
            self.array, self.conv, self.pool, self.loop = torch.tensor, timing.conv_torch, timing.pool_torch, \
                timing.corr2d_loop_torch
            self.loop_name = "corr2d_loop_torch"

    def output_shape(self, X_shape, K_shape):
        return (1,) + self.conv(np.zeros(X_shape, np.float32), np.zeros(K_shape, np.float32)).shape

    def corr2d(self, X, K):
        """A correct answer to exercise 3, built on the framework's operator."""
        return self.conv(self.array(X[None]), self.array(K[None, None]))[0]


@pytest.fixture(params=["mxnet", "torch"])
def framework(request):
    pytest.importorskip(request.param)
    return Framework(request.param)


def task_output_shape():
    """The TASK layer's output shape (1, c_o, H', W'), from whichever framework is installed (checked against
    both frameworks in test_the_task_layer_is_the_frameworks)."""
    t = ex.TASK
    return (1, t["c_o"]) + conv_output_shape(t["input_size"], t["kernel_size"])


def test_the_task_layer_is_the_frameworks(framework):
    t = ex.TASK
    assert framework.output_shape((t["c_i"],) + t["input_size"], (t["c_o"], t["c_i"]) + t["kernel_size"]) \
        == task_output_shape()


def test_multiply_adds():
    _, c_o, H, W = task_output_shape()
    per_output = ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"]))
    expected = c_o * H * W * per_output
    assert ex.check_multiply_adds(expected).ok is True
    assert ex.check_multiply_adds(float(expected)).ok is True
    everywhere = c_o * int(np.prod(ex.TASK["input_size"])) * per_output
    result = ex.check_multiply_adds(everywhere)
    assert result.ok is False and "fit" in result.message
    one_channel = H * W * per_output
    result = ex.check_multiply_adds(one_channel)
    # names the concept (the output channels), not the factor that would turn the answer into the right one
    assert result.ok is False and "output channels" in result.message
    assert not re.search(rf"\b{c_o}\b", result.message.replace(ex._short(one_channel), ""))
    for wrong in [expected + 1, expected // 9, H * W, "many", [expected]]:
        assert_rejects(ex.check_multiply_adds(wrong), expected)
    assert ex.check_multiply_adds(None).ok is None


def test_multiply_adds_names_the_input_channels_forgotten():
    """The commonest slip: a window over one input channel only (also with windows at every input pixel)."""
    _, c_o, H, W = task_output_shape()
    kernel = int(np.prod(ex.TASK["kernel_size"]))
    expected = c_o * H * W * ex.TASK["c_i"] * kernel
    for forgot in [c_o * H * W * kernel, c_o * int(np.prod(ex.TASK["input_size"])) * kernel]:
        for form in [forgot, float(forgot), np.int64(forgot)]:
            result = ex.check_multiply_adds(form)
            assert result.ok is False and "input channel" in result.message, result.text
            assert_rejects(result, expected)
            assert not re.search(rf"\b{ex.TASK['c_i']}\b", result.message.replace(ex._short(form), ""))


def test_im2col_shape_names_the_input_channels_forgotten():
    _, _, H, W = task_output_shape()
    expected = (ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"])), H * W)
    result = ex.check_im2col_shape((int(np.prod(ex.TASK["kernel_size"])), H * W))
    assert result.ok is False and "input channel" in result.message, result.text
    assert_rejects(result, expected)


def test_im2col_shape():
    _, _, H, W = task_output_shape()
    expected = (ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"])), H * W)
    assert ex.check_im2col_shape(expected).ok is True
    assert ex.check_im2col_shape(list(expected)).ok is True
    result = ex.check_im2col_shape(expected[::-1])
    assert result.ok is False and "swapped" in result.message
    for wrong in [(9, H * W), (expected[0], 64 * 64), (expected[0],), "27x3844"]:
        assert_rejects(ex.check_im2col_shape(wrong), expected)
    assert ex.check_im2col_shape(None).ok is None


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


REAL_CLOCK, REAL_LOOP, REAL_FRAMEWORK = ex._clock, ex._reference_loop, ex._framework  # before the fixture replaces them


class LoadedMachine:
    """A fake clock on a machine under load: each timed call advances the clock by its cost on an idle
    machine times the load at that moment. ``loads`` is a sequence the load is drawn from, one draw per call
    (seeded): other programs come and go, so one call may run 30 times slower than the next."""

    def __init__(self, loads=(1.0,), seed=0):
        self.now, self.loads, self.rng = 0.0, np.asarray(loads, dtype=float), np.random.default_rng(seed)
        self.loop_runs = 0

    def clock(self):
        return self.now

    def work(self, seconds):
        self.now += seconds * self.rng.choice(self.loads)

    def loop(self, X, K):
        """The per-pixel loop: LOOP_PIXEL_S per output pixel on an idle machine."""
        self.loop_runs += 1
        self.work(LOOP_PIXEL_S * (X.shape[0] - K.shape[0] + 1) * (X.shape[1] - K.shape[1] + 1))
        return corr2d(X, K)

    def answer(self, speedup):
        """A right answer ``speedup`` times faster than the loop on an idle machine (cost per output pixel)."""
        def function(X, K):
            self.work(LOOP_PIXEL_S / speedup * (X.shape[0] - K.shape[0] + 1) * (X.shape[1] - K.shape[1] + 1))
            return corr2d(X, K)
        return function


LOOP_PIXEL_S = 3e-4  # the per-pixel loop: about 0.3 ms per output pixel
#: Loads of a busy machine: mostly idle, now and then 3, 10 or 30 times slower for one call.
BUSY = [1, 1, 1, 1, 1, 1, 3, 10, 30]


def install(monkeypatch, m):
    monkeypatch.setattr(ex, "_clock", m.clock)
    monkeypatch.setattr(ex, "_reference_loop", m.loop)
    return m


@pytest.fixture(autouse=True)
def machine(monkeypatch):
    """Every test of exercise 3 runs on a fake clock (an idle machine) unless it installs another, with the MXNet
    edition's lines (the fake loop is MXNet's: 0.3 ms per pixel)."""
    monkeypatch.setattr(ex, "_framework", lambda: "mxnet")
    return install(monkeypatch, LoadedMachine())


def test_fast_corr2d_verdict_does_not_flip_under_load(monkeypatch):
    """Answers 8 times above and below the line keep their verdicts on a busy machine, over many seeds."""
    for seed in range(60):
        m = install(monkeypatch, LoadedMachine(BUSY, seed))
        assert ex.check_fast_corr2d(m.answer(8 * ex.FAST_MIN_SPEEDUP)).ok is True, seed
        result = ex.check_fast_corr2d(m.answer(ex.FAST_MIN_SPEEDUP / 8))
        assert result.ok is False and "only" in result.message and "times faster" in result.message, seed


def test_one_sample_would_flip_the_verdict(monkeypatch):
    """The same busy machine fools a check that decides on one run of each: what the rounds are for."""
    monkeypatch.setattr(ex, "MIN_ROUNDS", 1)
    monkeypatch.setattr(ex, "MAX_ROUNDS", 1)
    monkeypatch.setattr(ex, "FAST_RUNS", 1)
    verdicts = set()
    for seed in range(60):
        m = install(monkeypatch, LoadedMachine(BUSY, seed))
        verdicts.add(ex.check_fast_corr2d(m.answer(8 * ex.FAST_MIN_SPEEDUP)).ok)
        verdicts.add(not ex.check_fast_corr2d(m.answer(ex.FAST_MIN_SPEEDUP / 8)).ok)
    assert False in verdicts


def test_fast_corr2d_measures_more_rounds_near_the_line(monkeypatch):
    m = install(monkeypatch, LoadedMachine())
    assert ex.check_fast_corr2d(m.answer(10 * ex.FAST_MIN_SPEEDUP)).ok is True
    assert m.loop_runs == ex.MIN_ROUNDS  # far from the line: the fewest rounds
    m.loop_runs = 0
    assert ex.check_fast_corr2d(m.answer(1.2 * ex.FAST_MIN_SPEEDUP)).ok is True
    assert m.loop_runs == ex.MAX_ROUNDS  # ambiguous: every round used
    m.loop_runs = 0
    result = ex.check_fast_corr2d(m.answer(0.9 * ex.FAST_MIN_SPEEDUP))
    assert result.ok is False and m.loop_runs == ex.MAX_ROUNDS
    assert f"only {0.9 * ex.FAST_MIN_SPEEDUP:.0f} times faster" in result.message


def test_fast_corr2d_speed_is_relative_to_the_reference_loop(monkeypatch):
    """A machine 100 times slower slows the loop alike: same verdicts, same speed-ups in the messages."""
    for load in (1, 100):
        m = install(monkeypatch, LoadedMachine([load]))
        assert ex.check_fast_corr2d(m.answer(1.05 * ex.FAST_MIN_SPEEDUP)).ok is True
        result = ex.check_fast_corr2d(m.answer(0.95 * ex.FAST_MIN_SPEEDUP))
        assert result.ok is False and result.hint and "ms" in result.message
        assert f"only {0.95 * ex.FAST_MIN_SPEEDUP:.0f} times faster" in result.message


def test_fast_corr2d_rejects_a_loop_as_slow_as_the_reference_on_the_small_image(monkeypatch):
    m = install(monkeypatch, LoadedMachine(BUSY, 3))
    sizes = []

    def as_slow_as_the_loop(X, K):
        sizes.append(X.shape[0])
        return m.answer(2)(X, K)

    result = ex.check_fast_corr2d(as_slow_as_the_loop)
    assert result.ok is False and result.hint
    assert f"{ex.LOOP_SIZE}x{ex.LOOP_SIZE}" in result.message and "corr2d_loop" in result.message
    assert ex.FAST_SIZE not in sizes  # not timed on the large image: that would take seconds


def real_clock(monkeypatch, framework):
    """The real clock and the real loop of ``framework``'s edition (the one the notebook loaded)."""
    monkeypatch.setattr(ex, "_clock", REAL_CLOCK)
    monkeypatch.setattr(ex, "_reference_loop", REAL_LOOP)
    monkeypatch.setattr(ex, "_framework", lambda: "mxnet" if framework.name == "mxnet" else "pytorch")


def test_the_edition_is_the_framework_loaded(monkeypatch):
    monkeypatch.setattr(ex, "_framework", REAL_FRAMEWORK)
    framework = ex._framework()
    assert framework in ("mxnet", "pytorch")
    assert ex._lines()[2].endswith("corr2d_loop" if framework == "mxnet" else "corr2d_loop_torch")


def test_fast_corr2d_accepts_real_vectorized_code_on_the_real_clock(monkeypatch, framework):
    """Real answers far from the line, timed for real: whole-array code is hundreds to thousands of times faster."""
    real_clock(monkeypatch, framework)
    assert ex.check_fast_corr2d(sliding_windows).ok is True
    assert ex.check_fast_corr2d(corr2d).ok is True
    assert ex.check_fast_corr2d(lambda X, K: framework.array(framework.corr2d(X, K))).ok is True


def test_fast_corr2d_rejects_real_pixel_loops_on_the_real_clock(monkeypatch, framework):
    real_clock(monkeypatch, framework)
    result = ex.check_fast_corr2d(numpy_loop)  # right results, one Python step per output pixel: ~130 (MXNet) or
    assert result.ok is False and result.hint and framework.loop_name in result.message  # ~3 (PyTorch) times
    assert f"{ex.FAST_SIZE}x{ex.FAST_SIZE}" in result.message
    result = ex.check_fast_corr2d(lambda X, K: framework.loop(framework.array(X), framework.array(K)))  # lesson 2's
    assert result.ok is False and f"{ex.LOOP_SIZE}x{ex.LOOP_SIZE}" in result.message


def test_fast_corr2d_rejects(framework):
    result = ex.check_fast_corr2d(lambda X, K: framework.corr2d(X, K[::-1, ::-1].copy()))  # a true convolution
    assert result.ok is False and "differ" in result.message
    result = ex.check_fast_corr2d(lambda X, K: framework.corr2d(X, K)[:-1])
    assert result.ok is False and "shape" in result.message
    result = ex.check_fast_corr2d(lambda X, K: framework.corr2d(X, K)[None, None])  # no batch axes here
    assert result.ok is False and "shape" in result.message
    result = ex.check_fast_corr2d("corr2d_fast")
    assert result.ok is False and result.hint and "'corr2d_fast'" not in result.message
    assert ex.check_fast_corr2d(None).ok is None
    assert ex.check_fast_corr2d(np.ndarray).ok is False  # a class, not a function


def test_fast_corr2d_rejects_truncated_results():
    """The inputs hold fractions: integer results are wrong, whichever way they are rounded."""
    for rounding in (np.trunc, np.round, np.floor, lambda Y: Y.astype(np.int64)):
        result = ex.check_fast_corr2d(lambda X, K, r=rounding: r(sliding_windows(X, K)))
        assert result.ok is False and "differ" in result.message


def test_fast_corr2d_rejects_a_function_that_changes_its_input():
    def overwrites_x(X, K):
        Y = sliding_windows(X, K)
        X[:] = 0
        return Y

    def fixes_its_inputs(X, K):  # its results match what the changed inputs give
        X[:] = 1
        K[:] = 1
        return sliding_windows(X, K)

    def changes_k(X, K):
        Y = sliding_windows(X, K)
        K *= 2
        return Y

    for function, name in ((overwrites_x, "X"), (fixes_its_inputs, "X"), (changes_k, "K")):
        result = ex.check_fast_corr2d(function)
        assert result.ok is False and f"changed its input {name}" in result.message


def test_run_time_is_one_call_on_copies(monkeypatch):
    ticks = iter([1.0, 1.25])
    monkeypatch.setattr(ex, "_clock", lambda: next(ticks))
    X, K = np.ones((3, 3)), np.ones((2, 2))
    seen = []
    assert ex._run_time(lambda A, B: seen.append((A, B)), X, K) == pytest.approx(0.25)
    assert len(seen) == 1 and seen[0][0] is not X and np.array_equal(seen[0][0], X) and seen[0][1] is not K


def test_fast_corr2d_says_when_the_function_returns_none():
    def forgot_return(X, K):
        sliding_windows(X, K)

    result = ex.check_fast_corr2d(forgot_return)
    assert result.ok is False
    assert "returned None" in result.message and "`return`" in result.message
    assert "replace None" not in result.text


def raises_on_large_inputs(X, K):
    if X.size > 100:
        raise MemoryError("too big")
    return sliding_windows(X, K)


def raises_mxnet_error(X, K):
    nd = pytest.importorskip("mxnet").nd
    return nd.Convolution(nd.array(X), nd.array(K), kernel=K.shape, num_filter=1).asnumpy()  # no bias given


def raises_torch_error(X, K):
    torch = pytest.importorskip("torch")
    return torch.nn.functional.conv2d(torch.tensor(X), torch.tensor(K)).numpy()  # no batch or channel axes


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
    (raises_torch_error, "RuntimeError", "conv2d"),
], ids=["zero-division", "numpy", "multi-line", "no-message", "long", "only-large", "mxnet", "torch"])
def test_fast_corr2d_reports_an_exception_in_one_line(function, name, detail):
    result = ex.check_fast_corr2d(function)  # must not raise
    assert result.ok is False and result.hint
    assert result.message.startswith(f"your function raised {name}")
    assert "\n" not in result.text and "Traceback" not in result.text and "second line" not in result.text
    assert len(result.message) < 250
    if detail:
        assert detail in result.message


def test_the_reference_loop_agrees_with_the_framework(framework, monkeypatch):
    X, K = np.random.rand(9, 7).astype(np.float32), np.random.rand(3, 2).astype(np.float32)
    Y = framework.loop(framework.array(X), framework.array(K))
    np.testing.assert_allclose(Y.asnumpy() if framework.name == "mxnet" else Y.numpy(), framework.corr2d(X, K),
                               rtol=1e-5, atol=1e-5)
    monkeypatch.setattr(ex, "_framework", REAL_FRAMEWORK)
    np.testing.assert_allclose(REAL_LOOP(X, K), corr2d(X, K), rtol=1e-5, atol=1e-5)  # the checker's, in this venv


@pytest.mark.parametrize("c_i, c_o, size", [(3, 16, 64), (3, 16, 96), (1, 1, 224), (8, 4, 40), (2, 3, 300)])
def test_fast_conv_agrees_with_the_framework_on_the_lessons_sizes(framework, c_i, c_o, size):
    rng = np.random.default_rng(size)
    X = rng.standard_normal((c_i, size, size), dtype=np.float32)
    K = rng.standard_normal((c_o, c_i, 3, 3), dtype=np.float32)
    expected = framework.conv(framework.array(X), framework.array(K))
    np.testing.assert_allclose(corr2d_multi_in_out(X, K), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(corr2d_multi_in_out(framework.array(X), framework.array(K)).numpy()
                               if framework.name == "torch" else corr2d_multi_in_out(framework.array(X),
                                                                                    framework.array(K)).asnumpy(),
                               expected, rtol=1e-4, atol=1e-4)  # the framework's arrays path
    K1 = rng.standard_normal((c_o, c_i, 1, 1), dtype=np.float32)
    np.testing.assert_allclose(corr2d_multi_in_out_1x1(X, K1), framework.conv(framework.array(X), framework.array(K1)),
                               rtol=1e-4, atol=1e-4)


def test_pool_and_single_channel_agree_with_the_framework(framework):
    X = np.random.rand(224, 224).astype(np.float32)
    np.testing.assert_allclose(pool2d(X, 3), framework.pool(framework.array(X), 3))
    np.testing.assert_allclose(pool2d(X, 3, mode="avg"), framework.pool(framework.array(X), 3, "avg"), rtol=1e-5)
    K = np.random.rand(3, 3).astype(np.float32)
    np.testing.assert_allclose(corr2d(X, K), framework.corr2d(X, K), rtol=1e-4, atol=1e-4)


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


# ---------------------------------------------------------------------------------------------------------------
# The text of lessons 1 to 8 (the review's limits; tests/test_notebooks.py checks every lesson's structure)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks" / "mxnet"
PYTORCH = NOTEBOOKS.parent / "pytorch"
REVIEWED = sorted(NOTEBOOKS.glob("0[1-8]_*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("0[1-8]_*.ipynb"))
#: Lesson 8's PyTorch edition is reviewed too (the other lessons' PyTorch editions by their own tests).
REVIEWED_PYTORCH = [PYTORCH / "08_performance.ipynb", PYTORCH / "solutions" / "08_performance_solutions.ipynb"]
#: Lesson 8's words of markdown outside its optional section must stay below this.
LESSON_8_WORDS = 1800


def _cells(path):
    return json.loads(path.read_text())["cells"]


def test_reviewed_lessons_exist():
    assert len(REVIEWED) == 16


@pytest.mark.parametrize("path", REVIEWED + REVIEWED_PYTORCH, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lessons_teach_without_citing_the_lecture_or_the_tests(path):
    """The index names the source once; lessons 1 to 8 and their solutions teach. Learner text never talks
    about the tests (the NBVAL_IGNORE_OUTPUT marker aside)."""
    for cell in _cells(path):
        text = "".join(cell["source"])
        assert "lecture" not in text.lower(), text[:80]
        prose = text if cell["cell_type"] == "markdown" else "\n".join(
            line for line in text.splitlines() if line.lstrip().startswith("#") and "NBVAL_IGNORE_OUTPUT" not in line)
        assert not re.search(r"\btests?\b|nbval", prose, re.I), prose[:120]


@pytest.mark.parametrize("folder", [NOTEBOOKS, PYTORCH], ids=["mxnet", "pytorch"])
def test_lesson_8_is_short_outside_a_visibly_optional_section(folder):
    words = {"required": 0, "optional": 0}
    part = "required"
    headings = []
    for cell in _cells(folder / "08_performance.ipynb"):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        if re.match(r"## ", text):
            part = "optional" if re.match(r"## Optional\b", text) else "required"
            headings.append(text.splitlines()[0])
        words[part] += len(text.split())
    assert sum(h.startswith("## Optional") for h in headings) == 1
    assert 0 < words["required"] < LESSON_8_WORDS, words
