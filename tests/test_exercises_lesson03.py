"""Lesson 3 checkers: accept the answers MXNet computes or learns, reject wrong ones without revealing them."""
import mxnet as mx
import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson03 as ex
from reference import assert_rejects


def mx_corr(X, K):
    """Cross-correlation with MXNet's own operator: X (H, W), K (h, w) -> numpy (H', W')."""
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    Y = nd.Convolution(nd.array(X[None, None], dtype="float64"), nd.array(K[None, None], dtype="float64"),
                       kernel=K.shape, num_filter=1, no_bias=True)
    return Y.asnumpy()[0, 0]


def lesson_data():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    return X, mx_corr(X, [[1, -1]])


def test_edge_image_is_the_lessons():
    X, _ = lesson_data()
    assert np.array_equal(ex.edge_image(), X)
    assert ex.EDGE_KERNEL == [[1, -1]]


def test_horizontal_kernel():
    X, Y = lesson_data()
    expected = [[1], [-1]]
    assert np.allclose(mx_corr(X.T, expected), Y.T)
    assert ex.check_horizontal_kernel(expected).ok is True
    assert ex.check_horizontal_kernel(nd.array(expected)).ok is True
    for wrong in [[[1, -1]], [[-1], [1]], [[1], [1]], [[0.5], [-0.5]], [[1, 0], [-1, 0]], "K.T"]:
        assert_rejects(ex.check_horizontal_kernel(wrong), expected)
    assert "only zeros" in ex.check_horizontal_kernel([[1, -1]]).message
    assert "signs" in ex.check_horizontal_kernel([[-1], [1]]).message
    assert ex.check_horizontal_kernel(None).ok is None


def test_horizontal_kernel_wrong_shape_says_what_the_shape_must_do():
    """The exercise states no kernel shape, so the feedback must not speak of "the shape asked for"."""
    expected = [[1], [-1]]
    X, Y = lesson_data()
    for wrong, out in [([[1, 0], [-1, 0]], (7, 5)), ([[1], [-1], [0]], (6, 6))]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert out == mx_corr(X.T, wrong).shape
        assert f"corr2d(X.T, K2) has shape {out}" in result.message
        assert "the shape of Y.T (print Y.T.shape)" in result.message
        assert str(Y.T.shape) not in result.message  # exercise 2's answer
    for wrong in [[[1] * 7], [[1]] * 9]:  # wider or taller than X.T (8 x 6)
        assert "does not fit inside X.T" in ex.check_horizontal_kernel(wrong).message
    for wrong in [5, [1, -1], [[[1], [-2]]], []]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert "two axes" in result.message or "differ" in result.message
    for extra_axes in [[[[1], [-1]]], [[[[1], [-1]]]], nd.array([[[[1], [-1]]]])]:  # a layer's weight
        result = ex.check_horizontal_kernel(extra_axes)
        assert result.ok is True and "dropped" in result.message
    for wrong in [[[1, 0], [-1, 0]], [[1], [-1], [0]], [[1] * 7], [1, -1]]:
        assert "asked for" not in ex.check_horizontal_kernel(wrong).message


def test_transposed_shape():
    X, _ = lesson_data()
    expected = mx_corr(X.T, [[1], [-1]]).shape
    assert ex.check_transposed_shape(expected).ok is True
    assert ex.check_transposed_shape(list(expected)).ok is True
    with_k = mx_corr(X.T, [[1, -1]]).shape
    for wrong in [with_k, (6, 7), (8, 6), (expected[0],), "seven by six"]:
        assert_rejects(ex.check_transposed_shape(wrong), expected)
    assert "untransposed kernel" in ex.check_transposed_shape(with_k).message
    assert ex.check_transposed_shape(None).ok is None


def train_horizontal(num_epochs, lr=3e-2):
    """Learn a (2, 1) kernel from (X.T, Y.T) as the lesson does; return the layer's weight."""
    X, Y = lesson_data()
    mx.random.seed(1)
    net = nn.Conv2D(1, kernel_size=(2, 1), in_channels=1)
    net.initialize()
    XT, YT = nd.array(X.T[None, None]), nd.array(Y.T[None, None])
    for _ in range(num_epochs):
        with autograd.record():
            loss = ((net(XT) - YT) ** 2).sum()
        loss.backward()
        net.weight.data()[:] -= lr * net.weight.grad()
    return net.weight.data()


def test_learned_kernel():
    expected = [[1], [-1]]
    assert ex.check_learned_kernel(train_horizontal(20)).ok is True
    assert ex.check_learned_kernel(train_horizontal(20).reshape((2, 1)).asnumpy()).ok is True
    assert ex.check_learned_kernel(expected).ok is True
    untrained = train_horizontal(0)
    for wrong in [untrained, [[0], [0]], [[1, -1]], [[0.8], [-0.8]], [[-1], [1]], "learned"]:
        assert_rejects(ex.check_learned_kernel(wrong), expected)
    assert "zeros" in ex.check_learned_kernel([[0], [0]]).message
    assert ex.check_learned_kernel(None).ok is None
