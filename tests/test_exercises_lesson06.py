"""Lesson 6 checkers: accept the answers MXNet and PyTorch compute, reject wrong ones without revealing them.

Every test runs once per framework, on that framework's own layers and arrays; a framework that is not installed
is skipped (MXNet in .venv, PyTorch in .venv-pytorch).
"""
import numpy as np
import pytest

from d2lutils.exercises import lesson06 as ex
from reference import assert_rejects


class MXNet:
    def __init__(self):
        from mxnet import nd
        from mxnet.gluon import nn
        self.nd, self.nn = nd, nn

    def array(self, values):
        return self.nd.array(values)

    def numpy(self, A):
        return A.asnumpy()

    def conv1x1(self, c_i, c_o, bias=True):
        net = self.nn.Conv2D(c_o, kernel_size=1, in_channels=c_i, use_bias=bias)
        net.initialize()
        return net

    def param_counts(self, net):
        """(all parameters, the weight's entries)."""
        return sum(p.data().size for p in net.collect_params().values()), net.weight.data().size

    def output_size(self, net, c_i, H, W):
        return net(self.nd.zeros((1, c_i, H, W))).size

    def dense_per_pixel(self, X, K):
        """X (c_i, H, W), K (c_o, c_i, 1, 1): the (c_o, c_i) matrix times every pixel's channel vector."""
        W = K.reshape((K.shape[0], K.shape[1]))
        return self.nd.dot(W, X.reshape((X.shape[0], -1))).reshape((K.shape[0],) + X.shape[1:])

    def conv(self, X, K):
        return self.nd.Convolution(X.expand_dims(0), K, kernel=(1, 1), num_filter=K.shape[0], no_bias=True)[0]

    def solution(self, X):
        """The worked solution's answer: channel 0 minus channel 1, with an output-channel axis."""
        return (X[0] - X[1]).expand_dims(0)


class PyTorch:
    def __init__(self):
        import torch
        self.torch = torch

    def array(self, values):
        return self.torch.tensor(values, dtype=self.torch.float32)

    def numpy(self, A):
        return A.detach().numpy()

    def conv1x1(self, c_i, c_o, bias=True):
        return self.torch.nn.Conv2d(c_i, c_o, kernel_size=1, bias=bias)

    def param_counts(self, net):
        return sum(p.numel() for p in net.parameters()), net.weight.numel()

    def output_size(self, net, c_i, H, W):
        return net(self.torch.zeros(1, c_i, H, W)).numel()

    def dense_per_pixel(self, X, K):
        W = K.reshape(K.shape[0], K.shape[1])
        return (W @ X.reshape(X.shape[0], -1)).reshape((K.shape[0],) + tuple(X.shape[1:]))

    def conv(self, X, K):
        return self.torch.nn.functional.conv2d(X.unsqueeze(0), K)[0]

    def solution(self, X):
        return (X[0] - X[1]).unsqueeze(0)


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    pytest.importorskip("mxnet" if request.param == "mxnet" else "torch")
    return MXNet() if request.param == "mxnet" else PyTorch()


def test_param_count(fw):
    t = ex.PARAM_TASK
    net = fw.conv1x1(t["c_i"], t["c_o"])
    expected, n_weights = fw.param_counts(net)
    assert ex.check_param_count(expected).ok is True
    for form in [n_weights, float(n_weights), np.int64(n_weights), np.array([n_weights]),
                 fw.array([n_weights])]:
        weights_only = ex.check_param_count(form)
        # names the concept (all of a layer's parameters), not the missing term itself
        assert weights_only.ok is False and "parameters" in weights_only.message, form
        assert "bias" not in weights_only.text and "other parameter" not in weights_only.text, weights_only.text
    for wrong in [expected + 1, t["c_i"] * t["c_o"] * 9, t["c_i"] + t["c_o"], "lots"]:
        assert_rejects(ex.check_param_count(wrong), expected)
    assert ex.check_param_count(None).ok is None


def test_mult_adds(fw):
    t = ex.COST_TASK
    net = fw.conv1x1(t["c_i"], t["c_o"], bias=False)
    expected = fw.output_size(net, t["c_i"], t["H"], t["W"]) * t["c_i"]  # one multiply-add per input channel
    assert ex.check_mult_adds(expected).ok is True
    for wrong in [t["c_i"] * t["c_o"], expected * 9, expected // 2]:
        assert_rejects(ex.check_mult_adds(wrong), expected)
    assert ex.check_mult_adds(None).ok is None


def test_output(fw):
    X, K = fw.array(ex.X_SMALL), fw.array(ex.K_SMALL)
    expected = fw.dense_per_pixel(X, K)
    assert ex.check_output(expected).ok is True
    assert ex.check_output(fw.numpy(expected).tolist()).ok is True
    assert ex.check_output(fw.solution(X)).ok is True
    assert ex.check_output(fw.conv(X, K)).ok is True
    for wrong in [-expected, expected + 1, expected[0], fw.array(np.zeros((1, 3, 3)))]:
        result = ex.check_output(wrong)
        assert result.ok is False and result.hint
        assert str(fw.numpy(expected).tolist()) not in result.text
    assert ex.check_output(None).ok is None
    assert np.all(fw.numpy(expected) != 0)  # a zero answer would not be a useful exercise


def test_output_names_the_missing_channel_axis(fw):
    X, K = fw.array(ex.X_SMALL), fw.array(ex.K_SMALL)
    expected = fw.conv(X, K)
    for form in [expected[0], fw.numpy(expected[0]).tolist(), fw.numpy(expected[0] + 1)]:
        result = ex.check_output(form)
        assert result.ok is False and "channel axis" in result.message, result.text
        assert str(fw.numpy(expected).tolist()) not in result.text
        assert str(fw.numpy(expected[0]).tolist()) not in result.text


def test_messages_name_no_single_framework():
    t = ex.PARAM_TASK
    for answer in [t["c_i"] * t["c_o"], 7, None]:
        text = ex.check_param_count(answer).text
        assert "Gluon" not in text or "PyTorch" in text, text
    for answer in [[[1, 2], [3, 4]], [[[0, 0], [0, 0]]], 3]:
        text = ex.check_output(answer).text
        assert "Gluon" not in text and "PyTorch" not in text and "MXNet" not in text, text


def test_the_worked_solutions_are_accepted():
    assert ex.check_param_count(128 * 512 + 128).ok is True
    assert ex.check_mult_adds(192 * 32 * 28 * 28).ok is True
    X = np.array(ex.X_SMALL, dtype=float)
    assert ex.check_output((X[0] - X[1])[None]).ok is True


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_torch_layer_output_with_grad(dtype):
    """The output of a PyTorch nn.Conv2d whose weight is K_SMALL: requires grad, batch axis kept, any float dtype."""
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv2d(2, 1, kernel_size=1, bias=False).to(getattr(torch, dtype))
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(ex.K_SMALL))
    Y = conv(torch.tensor(ex.X_SMALL, dtype=getattr(torch, dtype)).unsqueeze(0))
    assert Y.requires_grad
    assert ex.check_output(Y).ok is True
    assert ex.check_output(Y[0]).ok is True
    missing_axis = ex.check_output(Y[0, 0])
    assert missing_axis.ok is False and "channel axis" in missing_axis.message
    assert ex.check_output(-Y).ok is False
    layer = torch.nn.Conv2d(ex.PARAM_TASK["c_i"], ex.PARAM_TASK["c_o"], kernel_size=1)
    assert ex.check_param_count(sum(p.numel() for p in layer.parameters())).ok is True
    assert ex.check_param_count(torch.tensor(layer.weight.numel())).ok is False
