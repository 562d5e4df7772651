"""Lesson 7 checkers: accept the answer Gluon computes, reject wrong ones without revealing it."""
import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson07 as ex
from reference import assert_rejects


def gluon(layer, X):
    X = nd.array(X)
    return layer(X.reshape((1, 1) + X.shape))[0, 0]


def test_max_pool():
    expected = gluon(nn.MaxPool2D(2), ex.X_EX)
    assert ex.check_max_pool(expected).ok is True
    assert ex.check_max_pool(expected.asnumpy().tolist()).ok is True
    stride1 = gluon(nn.MaxPool2D(2, strides=1), ex.X_EX)
    result = ex.check_max_pool(stride1)
    assert result.ok is False and "stride" in result.message
    for wrong in [gluon(nn.AvgPool2D(2), ex.X_EX), expected + 1, expected[0], "max"]:
        assert_rejects(ex.check_max_pool(wrong), expected.asnumpy().tolist())
    assert ex.check_max_pool(None).ok is None


def test_pool_shape():
    t = ex.SHAPE_TASK
    expected = nn.MaxPool2D(t["pool_size"])(nd.zeros((1, 1) + t["input_size"])).shape[2:]
    assert ex.check_pool_shape(expected).ok is True
    stride1 = nn.MaxPool2D(t["pool_size"], strides=1)(nd.zeros((1, 1) + t["input_size"])).shape[2:]
    for form in [stride1, list(stride1), np.array(stride1), nd.array(stride1),
                 [np.int64(v) for v in stride1]]:
        result = ex.check_pool_shape(form)
        assert result.ok is False and "stride 1" in result.message, form
    for wrong in [t["input_size"], (expected[1], expected[0]), (expected[0],),
                  [np.array([1, 2]), np.array([3, 4])], [nd.array([1, 2]), nd.array([3, 4])]]:
        assert_rejects(ex.check_pool_shape(wrong), expected)
    assert ex.check_pool_shape(None).ok is None


def test_avg_pool():
    expected = gluon(nn.AvgPool2D(ex.AVG_TASK["pool_size"], strides=ex.AVG_TASK["stride"]), ex.X_EX)
    assert ex.check_avg_pool(expected).ok is True
    max_instead = gluon(nn.MaxPool2D(2, strides=1), ex.X_EX)
    for wrong in [max_instead, expected.round(), gluon(nn.AvgPool2D(2), ex.X_EX)]:
        assert_rejects(ex.check_avg_pool(wrong), expected.asnumpy().tolist())
    assert ex.check_avg_pool(None).ok is None


def test_max_pool_names_the_windows_read_transposed():
    """The answer is not symmetric, so the windows read column by column give another array, which is named."""
    expected = gluon(nn.MaxPool2D(2), ex.X_EX)
    transposed = expected.T
    assert not np.array_equal(transposed.asnumpy(), expected.asnumpy())
    for form in [transposed, transposed.asnumpy().tolist(), transposed.expand_dims(0).expand_dims(0)]:
        result = ex.check_max_pool(form)
        assert result.ok is False and "column by column" in result.message, result.text
        assert_rejects(result, expected.asnumpy().tolist())
    reading_X_transposed = gluon(nn.MaxPool2D(2), np.array(ex.X_EX).T)
    assert ex.check_max_pool(reading_X_transposed).ok is False


def test_avg_pool_names_the_windows_read_transposed():
    expected = gluon(nn.AvgPool2D(ex.AVG_TASK["pool_size"], strides=ex.AVG_TASK["stride"]), ex.X_EX)
    result = ex.check_avg_pool(expected.T.asnumpy().tolist())
    assert result.ok is False and "column by column" in result.message, result.text
    assert_rejects(result, expected.asnumpy().tolist())
