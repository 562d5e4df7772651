"""Checkers for lesson 9 (from layers to a network). Each returns a Feedback; none reveals the answer.

Exercise 1 asks for the receptive field of :data:`RF_TASK`, exercise 2 for a function that computes
receptive-field sizes (run on :data:`SIZE_CASES`), exercise 3 for the one kernel that two stacked kernels
(:data:`COMBINE_TASK`) amount to. Answers are computed independently here, with ``d2lutils.receptive``
and the sum that defines the combined kernel.
"""
from types import MappingProxyType

import numpy as np

from ..receptive import receptive_field
from ._calls import call, not_a_function
from ._feedback import (_as_number, _short, answer_array, check_array, check_number, checker, correct, one_number,
                        same_number, wrong)

#: Exercise 1: a stack of layers (d2lutils.receptive dicts). Its answer is the receptive field's size
#: along one side.
#: (The task constants are read-only, tuples and read-only dicts: a learner's code cannot change what is checked.)
RF_TASK = tuple(MappingProxyType(layer) for layer in (
    {"kind": "conv", "kernel_size": 5},
    {"kind": "pool", "kernel_size": 2},
    {"kind": "conv", "kernel_size": 3},
    {"kind": "pool", "kernel_size": 2},
    {"kind": "conv", "kernel_size": 3},
))

#: Exercise 2: the stacks, lists of (kernel_size, stride) pairs, that the learner's
#: ``receptive_field_size(layers)`` is run on. They avoid exercise 1's stack.
SIZE_CASES = (
    ((3, 1),),
    ((3, 1), (3, 1)),
    ((2, 2), (3, 1)),
    ((3, 1), (2, 2), (3, 1), (2, 2)),
    ((7, 2), (3, 2), (3, 1), (3, 1)),
    ((1, 1), (1, 1), (1, 1)),
    ((3, 2), (3, 2), (3, 2), (3, 2)),
    ((4, 3), (1, 1), (5, 2), (2, 1), (3, 3)),
)

#: Exercise 3: two 2 x 2 kernels, applied one after the other by cross-correlation (no padding, no
#: nonlinearity). The answer is the one 3 x 3 kernel K with corr2d(corr2d(X, K1), K2) == corr2d(X, K).
COMBINE_TASK = MappingProxyType({"K1": ((1, 2), (0, -1)), "K2": ((1, 0), (2, 1))})

#: The largest size accepted from the learner's function (anything larger is not a size).
_MAX_ANSWER = 10 ** 9


def _size(layers):
    """The receptive field size of a list of (kernel_size, stride) pairs, by d2lutils.receptive."""
    return receptive_field([{"kind": "conv", "kernel_size": k, "stride": s} for k, s in layers]).size[0]


def _size_without_jump(layers):
    """The common slip: every layer adds k - 1, as if all strides were 1."""
    return 1 + sum(k - 1 for k, _ in layers)


def _size_jump_too_early(layers):
    """The other slip: each layer's k - 1 multiplied by the jump *after* it, its own stride included."""
    size, jump = 1, 1
    for k, s in layers:
        jump *= s
        size += (k - 1) * jump
    return size


@checker
def check_receptive_field(answer):
    """Exercise 1: the receptive field size (one side) of one output cell of :data:`RF_TASK`."""
    expected = receptive_field(RF_TASK).size[0]
    number = one_number(answer)  # 16, 16.0, np.int64(16), Fraction(16) and [16] all say 16
    answer = answer if number is None else number
    hint = ("go through the layers in order, keeping the size and the jump: each layer adds (k - 1) times the "
            "jump of the layers before it, and a stride multiplies the jump.")
    pairs = [(layer["kernel_size"], layer.get("stride", layer["kernel_size"] if layer["kind"] == "pool" else 1))
             for layer in RF_TASK]
    if not same_number(answer, expected):
        if same_number(answer, _size_without_jump(pairs)):
            return wrong(f"{_short(answer)} adds k - 1 for every layer as if every stride were 1; the pooling "
                         f"layers' stride 2 spreads the later layers' windows.", hint)
        if same_number(answer, sum(k for k, _ in pairs)):
            return wrong(f"{_short(answer)} adds up the kernel sizes; neighbouring windows overlap, and strides "
                         f"spread them.", hint)
        if same_number(answer, _size_jump_too_early(pairs)):
            return wrong(f"{_short(answer)} multiplies each layer's k - 1 by the jump including that layer's own "
                         f"stride; use the jump of the layers before it.", hint)
    return check_number(answer, expected, hint=hint, what="the size (one number)")


def _returned_size(out):
    """The learner's returned size as an int, or a message saying what is wrong with it."""
    value = one_number(out)  # also [7], np.int64(7), Decimal(7), an NDArray of one value
    if value is None:
        if isinstance(out, (tuple, list)) or isinstance(out, np.ndarray) or hasattr(type(out), "shape"):
            return f"your function returned {_short(out)}; return one number, the size along one side."
        return f"your function returned {_short(out)}; return the size as a whole number."
    if abs(value) > _MAX_ANSWER or not float(value).is_integer():
        return f"your function returned {_short(out)}; a receptive field size is a whole number of cells."
    return int(value)


@checker
def check_receptive_field_size(receptive_field_size):
    """Exercise 2: ``receptive_field_size(layers)``, layers a list of (kernel_size, stride), returns the size.

    Run on every stack of :data:`SIZE_CASES` (each given as a fresh list) and compared with
    ``d2lutils.receptive``.
    """
    hint = ("go through the layers in order, keeping two numbers, the size and the jump, and update both "
            "with the formula of section 1; mind which of the two updates comes first.")
    problem = not_a_function(receptive_field_size, "receptive_field_size", "stacks", hint)
    if problem is not None:
        return problem
    for layers in SIZE_CASES:
        layers = list(layers)
        out, error = call(receptive_field_size, [tuple(layer) for layer in layers])
        if error:
            return wrong(f"on layers={layers} your function raised {error}.", hint)
        if out is None:
            return wrong("your function returned None; did you forget `return`?", hint)
        size = _returned_size(out)
        if isinstance(size, str):
            return wrong(f"on layers={layers} {size}", hint)
        expected = _size(layers)
        if size == expected:
            continue
        if size == _size_without_jump(layers):
            return wrong(f"on layers={layers} your function returned {size}, as if every stride were 1: "
                         f"a stride multiplies the jump, and each later layer adds (k - 1) times it.", hint)
        if size == _size_jump_too_early(layers):
            return wrong(f"on layers={layers} your function returned {size}: each layer's k - 1 must be "
                         f"multiplied by the jump of the layers before it, not including its own stride.", hint)
        return wrong(f"on layers={layers} your function returned {size}, which is too "
                     f"{'large' if size > expected else 'small'}.", hint)
    return correct(f"right on all {len(SIZE_CASES)} stacks.")


def _combined(K1, K2):
    """The kernel K[u, v] = sum of K1[a, b] K2[c, d] over a + c = u, b + d = v (the full convolution)."""
    (h1, w1), (h2, w2) = K1.shape, K2.shape
    K = np.zeros((h1 + h2 - 1, w1 + w2 - 1))
    for c in range(h2):
        for d in range(w2):
            K[c:c + h1, d:d + w1] += K2[c, d] * K1
    return K


@checker
def check_combined_kernel(answer):
    """Exercise 3: the 3 x 3 kernel of :data:`COMBINE_TASK`'s two 2 x 2 layers, as one layer."""
    K1, K2 = (np.array(COMBINE_TASK[k], dtype=float) for k in ("K1", "K2"))
    expected = _combined(K1, K2)
    hint = ("write out one output of the second layer as a sum over its 2 x 2 window of first-layer outputs, "
            "each of them a sum over a 2 x 2 window of X; then collect the weight that multiplies each "
            "X[i + u, j + v].")
    A, _, _ = answer_array(answer, 2)
    if A is not None:
        if A.shape == K1.shape and (np.array_equal(A, K1 * K2) or np.array_equal(A, K1 @ K2)
                                    or np.array_equal(A, K2 @ K1)):
            return wrong("that multiplies the two kernels entry by entry (or as matrices), a 2 x 2 kernel; the "
                         "two layers together see a 3 x 3 window, so K is 3 x 3.", hint)
        if A.shape == expected.shape:
            one_turned = (_combined(K1, K2[::-1, ::-1]), _combined(K1[::-1, ::-1], K2))
            if any(np.array_equal(A, slip) or np.array_equal(A, slip[::-1, ::-1]) for slip in one_turned):
                return wrong("that combines the kernels with one of them turned around (a cross-correlation "
                             "of the kernels): the weights of both layers are read in the same direction, "
                             "from the window's top-left corner.", hint)
            if np.array_equal(A, expected[::-1, ::-1]):
                return wrong("that is the right kernel turned around by 180 degrees: index it from the top-left "
                             "corner of the window, as corr2d does.", hint)
    return check_array(answer, expected, hint=hint, what="the 3 x 3 kernel as a nested list")
