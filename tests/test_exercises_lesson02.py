"""Lesson 2 checkers: accept the answers the framework's own convolution computes (MXNet's in the MXNet venv,
PyTorch's in the PyTorch venv), in the framework's arrays too, and reject wrong ones without revealing them."""
import re

import numpy as np
import pytest

from d2lutils.exercises import lesson02 as ex
from reference import assert_rejects


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    """The framework of one edition; its tests skip where it is not installed."""
    pytest.importorskip({"mxnet": "mxnet", "pytorch": "torch"}[request.param])
    return request.param


def fw_corr(fw, X, K):
    """Cross-correlation with the framework's own operator: X (H, W), K (h, w) -> numpy (H', W')."""
    X, K = np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(K, dtype=np.float64)
    if fw == "mxnet":
        from reference import mx_conv
        return mx_conv(X[None], K[None, None])[0]
    import torch
    return torch.nn.functional.conv2d(torch.tensor(X[None, None]), torch.tensor(K[None, None]))[0, 0].numpy()


def forms(fw, A):
    """The forms a learner of the edition may give an array in: the framework's arrays, with the leading axes of
    a layer's output, in float64, and (PyTorch) a tensor that takes part in a gradient."""
    A = np.ascontiguousarray(A, dtype=np.float32)
    if fw == "mxnet":
        from mxnet import nd
        return [nd.array(A), nd.array(A[None, None]), nd.array(A, dtype="float64")]
    import torch
    return [torch.tensor(A), torch.tensor(A[None, None]), torch.tensor(A, dtype=torch.float64),
            torch.tensor(A, requires_grad=True), torch.tensor(A).requires_grad_() * 1]


def test_output_shape(fw):
    t = ex.OUTPUT_SHAPE_TASK
    expected = fw_corr(fw, np.zeros(t["input_shape"]), np.zeros(t["kernel_shape"])).shape
    assert ex.check_output_shape(expected).ok is True
    assert ex.check_output_shape(list(expected)).ok is True
    if fw == "pytorch":
        import torch
        assert ex.check_output_shape(torch.zeros(expected).shape).ok is True  # a torch.Size
    (H, W), (h, w) = t["input_shape"], t["kernel_shape"]
    for wrong in [(H - h, W - w), (expected[1], expected[0]), t["input_shape"], (expected[0],),
                  "five by six", 5]:
        assert_rejects(ex.check_output_shape(wrong), expected)
    off_by_one = ex.check_output_shape((H - h, W - w)).message
    assert "starting positions" in off_by_one and not re.search(r"one too|\+ ?1|too small", off_by_one), off_by_one
    assert ex.check_output_shape(None).ok is None


def test_corr2d_output(fw):
    t = ex.CORR_TASK
    expected = fw_corr(fw, t["X"], t["K"])
    assert ex.check_corr2d_output(expected.tolist()).ok is True
    for form in forms(fw, expected):
        assert ex.check_corr2d_output(form).ok is True, type(form)
    flipped = fw_corr(fw, t["X"], np.array(t["K"])[::-1, ::-1])
    for wrong in [flipped, expected + 1, expected.T, expected[:1], [[1, 2], [3, 4]], "nineteen"]:
        if np.shape(wrong) == expected.shape and np.array_equal(wrong, expected):
            continue  # a symmetric answer would not be wrong
        result = ex.check_corr2d_output(wrong.tolist() if hasattr(wrong, "tolist") else wrong)
        assert_rejects(result, expected.tolist())
    for form in forms(fw, expected + 1):
        assert_rejects(ex.check_corr2d_output(form), expected.tolist())
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


def test_flipped_kernel(fw):
    K = np.array(ex.FLIP_TASK["K"], dtype=float)
    # the answer is the kernel whose cross-correlation equals the true convolution on any input
    X = np.random.RandomState(0).rand(5, 6)
    candidates = [K[::-1, ::-1], K, K.T, K[::-1], K[:, ::-1]]
    good = [C for C in candidates if np.allclose(fw_corr(fw, X, C), true_convolution(X, K))]
    assert len(good) == 1
    expected = good[0]
    assert ex.check_flipped_kernel(expected.tolist()).ok is True
    for form in forms(fw, expected):
        assert ex.check_flipped_kernel(form).ok is True, type(form)
    for wrong in [K, K.T, K[::-1], K[:, ::-1], expected[:1]]:
        assert_rejects(ex.check_flipped_kernel(wrong.tolist()), expected.tolist())
    assert "transpose" in ex.check_flipped_kernel(K.T.tolist()).message
    assert "transpose" in ex.check_flipped_kernel(forms(fw, K.T)[0]).message
    assert "one axis" in ex.check_flipped_kernel(K[::-1].tolist()).message
    assert ex.check_flipped_kernel("flip it").ok is False
    assert ex.check_flipped_kernel(None).ok is None


def test_corr2d_output_names_a_true_convolution(fw):
    """Computing the mathematical convolution (the kernel flipped) is named as such, without the answer."""
    t = ex.CORR_TASK
    expected = fw_corr(fw, t["X"], t["K"])
    convolution = true_convolution(t["X"], t["K"])
    assert not np.allclose(convolution, expected)
    for form in [convolution.tolist(), convolution[None, None]] + forms(fw, convolution):
        result = ex.check_corr2d_output(form)
        assert result.ok is False and "convolution" in result.message and "flipped" in result.message, result.text
        assert_rejects(result, expected.tolist())


def test_flipped_kernel_names_the_unflipped_kernel(fw):
    """K itself where the flip is asked: named (cross-correlation runs forwards), the flip not given away."""
    K = np.array(ex.FLIP_TASK["K"], dtype=float)
    for form in [K.tolist(), K[None, None]] + forms(fw, K):
        result = ex.check_flipped_kernel(form)
        assert result.ok is False and "K itself" in result.message and "backwards" in result.message, result.text
        assert_rejects(result, K[::-1, ::-1].tolist())
        assert "[::-1" not in result.text and "reverse" not in result.text
