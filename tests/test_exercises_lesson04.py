"""Lesson 4 checkers: accept the answer the framework's real layers compute (Gluon's in the MXNet venv, PyTorch's
in the PyTorch venv), reject wrong ones without revealing it."""
import re

import numpy as np
import pytest

from d2lutils.exercises import lesson04 as ex
from reference import assert_rejects


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    """The framework of one edition; its tests skip where it is not installed."""
    pytest.importorskip({"mxnet": "mxnet", "pytorch": "torch"}[request.param])
    return request.param


def layer_shape(fw, input_size, kernel_size, padding=0, stride=1, dilation=1):
    """Output (H', W') of a real convolutional layer of the framework."""
    if fw == "mxnet":
        from mxnet import nd
        from mxnet.gluon import nn
        net = nn.Conv2D(1, kernel_size=kernel_size, padding=padding, strides=stride, dilation=dilation)
        net.initialize()
        return net(nd.zeros((1, 1) + tuple(input_size))).shape[2:]
    import torch
    net = torch.nn.Conv2d(1, 1, kernel_size=kernel_size, padding=padding, stride=stride, dilation=dilation)
    with torch.no_grad():
        return tuple(net(torch.zeros((1, 1) + tuple(input_size))).shape[2:])


def as_tensor(fw, value):
    if fw == "mxnet":
        from mxnet import nd
        return nd.array(value)
    import torch
    return torch.tensor(value)


def test_output_shape(fw):
    t = ex.OUTPUT_SHAPE_TASK
    expected = layer_shape(fw, t["input_size"], t["kernel_size"], t["padding"], t["stride"])
    assert ex.check_output_shape(expected).ok is True
    assert ex.check_output_shape(list(expected)).ok is True
    if fw == "pytorch":
        import torch
        assert ex.check_output_shape(torch.Size(expected)).ok is True  # what comp_conv2d(...).shape gives
    for wrong in [(expected[0] + 1, expected[1]), (expected[1], expected[0]), (12, 10),
                  (expected[0],), "six by four", 5]:
        assert_rejects(ex.check_output_shape(wrong), expected)
    assert ex.check_output_shape(None).ok is None


def test_same_padding(fw):
    n, k = ex.SAME_PADDING_TASK["input_size"], ex.SAME_PADDING_TASK["kernel_size"]
    keeps = [p for p in range(k + 1) if layer_shape(fw, (n, n), k, p) == (n, n)]
    assert len(keeps) == 1
    p = keeps[0]
    assert ex.check_same_padding(p).ok is True
    assert ex.check_same_padding(float(p)).ok is True
    for wrong in [p - 1, p + 1, 0, "three"]:
        assert_rejects(ex.check_same_padding(wrong), p)
    for total_form in [2 * p, float(2 * p), np.int64(2 * p), np.array([2 * p]), as_tensor(fw, [2 * p])]:
        total = ex.check_same_padding(total_form)
        # names the concept (per-side padding), not the step (halve it) nor a number
        assert total.ok is False and "per side" in total.message, total_form
        assert not re.search(r"\d|one side|both sides|half|twice", total.message), total.message
    assert ex.check_same_padding(None).ok is None


def test_dilated_shape(fw):
    t = ex.DILATION_TASK
    expected = layer_shape(fw, t["input_size"], t["kernel_size"], dilation=t["dilation"])
    assert ex.check_dilated_shape(expected).ok is True
    undilated = layer_shape(fw, t["input_size"], t["kernel_size"])
    assert undilated != expected
    for wrong in [undilated, (expected[0] + 1, expected[1] + 1), (1, 1, 1)]:
        assert_rejects(ex.check_dilated_shape(wrong), expected)
    assert ex.check_dilated_shape(None).ok is None


def rev(pair):
    return tuple(pair)[::-1]


def test_output_shape_names_each_common_mistake(fw):
    """Each of the commonest slips, computed here with the framework's real layers, is named by the concept it
    misses."""
    t = ex.OUTPUT_SHAPE_TASK
    n, k, p, s = t["input_size"], t["kernel_size"], t["padding"], t["stride"]
    expected = layer_shape(fw, n, k, p, s)
    one_side = layer_shape(fw, (n[0] + p[0], n[1] + p[1]), k, 0, s)  # the input padded on one side only
    mistakes = {"swapped": rev(expected), "first number": layer_shape(fw, n, rev(k), rev(p), rev(s)),
                "without padding": layer_shape(fw, n, k, 0, s), "one side": one_side,
                "stride 1": layer_shape(fw, n, k, p, 1)}
    assert len(set(mistakes.values()) | {expected}) == len(mistakes) + 1  # six different shapes
    for words, shape in mistakes.items():
        for form in [shape, list(shape), (1, 1) + tuple(shape)]:
            result = ex.check_output_shape(form)
            assert result.ok is False and words in result.message, (words, result.text)
            assert_rejects(result, expected)


def test_dilated_shape_names_the_dilation_ignored(fw):
    t = ex.DILATION_TASK
    expected = layer_shape(fw, t["input_size"], t["kernel_size"], dilation=t["dilation"])
    undilated = layer_shape(fw, t["input_size"], t["kernel_size"])
    for form in [undilated, list(undilated), (1, 1) + tuple(undilated)]:
        result = ex.check_dilated_shape(form)
        assert result.ok is False and "undilated" in result.message, result.text
        assert_rejects(result, expected)
    result = ex.check_dilated_shape(rev(expected))
    assert result.ok is False and "swapped" in result.message
