"""pool2d against MXNet's nd.Pooling and the lecture's numbers."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from d2lutils import pool2d
from d2lutils.pooling import _cheapest_way, _slide
from reference import draw_large_pool, framework, mx_pool, needs_mxnet, pool_settings

X3 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


@needs_mxnet
def test_lecture_max_and_avg():
    X = framework("mxnet").array(X3)
    np.testing.assert_array_equal(pool2d(X, (2, 2)).asnumpy(), [[4, 5], [7, 8]])
    np.testing.assert_array_equal(pool2d(X, (2, 2), "avg").asnumpy(), [[2, 3], [5, 6]])


def test_integer_numpy_input():
    X = np.arange(9).reshape(3, 3)
    assert pool2d(X, 2).dtype.kind == "i"
    np.testing.assert_array_equal(pool2d(X, 2, "avg"), [[2, 3], [5, 6]])


@needs_mxnet
def test_max_ignores_padding_even_for_negative_inputs():
    X = -np.arange(1, 10, dtype=float).reshape(3, 3)
    Y = pool2d(X, 2, padding=1, stride=2)
    np.testing.assert_array_equal(Y, mx_pool(X, (2, 2), "max", (1, 1), (2, 2)))
    assert Y[0, 0] == -1


@needs_mxnet
@given(**pool_settings)
def test_pool2d_matches_mxnet(H, W, kh, kw, ph, pw, sh, sw, mode, seed):
    X = np.random.default_rng(seed).normal(size=(H, W))
    args = ((kh, kw), mode, (ph, pw), (sh, sw))
    if ph >= kh or pw >= kw:
        with pytest.raises(ValueError, match="padding"):
            pool2d(X, *args)
    elif kh > H + 2 * ph or kw > W + 2 * pw:
        with pytest.raises(ValueError, match="pool_size"):
            pool2d(X, *args)
    else:
        np.testing.assert_allclose(pool2d(X, *args), mx_pool(X, (kh, kw), mode, (ph, pw), (sh, sw)),
                                   rtol=1e-10, atol=1e-12)


def brute_pool(X, k, s, mode):
    """Max or sum-average of every window, one window at a time: X (H, W) float -> (H', W')."""
    (kh, kw), (sh, sw) = k, s
    H, W = (X.shape[0] - kh) // sh + 1, (X.shape[1] - kw) // sw + 1
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(X[i * sh:i * sh + kh, j * sw:j * sw + kw]) for j in range(W)] for i in range(H)])


@given(n=st.integers(1, 40), rest=st.integers(1, 3), data=st.data(),
       way=st.sampled_from(["offsets", "outputs", "doubling"]), op=st.sampled_from([np.maximum, np.add]))
def test_every_way_of_sliding_equals_brute_force(n, rest, data, way, op):
    k = data.draw(st.integers(1, n))
    s = data.draw(st.integers(1, n))
    A = np.random.default_rng(n * 31 + k).normal(size=(rest, n))
    Y = _slide(A, 1, k, s, op, way=way)
    m = (n - k) // s + 1
    expected = np.stack([op.reduce(A[:, i * s:i * s + k], axis=1) for i in range(m)], axis=1)
    np.testing.assert_allclose(Y, expected, rtol=1e-12, atol=1e-12)
    assert Y.shape == (rest, m)


def test_the_cheapest_way_is_chosen():
    assert _cheapest_way(224, 3, 222, 224) == "offsets"          # the course's 3x3 windows
    assert _cheapest_way(1000, 1000, 1, 1000) == "outputs"        # a window as large as the input
    assert _cheapest_way(2000, 700, 1301, 2000) == "doubling"     # large windows, many outputs
    assert _cheapest_way(10 ** 6, 5 * 10 ** 5, 5 * 10 ** 5 + 1, 1) == "doubling"


@needs_mxnet
@given(H=st.integers(1, 40), W=st.integers(1, 40), data=st.data(), mode=st.sampled_from(["max", "avg"]),
       seed=st.integers(0, 2**16))
def test_large_windows_match_mxnet(H, W, data, mode, seed):
    """Windows up to the whole padded input, strides up to its size: every way of sliding is used."""
    (kh, kw), (ph, pw), (sh, sw) = draw_large_pool(data, H, W)
    X = np.random.default_rng(seed).normal(size=(H, W))
    args = ((kh, kw), mode, (ph, pw), (sh, sw))
    if kh > H + 2 * ph or kw > W + 2 * pw:
        with pytest.raises(ValueError, match="pool_size"):
            pool2d(X, *args)
        return
    np.testing.assert_allclose(pool2d(X, *args), mx_pool(X, (kh, kw), mode, (ph, pw), (sh, sw)),
                               rtol=1e-10, atol=1e-12)


@needs_mxnet
@pytest.mark.parametrize("shape, k, s", [((200, 200), (100, 131), (1, 1)), ((64, 2000), (33, 1000), (2, 3)),
                                         ((1000, 1000), (1000, 1000), (1, 1)), ((1, 5000), (1, 2500), (1, 1))])
def test_very_large_windows_match_mxnet_and_brute_force(shape, k, s):
    X = np.random.default_rng(0).normal(size=shape)
    for mode in ("max", "avg"):
        Y = pool2d(X, k, mode, stride=s)
        np.testing.assert_allclose(Y, mx_pool(X, k, mode, (0, 0), s), rtol=1e-9, atol=1e-12)
        if Y.size <= 40:
            np.testing.assert_allclose(Y, brute_pool(X, k, s, mode), rtol=1e-9)


@needs_mxnet
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "uint64", "bool", "float16", "float32"])
def test_every_number_dtype(dtype):
    X = (np.arange(30).reshape(5, 6) % 7).astype(dtype)
    Y = pool2d(X, 3, padding=1)
    assert Y.dtype == X.dtype  # max pooling picks values: no conversion
    np.testing.assert_array_equal(Y.astype(float), mx_pool(X.astype(float), (3, 3), "max", (1, 1)))
    np.testing.assert_allclose(pool2d(X, 3, "avg", padding=1), mx_pool(X.astype(float), (3, 3), "avg", (1, 1)),
                               rtol=1e-3 if dtype == "float16" else 1e-6)


@needs_mxnet
def test_a_1x1_window_returns_a_new_array():
    nd = framework("mxnet")
    X = np.arange(12.0).reshape(3, 4)
    for mode in ("max", "avg"):
        Y = pool2d(X, 1, mode)
        Y[0, 0] = 100
        assert X[0, 0] == 0
    Xn = nd.array(X)
    Y = pool2d(Xn, 1)
    Y[0, 0] = 100
    assert Xn[0, 0].asscalar() == 0 and Y[0, 0].asscalar() == 100


@needs_mxnet
def test_ndarray_and_mx_np_kinds_come_back():
    nd = framework("mxnet")
    import mxnet as mx
    assert isinstance(pool2d(mx.np.ones((3, 3)), 2), mx.np.ndarray)
    Y = pool2d(nd.ones((3, 3), dtype="float64"), 2, "avg")
    assert isinstance(Y, nd.NDArray) and Y.dtype == np.float64
