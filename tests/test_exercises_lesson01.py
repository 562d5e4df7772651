"""Lesson 1 checkers: accept the counts Gluon allocates, reject wrong ones without revealing them."""
import re

from mxnet.gluon import nn

from d2lutils.exercises import lesson01 as ex
from reference import assert_rejects


def test_dense_params():
    t = ex.DENSE_TASK
    num_inputs = t["height"] * t["width"]
    net = nn.Dense(t["num_hiddens"], in_units=num_inputs)
    net.initialize()
    expected = net.weight.data().size
    assert ex.check_dense_params(expected).ok is True
    assert ex.check_dense_params(float(expected)).ok is True
    for wrong in [expected + t["num_hiddens"], num_inputs, num_inputs + t["num_hiddens"],
                  expected // 2, "a lot", [expected, 1]]:
        assert_rejects(ex.check_dense_params(wrong), expected)
    added = ex.check_dense_params(num_inputs + t["num_hiddens"])
    assert "added" in added.message
    assert ex.check_dense_params(None).ok is None


def test_conv_params():
    delta = ex.CONV_TASK["delta"]
    net = nn.Conv2D(1, kernel_size=2 * delta + 1, in_channels=1)
    net.initialize()
    expected = net.weight.data().size
    assert ex.check_conv_params(expected).ok is True
    for wrong in [(2 * delta) ** 2, delta ** 2, 2 * delta + 1, expected + 1, "forty"]:
        assert_rejects(ex.check_conv_params(wrong), expected)
    for slip in [(2 * delta) ** 2, delta ** 2]:
        off_by_one = ex.check_conv_params(slip)
        # names the concept (counting the offsets), not how many there are or what is missing
        assert "offsets" in off_by_one.message
        assert not re.search(r"2\s*\*\s*delta|more than|0 is", off_by_one.message), off_by_one.message
    assert ex.check_conv_params(None).ok is None


def test_local_params():
    t = ex.LOCAL_TASK
    size = 2 * t["delta"] + 1
    # a local layer has one window (the kernel of a real Conv2D) per output pixel
    conv = nn.Conv2D(1, kernel_size=size, in_channels=1)
    conv.initialize()
    expected = t["height"] * t["width"] * conv.weight.data().size
    assert ex.check_local_params(expected).ok is True
    window = conv.weight.data().size
    for wrong in [window, (t["height"] * t["width"]) ** 2, t["height"] * t["width"] * (2 * t["delta"]) ** 2,
                  expected + 1]:
        assert_rejects(ex.check_local_params(wrong), expected)
    shared = ex.check_local_params(window)
    assert "shared" in shared.message
    assert ex.check_local_params(None).ok is None
