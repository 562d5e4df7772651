"""pool2d against MXNet's nd.Pooling and the lecture's numbers."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mxnet import nd

from d2lutils import pool2d
from reference import mx_pool

X3 = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])


def test_lecture_max_and_avg():
    np.testing.assert_array_equal(pool2d(X3, (2, 2)).asnumpy(), [[4, 5], [7, 8]])
    np.testing.assert_array_equal(pool2d(X3, (2, 2), "avg").asnumpy(), [[2, 3], [5, 6]])


def test_integer_numpy_input():
    X = np.arange(9).reshape(3, 3)
    assert pool2d(X, 2).dtype.kind == "i"
    np.testing.assert_array_equal(pool2d(X, 2, "avg"), [[2, 3], [5, 6]])


def test_max_ignores_padding_even_for_negative_inputs():
    X = -np.arange(1, 10, dtype=float).reshape(3, 3)
    Y = pool2d(X, 2, padding=1, stride=2)
    np.testing.assert_array_equal(Y, mx_pool(X, (2, 2), "max", (1, 1), (2, 2)))
    assert Y[0, 0] == -1


@given(H=st.integers(1, 10), W=st.integers(1, 10), kh=st.integers(1, 4), kw=st.integers(1, 4),
       ph=st.integers(0, 3), pw=st.integers(0, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
       mode=st.sampled_from(["max", "avg"]), seed=st.integers(0, 2**16))
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
