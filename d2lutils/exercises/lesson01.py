"""Checkers for lesson 1 (from dense layers to convolutions). Each returns a Feedback; none reveals the answer.

The settings of each exercise are module constants, so the lesson, its solutions and the
tests all read the same numbers. Counts are of weights only (biases left out).
"""
from ._feedback import check_number, checker, same_number, wrong

#: Exercise 1: a dense layer from a 64 x 64 grayscale image (flattened) to 256 hidden units.
DENSE_TASK = dict(height=64, width=64, num_hiddens=256)

#: Exercise 2: a convolutional layer (one channel in, one out) whose window has half-width delta = 3.
CONV_TASK = dict(delta=3)

#: Exercise 3: a *local* layer (window of half-width delta, weights not shared) on a 100 x 100 image
#: whose hidden representation is also 100 x 100.
LOCAL_TASK = dict(height=100, width=100, delta=2)


def _is(answer, *values):
    """True if ``answer`` is a single number exactly equal to one of ``values`` (a known mistake)."""
    return any(same_number(answer, v) for v in values)


def _window(delta):
    """Number of weights in one (2*delta + 1) x (2*delta + 1) window."""
    return (2 * delta + 1) ** 2


@checker
def check_dense_params(answer):
    """Exercise 1: the number of weights of the dense layer in :data:`DENSE_TASK`."""
    t = DENSE_TASK
    num_inputs = t["height"] * t["width"]
    expected = num_inputs * t["num_hiddens"]
    hint = "every input pixel is connected to every hidden unit, and each connection has a weight of its own."
    if _is(answer, num_inputs + t["num_hiddens"]):
        return wrong("you added the number of inputs and outputs; a dense layer has one weight "
                     "per (input, output) pair.", hint)
    return check_number(answer, expected, hint=hint, what="the number of weights (an integer)")


@checker
def check_conv_params(answer):
    """Exercise 2: the number of kernel weights of the convolutional layer in :data:`CONV_TASK`."""
    delta = CONV_TASK["delta"]
    hint = ("the offsets a and b each run from -delta to delta, both ends included; "
            "the weights do not depend on the position (i, j).")
    if _is(answer, (2 * delta) ** 2, delta ** 2):
        return wrong("count the offsets from -delta to delta again, on a small example such as delta = 1.",
                     hint)
    return check_number(answer, _window(delta), hint=hint,
                        what="the number of kernel weights (an integer)")


@checker
def check_local_params(answer):
    """Exercise 3: the number of weights of the local layer in :data:`LOCAL_TASK`."""
    t = LOCAL_TASK
    window = _window(t["delta"])
    expected = t["height"] * t["width"] * window
    hint = ("locality keeps only a window of weights around each output pixel, but without sharing "
            "every output pixel (i, j) has a window of weights of its own.")
    if _is(answer, window):
        return wrong("that is a layer with shared weights (a convolution); here every output "
                     "pixel has its own window.", hint)
    return check_number(answer, expected, hint=hint, what="the number of weights (an integer)")
