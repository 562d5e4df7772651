"""Cross-correlation, the operation deep-learning libraries call "convolution".

All functions accept MXNet NDArrays, numpy arrays or nested lists and return the
same kind they were given (lists come back as numpy). They are vectorized: the
work is a handful of whole-array numpy operations (one per kernel offset, or one
matrix product), not a Python loop over output pixels. Lesson 2 shows the loop.
"""
import numpy as np

from ._validate import as_pair, check_ndim, like_input, to_numpy
from .shapes import conv_output_shape, window_problem


def _window_slices(shape, kernel, padding, stride, dilation, func, kname="K"):
    """Output shape and, for each kernel offset (a, b), the slices of the padded input it sees.

    ``kname`` names the window in the error for a window larger than the padded input.
    """
    problem = window_problem(shape, kernel, padding, dilation)
    if problem:
        spans = (f" spans {problem.extent} {'rows' if problem.axis == 0 else 'columns'} (dilation {dilation}) and"
                 if dilation[problem.axis] > 1 else "")
        raise ValueError(
            f"{func}: {kname} of shape {tuple(kernel)}{spans} is larger than the input X of "
            f"shape {tuple(shape)} with padding {padding}; use a smaller {kname} or more padding")
    out = conv_output_shape(shape, kernel, padding, stride, dilation)
    (sh, sw), (dh, dw) = stride, dilation
    slices = [(a, b, (slice(a * dh, a * dh + sh * (out[0] - 1) + 1, sh),
                      slice(b * dw, b * dw + sw * (out[1] - 1) + 1, sw)))
              for a in range(kernel[0]) for b in range(kernel[1])]
    return out, slices


#: The most elements a padded input may have (about 2 GB of float64): beyond it, padding is a mistake.
MAX_PADDED_SIZE = 1 << 28


def _pad(X, padding, value=0, func="corr2d"):
    """Pad the last two axes of X (..., H, W) by ``padding`` (per side) -> (..., H+2ph, W+2pw)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return X
    size = X.size // (X.shape[-2] * X.shape[-1]) * (X.shape[-2] + 2 * ph) * (X.shape[-1] + 2 * pw)
    if size > MAX_PADDED_SIZE:
        raise ValueError(f"{func}: padding {padding} would make the input X of shape {X.shape} hold "
                         f"{size:,} numbers; padding is meant to be a few rows and columns")
    widths = [(0, 0)] * (X.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(X, widths, constant_values=value)


def _result_dtype(X, K):
    """dtype of a cross-correlation of X and K: floats as numpy promotes them; integers and
    booleans in int64, so that sums of small integer types (int8, uint8) do not overflow."""
    dtype = np.result_type(X.dtype, K.dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.int64)


def _corr2d_np(X, K, padding, stride, dilation, func):
    """numpy core: X (H, W), K (kh, kw) -> (H', W') by summing shifted, strided slices."""
    _, slices = _window_slices(X.shape, K.shape, padding, stride, dilation, func)
    dtype = _result_dtype(X, K)
    Xp, K = _pad(X.astype(dtype, copy=False), padding, func=func), K.astype(dtype, copy=False)
    a, b, idx = slices[0]
    Y = Xp[idx] * K[a, b]
    for a, b, idx in slices[1:]:
        Y += Xp[idx] * K[a, b]
    return Y


# OpenBLAS splits a float product over all cores once m*n*k exceeds 4 * 65536. For the
# mid-sized products of this course (a few million multiply-adds, e.g. 3 -> 16 channels
# on 64x64) the hand-off between threads costs more than it saves, measured on a 2-core
# machine, so such products are done in column blocks that each stay single-threaded.
# Larger products, where the threads pay off, go to BLAS in one call.
_BLAS_SINGLE_MNK = 4 * 65536
_BLOCKED_MAX_MNK = 1 << 22


def _matmul(A, B):
    """A (m, k) @ B (k, n) -> (m, n); mid-sized float products in single-threaded column blocks."""
    (m, k), n = A.shape, B.shape[1]
    step = _BLAS_SINGLE_MNK // max(m * k, 1)
    if A.dtype.kind != "f" or m * k * n > _BLOCKED_MAX_MNK or step < 256 or step >= n:
        return A @ B
    Y = np.empty((m, n), dtype=np.result_type(A, B))
    for i in range(0, n, step):
        np.matmul(A, B[:, i:i + step], out=Y[:, i:i + step])
    return Y


def _im2col(X, kernel, padding, stride, dilation, func):
    """X (c_i, H, W) -> columns (c_i*kh*kw, H'*W') and the output shape (H', W')."""
    out, slices = _window_slices(X.shape[1:], kernel, padding, stride, dilation, func)
    Xp = _pad(X, padding, func=func)
    cols = np.empty((X.shape[0], len(slices)) + out, dtype=X.dtype)
    for j, (_, _, idx) in enumerate(slices):
        cols[:, j] = Xp[(slice(None),) + idx]
    return cols.reshape(X.shape[0] * len(slices), out[0] * out[1]), out


def _corr2d_multi_np(X, K, padding, stride, dilation, func):
    """numpy core: X (c_i, H, W), K (c_o, c_i, kh, kw) -> (c_o, H', W') as one matrix product."""
    if K.shape[2:] == (1, 1) and stride == (1, 1) and padding == (0, 0):
        cols, out = X.reshape(X.shape[0], -1), X.shape[1:]
    else:
        cols, out = _im2col(X, K.shape[2:], padding, stride, dilation, func)
    dtype = _result_dtype(X, K)
    Y = _matmul(K.reshape(K.shape[0], -1).astype(dtype, copy=False), cols.astype(dtype, copy=False))
    return Y.reshape((K.shape[0],) + tuple(out))


def _options(padding, stride, dilation, func):
    return (as_pair(padding, "padding", func, 0), as_pair(stride, "stride", func, 1),
            as_pair(dilation, "dilation", func, 1))


def _channel_inputs(X, K, func, k_layout):
    """Validate X (c_i, H, W) and K of layout ``k_layout`` whose c_i axis is the one before (kh, kw)."""
    X, nd_in = to_numpy(X, "X", func)
    K, _ = to_numpy(K, "K", func)
    check_ndim(X, 3, "X", func, "(c_i, H, W)")
    check_ndim(K, k_layout.count(",") + 1, "K", func, k_layout)
    axis = K.ndim - 3
    if X.shape[0] != K.shape[axis]:
        raise ValueError(f"{func}: X has {X.shape[0]} input channels (shape {X.shape}) but K has "
                         f"{K.shape[axis]} (shape {K.shape}, axis {axis}); they must match")
    return X, K, nd_in


def corr2d(X, K, padding=0, stride=1, dilation=1):
    """2-D cross-correlation of one channel: X (H, W), K (kh, kw) -> Y (H', W').

    With the defaults, ``Y[i, j] = (X[i:i+kh, j:j+kw] * K).sum()`` and
    ``(H', W') = (H - kh + 1, W - kw + 1)``. ``padding`` (zeros, per side), ``stride``
    and ``dilation`` work as in Gluon's ``Conv2D``; each is an int or an (h, w) pair.
    """
    func = "corr2d"
    X, nd_in = to_numpy(X, "X", func)
    K, _ = to_numpy(K, "K", func)
    check_ndim(X, 2, "X", func, "(H, W)")
    check_ndim(K, 2, "K", func, "(kh, kw)")
    Y = _corr2d_np(X, K, *_options(padding, stride, dilation, func), func)
    return like_input(Y, nd_in)


def corr2d_multi_in(X, K, padding=0, stride=1, dilation=1):
    """Cross-correlation summed over input channels: X (c_i, H, W), K (c_i, kh, kw) -> (H', W')."""
    func = "corr2d_multi_in"
    X, K, nd_in = _channel_inputs(X, K, func, "(c_i, kh, kw)")
    Y = _corr2d_multi_np(X, K[None], *_options(padding, stride, dilation, func), func)
    return like_input(Y[0], nd_in)


def corr2d_multi_in_out(X, K, padding=0, stride=1, dilation=1):
    """One output channel per kernel: X (c_i, H, W), K (c_o, c_i, kh, kw) -> (c_o, H', W')."""
    func = "corr2d_multi_in_out"
    X, K, nd_in = _channel_inputs(X, K, func, "(c_o, c_i, kh, kw)")
    Y = _corr2d_multi_np(X, K, *_options(padding, stride, dilation, func), func)
    return like_input(Y, nd_in)


def corr2d_multi_in_out_1x1(X, K):
    """1x1 convolution as one matrix product: X (c_i, H, W), K (c_o, c_i, 1, 1) -> (c_o, H, W).

    Each pixel's channel vector is multiplied by the (c_o, c_i) weight matrix:
    a dense layer applied at every pixel.
    """
    func = "corr2d_multi_in_out_1x1"
    X, K, nd_in = _channel_inputs(X, K, func, "(c_o, c_i, 1, 1)")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"{func}: K must have a 1x1 window, shape (c_o, c_i, 1, 1); got {K.shape}")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    dtype = _result_dtype(X, K)
    Y = _matmul(K.reshape(c_o, c_i).astype(dtype, copy=False),
                X.reshape(c_i, h * w).astype(dtype, copy=False))
    return like_input(Y.reshape(c_o, h, w), nd_in)


def comp_conv2d(conv2d, X):
    """Run a Gluon ``Conv2D`` layer on one (H, W) array and return its (H', W') output.

    The lecture's helper: initializes the layer if needed, views X as a batch of one
    single-channel example (1, 1, H, W) and drops those two axes from the result.
    """
    func = "comp_conv2d"
    if not hasattr(conv2d, "collect_params"):
        raise ValueError(f"{func}: conv2d must be a Gluon layer such as nn.Conv2D, got {type(conv2d).__name__}")
    from mxnet import nd
    X = X if hasattr(X, "asnumpy") else nd.array(to_numpy(X, "X", func)[0])
    if X.ndim != 2:
        raise ValueError(f"{func}: X must be a 2-D array (H, W), got shape {tuple(X.shape)}")
    params = list(conv2d.collect_params().values())
    dtype = params[0].dtype if params else np.float32
    if X.dtype != dtype:  # a float64 or integer X would meet float32 weights
        X = X.astype(dtype)
    settings = getattr(conv2d, "_kwargs", {})
    if "kernel" in settings:  # check the shapes first, for a message better than MXNet's
        try:
            conv_output_shape(X.shape, settings["kernel"], settings.get("pad", 0),
                              settings.get("stride", 1), settings.get("dilate", 1))
        except ValueError as err:
            raise ValueError(f"{func}: the layer cannot run on X of shape {X.shape}: "
                             f"{str(err).split(': ', 1)[1]}") from None
    if any(p._data is None and not p._deferred_init for p in params):
        conv2d.initialize()
    try:
        Y = conv2d(X.reshape((1, 1) + X.shape))
    except Exception as err:  # MXNet's own message is a long C++ traceback: keep its last line
        lines = [ln.strip() for ln in str(err).strip().splitlines() if ln.strip()]
        reason = next((ln for ln in lines if "Check failed" in ln), lines[-1] if lines else type(err).__name__)
        raise ValueError(f"{func}: the layer cannot run on X of shape {X.shape}: {reason[:300]}") from None
    return Y.reshape(Y.shape[2:])
