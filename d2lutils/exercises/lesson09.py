"""Checkers for lesson 9 (from layers to a network). Each returns a Feedback; none reveals the answer.

Exercise 1 asks for the receptive field of :data:`RF_TASK`, exercise 2 for a function that computes
receptive-field sizes (run on :data:`SIZE_CASES`), exercise 3 for the parameter count of the lesson's
network with :data:`PARAM_TASK`'s first convolution. Answers are computed independently here, with
``d2lutils.receptive`` and the layers' own arithmetic.
"""
from types import MappingProxyType

import numpy as np

from ..receptive import receptive_field
from ._calls import call, not_a_function
from ._feedback import _short, check_number, checker, correct, one_number, same_number, wrong

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

#: Exercise 3: the lesson's network, (kind, output channels or units, kernel size), with the first
#: convolution's channels changed; the input is one 8 x 8 channel, padding 1 keeps each convolution's size.
LESSON_NET = [("conv", 16, 3), ("pool", None, 2), ("conv", 32, 3), ("pool", None, 2), ("dense", 64, None),
              ("dense", 10, None)]
PARAM_TASK = {"first_channels": 8}

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


def _param_count(first_channels, second_inputs=None):
    """Parameters of LESSON_NET with ``first_channels`` in its first convolution, on a (1, 8, 8) input.

    ``second_inputs`` overrides the input channels the second convolution is counted with (the slip of
    changing only the first layer).
    """
    channels, side, flat, total = 1, 8, None, 0
    for n, (kind, units, k) in enumerate(LESSON_NET):
        if kind == "conv":
            out = first_channels if n == 0 else units
            c_i = second_inputs if (n > 0 and second_inputs is not None) else channels
            total += out * c_i * k * k + out  # weights (c_o, c_i, k, k) and one bias per output channel
            channels = out  # padding 1 keeps the side
        elif kind == "pool":
            side //= k
        else:
            inputs = channels * side * side if flat is None else flat
            total += units * inputs + units
            flat = units
    return total


@checker
def check_param_count(answer):
    """Exercise 3: the parameters of the lesson's network with PARAM_TASK's first convolution."""
    first = PARAM_TASK["first_channels"]
    expected = _param_count(first)
    hint = ("count layer by layer: a convolution has c_o * c_i * k * k weights and c_o biases, a Dense layer "
            "inputs * units weights and units biases, pooling none. Changing a layer's channels also changes "
            "the inputs of the layer after it.")
    if not same_number(answer, expected):
        lesson = _param_count(LESSON_NET[0][1])
        only_first = _param_count(first, second_inputs=LESSON_NET[0][1])
        biases = first + sum(units for kind, units, _ in LESSON_NET[1:] if kind != "pool")
        if same_number(answer, lesson):
            return wrong(f"{_short(answer)} is the count of the lesson's network, with {LESSON_NET[0][1]} channels in "
                         f"the first convolution.", hint)
        if same_number(answer, only_first):
            return wrong(f"{_short(answer)} changes only the first convolution; the second one's weights depend on "
                         f"its input channels too.", hint)
        if same_number(answer, expected - biases):
            return wrong(f"{_short(answer)} leaves out the biases.", hint)
    return check_number(answer, expected, hint=hint, what="the number of parameters")
