"""Bad input gives a ValueError that names the argument and the shapes, never a framework's traceback."""
import numpy as np
import pytest

from d2lutils import (comp_conv2d, conv_output_shape, corr2d, corr2d_multi_in, corr2d_multi_in_out,
                      corr2d_multi_in_out_1x1, pool2d, pool_output_shape)
from reference import framework, needs_mxnet, needs_torch


def nd():
    return framework("mxnet")


def nn():
    framework("mxnet")
    from mxnet.gluon import nn
    return nn


def torch():
    return framework("torch")

ONE = np.ones((3, 3))
CASES = [
    # (call, words the message must contain)
    (lambda: corr2d(ONE, np.ones((4, 4))), ["corr2d", "K", "(4, 4)", "X", "(3, 3)"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), dilation=3), ["K", "spans 4 rows", "dilation"]),
    (lambda: corr2d(np.ones((2, 3, 3)), np.ones((2, 2))), ["X", "2-D", "(2, 3, 3)"]),
    (lambda: corr2d(ONE, np.ones(2)), ["K", "2-D", "(2,)"]),
    (lambda: corr2d(np.ones((0, 3)), np.ones((1, 1))), ["X", "empty"]),
    (lambda: corr2d("abc", ONE), ["X", "numbers"]),
    (lambda: corr2d([[1, 2], [3]], ONE), ["X", "numbers"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), stride=0), ["stride", ">= 1", "0"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), dilation=0), ["dilation", ">= 1"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), padding=-1), ["padding", ">= 0", "-1"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), stride=1.5), ["stride", "integer", "1.5"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), padding=(1, 2, 3)), ["padding", "(h, w) pair"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), stride=True), ["stride", "integer"]),
    (lambda: corr2d_multi_in(np.ones((2, 3, 3)), np.ones((3, 2, 2))),
     ["corr2d_multi_in", "2 input channels", "(2, 3, 3)", "(3, 2, 2)"]),
    (lambda: corr2d_multi_in(ONE, np.ones((3, 2, 2))), ["X", "3-D", "(c_i, H, W)"]),
    (lambda: corr2d_multi_in_out(np.ones((2, 3, 3)), np.ones((4, 3, 2, 2))),
     ["corr2d_multi_in_out", "2 input channels", "(4, 3, 2, 2)"]),
    (lambda: corr2d_multi_in_out(np.ones((2, 3, 3)), np.ones((2, 2, 2))), ["K", "4-D", "(c_o, c_i, kh, kw)"]),
    (lambda: corr2d_multi_in_out(np.ones((1, 3, 3)), np.ones((1, 1, 5, 5))), ["K", "(5, 5)", "X"]),
    (lambda: corr2d_multi_in_out_1x1(np.ones((2, 3, 3)), np.ones((1, 2, 2, 2))), ["1x1", "(1, 2, 2, 2)"]),
    (lambda: corr2d_multi_in_out_1x1(np.ones((2, 3, 3)), np.ones((1, 3, 1, 1))), ["2 input channels"]),
    (lambda: pool2d(ONE, 2, mode="mean"), ["mode", "'max' or 'avg'", "'mean'"]),
    (lambda: pool2d(ONE, 4), ["pool_size", "(4, 4)", "(3, 3)"]),
    (lambda: pool2d(ONE, 2, padding=2), ["padding", "smaller than pool_size"]),
    (lambda: pool2d(ONE, 0), ["pool_size", ">= 1"]),
    (lambda: pool2d(np.ones((1, 3, 3)), 2), ["X", "2-D"]),
    (lambda: conv_output_shape(8, 9), ["kernel_size", "padded input"]),
    (lambda: conv_output_shape(8, 3, stride=0), ["stride", ">= 1"]),
    (lambda: conv_output_shape(8, 3, padding=-2), ["padding", ">= 0"]),
    (lambda: conv_output_shape(0, 3), ["input_size", ">= 1"]),
    (lambda: conv_output_shape(8, "3"), ["kernel_size", "integer"]),
    (lambda: conv_output_shape(8, 3, dilation=0), ["dilation"]),
    (lambda: pool_output_shape(4, 5), ["pool_size", "larger than the padded input"]),
    (lambda: pool_output_shape(4, 2, padding=2), ["padding", "smaller than pool_size"]),
    (lambda: pool_output_shape(4, 2, stride=0), ["stride", ">= 1"]),
    (lambda: corr2d(ONE + 1j, np.ones((2, 2))), ["X", "real numbers", "complex"]),
    (lambda: pool2d(np.ones((3, 3)), 2, mode=np.array(["max", "avg"])), ["mode", "'max' or 'avg'"]),
    (lambda: pool2d(np.ones((3, 3)), 2, mode=None), ["mode"]),
    (lambda: corr2d(ONE, np.ones((2, 2)), padding=10**6), ["padding", "(1000000, 1000000)", "numbers"]),
    (lambda: pool2d(ONE, 2, padding=1, stride=np.array([1, 2, 3])), ["stride", "(h, w) pair"]),
    (lambda: comp_conv2d("conv", ONE), ["conv2d", "Gluon layer", "PyTorch layer"]),
]
MX_CASES = [
    (lambda: corr2d(nd().ones((3, 3)), nd().ones((4, 1))), ["K", "(4, 1)", "(3, 3)"]),
    (lambda: comp_conv2d(nn().Conv2D(1, kernel_size=5), nd().ones((3, 3))), ["comp_conv2d", "(3, 3)"]),
    (lambda: comp_conv2d(nn().Conv2D(1, kernel_size=2), nd().ones((1, 3, 3))), ["X", "2-D"]),
    (lambda: comp_conv2d("conv", nd().ones((3, 3))), ["conv2d", "Gluon layer"]),
    (lambda: comp_conv2d(nn().Conv2D(1, kernel_size=5), nd().ones((3, 3), dtype="float64")),
     ["comp_conv2d", "(3, 3)", "kernel_size (5, 5)"]),
]
TORCH_CASES = [
    (lambda: corr2d(torch().ones(3, 3), torch().ones(4, 1)), ["K", "(4, 1)", "(3, 3)"]),
    (lambda: corr2d(torch().ones(3, 3, dtype=torch().complex64), ONE), ["X", "real numbers", "complex64"]),
    (lambda: corr2d(torch().ones(3, 3, device="meta"), ONE), ["X", "meta device"]),
    (lambda: corr2d(ONE, torch().ones(3, 3).to_sparse()), ["K", "sparse", "to_dense"]),
    (lambda: pool2d(torch().ones(3, 3), torch().tensor([2, 2, 2])), ["pool_size", "(h, w) pair", "torch tensor"]),
    (lambda: comp_conv2d(torch().nn.Conv2d(1, 1, 5), torch().ones(3, 3)), ["comp_conv2d", "(3, 3)", "5"]),
    (lambda: comp_conv2d(torch().nn.Conv2d(3, 1, 3), torch().ones(5, 5)), ["conv2d", "in_channels=3", "one channel"]),
    (lambda: comp_conv2d(torch().nn.Conv2d(1, 2, 3, groups=1), torch().ones(1, 5, 5)), ["X", "2-D"]),
    (lambda: comp_conv2d(torch().nn.MaxPool2d(3, padding=2), ONE), ["conv2d.padding", "half of its kernel_size"]),
    (lambda: comp_conv2d(torch().nn.MaxPool2d(2, return_indices=True), ONE), ["return_indices"]),
    (lambda: comp_conv2d(torch().nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect"), ONE),
     ["padding_mode='reflect'", "(3, 3)"]),
    (lambda: comp_conv2d(torch().nn.Conv2d(1, 1, 3), torch().ones(5, 5, dtype=torch().complex64)), ["X", "complex"]),
]


ALL_CASES = ([pytest.param(*case, id=f"case{i}") for i, case in enumerate(CASES)]
             + [pytest.param(*case, marks=needs_mxnet, id=f"mxnet{i}") for i, case in enumerate(MX_CASES)]
             + [pytest.param(*case, marks=needs_torch, id=f"torch{i}") for i, case in enumerate(TORCH_CASES)])


@pytest.mark.parametrize("call, words", ALL_CASES)
def test_bad_input_gives_a_clear_value_error(call, words):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} missing from {message!r}"
    assert "Traceback" not in message and "\n" not in message
