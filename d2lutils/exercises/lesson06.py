"""Checkers for lesson 6 (1x1 convolution). None reveals the answer."""
import numpy as np

from ..conv import corr2d_multi_in_out
from ._feedback import answer_array, check_array, check_number, checker, same_number, wrong

#: Exercise 1: parameters (weights and biases) of nn.Conv2D(128, kernel_size=1) on 512 channels (PyTorch:
#: nn.Conv2d(512, 128, kernel_size=1)).
PARAM_TASK = dict(c_i=512, c_o=128)

#: Exercise 2: multiply-adds of a 1x1 convolution from 192 to 32 channels on a 28 x 28 map.
COST_TASK = dict(c_i=192, c_o=32, H=28, W=28)

#: Exercise 3: X (2, 2, 2) and K (1, 2, 1, 1): the output of the 1x1 convolution.
X_SMALL = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
K_SMALL = [[[[1]], [[-1]]]]


@checker
def check_param_count(answer):
    """Exercise 1: the number of parameters for :data:`PARAM_TASK`, bias included."""
    c_i, c_o = PARAM_TASK["c_i"], PARAM_TASK["c_o"]
    expected = c_o * c_i * 1 * 1 + c_o
    hint = ("count the entries of every parameter of the layer from its shape; the layer lists them "
            "(collect_params() in Gluon, parameters() in PyTorch).")
    if same_number(answer, expected - c_o):  # also for numpy scalars and one-element arrays
        return wrong("a layer's parameters are more than its weight: count all of them.", hint)
    return check_number(answer, expected, hint=hint, what="an integer")


@checker
def check_mult_adds(answer):
    """Exercise 2: multiply-adds for :data:`COST_TASK` (one per weight per output pixel)."""
    t = COST_TASK
    expected = t["c_i"] * t["c_o"] * t["H"] * t["W"]
    hint = ("every output pixel of every output channel is a weighted sum over the c_i input "
            "channels; a 1x1 convolution keeps H and W.")
    return check_number(answer, expected, hint=hint, what="an integer")


@checker
def check_output(answer):
    """Exercise 3: the (1, 2, 2) output of the 1x1 convolution of X_SMALL with K_SMALL."""
    expected = corr2d_multi_in_out(np.array(X_SMALL), np.array(K_SMALL))
    hint = ("at every pixel, multiply the vector of channel values by the (c_o, c_i) "
            "matrix K.reshape(c_o, c_i).")
    A, _, _ = answer_array(answer)
    if A is not None and A.shape == expected.shape[1:]:
        same = "the values may be right, but " if np.allclose(A, expected[0]) else ""
        return wrong(f"{same}your array has no output-channel axis: a convolution's output has shape "
                     f"(c_o, H, W), with one H x W map per output channel, even when c_o is 1.", hint)
    return check_array(answer, expected, hint=hint, what="an array of shape (1, 2, 2)")
