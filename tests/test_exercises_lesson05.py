"""Lesson 5 checkers: accept the answers MXNet and PyTorch compute, reject wrong ones without revealing them.

Every test runs once per framework, on that framework's own layers and arrays; a framework that is not installed
is skipped (MXNet in .venv, PyTorch in .venv-pytorch).
"""
import pytest

from d2lutils.exercises import lesson05 as ex
from reference import assert_rejects


class MXNet:
    def __init__(self):
        from mxnet import nd
        from mxnet.gluon import nn
        self.nd, self.nn = nd, nn

    def array(self, values):
        return self.nd.array(values)

    def weight_shape(self, c_i, c_o, kernel_size):
        return self.nn.Conv2D(c_o, kernel_size=kernel_size, in_channels=c_i).weight.shape

    def output_shape(self, input_shape, c_o, kernel_size, padding=0):
        """The shape of one output example, (c_o, H', W'), as the layer returns it (batch axis dropped)."""
        net = self.nn.Conv2D(c_o, kernel_size=kernel_size, padding=padding)
        net.initialize()
        return net(self.nd.zeros((1,) + tuple(input_shape))).shape[1:]

    def conv(self, X, K):
        """X (c_i, H, W), K (c_o, c_i, kh, kw) -> the framework's (c_o, H', W') array."""
        X, K = self.nd.array(X), self.nd.array(K)
        return self.nd.Convolution(X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0],
                                   no_bias=True)[0]

    def swap(self, K):
        return self.nd.stack(K[1], K[0])

    def scalar(self, Y):
        return Y.asscalar()

    def one_element(self, value):
        return self.nd.array([value])


class PyTorch:
    def __init__(self):
        import torch
        self.torch = torch

    def array(self, values):
        return self.torch.tensor(values, dtype=self.torch.float32)

    def weight_shape(self, c_i, c_o, kernel_size):
        return self.torch.nn.Conv2d(c_i, c_o, kernel_size=kernel_size).weight.shape

    def output_shape(self, input_shape, c_o, kernel_size, padding=0):
        net = self.torch.nn.Conv2d(input_shape[0], c_o, kernel_size=kernel_size, padding=padding)
        return net(self.torch.zeros((1,) + tuple(input_shape))).shape[1:]  # with grad: the learner's way

    def conv(self, X, K):
        X, K = (self.torch.as_tensor(A, dtype=self.torch.float32) for A in (X, K))
        return self.torch.nn.functional.conv2d(X.unsqueeze(0), K)[0]

    def swap(self, K):
        return self.torch.stack((K[1], K[0]))

    def scalar(self, Y):
        return Y.item()

    def one_element(self, value):
        return self.torch.tensor([value], dtype=self.torch.float64, requires_grad=True)


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    pytest.importorskip("mxnet" if request.param == "mxnet" else "torch")
    return MXNet() if request.param == "mxnet" else PyTorch()


def test_kernel_shape(fw):
    t = ex.KERNEL_SHAPE_TASK
    expected = fw.weight_shape(t["c_i"], t["c_o"], t["kernel_size"])
    assert ex.check_kernel_shape(expected).ok is True
    assert ex.check_kernel_shape(tuple(expected)).ok is True
    swapped = (expected[1], expected[0]) + tuple(expected[2:])
    result = ex.check_kernel_shape(swapped)
    assert result.ok is False and "order" in result.message
    for wrong in [tuple(expected[:3]), (expected[0], expected[1], 3, 3), (1, 1, 1, 1), "16, 3, 5, 5"]:
        assert_rejects(ex.check_kernel_shape(wrong), tuple(expected))
    assert ex.check_kernel_shape(None).ok is None


def test_output_value(fw):
    X, K = fw.array(ex.X_TWO), fw.swap(fw.array(ex.K_TWO))
    expected = fw.scalar(fw.conv(X, K[None])[0, 0, 0])
    assert ex.check_output_value(expected).ok is True
    assert ex.check_output_value(int(expected)).ok is True
    assert ex.check_output_value(fw.conv(X, K[None])[0, 0, 0]).ok is True  # the framework's 0-d array
    for wrong in [56, expected - 1, expected + 20, "52?"]:
        assert_rejects(ex.check_output_value(wrong), int(expected))
    assert ex.check_output_value(None).ok is None


def test_output_shape(fw):
    t = ex.OUTPUT_SHAPE_TASK
    expected = fw.output_shape(t["input_shape"], t["c_o"], t["kernel_size"], t["padding"])
    assert ex.check_output_shape(expected).ok is True
    assert ex.check_output_shape(tuple(expected)).ok is True
    expected = tuple(expected)
    for wrong in [t["input_shape"], (expected[0], 30, 30), expected[1:], (2,) + expected, (1, 2) + expected[1:]]:
        assert_rejects(ex.check_output_shape(wrong), expected)
    with_batch_axis = ex.check_output_shape((1,) + expected)  # Y.shape of the layer's output
    assert with_batch_axis.ok is True and "dropped" in with_batch_axis.message
    assert ex.check_output_shape(None).ok is None


def test_output_value_names_the_channels_not_swapped(fw):
    X, K = fw.array(ex.X_TWO), fw.array(ex.K_TWO)
    unswapped = fw.scalar(fw.conv(X, K[None])[0, 0, 0])
    expected = fw.scalar(fw.conv(X, fw.swap(K)[None])[0, 0, 0])
    assert unswapped != expected
    for form in [unswapped, int(unswapped), fw.one_element(unswapped)]:
        result = ex.check_output_value(form)
        assert result.ok is False and "swap" in result.message, result.text
        assert_rejects(result, int(expected))


def test_output_shape_names_padding_forgotten_and_channels_last(fw):
    t = ex.OUTPUT_SHAPE_TASK
    expected = tuple(fw.output_shape(t["input_shape"], t["c_o"], t["kernel_size"], t["padding"]))
    no_padding = fw.output_shape(t["input_shape"], t["c_o"], t["kernel_size"])
    channels_last = expected[1:] + expected[:1]
    for shape, words in [(no_padding, "without padding"), (channels_last, "channels last")]:
        for form in [shape, list(shape), (1,) + tuple(shape)]:
            result = ex.check_output_shape(form)
            assert result.ok is False and words in result.message, (shape, result.text)
            assert_rejects(result, expected)


def test_kernel_shape_names_channels_last(fw):
    t = ex.KERNEL_SHAPE_TASK
    expected = tuple(fw.weight_shape(t["c_i"], t["c_o"], t["kernel_size"]))
    for last in [expected[2:] + (expected[1], expected[0]), expected[2:] + expected[:2]]:
        result = ex.check_kernel_shape(last)
        assert result.ok is False and "channels last" in result.message, result.text
        assert_rejects(result, expected)


def test_kernel_shape_names_the_constructors_order(fw):
    """(c_i, c_o, k_h, k_w): the order in which nn.Conv2d takes its channels, not the order its weight keeps."""
    t = ex.KERNEL_SHAPE_TASK
    expected = tuple(fw.weight_shape(t["c_i"], t["c_o"], t["kernel_size"]))
    result = ex.check_kernel_shape((expected[1], expected[0]) + expected[2:])
    assert result.ok is False and "order" in result.message and "constructor" in result.message, result.text
    assert_rejects(result, expected)
    other = ex.check_kernel_shape((expected[2], expected[0], expected[1], expected[3]))
    assert other.ok is False and "order" in other.message and "constructor" not in other.message


def test_messages_name_no_single_framework():
    """The learner reads the same messages in both editions: none may be true of one framework only."""
    t = ex.KERNEL_SHAPE_TASK
    expected = (t["c_o"], t["c_i"]) + tuple(t["kernel_size"])
    answers = [(ex.check_kernel_shape, a) for a in [expected[::-1], (expected[1], expected[0]) + expected[2:],
                                                    expected[2:] + expected[:2], (1, 2, 3, 4), None]]
    answers += [(ex.check_output_shape, a) for a in [(3, 32, 32), (8, 30, 30), (32, 32, 8)]]
    answers += [(ex.check_output_value, a) for a in [56, 1, "x"]]
    for check, answer in answers:
        text = check(answer).text
        assert "Gluon" not in text and "Conv2D(" not in text and "Conv2d(" not in text, text
        assert "MXNet" not in text or "PyTorch" in text, text
        assert "PyTorch" not in text or "MXNet" in text or "nn.Conv2d takes" in text, text


def test_the_worked_solutions_are_accepted():
    """The answers of the solutions notebooks (both editions), as the learner writes them there."""
    assert ex.check_kernel_shape((16, 3, 5, 5)).ok is True
    channel0 = 0 * 1 + 1 * 2 + 3 * 3 + 4 * 4
    channel1 = 1 * 0 + 2 * 1 + 4 * 2 + 5 * 3
    assert ex.check_output_value(channel0 + channel1).ok is True
    assert ex.check_output_shape((8, 32, 32)).ok is True
    assert ex.check_output_value(channel0 + channel1 + 1).ok is False
