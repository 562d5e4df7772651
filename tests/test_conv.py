"""corr2d and friends against MXNet's nd.Convolution and the lecture's hand-worked numbers."""
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from d2lutils import (comp_conv2d, conv_output_shape, corr2d, corr2d_multi_in, corr2d_multi_in_out,
                      corr2d_multi_in_out_1x1)
from d2lutils import conv
from reference import channel_settings, conv_settings, draw_large_conv, fits, framework, mx_conv, needs_mxnet

X3 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
K2 = [[0, 1], [2, 3]]
X_TWO = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
K_TWO = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]


@needs_mxnet
def test_lecture_example():
    nd = framework("mxnet")
    Y = corr2d(nd.array(X3), nd.array(K2))
    assert isinstance(Y, nd.NDArray)
    np.testing.assert_array_equal(Y.asnumpy(), [[19, 25], [37, 43]])


@needs_mxnet
def test_lecture_two_channel_example():
    nd = framework("mxnet")
    np.testing.assert_array_equal(corr2d_multi_in(nd.array(X_TWO), nd.array(K_TWO)).asnumpy(),
                                  [[56, 72], [104, 120]])


@needs_mxnet
def test_three_output_channels_are_k_k1_k2():
    nd = framework("mxnet")
    K = nd.array(K_TWO)
    Y = corr2d_multi_in_out(nd.array(X_TWO), nd.stack(K, K + 1, K + 2))
    assert Y.shape == (3, 2, 2)
    for c, k in enumerate([K, K + 1, K + 2]):
        np.testing.assert_array_equal(Y[c].asnumpy(), corr2d_multi_in(nd.array(X_TWO), k).asnumpy())
    np.testing.assert_array_equal(Y[0].asnumpy(), [[56, 72], [104, 120]])


def test_edge_detection_example():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    Y = corr2d(X, np.array([[1, -1]]))
    expected = np.zeros((6, 7))
    expected[:, 1], expected[:, 5] = 1, -1
    np.testing.assert_array_equal(Y, expected)
    assert not corr2d(X.T, np.array([[1, -1]])).any()


@needs_mxnet
@pytest.mark.parametrize("kind", ["numpy", "list", "ndarray"])
def test_result_has_the_input_kind(kind):
    nd = framework("mxnet")
    X = {"numpy": np.array(X3), "list": X3, "ndarray": nd.array(X3)}[kind]
    Y = corr2d(X, K2)
    assert isinstance(Y, nd.NDArray) if kind == "ndarray" else isinstance(Y, np.ndarray)


@needs_mxnet
@given(**conv_settings)
def test_corr2d_matches_mxnet(H, W, kh, kw, ph, pw, sh, sw, dh, dw, seed):
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(H, W)), rng.normal(size=(kh, kw))
    if not fits(H, W, kh, kw, ph, pw, dh, dw):
        with pytest.raises(ValueError, match="corr2d: K of shape"):
            corr2d(X, K, (ph, pw), (sh, sw), (dh, dw))
        return
    Y = corr2d(X, K, (ph, pw), (sh, sw), (dh, dw))
    np.testing.assert_allclose(Y, mx_conv(X[None], K[None, None], (ph, pw), (sh, sw), (dh, dw))[0],
                               rtol=1e-10, atol=1e-10)
    assert Y.shape == conv_output_shape((H, W), (kh, kw), (ph, pw), (sh, sw), (dh, dw))


@needs_mxnet
@given(**channel_settings, **conv_settings)
def test_multi_channel_matches_mxnet(c_i, c_o, H, W, kh, kw, ph, pw, sh, sw, dh, dw, seed):
    if not fits(H, W, kh, kw, ph, pw, dh, dw):
        return
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(c_i, H, W)), rng.normal(size=(c_o, c_i, kh, kw))
    opts = ((ph, pw), (sh, sw), (dh, dw))
    expected = mx_conv(X, K, *opts)
    np.testing.assert_allclose(corr2d_multi_in_out(X, K, *opts), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(corr2d_multi_in(X, K[0], *opts), expected[0], rtol=1e-10, atol=1e-10)


@needs_mxnet
@given(c_i=st.integers(1, 5), c_o=st.integers(1, 5), H=st.integers(1, 9), W=st.integers(1, 9),
       seed=st.integers(0, 2**16))
def test_1x1_is_a_matrix_product_equal_to_the_general_case(c_i, c_o, H, W, seed):
    rng = np.random.default_rng(seed)
    X, K = rng.uniform(size=(c_i, H, W)), rng.uniform(size=(c_o, c_i, 1, 1))
    Y = corr2d_multi_in_out_1x1(X, K)
    np.testing.assert_allclose(Y, mx_conv(X, K), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Y, np.einsum("oi,ihw->ohw", K[:, :, 0, 0], X), rtol=1e-12)


@needs_mxnet
def test_float32_ndarray_stays_float32():
    nd = framework("mxnet")
    X = nd.random.uniform(shape=(3, 5, 5))
    K = nd.random.uniform(shape=(2, 3, 3, 3))
    Y = corr2d_multi_in_out(X, K)
    assert Y.dtype == np.float32
    expected = nd.Convolution(X.expand_dims(0), K, kernel=(3, 3), num_filter=2, no_bias=True)[0]
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), rtol=1e-5, atol=1e-5)


@needs_mxnet
@pytest.mark.parametrize("kwargs, expected", [
    (dict(kernel_size=3, padding=1), (8, 8)),
    (dict(kernel_size=(5, 3), padding=(2, 1)), (8, 8)),
    (dict(kernel_size=3, padding=1, strides=2), (4, 4)),
    (dict(kernel_size=(3, 5), padding=(0, 1), strides=(3, 4)), (2, 2)),  # the lecture printed (4, 4)
])
def test_comp_conv2d_on_the_lecture_examples(kwargs, expected):
    nd = framework("mxnet")
    from mxnet.gluon import nn
    X = nd.random.uniform(shape=(8, 8))
    Y = comp_conv2d(nn.Conv2D(1, **kwargs), X)
    assert Y.shape == expected
    assert conv_output_shape(8, kwargs["kernel_size"], kwargs["padding"], kwargs.get("strides", 1)) == expected


@needs_mxnet
def test_comp_conv2d_twice_does_not_reinitialize():
    nd = framework("mxnet")
    from mxnet.gluon import nn
    conv2d = nn.Conv2D(1, kernel_size=3)
    X = nd.random.uniform(shape=(5, 5))
    comp_conv2d(conv2d, X)
    w = conv2d.weight.data().copy()
    comp_conv2d(conv2d, X)
    np.testing.assert_array_equal(w.asnumpy(), conv2d.weight.data().asnumpy())


def test_small_integer_types_do_not_overflow():
    X = np.full((3, 3), 100, dtype=np.int8)
    np.testing.assert_array_equal(corr2d(X, np.ones((2, 2), dtype=np.int8)), np.full((2, 2), 400))
    np.testing.assert_array_equal(corr2d(X.astype(np.uint8) * 2, np.ones((1, 1), dtype=np.uint8)),
                                  np.full((3, 3), 200))
    Y = corr2d_multi_in_out_1x1(np.full((2, 2, 2), 100, np.int8), np.full((1, 2, 1, 1), 100, np.int8))
    np.testing.assert_array_equal(Y, np.full((1, 2, 2), 20000))


@needs_mxnet
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_ndarray_float_dtype_is_kept(dtype):
    nd = framework("mxnet")
    X, K = nd.ones((4, 4), dtype=dtype), nd.ones((2, 2), dtype=dtype)
    assert corr2d(X, K).dtype == np.dtype(dtype)
    assert corr2d_multi_in_out(X.expand_dims(0), K.reshape((1, 1, 2, 2))).dtype == np.dtype(dtype)


@needs_mxnet
def test_integer_ndarray_gives_mxnets_default_float32():
    nd = framework("mxnet")
    assert corr2d(nd.ones((3, 3), dtype="int32"), nd.ones((2, 2), dtype="int32")).dtype == np.float32


def test_zero_dimensional_arrays_are_scalars():
    np.testing.assert_array_equal(corr2d(np.ones((5, 5)), np.ones((1, 1)), stride=np.array(2)), np.ones((3, 3)))
    assert conv_output_shape(np.array(8), np.int64(3), padding=np.array([1, 1])) == (8, 8)


@needs_mxnet
def test_comp_conv2d_accepts_float64_and_integer_inputs():
    nd = framework("mxnet")
    from mxnet.gluon import nn
    for dtype in ("float64", "int32"):
        Y = comp_conv2d(nn.Conv2D(1, kernel_size=3, padding=1), nd.ones((6, 6), dtype=dtype))
        assert Y.shape == (6, 6) and Y.dtype == np.float32


def brute_corr(X, K, padding=(0, 0), stride=(1, 1), dilation=(1, 1)):
    """Cross-correlation straight from the definition with Python ints or floats: X (H, W), K (kh, kw)."""
    X, K = np.asarray(X, dtype=object), np.asarray(K, dtype=object)
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    Xp = np.zeros((X.shape[0] + 2 * ph, X.shape[1] + 2 * pw), dtype=object)
    Xp[ph:ph + X.shape[0], pw:pw + X.shape[1]] = X
    kh, kw = K.shape
    H = (Xp.shape[0] - dh * (kh - 1) - 1) // sh + 1
    W = (Xp.shape[1] - dw * (kw - 1) - 1) // sw + 1
    return np.array([[sum(K[a, b] * Xp[i * sh + a * dh, j * sw + b * dw] for a in range(kh) for b in range(kw))
                      for j in range(W)] for i in range(H)], dtype=object)


@needs_mxnet
@given(c_i=st.integers(1, 3), c_o=st.integers(1, 3), H=st.integers(1, 30), W=st.integers(1, 30), data=st.data(),
       cols=st.sampled_from([None, 1, 7, 60]), seed=st.integers(0, 2**16))
def test_large_kernels_and_blocks_of_windows_match_mxnet(c_i, c_o, H, W, data, cols, seed):
    """Kernels up to the padded input, any stride and dilation; with a small MAX_COLS the windows are
    worked through in blocks of rows, or of columns within a row, or one window at a time."""
    (kh, kw), (ph, pw), (sh, sw), (dh, dw) = draw_large_conv(data, H, W)
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(c_i, H, W)), rng.normal(size=(c_o, c_i, kh, kw))
    opts = ((ph, pw), (sh, sw), (dh, dw))
    blocks = []

    def im2col(V, depth):  # records the size of every block of windows
        blocks.append(V.size)
        return real_im2col(V, depth)

    real_im2col = conv._im2col
    with mock.patch.object(conv, "MAX_COLS", cols or conv.MAX_COLS), mock.patch.object(conv, "_im2col", im2col):
        Y = corr2d_multi_in_out(X, K, *opts)
    np.testing.assert_allclose(Y, mx_conv(X, K, *opts), rtol=1e-10, atol=1e-10)
    assert max(blocks, default=0) <= max(cols or conv.MAX_COLS, c_i * kh * kw)  # a block holds one window at least


@pytest.mark.parametrize("bits", [8, 40, 56])
def test_integer_results_are_exact(bits):
    """Integer inputs give exact int64 sums: in float64 while they stay below 2**53, else in int64."""
    rng = np.random.default_rng(bits)
    X = rng.integers(-2 ** bits, 2 ** bits, size=(9, 11), dtype=np.int64)
    K = rng.integers(-3, 4, size=(3, 4), dtype=np.int64)
    Y = corr2d(X, K, padding=1, stride=(2, 1))
    assert Y.dtype == np.int64
    assert Y.tolist() == brute_corr(X.tolist(), K.tolist(), (1, 1), (2, 1)).tolist()


@pytest.mark.parametrize("X, K", [
    (np.full((3, 3), 2 ** 62), np.full((2, 2), 2)),                      # the sum would wrap around
    (np.full((3, 3), 2 ** 63 + 5, dtype=np.uint64), np.ones((1, 1), np.uint64)),  # beyond int64
    (np.full((2, 2), -2 ** 63), np.full((1, 1), -1)),                    # -(-2**63) is not an int64
])
def test_integer_sums_that_could_overflow_are_refused(X, K):
    with pytest.raises(ValueError, match="overflow int64; convert them to floats"):
        corr2d(X, K)


def test_uint64_within_int64_is_exact():
    X = np.full((2, 3), 2 ** 61 + 1, dtype=np.uint64)
    Y = corr2d(X, np.ones((1, 2), np.uint8))
    assert Y.dtype == np.int64 and Y.tolist() == [[2 ** 62 + 2] * 2] * 2


def test_float16_is_computed_in_float32():
    X = np.full((40, 40), 0.1, dtype=np.float16)
    Y = corr2d(X, np.ones((20, 20), dtype=np.float16))
    assert Y.dtype == np.float16
    np.testing.assert_allclose(Y.astype(float), 40.0, rtol=2e-3)  # float16 sums would drift far more


@needs_mxnet
def test_results_never_share_memory_with_the_input():
    nd = framework("mxnet")
    X = np.arange(12.0).reshape(3, 4)
    for Y in (corr2d(X, [[1]]), corr2d_multi_in_out_1x1(X[None], np.ones((1, 1, 1, 1)))):
        assert not np.shares_memory(Y, X)
    Xn = nd.array(X)
    Y = corr2d(Xn, nd.ones((1, 1)))
    Y += 1
    np.testing.assert_array_equal(Xn.asnumpy(), X)


@needs_mxnet
def test_mx_np_arrays_come_back_as_mx_np_arrays():
    import mxnet as mx
    Y = corr2d(mx.np.array(X3), mx.np.array(K2))
    assert isinstance(Y, mx.np.ndarray)
    np.testing.assert_array_equal(Y.asnumpy(), [[19, 25], [37, 43]])


@needs_mxnet
def test_comp_conv2d_with_several_channels_and_pooling_layers():
    nd = framework("mxnet")
    from mxnet.gluon import nn
    X = nd.random.uniform(shape=(8, 8))
    assert comp_conv2d(nn.Conv2D(3, kernel_size=3), X).shape == (3, 6, 6)
    assert comp_conv2d(nn.MaxPool2D(2), X).shape == (4, 4)
    np.testing.assert_allclose(comp_conv2d(nn.AvgPool2D(2, strides=1), X).asnumpy(),
                               nd.Pooling(X.reshape((1, 1, 8, 8)), kernel=(2, 2), pool_type="avg")[0, 0].asnumpy(),
                               rtol=1e-6)


@given(m=st.integers(1, 40), k=st.integers(1, 80), n=st.integers(1, 3000), seed=st.integers(0, 2**16))
def test_products_in_blocks_equal_one_product_and_stay_on_one_thread(m, k, n, seed):
    """Small float products are done in column blocks each at most OpenBLAS's one-thread size."""
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    calls = []
    real = np.matmul

    def spy(a, b, **kwargs):
        calls.append(a.shape[0] * a.shape[1] * b.shape[1])
        return real(a, b, **kwargs)

    with mock.patch.object(np, "matmul", spy):
        Y = conv._matmul(A, B)
    np.testing.assert_allclose(Y, A @ B, rtol=1e-12, atol=1e-12)
    assert all(c <= conv._BLAS_ONE_THREAD_MNK for c in calls)
    if conv._BLAS_ONE_THREAD_MNK < m * k * n <= conv._ONE_THREAD_MAX_MNK and m * k <= conv._BLAS_ONE_THREAD_MNK:
        assert len(calls) >= 2  # split, so that no block is handed to several threads


@needs_mxnet
@pytest.mark.parametrize("kind", ["csr", "row_sparse", "slice", "used by a layer", "float16", "mx.np"])
def test_every_kind_of_ndarray_is_read_right(kind):
    nd = framework("mxnet")
    import mxnet as mx
    X = np.arange(20.0).reshape(4, 5)
    K = np.array([[1.0, -2.0], [0.5, 3.0]])
    Xn = {"csr": lambda: nd.sparse.csr_matrix(X), "row_sparse": lambda: nd.sparse.row_sparse_array(X),
          "slice": lambda: nd.array(np.vstack([X, X]))[4:], "used by a layer": lambda: nd.array(X),
          "float16": lambda: nd.array(X, dtype="float16"), "mx.np": lambda: mx.np.array(X)}[kind]()
    Kn = nd.array(K) if kind != "mx.np" else mx.np.array(K)
    if kind == "used by a layer":  # MXNet keeps a weight it has used in oneDNN's blocked layout
        nd.Convolution(Xn.reshape((1, 1, 4, 5)), Kn.reshape((1, 1, 2, 2)), kernel=(2, 2), num_filter=1,
                       no_bias=True).wait_to_read()
        Kn = Kn.reshape((1, 1, 2, 2))[0, 0]
    np.testing.assert_allclose(corr2d(Xn, Kn).asnumpy(), brute_corr(X, K).astype(float), rtol=1e-3)


@needs_mxnet
@given(c_i=st.integers(1, 3), H=st.integers(1, 20), W=st.integers(1, 20), kh=st.integers(1, 4), kw=st.integers(1, 4),
       ph=st.integers(0, 2), pw=st.integers(0, 2), dh=st.integers(1, 3), dw=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_one_output_channel_as_shifted_slices_matches_mxnet(c_i, H, W, kh, kw, ph, pw, dh, dw, seed):
    """Stride 1 and one output channel: the sum of contiguous runs of the flattened input."""
    if not fits(H, W, kh, kw, ph, pw, dh, dw):
        return
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(c_i, H, W)), rng.normal(size=(c_i, kh, kw))
    expected = mx_conv(X, K[None], (ph, pw), (1, 1), (dh, dw))[0]
    np.testing.assert_allclose(corr2d_multi_in(X, K, (ph, pw), 1, (dh, dw)), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(corr2d(X[0], K[0], (ph, pw), 1, (dh, dw)),
                               mx_conv(X[:1], K[None, :1], (ph, pw), (1, 1), (dh, dw))[0], rtol=1e-10, atol=1e-10)
