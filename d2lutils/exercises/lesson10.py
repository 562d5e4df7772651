"""Checkers for lesson 10 (a network that reads digits). Each returns a Feedback; none reveals the answer.

Exercise 1 asks for the parameter count of the lesson's network with :data:`PARAM_TASK`'s first
convolution, exercise 2 for how many numbers reach its first dense layer on a larger image
(:data:`DENSE_INPUT_TASK`), exercise 3 for a function that shifts an image, filling with zeros (run on
:data:`SHIFT_CASES`). Answers are computed independently here: by the layers' own arithmetic and a loop
over the pixels.
"""
import math

import numpy as np

from ._calls import call, not_a_function
from ._feedback import _short, answer_array, check_array, check_number, checker, correct, same_number, wrong

#: The lesson's network, (kind, output channels or units, kernel size); the input is one channel, and
#: padding 1 keeps each 3 x 3 convolution's size.
LESSON_NET = [("conv", 16, 3), ("pool", None, 2), ("conv", 32, 3), ("pool", None, 2), ("dense", 64, None),
              ("dense", 10, None)]

#: Exercise 1: the lesson's network on 8 x 8 digits with this many channels in its first convolution.
PARAM_TASK = {"first_channels": 8}

#: Exercise 2: the lesson's network given a ``side`` x ``side`` image: how many numbers reach the first
#: Dense layer?
DENSE_INPUT_TASK = {"side": 14}

#: Exercise 3: (image height, width, dy, dx) of the images the learner's ``shift(X, dy, dx)`` is run on.
SHIFT_CASES = [(8, 8, 1, 0), (8, 8, 0, -2), (6, 9, -1, 3), (7, 5, 2, 2), (8, 8, 0, 0), (4, 6, -3, -1),
               (5, 5, 5, 0), (5, 7, 0, -9)]


def _structure(first_channels, side):
    """(parameters, numbers reaching the first Dense layer) of LESSON_NET on a side x side image."""
    channels, total, flat = 1, 0, None
    for n, (kind, units, k) in enumerate(LESSON_NET):
        if kind == "conv":
            out = first_channels if n == 0 else units
            total += out * channels * k * k + out  # weights (c_o, c_i, k, k) and one bias per output channel
            channels = out  # padding 1 keeps the side
        elif kind == "pool":
            side //= k  # a 2 x 2 window with stride 2: a leftover row or column is dropped
        else:
            inputs = channels * side * side if flat is None else flat
            if flat is None:
                first_dense_inputs = inputs
            total += units * inputs + units
            flat = units
    return total, first_dense_inputs


def _param_count(first_channels, second_inputs=None):
    """Parameters of LESSON_NET with ``first_channels`` in its first convolution, on an 8 x 8 digit.

    ``second_inputs`` counts the second convolution as if it read that many channels (the slip of
    changing only the first layer).
    """
    total, _ = _structure(first_channels, 8)
    if second_inputs is not None:
        c_o, k = LESSON_NET[2][1], LESSON_NET[2][2]
        total += c_o * (second_inputs - first_channels) * k * k
    return total


@checker
def check_param_count(answer):
    """Exercise 1: the parameters of the lesson's network with PARAM_TASK's first convolution."""
    first = PARAM_TASK["first_channels"]
    expected = _param_count(first)
    hint = ("count layer by layer: a convolution has c_o * c_i * k * k weights and c_o biases, a dense layer "
            "inputs * units weights and units biases, pooling none. Changing a layer's channels also changes "
            "the inputs of the layer after it.")
    if not same_number(answer, expected):
        lesson = _param_count(LESSON_NET[0][1])
        only_first = _param_count(first, second_inputs=LESSON_NET[0][1])
        biases = first + sum(units for kind, units, _ in LESSON_NET[1:] if kind != "pool")
        if same_number(answer, lesson):
            return wrong(f"{_short(answer)} is the count of the lesson's network, with {LESSON_NET[0][1]} channels "
                         f"in the first convolution.", hint)
        if same_number(answer, only_first):
            return wrong(f"{_short(answer)} changes only the first convolution; the second one's weights depend on "
                         f"its input channels too.", hint)
        if same_number(answer, expected - biases):
            return wrong(f"{_short(answer)} leaves out the biases.", hint)
    return check_number(answer, expected, hint=hint, what="the number of parameters")


@checker
def check_dense_inputs(answer):
    """Exercise 2: how many numbers the first Dense layer gets from a DENSE_INPUT_TASK-sized image."""
    side = DENSE_INPUT_TASK["side"]
    _, expected = _structure(LESSON_NET[0][1], side)
    channels = LESSON_NET[2][1]
    hint = ("follow the side through the layers: padding 1 keeps it through a 3 x 3 convolution, a 2 x 2 "
            "max pooling with stride 2 halves it and drops a leftover row or column; then multiply by the "
            "last convolution's channels.")
    if not same_number(answer, expected):
        rounded_up = {channels * math.ceil(math.ceil(side / 2) / 2) ** 2,  # both halvings rounded up
                      channels * math.ceil((side // 2) / 2) ** 2}  # only the second one
        if same_number(answer, _structure(LESSON_NET[0][1], 8)[1]):
            return wrong(f"{_short(answer)} is the count for the 8 x 8 digits; the image is larger now.", hint)
        if any(same_number(answer, value) for value in rounded_up):
            return wrong(f"{_short(answer)} rounds a halving up; a 2 x 2 pooling with stride 2 drops the "
                         f"leftover row and column of an odd-sized map (the formula of lesson 7 rounds down).",
                         hint)
        if same_number(answer, expected // channels):
            return wrong(f"{_short(answer)} counts the cells of one map; every channel of the last map reaches "
                         f"the dense layer.", hint)
        if same_number(answer, channels * (side // 2) ** 2) or same_number(answer, channels * side * side):
            return wrong(f"{_short(answer)} leaves out a pooling layer; the network has two.", hint)
    return check_number(answer, expected, hint=hint, what="the number of inputs of the first dense layer")


def _shifted(X, dy, dx):
    """X (H, W) moved dy rows down and dx columns right, zeros filling in: a loop over the output pixels."""
    H, W = X.shape
    Y = np.zeros_like(X)
    for i in range(H):
        for j in range(W):
            if 0 <= i - dy < H and 0 <= j - dx < W:
                Y[i, j] = X[i - dy, j - dx]
    return Y


def _shift_cases():
    """[(X, dy, dx)]: a seeded image of every SHIFT_CASES size, with values that tell each pixel apart."""
    rng = np.random.default_rng(10)
    return [(rng.permutation(H * W).reshape(H, W).astype(np.float64) + 1, dy, dx) for H, W, dy, dx in SHIFT_CASES]


@checker
def check_shift(answer):
    """Exercise 3: ``shift(X, dy, dx)``, X (H, W) numpy, returns X moved dy rows down, dx columns right.

    Run on every case of :data:`SHIFT_CASES`, each with a fresh copy of its image, and compared with a
    loop over the pixels. The function must not change its input.
    """
    hint = ("make an array of zeros of X's shape and copy into it the part of X that stays inside, with one "
            "slice for the rows and one for the columns; a positive dy moves the picture down.")
    problem = not_a_function(answer, "shift", "images", hint)
    if problem is not None:
        return problem
    for X, dy, dx in _shift_cases():
        X_in = X.copy()
        out, error = call(answer, X_in, dy, dx)
        where = f"on an image of shape {X.shape} with dy={dy}, dx={dx}"
        if error:
            return wrong(f"{where} your function raised {error}.", hint)
        if not np.array_equal(X_in, X):
            return wrong(f"{where} your function changed its input X; leave X as it was and return a new array.",
                         hint)
        if out is None:
            return wrong("your function returned None; did you forget `return`?", hint)
        expected = _shifted(X, dy, dx)
        A, _, _ = answer_array(out, 2, batch_axes=False)
        if A is not None and A.shape == X.shape and not np.array_equal(A, expected):
            if abs(dy) < X.shape[0] and abs(dx) < X.shape[1] \
                    and np.array_equal(A, np.roll(X, (dy, dx), axis=(0, 1))):
                return wrong(f"{where} the pixels pushed past one border came back at the other (that is what "
                             f"np.roll does); the rows and columns the image leaves must be 0.", hint)
            if np.array_equal(A, _shifted(X, -dy, -dx)):
                return wrong(f"{where} your function moved the image the wrong way: a positive dy moves it down, "
                             f"a positive dx to the right.", hint)
            if dy != dx and np.array_equal(A, _shifted(X, dx, dy)):
                return wrong(f"{where} your function swapped dy and dx: dy counts rows (down), dx columns "
                             f"(right).", hint)
        result = check_array(out, expected, hint=hint, batch_axes=False)
        if not result.ok:
            return wrong(f"{where}: {result.message}", hint)
    return correct(f"right on all {len(SHIFT_CASES)} images.")
