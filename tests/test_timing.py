"""d2lutils.timing's framework operators, lesson 8's and `make bench`'s references: conv_mxnet / pool_mxnet and
conv_torch / pool_torch give the same results as d2lutils and as a plain numpy reference on the same randomized
cases, check their arguments in one line, and the loops of lesson 2 in both frameworks agree with them.

Each framework's tests run in the venv that has it (the other's skip): the two venvs share the numpy reference.
"""
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from d2lutils import corr2d, corr2d_multi_in_out, pool2d
from d2lutils import timing

ROOT = Path(__file__).resolve().parent.parent


def reference_conv(X, K):
    """X (c_i, H, W), K (c_o, c_i, kh, kw) -> (c_o, H', W') in float64, every window at once."""
    V = np.lib.stride_tricks.sliding_window_view(X.astype(np.float64), K.shape[2:], axis=(1, 2))
    return np.einsum("chwab,ocab->ohw", V, K.astype(np.float64))


def reference_pool(X, p, mode):
    V = np.lib.stride_tricks.sliding_window_view(X.astype(np.float64), (p, p))
    return V.max(axis=(2, 3)) if mode == "max" else V.mean(axis=(2, 3))


def cases(seed=16):
    """(X, K) pairs: one or several channels, square and oblong kernels, the sizes lesson 8 and the bench time."""
    rng = np.random.default_rng(seed)
    shapes = [((1, 224, 224), (1, 1, 3, 3)), ((3, 64, 64), (16, 3, 3, 3)), ((2, 9, 7), (3, 2, 2, 3)),
              ((4, 12, 15), (2, 4, 5, 1)), ((1, 5, 5), (1, 1, 5, 5))]
    for xs, ks in shapes:
        yield rng.standard_normal(xs, dtype=np.float32), rng.standard_normal(ks, dtype=np.float32)


def pool_cases(seed=17):
    rng = np.random.default_rng(seed)
    for shape, p in [((224, 224), 3), ((9, 7), 2), ((6, 6), 6), ((5, 8), 1)]:
        yield rng.standard_normal(shape, dtype=np.float32), p


@pytest.fixture(params=["mxnet", "torch"])
def framework(request):
    """(conv, pool, to_array) of one framework: its operators and how to make its arrays from numpy."""
    if request.param == "mxnet":
        pytest.importorskip("mxnet")
        from mxnet import nd
        return timing.conv_mxnet, timing.pool_mxnet, nd.array
    torch = pytest.importorskip("torch")
    return timing.conv_torch, timing.pool_torch, lambda A: torch.tensor(A)


def test_conv_agrees_with_d2lutils_and_the_reference(framework):
    conv, _, array = framework
    for X, K in cases():
        Y = conv(array(X), array(K))
        assert isinstance(Y, np.ndarray) and Y.dtype == np.float32
        np.testing.assert_allclose(Y, reference_conv(X, K), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(Y, corr2d_multi_in_out(X, K), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(conv(X, K), Y)  # numpy input is converted


def test_pool_agrees_with_d2lutils_and_the_reference(framework):
    _, pool, array = framework
    for X, p in pool_cases():
        for mode in ("max", "avg"):
            Y = pool(array(X), p, mode)
            assert isinstance(Y, np.ndarray) and Y.shape == (X.shape[0] - p + 1, X.shape[1] - p + 1)
            np.testing.assert_allclose(Y, reference_pool(X, p, mode), rtol=1e-5, atol=1e-6)
            if mode == "max":
                np.testing.assert_array_equal(Y, pool2d(X, p))  # max pooling: exactly the same values
            else:
                np.testing.assert_allclose(Y, pool2d(X, p, "avg"), rtol=1e-5, atol=1e-6)
    X = next(pool_cases())[0]
    np.testing.assert_array_equal(pool(X, 3), pool(array(X), 3))


@pytest.mark.parametrize("name", ["conv", "pool"])
def test_the_framework_functions_check_their_arguments(framework, name):
    conv, pool, array = framework
    func = getattr(conv if name == "conv" else pool, "__name__")
    ones = lambda *shape: array(np.ones(shape, dtype=np.float32))  # noqa: E731
    if name == "conv":
        bad = [(lambda: conv(ones(3, 5, 5), ones(2, 2, 3, 3)), "3 input channels"),
               (lambda: conv(ones(64, 300, 300), ones(512, 64, 3, 3)), "output"),
               (lambda: conv(ones(64, 100, 100), ones(256, 64, 7, 7)), "multiply-adds"),
               (lambda: conv(ones(1, 2, 2), ones(1, 1, 3, 3)), "window"),
               (lambda: conv(ones(5, 5), ones(1, 1, 3, 3)), "X must be"),
               (lambda: conv(ones(1, 5, 5), "K"), "K")]
    else:
        bad = [(lambda: pool(ones(5, 5), 7), "at most 5"), (lambda: pool(ones(5, 5), 2, "sum"), "mode"),
               (lambda: pool(ones(5, 5), 0), "pool_size"), (lambda: pool(ones(1, 5, 5), 2), "X must be")]
    for call, words in bad:
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{func}: ") and words in message and "\n" not in message, message


def test_the_checks_wrap_the_code_lesson_8_prints():
    for function in (timing.corr2d_loop, timing.corr2d_loop_torch, timing.conv_mxnet, timing.pool_mxnet,
                     timing.conv_torch, timing.pool_torch):
        source = inspect.getsource(function)
        assert source.startswith(f"def {function.__name__}(") and "_inputs" not in source
    assert "Y[i, j] = (X[i: i + h, j: j + w] * K).sum()" in inspect.getsource(timing.corr2d_loop_torch)


def test_torch_tensors_with_grad_of_any_float_dtype():
    torch = pytest.importorskip("torch")
    X, K = next(cases())
    expected = reference_conv(X, K)
    for dtype in (torch.float32, torch.float64):
        Xt = torch.tensor(X, dtype=dtype, requires_grad=True)
        Y = timing.conv_torch(Xt, torch.tensor(K))  # K takes X's dtype
        assert Y.dtype == (np.float32 if dtype == torch.float32 else np.float64)
        np.testing.assert_allclose(Y, expected, rtol=1e-4, atol=1e-4)
    Xi = torch.arange(30).reshape(5, 6)  # integers are computed as float32
    np.testing.assert_array_equal(timing.pool_torch(Xi, 2), pool2d(Xi.numpy(), 2).astype(np.float32))
    for bad, words in [(torch.ones(1, 4, 4, dtype=torch.complex64), "real numbers"),
                       (torch.ones(1, 4, 4, dtype=torch.bool), "real numbers")]:
        with pytest.raises(ValueError, match=f"conv_torch: X must hold {words}"):
            timing.conv_torch(bad, torch.ones(1, 1, 2, 2))


def test_the_torch_loop_agrees_and_is_bounded():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    X, K = rng.random((9, 7), dtype=np.float32), rng.random((3, 2), dtype=np.float32)
    Y = timing.corr2d_loop_torch(torch.tensor(X), torch.tensor(K))
    assert isinstance(Y, torch.Tensor) and tuple(Y.shape) == (7, 6)
    np.testing.assert_allclose(Y.numpy(), corr2d(X, K), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(timing.corr2d_loop_torch(X, K).numpy(), Y.numpy())  # numpy is converted
    for call, words in [(lambda: timing.corr2d_loop_torch(torch.ones(1000, 1000), torch.ones(3, 3)), "Python steps"),
                        (lambda: timing.corr2d_loop_torch(torch.ones(2, 2), torch.ones(3, 3)), "larger than X"),
                        (lambda: timing.corr2d_loop_torch(torch.ones(2, 2, 2), torch.ones(1, 1)), "2-D")]:
        with pytest.raises(ValueError, match="corr2d_loop_torch: .*" + words):
            call()


def test_importing_timing_imports_no_framework():
    code = "import sys, d2lutils.timing; print(sorted(n for n in ('mxnet', 'torch') if n in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr[-1000:]
