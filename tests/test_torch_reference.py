"""d2lutils against torch.nn.functional on the randomized cases the MXNet reference tests use, and torch
tensors and layers in and out of d2lutils.

Pooling and padding, as the frameworks define them (what these tests pin down):

* ``pool2d``'s padding follows MXNet: max pooling ignores padded cells (torch's ``max_pool2d`` pads with
  -inf: the same), average pooling counts them as zeros, which is torch's ``avg_pool2d`` with
  ``count_include_pad=True`` (its default). ``count_include_pad=False`` (divide by the cells of the input
  a window covers) is not a setting of ``pool2d``: it equals ``pool2d(X, avg)`` divided elementwise by
  ``pool2d(ones, avg)``, as :func:`test_count_include_pad_false_is_a_ratio_of_two_averages` shows.
* torch allows padding of at most half the window (``p <= k // 2``); MXNet and ``pool2d`` allow ``p < k``.
  Cases beyond torch's limit are compared with MXNet only (test_pooling.py).
* ``ceil_mode`` is not a setting of ``pool2d`` (the lessons use floor, both frameworks' default); with
  ``comp_conv2d`` a torch layer's ``ceil_mode`` is used, and the output shape d2lutils checks first is
  torch's own (:func:`test_comp_conv2d_refuses_exactly_what_torch_refuses_and_runs_the_rest`).
"""
import subprocess
import sys
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from d2lutils import (comp_conv2d, conv_output_shape, corr2d, corr2d_multi_in, corr2d_multi_in_out,
                      corr2d_multi_in_out_1x1, pool2d)
from d2lutils import _torch as torch_seam
from d2lutils._validate import describe
from reference import (channel_settings, conv_settings, draw_large_conv, draw_large_pool, fits, pool_settings,
                       torch_conv, torch_pool)

torch = pytest.importorskip("torch")
F = torch.nn.functional
nn = torch.nn

pytestmark = [pytest.mark.filterwarnings("ignore:Sparse CSR tensor support"),
              pytest.mark.filterwarnings("ignore:.*quantized tensor creation functions"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors"),
              pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")]


# ---- the randomized cases of test_conv.py and test_pooling.py, against torch.nn.functional ----

@given(**conv_settings)
def test_corr2d_matches_torch_conv2d(H, W, kh, kw, ph, pw, sh, sw, dh, dw, seed):
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(H, W)), rng.normal(size=(kh, kw))
    opts = ((ph, pw), (sh, sw), (dh, dw))
    if not fits(H, W, kh, kw, ph, pw, dh, dw):
        with pytest.raises(ValueError, match="corr2d: K of shape"):
            corr2d(X, K, *opts)
        with pytest.raises(RuntimeError):  # torch refuses the same settings
            torch_conv(X[None], K[None, None], *opts)
        return
    expected = torch_conv(X[None], K[None, None], *opts)[0]
    np.testing.assert_allclose(corr2d(X, K, *opts), expected, rtol=1e-10, atol=1e-10)
    Y = corr2d(torch.from_numpy(X), torch.from_numpy(K), *opts)  # tensors in, a tensor out
    assert isinstance(Y, torch.Tensor) and Y.dtype == torch.float64
    np.testing.assert_allclose(Y.numpy(), expected, rtol=1e-10, atol=1e-10)
    assert Y.shape == conv_output_shape((H, W), (kh, kw), *opts)


@given(**channel_settings, **conv_settings)
def test_multi_channel_matches_torch_conv2d(c_i, c_o, H, W, kh, kw, ph, pw, sh, sw, dh, dw, seed):
    if not fits(H, W, kh, kw, ph, pw, dh, dw):
        return
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(c_i, H, W)), rng.normal(size=(c_o, c_i, kh, kw))
    opts = ((ph, pw), (sh, sw), (dh, dw))
    expected = torch_conv(X, K, *opts)
    np.testing.assert_allclose(corr2d_multi_in_out(X, K, *opts), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(corr2d_multi_in(X, K[0], *opts), expected[0], rtol=1e-10, atol=1e-10)
    Y = corr2d_multi_in_out(torch.from_numpy(X).float(), torch.from_numpy(K).float(), *opts)
    assert Y.dtype == torch.float32
    np.testing.assert_allclose(Y.numpy(), expected, rtol=1e-4, atol=1e-4)


@given(c_i=st.integers(1, 5), c_o=st.integers(1, 5), H=st.integers(1, 9), W=st.integers(1, 9),
       seed=st.integers(0, 2**16))
def test_1x1_matches_torch_conv2d(c_i, c_o, H, W, seed):
    rng = np.random.default_rng(seed)
    X, K = rng.uniform(size=(c_i, H, W)), rng.uniform(size=(c_o, c_i, 1, 1))
    np.testing.assert_allclose(corr2d_multi_in_out_1x1(torch.from_numpy(X), torch.from_numpy(K)).numpy(),
                               torch_conv(X, K), rtol=1e-10, atol=1e-12)


@settings(max_examples=50)
@given(c_i=st.integers(1, 3), c_o=st.integers(1, 3), H=st.integers(1, 30), W=st.integers(1, 30), data=st.data(),
       seed=st.integers(0, 2**16))
def test_large_kernels_match_torch_conv2d(c_i, c_o, H, W, data, seed):
    k, p, s, d = draw_large_conv(data, H, W)
    rng = np.random.default_rng(seed)
    X, K = rng.normal(size=(c_i, H, W)), rng.normal(size=(c_o, c_i) + k)
    np.testing.assert_allclose(corr2d_multi_in_out(X, K, p, s, d), torch_conv(X, K, p, s, d), rtol=1e-10, atol=1e-10)


def _torch_allows(k, p):
    """torch's pooling allows padding of at most half the window."""
    return p[0] <= k[0] // 2 and p[1] <= k[1] // 2


@given(**pool_settings)
def test_pool2d_matches_torch_pooling(H, W, kh, kw, ph, pw, sh, sw, mode, seed):
    """Max pooling equals max_pool2d; average pooling equals avg_pool2d with count_include_pad=True."""
    X = np.random.default_rng(seed).normal(size=(H, W))
    k, p, s = (kh, kw), (ph, pw), (sh, sw)
    if ph >= kh or pw >= kw or kh > H + 2 * ph or kw > W + 2 * pw:
        with pytest.raises(ValueError):
            pool2d(X, k, mode, p, s)
        return
    Y = pool2d(torch.from_numpy(X), k, mode, p, s)
    assert isinstance(Y, torch.Tensor) and Y.dtype == torch.float64
    if not _torch_allows(k, p):
        return  # beyond torch's limit: compared with MXNet in test_pooling.py
    np.testing.assert_allclose(Y.numpy(), torch_pool(X, k, mode, p, s), rtol=1e-10, atol=1e-12)


@settings(max_examples=50)
@given(H=st.integers(1, 40), W=st.integers(1, 40), data=st.data(), mode=st.sampled_from(["max", "avg"]),
       seed=st.integers(0, 2**16))
def test_large_windows_match_torch_pooling(H, W, data, mode, seed):
    k, p, s = draw_large_pool(data, H, W)
    X = np.random.default_rng(seed).normal(size=(H, W))
    if k[0] > H + 2 * p[0] or k[1] > W + 2 * p[1] or not _torch_allows(k, p):
        return
    np.testing.assert_allclose(pool2d(X, k, mode, p, s), torch_pool(X, k, mode, p, s), rtol=1e-10, atol=1e-12)


@given(**pool_settings)
def test_count_include_pad_false_is_a_ratio_of_two_averages(H, W, kh, kw, ph, pw, sh, sw, mode, seed):
    """pool2d counts padding as zeros (count_include_pad=True); dividing by the average of ones over the same
    windows gives torch's count_include_pad=False. Without padding the two settings agree."""
    X = np.random.default_rng(seed).normal(size=(H, W))
    k, p, s = (kh, kw), (ph, pw), (sh, sw)
    if kh > H + 2 * ph or kw > W + 2 * pw or not _torch_allows(k, p):
        return
    ratio = pool2d(X, k, "avg", p, s) / pool2d(np.ones((H, W)), k, "avg", p, s)
    np.testing.assert_allclose(ratio, torch_pool(X, k, "avg", p, s, count_include_pad=False), rtol=1e-10, atol=1e-12)
    if p == (0, 0):
        np.testing.assert_allclose(torch_pool(X, k, "avg", p, s, count_include_pad=False),
                                   torch_pool(X, k, "avg", p, s), rtol=1e-12)


# ---- tensors in and out ----

X3 = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
K2 = [[0.0, 1.0], [2.0, 3.0]]


@pytest.mark.parametrize("dtype, result", [("float16", "float16"), ("float32", "float32"), ("float64", "float64"),
                                           ("bfloat16", "float32"), ("int64", "float32"), ("int8", "float32"),
                                           ("uint8", "float32"), ("bool", "float32")])
def test_result_dtype_follows_the_ndarray_rule(dtype, result):
    """Cross-correlations and max pooling: float16/32/64 kept, other dtypes give float32 (as for NDArrays;
    bfloat16, which numpy lacks, is computed in float32)."""
    X = torch.tensor(X3).to(getattr(torch, dtype))
    K = torch.tensor(K2).to(getattr(torch, dtype))
    expected = corr2d(np.array(X3), np.array(K2)) if dtype != "bool" else corr2d(np.array(X3) != 0, np.array(K2) != 0)
    for Y in (corr2d(X, K), corr2d_multi_in(X[None], K[None])):
        assert type(Y) is torch.Tensor and Y.dtype == getattr(torch, result)
        np.testing.assert_allclose(Y.double().numpy(), expected, rtol=1e-2)
    Y = pool2d(X, 2)
    assert type(Y) is torch.Tensor and Y.dtype == getattr(torch, result)
    # averages are computed (and returned) in float32 for 16- and 32-bit floats, else in float64, as for NDArrays
    assert pool2d(X, 2, "avg").dtype == (torch.float32 if dtype in ("float16", "bfloat16", "float32") else torch.float64)


def test_the_lecture_example_with_tensors():
    Y = corr2d(torch.tensor(X3), torch.tensor(K2))
    assert torch.equal(Y, torch.tensor([[19.0, 25.0], [37.0, 43.0]]))
    assert torch.equal(pool2d(torch.tensor(X3), 2), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(pool2d(torch.tensor(X3), 2, "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))


def test_tensors_with_grad_are_read_detached_and_the_result_has_no_graph():
    X = torch.tensor(X3, requires_grad=True)
    K = nn.Parameter(torch.tensor(K2))
    Y = corr2d(X * 1, K)
    assert not Y.requires_grad and Y.grad_fn is None
    assert torch.equal(Y, torch.tensor([[19.0, 25.0], [37.0, 43.0]]))
    assert X.grad is None and K.grad is None


def test_results_never_share_memory_with_the_input():
    X = torch.tensor(X3)
    for Y in (corr2d(X, torch.ones(1, 1)), pool2d(X, 1), pool2d(X, 1, "avg"),
              corr2d_multi_in_out_1x1(X[None], torch.ones(1, 1, 1, 1))):
        Y += 100
    assert torch.equal(X, torch.tensor(X3))


@pytest.mark.parametrize("view", ["transposed", "sliced", "neg", "conj", "expanded"])
def test_views_are_read_as_their_values(view):
    base = torch.arange(30.0).reshape(5, 6)
    X = {"transposed": lambda: base.T, "sliced": lambda: base[::2, 1::2], "neg": lambda: base._neg_view(),
         "conj": lambda: base.conj(), "expanded": lambda: base[:1].expand(4, 6)}[view]()
    np.testing.assert_allclose(corr2d(X, K2).numpy(), corr2d(X.clone().numpy(), K2))


def test_mixed_inputs_follow_x():
    assert isinstance(corr2d(torch.tensor(X3), np.array(K2)), torch.Tensor)
    assert isinstance(corr2d(np.array(X3), torch.tensor(K2)), np.ndarray)
    assert isinstance(corr2d(X3, K2, padding=torch.tensor(1), stride=torch.tensor([1, 2])), np.ndarray)


def test_describe_names_tensors_by_shape_only():
    assert describe(torch.ones(2, 3)) == "a torch tensor of shape (2, 3)"
    assert describe(nn.Parameter(torch.ones(4))) == "a torch tensor of shape (4,)"
    assert describe(nn.Conv2d(1, 1, 3)) == "a torch Conv2d"
    assert describe(torch.ones(10 ** 4)) == "a torch tensor of shape (10000,)"


# ---- bad tensors: one line naming the argument ----

class Dispatching(torch.Tensor):
    """A wrapper subclass whose every operation raises (as a broken tensor subclass's would)."""

    @staticmethod
    def __new__(cls, shape):
        return torch.Tensor._make_wrapper_subclass(cls, shape, dtype=torch.float32)

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        raise RuntimeError("this subclass computes nothing\nsecond line")


class Raising(torch.Tensor):
    """A subclass whose own methods and __torch_function__ raise or exit: read as the plain tensor it is."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        raise RuntimeError("no")

    def numpy(self, *args, **kwargs):
        raise SystemExit

    def __repr__(self):
        raise RuntimeError


BAD = {
    "complex": (lambda: torch.ones(3, 3, dtype=torch.complex64), ["real numbers", "complex64"]),
    "sparse coo": (lambda: torch.ones(3, 3).to_sparse(), ["sparse", "sparse_coo", "to_dense"]),
    "sparse csr": (lambda: torch.ones(3, 3).to_sparse_csr(), ["sparse", "sparse_csr"]),
    "meta": (lambda: torch.ones(3, 3, device="meta"), ["meta device", "no values"]),
    "quantized": (lambda: torch.quantize_per_tensor(torch.ones(3, 3), 0.1, 0, torch.quint8), ["dtype", "quint8"]),
    "nested": (lambda: torch.nested.nested_tensor([torch.ones(3, 3), torch.ones(2, 3)]), ["nested"]),
    "dispatching subclass": (lambda: Dispatching((3, 3)), ["could not be read"]),
}


@pytest.mark.parametrize("name", list(BAD))
@pytest.mark.parametrize("where", ["X", "K"])
def test_bad_tensors_get_one_line_naming_the_argument(name, where):
    make, words = BAD[name]
    T = make()
    args = (T, np.ones((2, 2))) if where == "X" else (np.ones((3, 3)), T)
    for func, call in (("corr2d", lambda: corr2d(*args)),
                       ("pool2d", lambda: pool2d(args[0], 2) if where == "X" else pool2d(np.ones((3, 3)), 2, stride=T))):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{func}: ") and "\n" not in message and len(message) < 250
        if func == "corr2d":
            assert f": {where} " in message
            assert all(word in message for word in words), message


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU here: the message is checked with a stand-in below")
def test_a_cuda_tensor_is_refused():
    with pytest.raises(ValueError, match=r"corr2d: X is a torch tensor on device cuda:0; .*X\.cpu\(\)"):
        corr2d(torch.ones(3, 3, device="cuda"), K2)


def test_a_tensor_on_another_device_is_refused_before_it_is_read():
    """Stands in for CUDA where there is no GPU: the seam reports the device, and nothing reads the values."""
    X = torch.ones(3, 3)
    real = torch_seam.problem
    with mock.patch.object(torch_seam, "problem", lambda T: ("device", "cuda:0") if T is X else real(T)), \
            mock.patch.object(torch_seam, "values", side_effect=AssertionError("read")):
        with pytest.raises(ValueError) as info:
            corr2d(X, K2)
    assert str(info.value) == "corr2d: X is a torch tensor on device cuda:0; these helpers compute on the CPU: pass X.cpu()"


def test_a_subclass_whose_methods_raise_is_read_as_a_plain_tensor():
    X = torch.tensor(X3).as_subclass(Raising)
    Y = corr2d(X, K2)
    assert type(Y) is torch.Tensor and torch.equal(Y, torch.tensor([[19.0, 25.0], [37.0, 43.0]]))
    assert describe(X) == "a torch tensor of shape (3, 3)"


def test_a_huge_tensor_is_refused_by_its_shape_without_being_read():
    X = torch.zeros(1, 1).expand(4096, 4096)  # no memory behind it
    with pytest.raises(ValueError, match=r"corr2d: these teaching helpers take at most .* X of shape \(4096, 4096\)"):
        corr2d(X, K2)


# ---- comp_conv2d with torch layers ----

def _by_hand(layer, X):
    with torch.no_grad():
        Y = layer(torch.as_tensor(X, dtype=torch.float32).reshape((1, 1) + tuple(X.shape)))
    return Y[0, 0] if Y.shape[1] == 1 else Y[0]


def torch_layers():
    """A torch Conv2d (1 input channel), MaxPool2d or AvgPool2d with any settings torch builds."""
    pair = st.tuples(st.integers(1, 5), st.integers(1, 5)) | st.integers(1, 5)
    conv = st.builds(
        lambda c_o, k, s, p, d, mode: nn.Conv2d(1, c_o, k, stride=1 if p == "same" else s, padding=p, dilation=d,
                                                padding_mode=mode, bias=True),
        st.integers(1, 3), pair, pair | st.integers(1, 4), st.sampled_from(["same", "valid", 0, 1, 2, (1, 3)]),
        st.integers(1, 3), st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    maxpool = st.builds(lambda k, s, p, d, ceil: nn.MaxPool2d(k, s, p, d, ceil_mode=ceil),
                        pair, st.none() | pair, st.integers(0, 2), st.integers(1, 2), st.booleans())
    avgpool = st.builds(lambda k, s, p, ceil, inc: nn.AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=inc),
                        pair, st.none() | pair, st.integers(0, 2), st.booleans(), st.booleans())
    return conv | maxpool | avgpool


@settings(max_examples=150, deadline=None)
@given(data=st.data(), H=st.integers(1, 10), W=st.integers(1, 10), seed=st.integers(0, 2**16))
def test_comp_conv2d_refuses_exactly_what_torch_refuses_and_runs_the_rest(data, H, W, seed):
    try:
        layer = data.draw(torch_layers())
    except (ValueError, RuntimeError):  # a setting torch refuses to build (padding='same' with a stride...)
        return
    X = np.random.default_rng(seed).normal(size=(H, W)).astype(np.float32)
    try:
        expected = _by_hand(layer, X)
    except RuntimeError:
        with pytest.raises(ValueError, match="comp_conv2d: ") as info:
            comp_conv2d(layer, X)
        assert "\n" not in str(info.value)
        return
    Y = comp_conv2d(layer, torch.from_numpy(X))
    assert type(Y) is torch.Tensor and not Y.requires_grad and Y.dtype == torch.float32
    torch.testing.assert_close(Y, expected)
    if isinstance(layer, nn.Conv2d) and layer.out_channels == 1:
        assert Y.ndim == 2


@pytest.mark.parametrize("X", [np.ones((6, 7)), np.ones((6, 7), dtype=np.int64).tolist(),
                               torch.ones(6, 7, dtype=torch.float64, requires_grad=True), torch.ones(6, 7).bool()])
def test_comp_conv2d_takes_numpy_lists_and_tensors_of_any_dtype(X):
    conv = nn.Conv2d(1, 2, 3, padding=1)
    Y = comp_conv2d(conv, X)
    assert Y.shape == (2, 6, 7) and Y.dtype == torch.float32 and not Y.requires_grad
    torch.testing.assert_close(Y, _by_hand(conv, np.ones((6, 7))))
    assert comp_conv2d(nn.MaxPool2d(2), X).shape == (3, 3)


def test_comp_conv2d_uses_the_weights_dtype_and_leaves_the_layer_alone():
    conv = nn.Conv2d(1, 1, 3).double()
    w = conv.weight.detach().clone()
    Y = comp_conv2d(conv, np.ones((5, 5), dtype=np.float32))
    assert Y.dtype == torch.float64 and Y.shape == (3, 3)
    assert torch.equal(conv.weight, w) and conv.weight.grad is None
    lazy = nn.LazyConv2d(2, 3)  # in_channels inferred: comp_conv2d's single channel
    assert comp_conv2d(lazy, np.ones((5, 5))).shape == (2, 3, 3) and lazy.in_channels == 1


@pytest.mark.parametrize("layer, words", [
    (lambda: nn.Conv2d(3, 1, 3), ["conv2d", "in_channels=3", "one channel", "(1, 1, H, W)"]),
    (lambda: nn.Conv2d(2, 2, 3, groups=2), ["in_channels=2", "groups=2"]),
    (lambda: nn.Conv2d(1, 1, 9), ["comp_conv2d", "(5, 5)", "9 rows"]),
    (lambda: nn.MaxPool2d(3, padding=2), ["conv2d.padding", "(2, 2)", "half of its kernel_size"]),
    (lambda: nn.MaxPool2d(2, return_indices=True), ["return_indices"]),
    (lambda: nn.Conv2d(1, 1, 3, padding=5, padding_mode="reflect"), ["padding_mode='reflect'", "(5, 5)", "(4, 4)"]),
    (lambda: nn.Conv2d(1, 1, 3, padding=6, padding_mode="circular"), ["padding_mode='circular'", "(6, 6)"]),
    (lambda: nn.Conv2d(1, 1, 3, padding=10 ** 4), ["padding", "numbers"]),
    (lambda: nn.Conv2d(1, 1, 2, dilation=10 ** 9), ["comp_conv2d", "1000000001 rows"]),
    (lambda: nn.Linear(3, 3), ["conv2d", "Gluon layer", "PyTorch layer", "a torch Linear"]),
])
def test_comp_conv2d_refuses_layers_it_cannot_feed_in_one_line(layer, words):
    with pytest.raises(ValueError) as info:
        comp_conv2d(layer(), torch.ones(5, 5))
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert all(word in message for word in words), message


def test_comp_conv2d_refuses_bad_x_like_corr2d():
    for X, words in ((torch.ones(1, 5, 5), "2-D"), (torch.ones(5, 5, dtype=torch.complex64), "complex"),
                     (torch.ones(5, 5, device="meta"), "meta device"), ("abc", "numbers")):
        with pytest.raises(ValueError, match=f"comp_conv2d: X .*{words}"):
            comp_conv2d(nn.Conv2d(1, 1, 3), X)


# ---- the seam imports no framework ----

def test_importing_d2lutils_imports_no_framework():
    code = ("import sys, pkgutil, importlib, d2lutils\n"
            "for m in pkgutil.walk_packages(d2lutils.__path__, 'd2lutils.'):\n"
            "    if '.widgets' not in m.name: importlib.import_module(m.name)\n"
            "print(sorted({k.split('.')[0] for k in sys.modules} & {'torch', 'mxnet'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-500:]


def test_a_learners_first_torch_optimizer_is_not_timed_against_it():
    """PyTorch's first optimizer imports torch._dynamo (seconds): the checkers' call() does that outside its
    time bound, in a fresh process where nothing has made an optimizer yet."""
    code = ("import torch\n"
            "from d2lutils.exercises._calls import call\n"
            "def learn(X, Y):\n"
            "    conv = torch.nn.Conv2d(1, 1, (1, 2), bias=False)\n"
            "    opt = torch.optim.SGD(conv.parameters(), lr=0.03)\n"
            "    for _ in range(10):\n"
            "        loss = ((conv(X) - Y) ** 2).sum()\n"
            "        opt.zero_grad(); loss.backward(); opt.step()\n"
            "    return conv.weight.detach()\n"
            "W, error = call(learn, torch.rand(1, 1, 6, 8), torch.rand(1, 1, 6, 7))\n"
            "print(error, tuple(W.shape) if W is not None else None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "None (1, 1, 1, 2)", out.stdout + out.stderr[-500:]
