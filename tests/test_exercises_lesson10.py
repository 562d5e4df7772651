"""Lesson 10 checkers: accept the answers Gluon and brute force give, reject wrong ones without revealing them.

The parameter counts and the numbers reaching the first Dense layer come from Gluon itself (a network built and
run); the shifted images from a loop over the pixels and from d2lutils.digits.shift_images. Hostile answers
(text, huge numbers, functions that raise, mutate their input or return junk) get a Feedback, never an exception.
"""
import numpy as np
import pytest

pytest.importorskip("mxnet")  # the PyTorch edition's answers: tests/test_exercises_lesson10_torch.py
from mxnet import nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils.digits import shift_images  # noqa: E402
from d2lutils.exercises import Feedback  # noqa: E402
from d2lutils.exercises import lesson10 as ex  # noqa: E402
from reference import assert_rejects  # noqa: E402


def lenet(first_channels=16, second_inputs=0):
    """The lesson's network; ``second_inputs`` fixes the second convolution's input channels (0: inferred)."""
    net = nn.Sequential()
    net.add(nn.Conv2D(first_channels, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(2),
            nn.Conv2D(32, kernel_size=3, padding=1, activation="relu", in_channels=second_inputs),
            nn.MaxPool2D(2), nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize()
    return net


def gluon_param_count(first_channels, second_inputs=None):
    """Build the lesson's network with Gluon, run it on one 8 x 8 digit and count its parameters."""
    net = lenet(first_channels, second_inputs or 0)
    if second_inputs is None:
        net(nd.zeros((1, 1, 8, 8)))
    else:  # count a layer as if its input had second_inputs channels (a slip): shapes by hand
        net[0](nd.zeros((1, 1, 8, 8)))
        net[4](nd.zeros((1, 32, 2, 2)))
        net[5](nd.zeros((1, 64)))
    return sum(p.data().size for p in net.collect_params().values())


def test_param_count():
    first = ex.PARAM_TASK["first_channels"]
    expected = gluon_param_count(first)
    assert ex.check_param_count(expected).ok is True
    assert ex.check_param_count(float(expected)).ok is True
    assert ex.check_param_count(np.int64(expected)).ok is True
    lesson = gluon_param_count(16)
    only_first = gluon_param_count(first, second_inputs=16)
    weights_only = expected - (first + 32 + 64 + 10)
    for value, words in [(lesson, "count of the lesson's network"), (only_first, "changes only the first"),
                         (weights_only, "leaves out the biases")]:
        result = ex.check_param_count(value)
        assert_rejects(result, expected)
        assert words in result.message
    for wrong in [expected + 1, expected * 2, str(expected), [expected], 10 ** 400, True, float("nan")]:
        assert_rejects(ex.check_param_count(wrong), expected)
    assert ex.check_param_count(None).ok is None


def gluon_dense_inputs(side, layers=4):
    """How many numbers the lesson's network hands its first Dense layer for a side x side image (Gluon); with
    ``layers=3``, as if the second pooling were left out."""
    net = lenet()
    return int(net[:layers](nd.zeros((1, 1, side, side))).size)


def test_dense_inputs():
    side = ex.DENSE_INPUT_TASK["side"]
    expected = gluon_dense_inputs(side)
    for form in [expected, float(expected), np.int32(expected), nd.array([expected])]:
        assert ex.check_dense_inputs(form).ok is True
    rounded_up = 32 * int(np.ceil(np.ceil(side / 2) / 2)) ** 2
    slips = [(gluon_dense_inputs(8), "8 x 8 digits"), (rounded_up, "rounds a halving up"),
             (expected // 32, "cells of one map"), (gluon_dense_inputs(side, layers=3), "leaves out a pooling")]
    for value, words in slips:
        assert value != expected
        result = ex.check_dense_inputs(value)
        assert_rejects(result, expected)
        assert words in result.message, result.text
    for wrong in [expected + 1, expected - 32, (32, 3, 3), "two hundred", 10 ** 400, -1, float("inf")]:
        assert_rejects(ex.check_dense_inputs(wrong), expected)
    assert ex.check_dense_inputs(None).ok is None


def loop_shift(X, dy, dx):
    """A learner's right answer, written independently: every output pixel looks up where it came from."""
    X = np.asarray(X)
    Y = np.zeros_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if 0 <= i - dy < X.shape[0] and 0 <= j - dx < X.shape[1]:
                Y[i, j] = X[i - dy, j - dx]
    return Y


def test_loop_shift_agrees_with_shift_images():
    rng = np.random.default_rng(3)
    for _ in range(50):
        H, W = rng.integers(1, 9, size=2)
        dy, dx = rng.integers(-10, 11, size=2)
        X = rng.standard_normal((H, W))
        np.testing.assert_array_equal(loop_shift(X, dy, dx), shift_images(X, dy, dx))


def test_shift_accepts_right_functions():
    for function in [loop_shift, shift_images, lambda X, dy, dx: loop_shift(X, dy, dx).tolist(),
                     lambda X, dy, dx: nd.array(loop_shift(X, dy, dx), dtype="float64"),
                     lambda X, dy, dx: loop_shift(X, dy, dx).astype(np.float32)]:
        result = ex.check_shift(function)
        assert result.ok is True, result.text


def slices_without_the_edge_case(X, dy, dx):
    H, W = X.shape
    Y = np.zeros_like(X)
    Y[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = X[max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return Y


def changes_its_input(X, dy, dx):
    X[:] = loop_shift(X, dy, dx)
    return X


@pytest.mark.parametrize("function, words", [
    (lambda X, dy, dx: np.roll(X, (dy, dx), axis=(0, 1)), "np.roll"),
    (lambda X, dy, dx: loop_shift(X, -dy, -dx), "the wrong way"),
    (lambda X, dy, dx: loop_shift(X, dx, dy), "swapped dy and dx"),
    (lambda X, dy, dx: loop_shift(X, dy + 1, dx), "entries differ"),
    (lambda X, dy, dx: X, "entries differ"),
    (slices_without_the_edge_case, "raised ValueError"),
    (changes_its_input, "changed its input X"),
    (lambda X, dy, dx: None, "returned None"),
    (lambda X, dy, dx: loop_shift(X, dy, dx)[:-1], "shape"),
    (lambda X, dy, dx: loop_shift(X, dy, dx)[None, None], "shape"),
    (lambda X, dy, dx: str(loop_shift(X, dy, dx)), "text"),
    (lambda X, dy, dx: loop_shift(X, dy, dx) > 0, "booleans"),
    (lambda X: X, "raised TypeError"),
    (lambda X, dy, dx: 1 / 0, "raised ZeroDivisionError"),
    (lambda X, dy, dx: np.ones((3000, 3000)), "shape"),
], ids=["roll", "reversed", "swapped", "off-by-one", "identity", "edge-case", "mutates", "none", "short", "batch-axes",
        "text", "bool", "signature", "raises", "huge"])
def test_shift_rejects_wrong_functions(function, words):
    result = ex.check_shift(function)
    assert isinstance(result, Feedback) and result.ok is False and result.hint
    assert words in result.message, result.text
    assert "\n" not in result.text and "Traceback" not in result.text and len(result.text) < 500


def test_shift_not_a_function():
    for answer in [np.zeros((8, 8)), "shift", 3, [shift_images], nn.Dense]:
        result = ex.check_shift(answer)
        assert result.ok is False and "expected your function" in result.message
    assert ex.check_shift(None).ok is None


def test_shift_cases_cover_the_edges():
    """Every direction, no shift, and shifts of the whole height and more than the width are checked."""
    moves = {(np.sign(dy), np.sign(dx)) for _, _, dy, dx in ex.SHIFT_CASES}
    assert {(1, 0), (0, -1), (-1, 1), (1, 1), (0, 0), (-1, -1)} <= moves
    assert any(abs(dy) >= H for H, _, dy, _ in ex.SHIFT_CASES)
    assert any(abs(dx) > W for _, W, _, dx in ex.SHIFT_CASES)
    assert any(H != W for H, W, _, _ in ex.SHIFT_CASES)
