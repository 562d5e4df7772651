"""Lesson 1 checkers: accept the counts the framework's layers allocate (Gluon's in the MXNet venv, PyTorch's in the
PyTorch venv), reject wrong ones without revealing them."""
import re

import numpy as np
import pytest

from d2lutils.exercises import lesson01 as ex
from reference import assert_rejects


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    """The framework of one edition; its tests skip where it is not installed."""
    pytest.importorskip({"mxnet": "mxnet", "pytorch": "torch"}[request.param])
    return request.param


def dense_weights(fw, num_inputs, num_outputs):
    """The number of weights a real dense layer of the framework allocates."""
    if fw == "mxnet":
        from mxnet.gluon import nn
        net = nn.Dense(num_outputs, in_units=num_inputs)
        net.initialize()
        return net.weight.data().size
    from torch import nn
    return nn.Linear(num_inputs, num_outputs).weight.numel()


def conv_weights(fw, kernel_size):
    """The number of kernel weights of a real convolutional layer, one channel in and out."""
    if fw == "mxnet":
        from mxnet.gluon import nn
        net = nn.Conv2D(1, kernel_size=kernel_size, in_channels=1)
        net.initialize()
        return net.weight.data().size
    from torch import nn
    return nn.Conv2d(1, 1, kernel_size=kernel_size).weight.numel()


def as_tensor(fw, value):
    """``value`` as the framework's array."""
    if fw == "mxnet":
        from mxnet import nd
        return nd.array(value)
    import torch
    return torch.tensor(value)


def test_dense_params(fw):
    t = ex.DENSE_TASK
    num_inputs = t["height"] * t["width"]
    expected = dense_weights(fw, num_inputs, t["num_hiddens"])
    assert ex.check_dense_params(expected).ok is True
    assert ex.check_dense_params(float(expected)).ok is True
    assert ex.check_dense_params(as_tensor(fw, [expected])).ok is True
    for wrong in [expected + t["num_hiddens"], num_inputs, num_inputs + t["num_hiddens"],
                  expected // 2, "a lot", [expected, 1]]:
        assert_rejects(ex.check_dense_params(wrong), expected)
    added = ex.check_dense_params(num_inputs + t["num_hiddens"])
    assert "added" in added.message
    assert "added" in ex.check_dense_params(as_tensor(fw, [num_inputs + t["num_hiddens"]])).message
    assert ex.check_dense_params(None).ok is None


def test_conv_params(fw):
    delta = ex.CONV_TASK["delta"]
    expected = conv_weights(fw, 2 * delta + 1)
    assert ex.check_conv_params(expected).ok is True
    assert ex.check_conv_params(np.int64(expected)).ok is True
    for wrong in [(2 * delta) ** 2, delta ** 2, 2 * delta + 1, expected + 1, "forty"]:
        assert_rejects(ex.check_conv_params(wrong), expected)
    for slip in [(2 * delta) ** 2, delta ** 2]:
        off_by_one = ex.check_conv_params(slip)
        # names the concept (counting the offsets), not how many there are or what is missing
        assert "offsets" in off_by_one.message
        assert not re.search(r"2\s*\*\s*delta|more than|0 is", off_by_one.message), off_by_one.message
    assert ex.check_conv_params(None).ok is None


def test_local_params(fw):
    t = ex.LOCAL_TASK
    # a local layer has one window (the kernel of a real convolutional layer) per output pixel
    window = conv_weights(fw, 2 * t["delta"] + 1)
    expected = t["height"] * t["width"] * window
    assert ex.check_local_params(expected).ok is True
    for wrong in [window, (t["height"] * t["width"]) ** 2, t["height"] * t["width"] * (2 * t["delta"]) ** 2,
                  expected + 1]:
        assert_rejects(ex.check_local_params(wrong), expected)
    shared = ex.check_local_params(window)
    assert "shared" in shared.message
    assert ex.check_local_params(None).ok is None
