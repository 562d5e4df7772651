"""Checkers for lesson 5 (multiple input and output channels). None reveals the answer."""
import numpy as np

from ..conv import corr2d_multi_in
from ..shapes import conv_output_shape
from ._feedback import as_shape, check_number, check_shape, checker, wrong

#: Exercise 1: the weight shape of nn.Conv2D(16, kernel_size=5) on RGB images (3 channels).
KERNEL_SHAPE_TASK = dict(c_i=3, c_o=16, kernel_size=(5, 5))

#: Exercise 2: the lesson's two-channel X and K; the kernel is K with its two channel slices swapped.
X_TWO = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
K_TWO = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]

#: Exercise 3: X of shape (3, 32, 32) through nn.Conv2D(8, kernel_size=3, padding=1).
OUTPUT_SHAPE_TASK = dict(input_shape=(3, 32, 32), c_o=8, kernel_size=3, padding=1)


@checker
def check_kernel_shape(answer):
    """Exercise 1: the weight shape (c_o, c_i, k_h, k_w) for :data:`KERNEL_SHAPE_TASK`."""
    t = KERNEL_SHAPE_TASK
    expected = (t["c_o"], t["c_i"]) + tuple(t["kernel_size"])
    hint = "each output channel has a kernel of its own, and each kernel spans every input channel."
    pair = as_shape(answer)
    if pair is not None and pair != expected and sorted(pair) == sorted(expected):
        return wrong("the numbers are right but not their order; print the weight shape of a small layer, "
                     "e.g. nn.Conv2D(2, kernel_size=(1, 3), in_channels=5).weight.shape, to see Gluon's order.",
                     hint)
    return check_shape(answer, expected, hint=hint, what="a tuple of 4 integers", batch_axes=False)


@checker
def check_output_value(answer):
    """Exercise 2: the top-left output of X_TWO cross-correlated with K_TWO[::-1] (slices swapped)."""
    expected = float(corr2d_multi_in(np.array(X_TWO), np.array(K_TWO)[::-1])[0, 0])
    hint = ("channel 0 of X is now read by the slice [[1, 2], [3, 4]] and channel 1 by [[0, 1], [2, 3]]; "
            "multiply each top-left 2 x 2 window by its slice, then add the two channel sums.")
    return check_number(answer, expected, hint=hint, what="a number")


@checker
def check_output_shape(answer):
    """Exercise 3: the output shape (c_o, H', W') for :data:`OUTPUT_SHAPE_TASK`."""
    t = OUTPUT_SHAPE_TASK
    expected = (t["c_o"],) + conv_output_shape(t["input_shape"][1:], t["kernel_size"], t["padding"])
    hint = ("the number of output channels is set by the layer, not by the input; "
            "height and width follow the padding formula.")
    return check_shape(answer, expected, hint=hint, what="a tuple (c_o, H', W')")
