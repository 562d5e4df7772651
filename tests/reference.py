"""Independent reference results computed with the frameworks' own operators, the randomized cases that
compare d2lutils with them, and framework arrays for tests that run in either edition's venv.

The frameworks are imported only when a reference is asked for: test modules that import this one
run in both venvs (.venv with MXNet, .venv-pytorch with PyTorch); a test whose framework is missing
is skipped (:func:`framework`).
"""
import importlib.util

import numpy as np
import pytest
from hypothesis import strategies as st

FRAMEWORKS = ("mxnet", "torch")

#: Marks for tests that need one framework (skipped in the other edition's venv).
needs_mxnet = pytest.mark.skipif(importlib.util.find_spec("mxnet") is None, reason="needs MXNet (.venv)")
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs PyTorch (.venv-pytorch)")


def framework(name):
    """``mxnet.nd`` for "mxnet", ``torch`` for "torch"; skips the test where that framework is not installed."""
    if name == "mxnet":
        return pytest.importorskip("mxnet").nd
    return pytest.importorskip("torch")


def array_in(name, values, dtype="float32"):
    """``values`` as an NDArray ("mxnet"), a torch tensor ("torch") or a numpy array ("numpy") of ``dtype``."""
    A = np.asarray(values).astype(dtype)
    if name == "numpy":
        return A
    if name == "mxnet":
        return framework("mxnet").array(A, dtype=A.dtype)
    return framework("torch").from_numpy(np.array(A))


def as_numpy(Y):
    """A result of d2lutils (numpy, NDArray or tensor) as a float64 numpy array."""
    if hasattr(Y, "asnumpy"):
        return Y.asnumpy().astype(np.float64)
    if type(Y).__module__.startswith("torch"):
        return Y.detach().double().numpy()
    return np.asarray(Y, dtype=np.float64)


# ---- the randomized cases (shared by test_conv, test_pooling and test_torch_reference) ----

#: One-channel convolution settings: input (H, W), kernel (kh, kw), padding, stride, dilation, and a seed.
conv_settings = dict(
    H=st.integers(1, 12), W=st.integers(1, 12), kh=st.integers(1, 5), kw=st.integers(1, 5),
    ph=st.integers(0, 3), pw=st.integers(0, 3), sh=st.integers(1, 4), sw=st.integers(1, 4),
    dh=st.integers(1, 3), dw=st.integers(1, 3), seed=st.integers(0, 2**16))

#: Channels for the multi-channel cases (with :data:`conv_settings`).
channel_settings = dict(c_i=st.integers(1, 4), c_o=st.integers(1, 4))

#: Pooling settings: input, window, padding, stride, mode, seed.
pool_settings = dict(
    H=st.integers(1, 10), W=st.integers(1, 10), kh=st.integers(1, 4), kw=st.integers(1, 4),
    ph=st.integers(0, 3), pw=st.integers(0, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
    mode=st.sampled_from(["max", "avg"]), seed=st.integers(0, 2**16))


def fits(H, W, kh, kw, ph, pw, dh, dw):
    """True if the (dilated) kernel fits inside the padded input."""
    return dh * (kh - 1) + 1 <= H + 2 * ph and dw * (kw - 1) + 1 <= W + 2 * pw


def draw_large_conv(data, H, W):
    """Padding, dilation, a kernel up to the whole padded input and a stride up to its size:
    ((kh, kw), (ph, pw), (sh, sw), (dh, dw))."""
    ph, pw = data.draw(st.integers(0, 4)), data.draw(st.integers(0, 4))
    dh, dw = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    kh = data.draw(st.integers(1, max(1, (H + 2 * ph - 1) // dh + 1)))
    kw = data.draw(st.integers(1, max(1, (W + 2 * pw - 1) // dw + 1)))
    sh, sw = data.draw(st.integers(1, H + 2 * ph)), data.draw(st.integers(1, W + 2 * pw))
    return (kh, kw), (ph, pw), (sh, sw), (dh, dw)


def draw_large_pool(data, H, W):
    """Padding smaller than the window, a window up to the whole padded input, a stride up to its size:
    ((kh, kw), (ph, pw), (sh, sw))."""
    ph, pw = data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))
    kh = data.draw(st.integers(ph + 1, max(ph + 1, H + 2 * ph)))
    kw = data.draw(st.integers(pw + 1, max(pw + 1, W + 2 * pw)))
    sh, sw = data.draw(st.integers(1, H + 2 * ph)), data.draw(st.integers(1, W + 2 * pw))
    return (kh, kw), (ph, pw), (sh, sw)


# ---- MXNet ----

def mx_conv(X, K, padding=(0, 0), stride=(1, 1), dilation=(1, 1)):
    """nd.Convolution on X (c_i, H, W) with K (c_o, c_i, kh, kw) -> numpy (c_o, H', W')."""
    nd = framework("mxnet")
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    Y = nd.Convolution(nd.array(X[None], dtype="float64"), nd.array(K, dtype="float64"),
                       kernel=K.shape[2:], pad=padding, stride=stride, dilate=dilation,
                       num_filter=K.shape[0], no_bias=True)
    return Y.asnumpy()[0]


def mx_pool(X, pool_size, mode, padding=(0, 0), stride=(1, 1)):
    """nd.Pooling on X (H, W) -> numpy (H', W'); MXNet's defaults (avg counts padding)."""
    nd = framework("mxnet")
    Y = nd.Pooling(nd.array(np.asarray(X, dtype=np.float64)[None, None], dtype="float64"),
                   kernel=pool_size, pool_type=mode, pad=padding, stride=stride)
    return Y.asnumpy()[0, 0]


# ---- PyTorch ----

def torch_conv(X, K, padding=(0, 0), stride=(1, 1), dilation=(1, 1)):
    """torch.nn.functional.conv2d (groups=1, no bias) on X (c_i, H, W), K (c_o, c_i, kh, kw) -> numpy (c_o, H', W')."""
    torch = framework("torch")
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    Y = torch.nn.functional.conv2d(torch.from_numpy(X[None].copy()), torch.from_numpy(K.copy()),
                                   padding=padding, stride=stride, dilation=dilation)
    return Y.numpy()[0]


def torch_pool(X, pool_size, mode, padding=(0, 0), stride=(1, 1), count_include_pad=True, ceil_mode=False):
    """torch.nn.functional.max_pool2d / avg_pool2d on X (H, W) -> numpy (H', W')."""
    F = framework("torch").nn.functional
    T = framework("torch").from_numpy(np.asarray(X, dtype=np.float64)[None, None].copy())
    if mode == "max":
        Y = F.max_pool2d(T, pool_size, stride, padding, ceil_mode=ceil_mode)
    else:
        Y = F.avg_pool2d(T, pool_size, stride, padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    return Y.numpy()[0, 0]


def assert_rejects(result, expected):
    """A checker's verdict on a wrong answer: rejected, with a hint, without giving ``expected`` away."""
    assert result.ok is False
    assert str(expected) not in result.text
    assert result.hint
