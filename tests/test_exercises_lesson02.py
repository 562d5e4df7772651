"""Lesson 2 checkers: accept the answers MXNet computes, reject wrong ones without revealing them."""
import re

import numpy as np
from mxnet import nd

from d2lutils.exercises import lesson02 as ex
from reference import assert_rejects, mx_conv


def mx_corr(X, K):
    """Cross-correlation with MXNet's own operator: X (H, W), K (h, w) -> numpy (H', W')."""
    return mx_conv(np.asarray(X)[None], np.asarray(K)[None, None])[0]


def test_output_shape():
    t = ex.OUTPUT_SHAPE_TASK
    expected = mx_corr(np.zeros(t["input_shape"]), np.zeros(t["kernel_shape"])).shape
    assert ex.check_output_shape(expected).ok is True
    assert ex.check_output_shape(list(expected)).ok is True
    (H, W), (h, w) = t["input_shape"], t["kernel_shape"]
    for wrong in [(H - h, W - w), (expected[1], expected[0]), t["input_shape"], (expected[0],),
                  "five by six", 5]:
        assert_rejects(ex.check_output_shape(wrong), expected)
    off_by_one = ex.check_output_shape((H - h, W - w)).message
    assert "starting positions" in off_by_one and not re.search(r"one too|\+ ?1|too small", off_by_one), off_by_one
    assert ex.check_output_shape(None).ok is None


def test_corr2d_output():
    t = ex.CORR_TASK
    expected = mx_corr(t["X"], t["K"])
    assert ex.check_corr2d_output(expected.tolist()).ok is True
    assert ex.check_corr2d_output(nd.array(expected)).ok is True
    flipped = mx_corr(t["X"], np.array(t["K"])[::-1, ::-1])
    for wrong in [flipped, expected + 1, expected.T, expected[:1], [[1, 2], [3, 4]], "nineteen"]:
        if np.shape(wrong) == expected.shape and np.array_equal(wrong, expected):
            continue  # a symmetric answer would not be wrong
        result = ex.check_corr2d_output(wrong.tolist() if hasattr(wrong, "tolist") else wrong)
        assert_rejects(result, expected.tolist())
    assert ex.check_corr2d_output(None).ok is None


def true_convolution(X, K):
    """The mathematical convolution, valid part, straight from its definition (numpy loops)."""
    X, K = np.asarray(X, dtype=float), np.asarray(K, dtype=float)
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = sum(K[a, b] * X[i + h - 1 - a, j + w - 1 - b] for a in range(h) for b in range(w))
    return Y


def test_flipped_kernel():
    K = np.array(ex.FLIP_TASK["K"], dtype=float)
    # the answer is the kernel whose cross-correlation equals the true convolution on any input
    X = np.random.RandomState(0).rand(5, 6)
    candidates = [K[::-1, ::-1], K, K.T, K[::-1], K[:, ::-1]]
    good = [C for C in candidates if np.allclose(mx_corr(X, C), true_convolution(X, K))]
    assert len(good) == 1
    expected = good[0]
    assert ex.check_flipped_kernel(expected.tolist()).ok is True
    assert ex.check_flipped_kernel(nd.array(expected)).ok is True
    for wrong in [K, K.T, K[::-1], K[:, ::-1], expected[:1]]:
        assert_rejects(ex.check_flipped_kernel(wrong.tolist()), expected.tolist())
    assert "transpose" in ex.check_flipped_kernel(K.T.tolist()).message
    assert "one axis" in ex.check_flipped_kernel(K[::-1].tolist()).message
    assert ex.check_flipped_kernel("flip it").ok is False
    assert ex.check_flipped_kernel(None).ok is None


def test_corr2d_output_names_a_true_convolution():
    """Computing the mathematical convolution (the kernel flipped) is named as such, without the answer."""
    t = ex.CORR_TASK
    expected = mx_corr(t["X"], t["K"])
    convolution = true_convolution(t["X"], t["K"])
    assert not np.allclose(convolution, expected)
    for form in [convolution.tolist(), nd.array(convolution), convolution[None, None]]:
        result = ex.check_corr2d_output(form)
        assert result.ok is False and "convolution" in result.message and "flipped" in result.message, result.text
        assert_rejects(result, expected.tolist())


def test_flipped_kernel_names_the_unflipped_kernel():
    """K itself where the flip is asked: named (cross-correlation runs forwards), the flip not given away."""
    K = np.array(ex.FLIP_TASK["K"], dtype=float)
    for form in [K.tolist(), nd.array(K), K[None, None]]:
        result = ex.check_flipped_kernel(form)
        assert result.ok is False and "K itself" in result.message and "backwards" in result.message, result.text
        assert_rejects(result, K[::-1, ::-1].tolist())
        assert "[::-1" not in result.text and "reverse" not in result.text
