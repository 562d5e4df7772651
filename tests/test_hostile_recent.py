"""Hostile input to the code added since the last sweep (issue 18 item 2), one section per family.

receptive fields, training (train, train_epoch, accuracy), digits (load_digits), drawings, the explorers'
Python API and lesson 9's checkers. Every bad input is refused with a one-line ValueError that starts with
the function's own name and names the argument, or (checkers, explorers) answered in words, within
bounded work and memory, printing nothing. The cases are our own.
"""
import decimal
import fractions
import io
import itertools
import sys
import time
import tracemalloc
import warnings
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

pytest.importorskip("mxnet")  # Gluon training and layers throughout: the MXNet edition's venv

from mxnet import init, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils import receptive
from d2lutils.data import KERNELS
from d2lutils.digits import load_digits
from d2lutils.drawing import channels_svg, conv_step_svg, figure_png
from d2lutils.exercises import _calls, lesson09
from d2lutils.exercises._calls import call
from d2lutils.training import MAX_EPOCHS, accuracy, train, train_epoch
from d2lutils.widgets import ConvExplorer, PhotoFilter, PoolExplorer, ReceptiveFieldExplorer
from d2lutils.widgets._base import plain

MAX_MESSAGE = 330
MAX_SECONDS = 5.0       # "about a second", with room for a machine shared by several test runs
MAX_PEAK = 256 << 20    # bytes traced at once (numpy's buffers included)
CONV3 = {"kind": "conv", "kernel_size": 3}


def run_bounded(call_it):
    """(result or exception, seconds, peak bytes, printed text, warnings) of ``call_it()``."""
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught, redirect_stdout(out), redirect_stderr(err):
            warnings.simplefilter("always")
            try:
                result = call_it()
            except Exception as e:
                result = e
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    caught = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    return result, seconds, peak, out.getvalue() + err.getvalue(), caught


def assert_refused(call_it, func, *words):
    """``call_it()`` raises one bounded line starting with ``func:`` holding ``words``; quickly, silently."""
    result, seconds, peak, printed, caught = run_bounded(call_it)
    assert isinstance(result, ValueError), f"{type(result).__name__}: {str(result)[:300]}"
    message = str(result)
    assert message.startswith(f"{func}: "), message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert "\n" not in message and len(message) <= MAX_MESSAGE, message
    assert "2,147,483,647" not in message and "shape None" not in message  # limits the user never sees
    assert seconds < MAX_SECONDS and peak < MAX_PEAK, (seconds, peak)
    assert printed == "" and not caught, (printed, [str(w.message) for w in caught])
    return message


# ------------------------------------------------------------------ hostile objects
class LyingList(list):
    """Its own __len__, __iter__ and __getitem__ lie (an endless, exiting or interrupting list)."""

    def __len__(self):
        return 10 ** 12

    def __iter__(self):
        return itertools.repeat(1)

    def __getitem__(self, i):
        raise KeyboardInterrupt


class RaisingTuple(tuple):
    def __len__(self):
        raise SystemExit

    def __iter__(self):
        raise SystemExit

    def __getitem__(self, i):
        raise SystemExit


class EndlessDict(dict):
    def __iter__(self):
        return itertools.count()

    def keys(self):
        return itertools.count()

    def get(self, key, default=None):
        raise SystemExit

    def __getitem__(self, key):
        raise SystemExit


class ExitingInt(int):
    def __int__(self):
        raise SystemExit

    def __index__(self):
        raise SystemExit

    def __eq__(self, other):
        raise SystemExit

    __hash__ = int.__hash__


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


def digits():
    return load_digits()


def dense_net(outputs=10):
    net = nn.Sequential()
    net.add(nn.Dense(outputs))
    net.initialize(init.Xavier())
    return net


def conv_net():
    net = nn.Sequential()
    net.add(nn.Conv2D(4, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(2), nn.Dense(10))
    net.initialize(init.Xavier())
    return net


# ------------------------------------------------------------------ family: lying containers
def test_containers_whose_own_methods_lie_or_raise_are_read_from_their_storage():
    stack = LyingList([CONV3, CONV3])
    result, seconds, *_ = run_bounded(lambda: receptive.receptive_field(stack))
    assert result == receptive.receptive_field([CONV3, CONV3])
    assert run_bounded(lambda: receptive.receptive_field(RaisingTuple((CONV3,))))[0].size == (3, 3)
    lying_layer = EndlessDict(kind="conv", kernel_size=3)
    assert run_bounded(lambda: receptive.receptive_field([lying_layer]))[0].size == (3, 3)
    assert run_bounded(lambda: receptive.stack_shapes(8, [{"kind": LyingStr("conv"), "kernel_size": 3}]))[0] \
        == [(6, 6)]
    assert_refused(lambda: receptive.receptive_field([{"kind": LyingStr("dense"), "kernel_size": 3}]),
                   "receptive_field", "kind")
    explorer = ReceptiveFieldExplorer()
    assert run_bounded(lambda: explorer.set(layers=LyingList([CONV3])))[0] is explorer
    assert explorer.shapes == [(14, 14)]
    assert plain(LyingList([1, 2])) == [1, 2] and plain(EndlessDict(a=1)) == {"a": 1}
    assert plain(ExitingInt(3)) == 3


def test_train_reads_data_from_its_own_storage():
    d = digits()
    small = LyingList([d.X_train[:40], d.y_train[:40], d.X_test[:20], d.y_test[:20]])
    result, *_ = run_bounded(lambda: train(dense_net(), small, 1, 0.01, progress=False))
    assert len(result.loss) == 1
    assert_refused(lambda: train(dense_net(), RaisingTuple((1, 2)), 1, 0.01, progress=False), "train", "data")


def test_drawings_read_their_arguments_from_their_storage():
    drawing = run_bounded(lambda: conv_step_svg(4, 3, position=LyingList([1, 0])))[0]
    assert "output cell (1, 0)" in repr(drawing)
    assert_refused(lambda: conv_step_svg(4, 3, names=RaisingTuple(("a", "b", "c", "d"))), "conv_step_svg", "names")


# ------------------------------------------------------------------ family: learners' functions under a bound
def endless(layers):
    while True:
        try:
            pass
        except Exception:  # a learner's code that swallows errors still stops
            pass


def greedy(layers):
    return np.ones(1 << 31)  # 16 GB


def test_a_learners_endless_or_greedy_function_is_stopped_with_a_clear_message():
    start = time.perf_counter()
    result = lesson09.check_receptive_field_size(greedy)
    assert time.perf_counter() - start < MAX_SECONDS
    assert result.ok is False and "more than 1 GB" in result.message and result.hint, result.message
    assert np.ones(1 << 20).sum() == 1 << 20  # memory is available again afterwards
    # the checkers' bound is _calls.TIME_LIMIT (2 s); the same call with a shorter one keeps this test quick
    assert _calls.TIME_LIMIT <= 2
    start = time.perf_counter()
    out, error = call(endless, [(3, 1)], seconds=0.3)
    assert out is None and error.startswith("TimeoutError: it did not return within 0.3 s"), error
    assert time.perf_counter() - start < 0.3 + 2
    assert call(lambda: 7) == (7, None)
    import signal
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no timer left behind


# ------------------------------------------------------------------ family: exits are the learner's
def test_exits_raised_by_a_learners_function_or_answer_are_reported_never_let_through():
    def exits(layers):
        sys.exit(0)

    def interrupts(layers):
        raise KeyboardInterrupt

    for function in (exits, interrupts):
        result = lesson09.check_receptive_field_size(function)
        assert result.ok is False and "your code" in result.message, result.message
    assert "your code exited" in lesson09.check_receptive_field_size(exits).message
    assert lesson09.check_receptive_field(ExitingInt(7)).ok is False
    # library functions given a number type whose conversion exits: one line, never SystemExit
    assert receptive.receptive_field([{"kind": "conv", "kernel_size": ExitingInt(3)}]).size == (3, 3)
    assert_refused(lambda: load_digits(test_fraction=0.2, seed=ExitingInt(1)) and None or load_digits(seed=-1),
                   "load_digits", "seed")


# ------------------------------------------------------------------ family: task constants and presets immutable
def test_task_constants_and_presets_cannot_be_changed_by_a_learners_code():
    with pytest.raises(TypeError):
        lesson09.RF_TASK[0]["kernel_size"] = 1
    with pytest.raises(TypeError):
        lesson09.SIZE_CASES[0][0] = (1, 1)
    blur = KERNELS["blur"]
    blur[0][0] = 99.0  # a copy: the presets of later cells are untouched
    assert KERNELS["blur"][0][0] == pytest.approx(1 / 9)
    assert KERNELS["blur"][0] is not KERNELS["blur"][1]
    with pytest.raises(TypeError):
        KERNELS["blur"] = [[0]]
    photo = PhotoFilter()
    with pytest.raises(ValueError):
        photo.X[0, 0] = 1.0  # read-only: Y always matches what the page filters
    assert lesson09.check_receptive_field(receptive.receptive_field(lesson09.RF_TASK).size[0]).ok


# ------------------------------------------------------------------ family: right answers in other containers
def test_right_answers_in_less_common_containers_are_accepted():
    size = receptive.receptive_field(lesson09.RF_TASK).size[0]
    for form in (size, np.int32(size), float(size), fractions.Fraction(size), decimal.Decimal(size), [size],
                 (size,), np.array([[size]]), nd.array([size])):
        assert lesson09.check_receptive_field(form).ok is True, repr(form)
    for form in (size + 1, [size, size + 1], decimal.Decimal("NaN"), decimal.Decimal(size) + decimal.Decimal("0.5")):
        assert lesson09.check_receptive_field(form).ok is False, repr(form)

    def reference(layers):
        total, jump = 1, 1
        for k, s in layers:
            total, jump = total + (k - 1) * jump, jump * s
        return total
    for wrap in (decimal.Decimal, lambda v: [v], lambda v: np.array(v), fractions.Fraction):
        assert lesson09.check_receptive_field_size(lambda layers, wrap=wrap: wrap(reference(layers))).ok
    d = digits()
    for data in (d, list(d), tuple(nd.array(a) for a in d)):
        subset = [a[:30] for a in data]
        assert len(train(dense_net(), subset, 1, 0.01, progress=False).loss) == 1
    assert 0 <= accuracy(dense_net(), nd.array(d.X_test), nd.array(d.y_test)) <= 1
    assert 0 <= accuracy(dense_net(), d.X_test.tolist(), d.y_test.astype(float)) <= 1


# ------------------------------------------------------------------ family: training refuses what cannot be right
def _bad_training_cases():
    d = digits()
    X, y, Xt, yt = d.X_train[:64], d.y_train[:64], d.X_test[:32], d.y_test[:32]
    nan_X = X.copy()
    nan_X[3, 0, 2, 2] = np.nan
    inf_X = X.copy()
    inf_X[0, 0, 0, 0] = np.inf
    rng = np.random.default_rng(0)

    def fit(net=None, data=None, epochs=1, lr=0.01, **kw):
        return lambda: train(net or dense_net(), data or (X, y, Xt, yt), epochs, lr, progress=False, **kw)
    return [
        ("label 10 for 10 outputs", fit(data=(X, y + 1, Xt, yt)), "train", ["y_train", "label 10", "10 outputs"]),
        ("test label out of range", fit(data=(X, y, Xt, yt + 5)), "train", ["y_test", "outputs"]),
        ("negative label", fit(data=(X, y - 1, Xt, yt)), "train", ["y_train", "negative"]),
        ("NaN labels", fit(data=(X, y * np.nan, Xt, yt)), "train", ["y_train", "NaN"]),
        ("fractional labels", fit(data=(X, y + 0.5, Xt, yt)), "train", ["y_train", "whole-number"]),
        ("bool labels", fit(data=(X, y > 4, Xt, yt)), "train", ["y_train", "True/False"]),
        ("label shape (n, 1)", fit(data=(X, y[:, None], Xt, yt)), "train", ["y_train", "1-D", "reshape"]),
        ("label shape (n, 2)", fit(data=(X, np.stack([y, y], 1), Xt, yt)), "train", ["y_train", "1-D"]),
        ("labels fewer than images", fit(data=(X, y[:10], Xt, yt)), "train", ["X_train and y_train", "64 and 10"]),
        ("NaN pixels", fit(data=(nan_X, y, Xt, yt)), "train", ["X_train", "NaN"]),
        ("inf pixels", fit(data=(inf_X, y, Xt, yt)), "train", ["X_train", "infinite"]),
        ("float64 overflow pixels", fit(data=(X.astype(float) * 1e300, y, Xt, yt)), "train", ["X_train", "float32"]),
        ("test images of another shape", fit(data=(X, y, Xt[:, :, :4], yt)), "train", ["X_test", "same shape"]),
        ("one-output network", fit(net=dense_net(1)), "train", ["1 output", "one output per class"]),
        ("lr inf", fit(lr=float("inf")), "train", ["lr", "between 0 and 1"]),
        ("lr nan", fit(lr=float("nan")), "train", ["lr"]),
        ("lr zero", fit(lr=0), "train", ["lr"]),
        ("lr 1e9", fit(lr=1e9), "train", ["lr", "too large"]),
        ("lr list with inf", fit(epochs=2, lr=[0.01, float("inf")]), "train", ["lr[1]"]),
        ("lr list of a million", fit(epochs=2, lr=[0.01] * 10 ** 6), "train", ["lr", "list of 1000000"]),
        ("lr text", fit(lr="0.01"), "train", ["lr"]),
        ("epochs above the bound", fit(epochs=MAX_EPOCHS + 1), "train", ["num_epochs", f"at most {MAX_EPOCHS}"]),
        ("epochs 10**100", fit(epochs=10 ** 100), "train", ["num_epochs"]),
        ("too many examples in all", fit(data=(np.zeros((5000, 1, 8, 8)), np.zeros(5000), Xt, yt), epochs=100),
         "train", ["num_epochs", "examples"]),
        ("images without a channel axis for a conv net", fit(net=conv_net(), data=(X[:, 0], y, Xt[:, 0], yt)),
         "train", ["net cannot take X_train", "(n, c, H, W)"]),
        ("network never initialized", fit(net=nn.Dense(10)), "train", ["net", "initialize"]),
        ("net is text", fit(net="net"), "train", ["net"]),
        ("accuracy: label out of range", lambda: accuracy(dense_net(3), Xt, yt), "accuracy", ["y", "3 outputs"]),
        ("accuracy: label shape (n, 1)", lambda: accuracy(dense_net(), Xt, yt[:, None]), "accuracy",
         ["y", "1-D"]),
        ("accuracy: NaN pixels", lambda: accuracy(dense_net(), nan_X, y), "accuracy", ["X", "NaN"]),
        ("accuracy: wrong X shape", lambda: accuracy(conv_net(), Xt[:, 0, 0], yt), "accuracy",
         ["net cannot take X of shape (32, 8)"]),
        ("accuracy: one output", lambda: accuracy(dense_net(1), Xt, np.zeros(32)), "accuracy", ["1 output"]),
        ("accuracy: net returns a scalar", lambda: accuracy(lambda X: nd.ones((1,)), Xt, yt), "accuracy",
         ["one row of class scores"]),
        ("train_epoch: label out of range",
         lambda: train_epoch(dense_net(), object(), lambda a, b: a, X, y + 1, 32, rng), "train_epoch",
         ["trainer"]),
        ("train_epoch: bad labels", lambda: train_epoch(dense_net(5), _Stepper(), _sum_loss, X, y, 32, rng),
         "train_epoch", ["y", "5 outputs"]),
        ("train_epoch: rng", lambda: train_epoch(dense_net(), _Stepper(), _sum_loss, X, y, 32, 0), "train_epoch",
         ["rng", "default_rng"]),
        ("train_epoch: batch size", lambda: train_epoch(dense_net(), _Stepper(), _sum_loss, X, y, 0, rng),
         "train_epoch", ["batch_size"]),
        ("load_digits: fraction leaving a digit out", lambda: load_digits(test_fraction=1e-6), "load_digits",
         ["test_fraction", "every digit"]),
        ("load_digits: fraction text", lambda: load_digits(test_fraction="x" * 10 ** 6), "load_digits",
         ["test_fraction", "1000000 characters"]),
        ("load_digits: fraction object", lambda: load_digits(test_fraction=object()), "load_digits",
         ["test_fraction", "an object"]),
    ]


class _Stepper:
    def step(self, batch_size):
        pass


def _sum_loss(y_hat, y):
    return y_hat.sum(axis=1)


BAD_TRAINING = _bad_training_cases()


@pytest.mark.parametrize("name, call_it, func, words", BAD_TRAINING, ids=[c[0] for c in BAD_TRAINING])
def test_training_refuses_what_cannot_be_right_in_one_line(name, call_it, func, words):
    assert_refused(call_it, func, *words)


def test_train_still_learns_and_train_epoch_still_prints_as_the_lesson_shows():
    import inspect
    source = inspect.getsource(train_epoch)
    assert source.startswith("def train_epoch(") and "_epoch_inputs" not in source
    d = digits()
    net = conv_net()
    history = train(net, (d.X_train[:200], d.y_train[:200], d.X_test[:100], d.y_test[:100]), 3, 0.01,
                    progress=False)
    assert history.loss[-1] < history.loss[0]
    assert history.test_acc[-1] == accuracy(net, d.X_test[:100], d.y_test[:100])


# ------------------------------------------------------------------ family: drawings' size and pixels bounded
def test_drawings_stay_small_whatever_the_padding():
    sizes = []
    for padding in (0, 4, 16, 24):
        result = run_bounded(lambda: channels_svg(3, 16, 16, 2, 3, 3, padding=padding))[0]
        if isinstance(result, ValueError):
            assert "channels_svg: the output shape" in str(result)
        else:
            sizes.append(len(result.data))
    assert max(sizes) < 4_000_000
    assert_refused(lambda: channels_svg(2, 8, 8, 3, 3, 3, padding=10 ** 6), "channels_svg", "too large to draw")
    assert_refused(lambda: channels_svg(2, 8, 8, 3, 9, 9), "channels_svg", "kernel_size")
    assert_refused(lambda: conv_step_svg(4, 9), "conv_step_svg", "kernel_size")
    assert_refused(lambda: conv_step_svg(4, 3, position=(5, 0)), "conv_step_svg", "position (5, 0)", "(2, 2)")
    assert_refused(lambda: conv_step_svg(4, 3, names=("x" * 10 ** 6, None, "Y")), "conv_step_svg", "names")
    assert_refused(lambda: conv_step_svg(4, 3, X=np.ones((4, 4)), pad_value=float("nan")), "conv_step_svg",
                   "pad_value")


def test_a_figure_whose_tight_bounding_box_grows_is_refused_before_drawing():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.annotate("far away", (0, 0), xytext=(1e7, 1e7), textcoords="offset points")
    assert_refused(lambda: figure_png(fig, "a line"), "figure_png", "far outside")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    png = figure_png(fig, "a line")
    assert png.data[:4] == b"\x89PNG"


# ------------------------------------------------------------------ family: explorers' traits, however assigned
def test_traits_assigned_directly_are_validated_and_every_property_agrees():
    e = ConvExplorer()
    e.padding = 1  # an int, as a learner would write it
    assert e.padding == [1, 1] and e.output_shape == (8, 8)
    assert e.formula == ["H: ⌊(8 + 2·1 − 3) / 1⌋ + 1 = 8", "W: ⌊(8 + 2·1 − 3) / 1⌋ + 1 = 8"]
    assert e.gluon == "nn.Conv2D(1, kernel_size=3, padding=1, strides=1)"
    assert "Output shape (8, 8)" in e.status
    e.padding = "two"
    assert e.output_shape is None and e.formula == [] and e.gluon is None and e.status.startswith("Cannot show padding")
    e.set(padding=2)
    assert e.output_shape == (10, 10) and "padding=2" in e.gluon
    e._output_shape = [99, 99]  # status and output shape are recomputed, never taken from outside
    e._status = "all is well"
    assert e.output_shape == (10, 10) and e.status.startswith("Output shape (10, 10)")

    p = PoolExplorer()
    p.pool_size = 3  # the stride follows while "stride = pool size" is ticked
    assert p.stride == [3, 3] and p.output_shape == (1, 1) and p.Y.tolist() == [[10.0]]
    assert p.gluon == "nn.MaxPool2D(3, padding=0, strides=3)"
    p.mode = "median"
    assert p.Y is None and p.gluon is None and p.formula == [] and p.status.startswith("Cannot show mode")

    r = ReceptiveFieldExplorer()
    r.layers = [{"kind": "conv", "kernel_size": 5, "stride": 1, "padding": 0, "dilation": 1}]
    assert r.layers[0]["kernel_size"] == [5, 5] and r.shapes == [(12, 12)]
    assert r.receptive_field.size == (5, 5) and r.region == (tuple(range(5, 10)), tuple(range(5, 10)))
    r.layers = "nothing"
    assert r.region is None and r.shapes is None and r.receptive_field is None and r.output_shape is None


def test_the_photo_trait_is_watched_and_x_y_follow_it():
    f = PhotoFilter()
    h, w = f.X.shape
    f.photo = b""
    assert f.status.startswith("Cannot show the photograph") and f.X is None and f.Y is None
    assert f.output_shape is None
    f.photo_shape = [4, 5]
    f.photo = bytes(range(20))
    assert f.output_shape == (4, 5) and f.X.shape == (4, 5) and f.X[0, 1] == np.float32(1 / 255)
    assert f.Y.shape == (4, 5)
    f.padding = [2, 2]  # one slider: an equal pair means 2
    assert f.padding == 2 and f.output_shape == (6, 7)
    f.photo_shape = [10 ** 4, 10 ** 4]
    assert f.output_shape is None and f.X is None


def test_limits_cannot_be_tampered_into_seconds_of_work():
    e = PoolExplorer()
    e.limits = {"input_shape": [1, 12], "pool_size": [1, 10 ** 5], "padding": [0, 10 ** 5], "stride": [1, 10 ** 5]}
    assert e.status.startswith("Cannot show limits") and e.output_shape is None
    msg = assert_refused(lambda: e.set(pool_size=5000), "PoolExplorer.set", "pool_size", "between 1 and 6")
    assert "5000" in msg
    r = ReceptiveFieldExplorer()
    r.limits = dict(r.limits, input_shape=[1, 10 ** 6], dilation=[1, 10 ** 6])
    r.input_shape = [10 ** 6, 10 ** 6]
    result, seconds, *_ = run_bounded(lambda: r.status)
    assert result.startswith("Cannot show limits") and seconds < MAX_SECONDS
    c = ConvExplorer()
    c.limits = dict(c.limits, padding=[0, 10 ** 9])
    assert_refused(lambda: c.set(padding=10 ** 8), "ConvExplorer.set", "padding", "between 0 and 4")


def test_explorer_messages_match_the_sliders_real_limits():
    r = ReceptiveFieldExplorer()
    assert_refused(lambda: r.set(position=(10 ** 10, 0)), "ReceptiveFieldExplorer.set", "rows 0 to 11")
    r.set(layers=[{"kind": "conv", "kernel_size": 7}] * 4)
    message = assert_refused(lambda: r.set(position=(0, 0)), "ReceptiveFieldExplorer.set", "position", "no output")
    assert "shape None" not in message
    assert_refused(lambda: ConvExplorer(input_shape=10 ** 10), "ConvExplorer", "(16, 16)")
    assert_refused(lambda: PoolExplorer().set(stride=10 ** 12), "PoolExplorer.set", "stride", "between 1 and 6")
    assert_refused(lambda: PhotoFilter().set(padding=10 ** 12), "PhotoFilter.set", "between 0 and 4")
    assert_refused(lambda: PhotoFilter().set(preset="p" * 10 ** 6), "PhotoFilter.set", "preset")
    big = np.zeros((400, 400))
    big[0, 0] = np.nan
    assert_refused(lambda: PhotoFilter().set(kernel=big), "PhotoFilter.set", "kernel", "(400, 400)")
    assert_refused(lambda: ReceptiveFieldExplorer(layers=RaisingTuple((1,))), "ReceptiveFieldExplorer", "layers")


# ------------------------------------------------------------------ family: misleading messages
def test_messages_name_the_function_called_never_another_one():
    assert_refused(lambda: channels_svg(1, 4, 4, 1, 5, 5), "channels_svg")
    assert_refused(lambda: receptive.receptive_region(8, [CONV3], (9, 9)), "receptive_region", "outside")
    assert_refused(lambda: receptive.stack_shapes(4, [CONV3, CONV3, CONV3]), "stack_shapes", "layers[1]")
    message = assert_refused(lambda: accuracy(conv_net(), np.ones((3, 5)), [0, 1, 2]), "accuracy", "net")
    assert "MXNetError" not in message and "Traceback" not in message
