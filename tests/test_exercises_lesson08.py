"""Lesson 8 checkers: accept answers computed with MXNet, reject wrong ones without revealing the answer.

Also checks the fast d2lutils code on the sizes lesson 8 and `make bench` time, where the matrix
product is done in column blocks, against MXNet's own operators.
"""
import numpy as np
import pytest
from mxnet import nd

from d2lutils import corr2d, corr2d_multi_in_out, corr2d_multi_in_out_1x1, pool2d
from d2lutils.exercises import lesson08 as ex
from reference import assert_rejects
from d2lutils.timing import conv_mxnet, corr2d_loop, median_time, pool_mxnet


def mxnet_output_shape():
    t = ex.TASK
    X = nd.zeros((1, t["c_i"]) + t["input_size"])
    K = nd.zeros((t["c_o"], t["c_i"]) + t["kernel_size"])
    return nd.Convolution(X, K, kernel=t["kernel_size"], num_filter=t["c_o"], no_bias=True).shape


def test_multiply_adds():
    _, c_o, H, W = mxnet_output_shape()
    per_output = ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"]))
    expected = c_o * H * W * per_output
    assert ex.check_multiply_adds(expected).ok is True
    assert ex.check_multiply_adds(float(expected)).ok is True
    everywhere = c_o * int(np.prod(ex.TASK["input_size"])) * per_output
    result = ex.check_multiply_adds(everywhere)
    assert result.ok is False and "fit" in result.message
    one_channel = H * W * per_output
    result = ex.check_multiply_adds(one_channel)
    assert result.ok is False and "one output channel" in result.message
    for wrong in [expected + 1, expected // 9, H * W, "many", [expected]]:
        assert_rejects(ex.check_multiply_adds(wrong), expected)
    assert ex.check_multiply_adds(None).ok is None


def test_im2col_shape():
    _, _, H, W = mxnet_output_shape()
    expected = (ex.TASK["c_i"] * int(np.prod(ex.TASK["kernel_size"])), H * W)
    assert ex.check_im2col_shape(expected).ok is True
    assert ex.check_im2col_shape(list(expected)).ok is True
    result = ex.check_im2col_shape(expected[::-1])
    assert result.ok is False and "swapped" in result.message
    for wrong in [(9, H * W), (expected[0], 64 * 64), (expected[0],), "27x3844"]:
        assert_rejects(ex.check_im2col_shape(wrong), expected)
    assert ex.check_im2col_shape(None).ok is None


def mxnet_corr2d(X, K):
    """A correct answer to exercise 3, built on MXNet's operator."""
    return conv_mxnet(nd.array(X[None]), nd.array(K[None, None]))[0]


def numpy_loop(X, K):
    """Right results, one Python step per output pixel: too slow on purpose."""
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=np.float32)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def test_fast_corr2d_accepts_vectorized_code():
    assert ex.check_fast_corr2d(mxnet_corr2d).ok is True
    assert ex.check_fast_corr2d(lambda X, K: nd.array(mxnet_corr2d(X, K))).ok is True


def test_fast_corr2d_rejects():
    result = ex.check_fast_corr2d(numpy_loop)
    assert result.ok is False and "ms" in result.message
    result = ex.check_fast_corr2d(lambda X, K: mxnet_corr2d(X, K[::-1, ::-1]))  # a true convolution
    assert result.ok is False and "differ" in result.message
    result = ex.check_fast_corr2d(lambda X, K: mxnet_corr2d(X, K)[:-1])
    assert result.ok is False and "shape" in result.message
    result = ex.check_fast_corr2d("corr2d_fast")
    assert result.ok is False and result.hint
    assert ex.check_fast_corr2d(None).ok is None


def test_fast_corr2d_says_when_the_function_returns_none():
    def forgot_return(X, K):
        mxnet_corr2d(X, K)

    result = ex.check_fast_corr2d(forgot_return)
    assert result.ok is False
    assert "returned None" in result.message and "`return`" in result.message
    assert "replace None" not in result.text


def raises_on_large_inputs(X, K):
    if X.size > 100:
        raise MemoryError("too big")
    return mxnet_corr2d(X, K)


def raises_mxnet_error(X, K):
    return nd.Convolution(nd.array(X), nd.array(K), kernel=K.shape, num_filter=1).asnumpy()  # no bias given


def raising(err):
    def function(X, K):
        raise err
    return function


@pytest.mark.parametrize("function, name, detail", [
    (lambda X, K: 1 / 0, "ZeroDivisionError", "division by zero"),
    (lambda X, K: X @ K, "ValueError", "matmul"),
    (raising(RuntimeError("first line\n  second line\n  third line")), "RuntimeError", "first line"),
    (raising(KeyError()), "KeyError", None),
    (raising(ValueError("x" * 1000)), "ValueError", "..."),
    (raises_on_large_inputs, "MemoryError", "too big"),  # only in the timing runs, after the small cases pass
    (raises_mxnet_error, "MXNetError", "expects 3 inputs"),  # MXNet's messages hold a C++ traceback
], ids=["zero-division", "numpy", "multi-line", "no-message", "long", "only-large", "mxnet"])
def test_fast_corr2d_reports_an_exception_in_one_line(function, name, detail):
    result = ex.check_fast_corr2d(function)  # must not raise
    assert result.ok is False and result.hint
    assert result.message.startswith(f"your function raised {name}")
    assert "\n" not in result.text and "Traceback" not in result.text and "second line" not in result.text
    assert len(result.message) < 250
    if detail:
        assert detail in result.message


def test_the_lecture_loop_agrees_with_mxnet():
    X, K = np.random.rand(9, 7).astype(np.float32), np.random.rand(3, 2).astype(np.float32)
    np.testing.assert_allclose(corr2d_loop(nd.array(X), nd.array(K)).asnumpy(), mxnet_corr2d(X, K),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("c_i, c_o, size", [(3, 16, 64), (3, 16, 96), (1, 1, 224), (8, 4, 40), (2, 3, 300)])
def test_fast_conv_agrees_with_mxnet_where_the_product_is_blocked(c_i, c_o, size):
    rng = np.random.default_rng(size)
    X = rng.standard_normal((c_i, size, size), dtype=np.float32)
    K = rng.standard_normal((c_o, c_i, 3, 3), dtype=np.float32)
    expected = conv_mxnet(nd.array(X), nd.array(K))
    np.testing.assert_allclose(corr2d_multi_in_out(X, K), expected, rtol=1e-4, atol=1e-4)
    K1 = rng.standard_normal((c_o, c_i, 1, 1), dtype=np.float32)
    np.testing.assert_allclose(corr2d_multi_in_out_1x1(X, K1), conv_mxnet(nd.array(X), nd.array(K1)),
                               rtol=1e-4, atol=1e-4)


def test_pool_and_single_channel_agree_with_mxnet():
    X = np.random.rand(224, 224).astype(np.float32)
    np.testing.assert_allclose(pool2d(X, 3), pool_mxnet(nd.array(X), 3))
    np.testing.assert_allclose(pool2d(X, 3, mode="avg"), pool_mxnet(nd.array(X), 3, "avg"), rtol=1e-5)
    K = np.random.rand(3, 3).astype(np.float32)
    np.testing.assert_allclose(corr2d(X, K), mxnet_corr2d(X, K), rtol=1e-4, atol=1e-4)


def test_median_time():
    calls = []
    t = median_time(lambda: calls.append(1), repeat=5, number=3, warmup=2)
    assert len(calls) == 2 + 5 * 3 and 0 <= t < 0.01
    with pytest.raises(ValueError, match="repeat"):
        median_time(lambda: None, repeat=0)
