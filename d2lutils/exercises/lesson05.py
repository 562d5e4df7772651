"""Checkers for lesson 5 (multiple input and output channels). None reveals the answer."""
import numpy as np

from ..conv import corr2d_multi_in
from ..shapes import conv_output_shape
from ._feedback import as_shape, check_number, check_shape, checker, same_number, wrong

#: Exercise 1: the weight shape of nn.Conv2D(16, kernel_size=5) (PyTorch: nn.Conv2d(3, 16, kernel_size=5)) on RGB
#: images (3 channels).
KERNEL_SHAPE_TASK = dict(c_i=3, c_o=16, kernel_size=(5, 5))

#: Exercise 2: the lesson's two-channel X and K; the kernel is K with its two channel slices swapped.
X_TWO = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
K_TWO = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]

#: Exercise 3: X of shape (3, 32, 32) through nn.Conv2D(8, kernel_size=3, padding=1) (PyTorch:
#: nn.Conv2d(3, 8, kernel_size=3, padding=1)).
OUTPUT_SHAPE_TASK = dict(input_shape=(3, 32, 32), c_o=8, kernel_size=3, padding=1)


@checker
def check_kernel_shape(answer):
    """Exercise 1: the weight shape (c_o, c_i, k_h, k_w) for :data:`KERNEL_SHAPE_TASK`."""
    t = KERNEL_SHAPE_TASK
    expected = (t["c_o"], t["c_i"]) + tuple(t["kernel_size"])
    hint = "each output channel has a kernel of its own, and each kernel spans every input channel."
    pair = as_shape(answer)
    if pair is not None and pair != expected and pair[-2:] in ((t["c_i"], t["c_o"]), (t["c_o"], t["c_i"])) \
            and sorted(pair) == sorted(expected):
        return wrong("that puts the channels last, as some other frameworks store their kernels; MXNet and "
                     "PyTorch keep the two channel axes in front of the kernel's height and width.", hint)
    if pair is not None and pair == (t["c_i"], t["c_o"]) + tuple(t["kernel_size"]):
        return wrong("the numbers are right but not their order: the weight does not keep its two channel axes in "
                     "the order in which a layer's constructor may take them (PyTorch's nn.Conv2d takes the input "
                     "channels first); print the weight shape of a small layer to see the order.", hint)
    if pair is not None and pair != expected and sorted(pair) == sorted(expected):
        return wrong("the numbers are right but not their order; print the weight shape of a small layer, "
                     "say with 5 input channels, 2 output channels and a 1 x 3 window, to see the order.", hint)
    return check_shape(answer, expected, hint=hint, what="a tuple of 4 integers", batch_axes=False)


@checker
def check_output_value(answer):
    """Exercise 2: the top-left output of X_TWO cross-correlated with K_TWO[::-1] (slices swapped)."""
    X, K = np.array(X_TWO, dtype=float), np.array(K_TWO, dtype=float)
    expected = float(corr2d_multi_in(X, K[::-1])[0, 0])
    hint = ("channel 0 of X is now read by the slice [[1, 2], [3, 4]] and channel 1 by [[0, 1], [2, 3]]; "
            "multiply each top-left 2 x 2 window by its slice, then add the two channel sums.")
    unswapped = float(corr2d_multi_in(X, K)[0, 0])
    if unswapped != expected and same_number(answer, unswapped):
        return wrong("that is the value for the kernel as it was, before the swap: each input channel is read "
                     "by the kernel slice at the same position, and after the swap those slices changed places.",
                     hint)
    return check_number(answer, expected, hint=hint, what="a number")


@checker
def check_output_shape(answer):
    """Exercise 3: the output shape (c_o, H', W') for :data:`OUTPUT_SHAPE_TASK`."""
    t = OUTPUT_SHAPE_TASK
    hw = conv_output_shape(t["input_shape"][1:], t["kernel_size"], t["padding"])
    expected = (t["c_o"],) + hw
    hint = ("the number of output channels is set by the layer, not by the input; "
            "height and width follow the padding formula.")
    entries = as_shape(answer)
    while entries is not None and len(entries) > len(expected) and entries[0] == 1:  # the batch axis
        entries = entries[1:]
    mistakes = [
        (hw + (t["c_o"],), "that puts the channels last: MXNet and PyTorch keep the channel axis first, "
                           "(c_o, H', W'), as in the input's (c_i, H, W)."),
        ((t["c_o"],) + conv_output_shape(t["input_shape"][1:], t["kernel_size"]),
         "that is the shape without padding: padding=1 adds a row and a column of zeros on every side of the "
         "input before the kernel slides over it."),
        ((t["input_shape"][0],) + hw, "the number of output channels is a choice of the layer (the number of "
                                      "output channels it is given), not the number of input channels."),
    ]
    for shape, message in mistakes:
        if entries is not None and entries == shape != expected:
            return wrong(message, hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (c_o, H', W')")
