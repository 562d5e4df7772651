"""Lesson 6 checkers: accept the answer MXNet computes, reject wrong ones without revealing it."""
import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson06 as ex
from reference import assert_rejects


def test_param_count():
    t = ex.PARAM_TASK
    net = nn.Conv2D(t["c_o"], kernel_size=1, in_channels=t["c_i"])
    net.initialize()
    expected = sum(p.data().size for p in net.collect_params().values())
    assert ex.check_param_count(expected).ok is True
    n_weights = net.weight.data().size
    for form in [n_weights, float(n_weights), np.int64(n_weights), np.array([n_weights]),
                 nd.array([n_weights])]:
        weights_only = ex.check_param_count(form)
        # names the concept (all of a layer's parameters), not the missing term itself
        assert weights_only.ok is False and "parameters" in weights_only.message, form
        assert "bias" not in weights_only.text and "other parameter" not in weights_only.text, weights_only.text
    for wrong in [expected + 1, t["c_i"] * t["c_o"] * 9, t["c_i"] + t["c_o"], "lots"]:
        assert_rejects(ex.check_param_count(wrong), expected)
    assert ex.check_param_count(None).ok is None


def test_mult_adds():
    t = ex.COST_TASK
    net = nn.Conv2D(t["c_o"], kernel_size=1, in_channels=t["c_i"], use_bias=False)
    net.initialize()
    Y = net(nd.zeros((1, t["c_i"], t["H"], t["W"])))
    expected = Y.size * t["c_i"]  # one multiply-add per input channel for every output value
    assert ex.check_mult_adds(expected).ok is True
    for wrong in [t["c_i"] * t["c_o"], expected * 9, expected // 2]:
        assert_rejects(ex.check_mult_adds(wrong), expected)
    assert ex.check_mult_adds(None).ok is None


def test_output():
    X, K = nd.array(ex.X_SMALL), nd.array(ex.K_SMALL)
    W = K.reshape((K.shape[0], K.shape[1]))
    expected = nd.dot(W, X.reshape((X.shape[0], -1))).reshape((K.shape[0],) + X.shape[1:])
    assert ex.check_output(expected).ok is True
    assert ex.check_output(expected.asnumpy().tolist()).ok is True
    for wrong in [-expected, expected + 1, expected[0], nd.zeros((1, 3, 3))]:
        result = ex.check_output(wrong)
        assert result.ok is False and result.hint
        assert str(expected.asnumpy().tolist()) not in result.text
    assert ex.check_output(None).ok is None
    assert np.all(expected.asnumpy() != 0)  # a zero answer would not be a useful exercise


def test_output_names_the_missing_channel_axis():
    X, K = nd.array(ex.X_SMALL), nd.array(ex.K_SMALL)
    expected = nd.Convolution(X.expand_dims(0), K, kernel=(1, 1), num_filter=K.shape[0], no_bias=True)[0]
    for form in [expected[0], expected[0].asnumpy().tolist(), (expected[0] + 1).asnumpy()]:
        result = ex.check_output(form)
        assert result.ok is False and "channel axis" in result.message, result.text
        assert str(expected.asnumpy().tolist()) not in result.text
        assert str(expected[0].asnumpy().tolist()) not in result.text
