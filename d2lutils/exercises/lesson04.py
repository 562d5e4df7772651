"""Checkers for lesson 4 (padding and stride). Each returns a Feedback; none reveals the answer.

The settings of each exercise are module constants, so the lesson, its solutions and the
tests all read the same numbers.
"""
from ..shapes import conv_output_shape
from ._feedback import check_number, check_shape, checker, same_number, wrong

#: Exercise 1: nn.Conv2D(1, kernel_size=(3, 4), padding=(1, 2), strides=(2, 3)) on a 12 x 10 input.
OUTPUT_SHAPE_TASK = dict(input_size=(12, 10), kernel_size=(3, 4), padding=(1, 2), stride=(2, 3))

#: Exercise 2: per-side padding that keeps a 64 x 64 input at 64 x 64 under an 11 x 11 kernel, stride 1.
SAME_PADDING_TASK = dict(input_size=64, kernel_size=11)

#: Exercise 3: nn.Conv2D(1, kernel_size=3, dilation=3) on a 10 x 9 input, no padding.
DILATION_TASK = dict(input_size=(10, 9), kernel_size=3, dilation=3)


@checker
def check_output_shape(answer):
    """Exercise 1: the output shape (H', W') for :data:`OUTPUT_SHAPE_TASK`."""
    expected = conv_output_shape(**OUTPUT_SHAPE_TASK)
    hint = ("per axis, H' = floor((H + 2*padding - kernel) / stride) + 1; padding is per side, "
            "and the height uses the first number of every pair, the width the second.")
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")


@checker
def check_same_padding(answer):
    """Exercise 2: the per-side padding that keeps the size for :data:`SAME_PADDING_TASK`."""
    n, k = SAME_PADDING_TASK["input_size"], SAME_PADDING_TASK["kernel_size"]
    expected = next(p for p in range(k) if conv_output_shape(n, k, p)[0] == n)
    hint = ("without padding, how many rows does a k x k kernel remove? Gluon's padding is added on "
            "each side, so the two sides together must give those rows back.")
    if same_number(answer, 2 * expected):  # also for numpy scalars and one-element arrays
        return wrong("Gluon's padding is per side: check which padding your number counts.", hint)
    return check_number(answer, expected, hint=hint, what="the padding per side (an integer)")


@checker
def check_dilated_shape(answer):
    """Exercise 3: the output shape (H', W') for :data:`DILATION_TASK`."""
    expected = conv_output_shape(**DILATION_TASK)
    hint = ("a dilated kernel spans dilation*(kernel - 1) + 1 cells; it fits into the input "
            "as many times as an undilated kernel of that span.")
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")
