"""Lesson 9's claims about stacked convolutions, on random draws, with each framework's own operator as the reference.

The lesson prints the numbers for one draw; these tests hold the thresholds behind its words: two convolutions
without a nonlinearity are exactly one convolution when nothing pads, differ only on the border when both pad,
and with any of the usual nonlinearities between them no single kernel reproduces the stack. Every test runs once
with MXNet's ``nd.Convolution`` and once with PyTorch's ``F.conv2d`` (float64); a framework that is not installed
is skipped.
"""
import numpy as np
import pytest


def mxnet_conv(X, K, padding):
    """nd.Convolution: X (H, W), K (kh, kw), the same padding on every side -> numpy (H', W')."""
    from mxnet import nd
    Y = nd.Convolution(nd.array(X[None, None], dtype="float64"), nd.array(K[None, None], dtype="float64"),
                       kernel=K.shape, pad=(padding, padding), num_filter=1, no_bias=True)
    return Y.asnumpy()[0, 0]


def torch_conv(X, K, padding):
    """F.conv2d: X (H, W), K (kh, kw), the same padding on every side -> numpy (H', W')."""
    import torch
    Y = torch.nn.functional.conv2d(torch.from_numpy(X[None, None]), torch.from_numpy(K[None, None]),
                                   padding=padding)
    return Y.numpy()[0, 0]


@pytest.fixture(params=["mxnet", "torch"])
def conv(request):
    """conv(X, K, padding=0): one convolution by the framework's own operator, in float64."""
    pytest.importorskip(request.param)
    op = mxnet_conv if request.param == "mxnet" else torch_conv
    return lambda X, K, padding=0: op(np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64), padding)


def combined(K1, K2):
    """K[u, v] = sum of K1[a, b] K2[c, d] over a + c = u, b + d = v: the lesson's formula."""
    K = np.zeros((K1.shape[0] + K2.shape[0] - 1, K1.shape[1] + K2.shape[1] - 1))
    for c in range(K2.shape[0]):
        for d in range(K2.shape[1]):
            K[c:c + K1.shape[0], d:d + K1.shape[1]] += K2[c, d] * K1
    return K


@pytest.mark.parametrize("seed", range(5))
def test_two_convolutions_without_padding_are_one(seed, conv):
    rng = np.random.default_rng(seed)
    k1, k2 = rng.integers(1, 5, size=2)
    K1, K2 = rng.standard_normal((k1, k1)), rng.standard_normal((k2, k2))
    X = rng.standard_normal(tuple(rng.integers(k1 + k2, 20, size=2)))
    np.testing.assert_allclose(conv(conv(X, K1), K2), conv(X, combined(K1, K2)), rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_with_padding_they_differ_only_on_the_border(seed, conv):
    rng = np.random.default_rng(seed)
    K1, K2 = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    X = rng.standard_normal((12, 15))
    differ = np.abs(conv(conv(X, K1, 1), K2, 1) - conv(X, combined(K1, K2), 2)) > 1e-9
    assert differ.any() and not differ[1:-1, 1:-1].any()
    # padding the input by 2 once, before the first layer, makes them one again
    np.testing.assert_allclose(conv(conv(X, K1, 2), K2), conv(X, combined(K1, K2), 2), rtol=0, atol=1e-9)


def best_fit_residual(X, Y, k):
    """|A w - Y| / |Y| for the best k x k kernel and bias w, by least squares."""
    windows = np.lib.stride_tricks.sliding_window_view(X, (k, k)).reshape(-1, k * k)
    A = np.hstack([windows, np.ones((len(windows), 1))])
    w = np.linalg.lstsq(A, Y.ravel(), rcond=None)[0]
    return np.linalg.norm(A @ w - Y.ravel()) / np.linalg.norm(Y)


NONLINEARITIES = {"relu": lambda A: np.maximum(A, 0), "tanh": np.tanh, "sigmoid": lambda A: 1 / (1 + np.exp(-A))}


@pytest.mark.parametrize("seed", range(8))
def test_a_nonlinearity_between_them_leaves_no_single_kernel(seed, conv):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((24, 24))
    K1, K2 = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    assert best_fit_residual(X, conv(conv(X, K1), K2), 5) < 1e-9
    for name, f in NONLINEARITIES.items():
        assert best_fit_residual(X, conv(f(conv(X, K1)), K2), 5) > 0.03, name
