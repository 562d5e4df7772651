"""Lesson 7 checkers: accept the answers Gluon's and PyTorch's pooling layers compute, reject wrong ones without
revealing them.

Every test runs once per framework, on that framework's own layers (with their default strides) and arrays; a
framework that is not installed is skipped (MXNet in .venv, PyTorch in .venv-pytorch).
"""
import numpy as np
import pytest

from d2lutils.exercises import lesson07 as ex
from reference import assert_rejects


class MXNet:
    def __init__(self):
        from mxnet import nd
        from mxnet.gluon import nn
        self.nd, self.nn = nd, nn

    def max_pool(self, pool_size, stride=None):
        return self.nn.MaxPool2D(pool_size, strides=stride)

    def avg_pool(self, pool_size, stride=None):
        return self.nn.AvgPool2D(pool_size, strides=stride)

    def array(self, values):
        return self.nd.array(values)

    def zeros(self, shape):
        return self.nd.zeros(shape)

    def numpy(self, A):
        return A.asnumpy()

    def T(self, A):
        return A.T


class PyTorch:
    def __init__(self):
        import torch
        self.torch = torch

    def max_pool(self, pool_size, stride=None):
        return self.torch.nn.MaxPool2d(pool_size, stride=stride)

    def avg_pool(self, pool_size, stride=None):
        return self.torch.nn.AvgPool2d(pool_size, stride=stride)

    def array(self, values):
        return self.torch.tensor(np.asarray(values), dtype=self.torch.float32)

    def zeros(self, shape):
        return self.torch.zeros(shape)

    def numpy(self, A):
        return A.detach().numpy()

    def T(self, A):
        return A.T


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    pytest.importorskip("mxnet" if request.param == "mxnet" else "torch")
    return MXNet() if request.param == "mxnet" else PyTorch()


def run(fw, layer, X):
    """The layer on X (H, W), given the batch and channel axes it needs: the (H', W') output."""
    X = fw.array(X)
    return layer(X.reshape((1, 1) + tuple(X.shape)))[0, 0]


def test_max_pool(fw):
    expected = run(fw, fw.max_pool(2), ex.X_EX)
    assert ex.check_max_pool(expected).ok is True
    assert ex.check_max_pool(fw.numpy(expected).tolist()).ok is True
    assert ex.check_max_pool(expected.reshape((1, 1, 2, 2))).ok is True  # as the layer returns it
    stride1 = run(fw, fw.max_pool(2, stride=1), ex.X_EX)
    result = ex.check_max_pool(stride1)
    assert result.ok is False and "stride" in result.message
    for wrong in [run(fw, fw.avg_pool(2), ex.X_EX), expected + 1, expected[0], "max"]:
        assert_rejects(ex.check_max_pool(wrong), fw.numpy(expected).tolist())
    assert ex.check_max_pool(None).ok is None


def test_pool_shape(fw):
    t = ex.SHAPE_TASK
    expected = fw.max_pool(t["pool_size"])(fw.zeros((1, 1) + t["input_size"])).shape[2:]
    assert ex.check_pool_shape(expected).ok is True
    assert ex.check_pool_shape(fw.max_pool(t["pool_size"])(fw.zeros((1, 1) + t["input_size"])).shape).ok is True
    expected = tuple(expected)
    stride1 = tuple(fw.max_pool(t["pool_size"], stride=1)(fw.zeros((1, 1) + t["input_size"])).shape[2:])
    for form in [stride1, list(stride1), np.array(stride1), fw.array(stride1), [np.int64(v) for v in stride1]]:
        result = ex.check_pool_shape(form)
        assert result.ok is False and "stride 1" in result.message, form
    for wrong in [t["input_size"], (expected[1], expected[0]), (expected[0],),
                  [np.array([1, 2]), np.array([3, 4])], [fw.array([1, 2]), fw.array([3, 4])]]:
        assert_rejects(ex.check_pool_shape(wrong), expected)
    assert ex.check_pool_shape(None).ok is None


def test_avg_pool(fw):
    expected = run(fw, fw.avg_pool(ex.AVG_TASK["pool_size"], stride=ex.AVG_TASK["stride"]), ex.X_EX)
    assert ex.check_avg_pool(expected).ok is True
    max_instead = run(fw, fw.max_pool(2, stride=1), ex.X_EX)
    for wrong in [max_instead, expected.round(), run(fw, fw.avg_pool(2), ex.X_EX)]:
        assert_rejects(ex.check_avg_pool(wrong), fw.numpy(expected).tolist())
    assert ex.check_avg_pool(None).ok is None


def test_max_pool_names_the_windows_read_transposed(fw):
    """The answer is not symmetric, so the windows read column by column give another array, which is named."""
    expected = run(fw, fw.max_pool(2), ex.X_EX)
    transposed = fw.T(expected)
    assert not np.array_equal(fw.numpy(transposed), fw.numpy(expected))
    for form in [transposed, fw.numpy(transposed).tolist(), transposed.reshape((1, 1, 2, 2))]:
        result = ex.check_max_pool(form)
        assert result.ok is False and "column by column" in result.message, result.text
        assert_rejects(result, fw.numpy(expected).tolist())
    reading_X_transposed = run(fw, fw.max_pool(2), np.array(ex.X_EX).T)
    assert ex.check_max_pool(reading_X_transposed).ok is False


def test_avg_pool_names_the_windows_read_transposed(fw):
    expected = run(fw, fw.avg_pool(ex.AVG_TASK["pool_size"], stride=ex.AVG_TASK["stride"]), ex.X_EX)
    result = ex.check_avg_pool(fw.numpy(fw.T(expected)).tolist())
    assert result.ok is False and "column by column" in result.message, result.text
    assert_rejects(result, fw.numpy(expected).tolist())


def test_messages_name_no_single_framework():
    stride1 = [[4, 3, 7], [5, 6, 7], [5, 6, 6]]
    cases = [(ex.check_max_pool, a) for a in [stride1, [[4, 5], [7, 6]], [[1, 2], [3, 4]], None]]
    cases += [(ex.check_pool_shape, a) for a in [(8, 5), (2, 3), None]]
    cases += [(ex.check_avg_pool, a) for a in [[[0] * 3] * 3, None]]
    for check, answer in cases:
        text = check(answer).text
        assert "Gluon" not in text and "MaxPool2D" not in text and "MaxPool2d" not in text, text


def test_the_worked_solutions_are_accepted():
    answer = [[max(1, 3, 4, 0), max(2, 0, 1, 7)],
              [max(2, 5, 0, 1), max(6, 1, 2, 3)]]
    assert ex.check_max_pool(answer).ok is True
    assert ex.check_pool_shape(((10 - 3) // 3 + 1, (7 - 3) // 3 + 1)).ok is True
    A = np.array(ex.X_EX, dtype=float)
    assert ex.check_avg_pool([[A[i:i + 2, j:j + 2].mean() for j in range(3)] for i in range(3)]).ok is True


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_torch_outputs_with_grad_in_any_float_dtype(dtype):
    """What a PyTorch learner gets from the layers: any float dtype, requires_grad, the (1, 1) axes kept."""
    torch = pytest.importorskip("torch")
    X = torch.tensor(ex.X_EX, dtype=getattr(torch, dtype)).reshape(1, 1, 4, 4).requires_grad_()
    assert ex.check_max_pool(torch.nn.MaxPool2d(2)(X)).ok is True
    assert ex.check_avg_pool(torch.nn.AvgPool2d(2, stride=1)(X)).ok is True
    assert ex.check_pool_shape(torch.nn.MaxPool2d(3)(torch.zeros(1, 1, 10, 7)).shape).ok is True
    stride1 = ex.check_max_pool(torch.nn.MaxPool2d(2, stride=1)(X))
    assert stride1.ok is False and "stride" in stride1.message
    assert ex.check_avg_pool(torch.nn.AvgPool2d(2)(X)).ok is False
