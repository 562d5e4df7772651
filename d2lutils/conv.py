"""Cross-correlation, the operation deep-learning libraries call "convolution".

All functions accept MXNet NDArrays, torch tensors (CPU; read detached), numpy arrays or
nested lists and return the same kind they were given (lists come back as numpy). They are vectorized the way
lesson 8 explains: one output channel with a small kernel is a sum of shifted slices
of the input (one whole-array multiply-add per kernel weight); otherwise every window
of the (padded) input is copied into the columns of one matrix (im2col) by a single
numpy operation, whatever the size of the kernel, and the whole layer is one matrix
product. Lesson 2 shows the loop.

Every function answers within about a second and a few hundred MB, or refuses at once
with a ``ValueError``: at most ``MAX_ELEMENTS`` numbers in any array (input, padded
input, block of windows, output) and ``MAX_WORK`` multiply-adds per call
(see ``d2lutils._validate``). Larger inputs are worked through in blocks of windows.
"""
import math
import sys
import threading

import numpy as np

from . import _torch
from ._validate import (MAX_ELEMENTS, as_pair, check_ndim, check_size, check_work, describe, is_ndarray,
                        like_input, to_ndarray, to_numpy)
from .shapes import _axis, conv_output_shape, pool_output_shape, window_problem

#: The most window values one block of the im2col matrix holds; larger layers are done block by block.
MAX_COLS = MAX_ELEMENTS

_INT64_MAX = (1 << 63) - 1
_EXACT_IN_FLOAT64 = 1 << 53  # integers up to this size are exact in float64, and so are their sums


def _output_shape(shape, kernel, padding, stride, dilation, func, kname="K"):
    """Output (H', W') of a window ``kernel`` on an input (H, W); a ValueError if the window does not fit.

    ``kname`` names the window in the error for a window larger than the padded input.
    """
    problem = window_problem(shape, kernel, padding, dilation)
    if problem:
        spans = (f" spans {problem.extent} {'rows' if problem.axis == 0 else 'columns'} (dilation {dilation}) and"
                 if dilation[problem.axis] > 1 else "")
        raise ValueError(
            f"{func}: {kname} of shape {tuple(kernel)}{spans} is larger than the input X of "
            f"shape {tuple(shape)} with padding {padding}; use a smaller {kname} or more padding")
    return tuple(_axis(shape[a], kernel[a], padding[a], stride[a], dilation[a]) for a in range(2))


def _pad(X, padding, value=0):
    """Pad the last two axes of X (..., H, W) by ``padding`` (per side) -> a new (..., H+2ph, W+2pw) array.

    Without padding X itself is returned. Callers check the padded size first (:func:`_check_padded`).
    """
    ph, pw = padding
    if ph == 0 and pw == 0:
        return X
    H, W = X.shape[-2:]
    Xp = np.full(X.shape[:-2] + (H + 2 * ph, W + 2 * pw), value, dtype=X.dtype)
    Xp[..., ph:ph + H, pw:pw + W] = X
    return Xp


def _check_padded(shape, padding, func, name="X"):
    """Refuse padding that would make the input (..., H, W) hold more than MAX_ELEMENTS numbers."""
    ph, pw = padding
    if ph or pw:
        count = int(np.prod(shape[:-2], dtype=object)) * (shape[-2] + 2 * ph) * (shape[-1] + 2 * pw)
        check_size(count, f"padding {padding} on {name} of shape {tuple(shape)}", func,
                   advice="padding is meant to be a few rows and columns (less than the kernel size)")


def _max_abs(A):
    """max |A| as an exact Python int (A holds booleans or integers)."""
    if A.dtype == bool:
        return int(A.any())
    return max(abs(int(A.max())), abs(int(A.min())))


def _dtypes(X, K, terms, func):
    """(dtype to compute in, dtype of the result) for X and K, ``terms`` products per output value.

    Floats as numpy promotes them (float16 is computed in float32). Integers and booleans give int64
    results, exact: computed in float64 (fast matrix products) while every sum stays below 2**53, else
    in int64; sums that could overflow int64 are refused.
    """
    dtype = np.result_type(X.dtype, K.dtype)
    if dtype.kind == "f":
        return (np.dtype(np.float32) if dtype == np.float16 else dtype), dtype
    bound = _max_abs(X) * _max_abs(K) * terms
    if bound > _INT64_MAX:
        raise ValueError(f"{func}: the integers in X (up to {describe(_max_abs(X))} in size) and K (up to "
                         f"{describe(_max_abs(K))}) are so large that the sums could overflow int64; "
                         f"convert them to floats first, e.g. X.astype('float64')")
    return np.dtype(np.float64 if bound <= _EXACT_IN_FLOAT64 else np.int64), np.dtype(np.int64)


def _windows(Xp, kernel, stride, dilation, out):
    """Every window of Xp (c, Hp, Wp) as a view (c, kh, kw, H', W'): no copy. Only read from it."""
    sc, sh, sw = Xp.strides
    shape = (Xp.shape[0],) + tuple(kernel) + tuple(out)
    strides = (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1])
    if Xp.flags.c_contiguous:  # the array constructor is ten times cheaper than as_strided
        return np.ndarray(shape, Xp.dtype, Xp, 0, strides)
    return np.lib.stride_tricks.as_strided(Xp, shape=shape, strides=strides, writeable=False)


#: Blocks of windows up to this many bytes are copied into one buffer kept per thread and reused. A
#: fresh buffer of a few hundred KB comes from the operating system on every call (malloc maps large
#: blocks and unmaps them when freed), and touching new pages while the BLAS threads run costs more than
#: the product itself (measured: 3 -> 16 channels on 64x64, 130 us instead of 55 us). MXNet pools its
#: memory for the same reason. Larger blocks are allocated each time: their arithmetic dominates.
_SCRATCH_BYTES = 1 << 23
_scratch = threading.local()


def _cols_buffer(shape, dtype):
    """An uninitialised array of ``shape`` for a block of windows: the thread's reused buffer if it fits."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > _SCRATCH_BYTES:
        return np.empty(shape, dtype=dtype)
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.nbytes < nbytes:
        buf = _scratch.buf = np.empty(max(nbytes, 1 << 16), dtype=np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def _im2col(V, depth):
    """The windows V (c, kh, kw, h, w) (a strided view) copied into a (c*kh*kw, h*w) matrix."""
    cols = _cols_buffer(V.shape, V.dtype)
    np.copyto(cols, V)
    return cols.reshape(depth, -1)


# Products are kept on one thread unless they are large. numpy's OpenBLAS splits a matrix product over all
# cores once m*n*k exceeds 4 * 65536 (a matrix-vector product once m*n reaches 4 * 2304): constants of the
# library (SMP_THRESHOLD_MIN x GEMM_MULTITHREAD_THRESHOLD in its interface/gemm.c), the same on every CPU. The
# lessons load MXNet, whose own thread pool (OpenMP) shares the cores, and learners' machines run other
# programs: when a thread of the split product finds no free core, the call waits for the scheduler's next
# tick, milliseconds for a product that takes 50 us on one core (measured in `make bench` on this machine:
# medians of 4 to 16 ms instead of 0.1 ms, in some runs and not others). Below _ONE_THREAD_MAX_MNK
# multiply-adds (under a millisecond on one core) threads can save at most a fraction of that, so such
# products are done in column blocks that OpenBLAS keeps on one thread; larger ones go to BLAS in one call.
_BLAS_ONE_THREAD_MNK = 4 * 65536
_ONE_THREAD_MAX_MNK = 1 << 24
#: One output channel whose values are sums of at most this many products is computed as a sum of shifted
#: slices of the input (one whole-array multiply-add per weight): no im2col copy, no matrix product, no threads.
_SLICES_MAX_DEPTH = 64


def _matmul(A, B):
    """A (m, k) @ B (k, n) -> a new (m, n) array; float products below _ONE_THREAD_MAX_MNK multiply-adds
    in column blocks that BLAS computes on one thread (see above)."""
    (m, k), n = A.shape, B.shape[1]
    step = _BLAS_ONE_THREAD_MNK // max(m * k, 1)
    if A.dtype.kind != "f" or m * k * n > _ONE_THREAD_MAX_MNK or step >= n or step < 1:
        return A @ B
    Y = np.empty((m, n), dtype=np.result_type(A, B))
    for i in range(0, n, step):
        np.matmul(A, B[:, i:i + step], out=Y[:, i:i + step])
    return Y


def _shifted_sum(Xp, K, stride, dilation, out):
    """One output channel as a sum of shifted slices: Xp (c, Hp, Wp), K (c, kh, kw) -> Y (H', W'), new.

    With stride 1 every slice is a contiguous run of the flattened input: output row i, column j sits at
    i*Wp + j of a full-width result whose last kw' - 1 columns (windows that wrap to the next row) are dropped.
    """
    c, kh, kw = K.shape
    (Ho, Wo), (dh, dw), (sh, sw) = out, dilation, stride
    taps = [(ch, a, b) for ch in range(c) for a in range(kh) for b in range(kw)]
    if (sh, sw) == (1, 1):
        Wp = Xp.shape[2]
        F = np.ascontiguousarray(Xp).reshape(c, -1)
        length = (Ho - 1) * Wp + Wo
        full = np.empty(Ho * Wp, dtype=Xp.dtype)
        Y, term = full[:length], _cols_buffer((length,), Xp.dtype)

        def window(ch, a, b):
            start = a * dh * Wp + b * dw
            return F[ch, start:start + length]
    else:
        Y, term = np.empty(out, dtype=Xp.dtype), _cols_buffer(out, Xp.dtype)

        def window(ch, a, b):
            return Xp[ch, a * dh:a * dh + sh * (Ho - 1) + 1:sh, b * dw:b * dw + sw * (Wo - 1) + 1:sw]
    ch, a, b = taps[0]
    np.multiply(window(ch, a, b), K[ch, a, b], out=Y)
    for ch, a, b in taps[1:]:
        np.multiply(window(ch, a, b), K[ch, a, b], out=term)
        np.add(Y, term, out=Y)
    if (sh, sw) == (1, 1):
        return np.ascontiguousarray(full.reshape(Ho, Wp)[:, :Wo])
    return Y


def _correlate(X, K, padding, stride, dilation, func, shown=None):
    """numpy core: X (c_i, H, W), K (c_o, c_i, kh, kw) -> Y (c_o, H', W'), a new array.

    ``shown`` is the shape of X as the caller was given it, for messages (default ``X.shape``).

    One output channel with few weights: a sum of shifted slices (:func:`_shifted_sum`). Otherwise
    im2col: the windows are copied into a (c_i*kh*kw, H'*W') matrix by one numpy operation and
    multiplied by K as a (c_o, c_i*kh*kw) matrix. Layers whose matrix would exceed MAX_COLS values are
    done in blocks of output rows (or of columns within a row).
    """
    c_i, H, W = X.shape
    c_o, _, kh, kw = K.shape
    Ho, Wo = _output_shape((H, W), (kh, kw), padding, stride, dilation, func)
    depth, n_out = c_i * kh * kw, Ho * Wo
    _check_padded(X.shape if shown is None else shown, padding, func)
    if c_o * n_out > MAX_ELEMENTS:
        check_size(c_o * n_out, f"the output, of shape {(c_o, Ho, Wo) if c_o > 1 else (Ho, Wo)},", func,
                   advice="use a smaller input, less padding or a larger stride")
    check_work(c_o * depth * n_out, func, advice="use a smaller X or K, or MXNet's nd.Convolution")
    compute, result = _dtypes(X, K, depth, func)
    Xp = _pad(X.astype(compute, copy=False), padding)
    Kc = K.astype(compute, copy=False)
    Kmat = Kc.reshape(c_o, depth)
    with np.errstate(all="ignore"):  # overflow to inf, as in MXNet, without warnings
        if c_o == 1 and depth <= _SLICES_MAX_DEPTH:
            Y = _shifted_sum(Xp, Kc[0], stride, dilation, (Ho, Wo))[None]
        elif (kh, kw) == (1, 1) and stride == (1, 1):
            Y = _matmul(Kmat, Xp.reshape(c_i, -1)).reshape(c_o, Ho, Wo)
        else:
            V = _windows(Xp, (kh, kw), stride, dilation, (Ho, Wo))
            if depth * n_out <= MAX_COLS:
                Y = _matmul(Kmat, _im2col(V, depth)).reshape(c_o, Ho, Wo)
            else:
                Y = np.empty((c_o, Ho, Wo), dtype=compute)
                tile_w = Wo if depth * Wo <= MAX_COLS else max(1, MAX_COLS // depth)
                tile_h = max(1, MAX_COLS // (depth * tile_w))
                for r in range(0, Ho, tile_h):
                    for c in range(0, Wo, tile_w):
                        T = V[..., r:r + tile_h, c:c + tile_w]
                        Y[:, r:r + tile_h, c:c + tile_w] = _matmul(Kmat, _im2col(T, depth)).reshape(
                            (c_o,) + T.shape[-2:])
    return Y if Y.dtype == result else Y.astype(result)


def _options(padding, stride, dilation, func):
    return (as_pair(padding, "padding", func, 0), as_pair(stride, "stride", func, 1),
            as_pair(dilation, "dilation", func, 1))


def _channel_inputs(X, K, func, k_layout):
    """Validate X (c_i, H, W) and K of layout ``k_layout`` whose c_i axis is the one before (kh, kw)."""
    X, kind = to_numpy(X, "X", func)
    K, _ = to_numpy(K, "K", func)
    check_ndim(X, 3, "X", func, "(c_i, H, W)")
    check_ndim(K, k_layout.count(",") + 1, "K", func, k_layout)
    axis = K.ndim - 3
    if X.shape[0] != K.shape[axis]:
        raise ValueError(f"{func}: X has {X.shape[0]} input channels (shape {X.shape}) but K has "
                         f"{K.shape[axis]} (shape {K.shape}, axis {axis}); they must match")
    return X, K, kind


def corr2d(X, K, padding=0, stride=1, dilation=1):
    """2-D cross-correlation of one channel: X (H, W), K (kh, kw) -> Y (H', W').

    With the defaults, ``Y[i, j] = (X[i:i+kh, j:j+kw] * K).sum()`` and
    ``(H', W') = (H - kh + 1, W - kw + 1)``. ``padding`` (zeros, per side), ``stride``
    and ``dilation`` work as in Gluon's ``Conv2D``; each is an int or an (h, w) pair.
    """
    func = "corr2d"
    X, kind = to_numpy(X, "X", func)
    K, _ = to_numpy(K, "K", func)
    check_ndim(X, 2, "X", func, "(H, W)")
    check_ndim(K, 2, "K", func, "(kh, kw)")
    Y = _correlate(X[None], K[None, None], *_options(padding, stride, dilation, func), func, shown=X.shape)
    return like_input(Y.reshape(Y.shape[1:]), kind)


def corr2d_multi_in(X, K, padding=0, stride=1, dilation=1):
    """Cross-correlation summed over input channels: X (c_i, H, W), K (c_i, kh, kw) -> (H', W')."""
    func = "corr2d_multi_in"
    X, K, kind = _channel_inputs(X, K, func, "(c_i, kh, kw)")
    Y = _correlate(X, K[None], *_options(padding, stride, dilation, func), func)
    return like_input(Y.reshape(Y.shape[1:]), kind)


def corr2d_multi_in_out(X, K, padding=0, stride=1, dilation=1):
    """One output channel per kernel: X (c_i, H, W), K (c_o, c_i, kh, kw) -> (c_o, H', W')."""
    func = "corr2d_multi_in_out"
    X, K, kind = _channel_inputs(X, K, func, "(c_o, c_i, kh, kw)")
    return like_input(_correlate(X, K, *_options(padding, stride, dilation, func), func), kind)


def corr2d_multi_in_out_1x1(X, K):
    """1x1 convolution as one matrix product: X (c_i, H, W), K (c_o, c_i, 1, 1) -> (c_o, H, W).

    Each pixel's channel vector is multiplied by the (c_o, c_i) weight matrix:
    a dense layer applied at every pixel.
    """
    func = "corr2d_multi_in_out_1x1"
    X, K, kind = _channel_inputs(X, K, func, "(c_o, c_i, 1, 1)")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"{func}: K must have a 1x1 window, shape (c_o, c_i, 1, 1); got {K.shape}")
    return like_input(_correlate(X, K, (0, 0), (1, 1), (1, 1), func), kind)


def _gluon_settings(layer, func):
    """(kind, kernel, padding, stride, dilation, c_o) of a Gluon Conv2D/MaxPool2D/AvgPool2D, or a ValueError."""
    nn = sys.modules.get("mxnet.gluon.nn")  # a Gluon layer exists only if Gluon is loaded: never import it here
    if nn is None or not isinstance(layer, (nn.Conv2D, nn.MaxPool2D, nn.AvgPool2D)):
        raise ValueError(f"{func}: conv2d must be a Gluon layer such as nn.Conv2D or a PyTorch layer such as nn.Conv2d "
                         f"(or a max or average pooling layer), got {describe(layer)}")
    from .receptive import as_layer
    spec = as_layer(layer, func, "conv2d")  # checks the layout and the pooling convention
    c_o = 1
    if spec.kind == "conv":
        in_channels, groups = getattr(layer, "_in_channels", 0), layer._kwargs.get("num_group", 1)
        if in_channels not in (0, 1) or groups != 1:
            raise ValueError(f"{func}: the layer expects {in_channels} input channels in {groups} groups, but "
                             f"comp_conv2d feeds it one channel (X as (1, 1, H, W)); use a layer with "
                             f"in_channels=1 (or none given) and groups=1")
        c_o = layer._channels
    return spec, c_o


def comp_conv2d(conv2d, X):
    """Run a convolution layer on one (H, W) array and return its (H', W') output.

    The lecture's helper: views X as a batch of one single-channel example (1, 1, H, W), feeds
    that to the layer and drops those two axes from the result (with several output channels,
    (c_o, H', W') remains).

    * A Gluon ``nn.Conv2D`` (initialized if needed; ``in_channels`` 1 or not given), ``nn.MaxPool2D``
      or ``nn.AvgPool2D`` returns an NDArray.
    * A PyTorch ``nn.Conv2d`` must have ``in_channels=1`` (PyTorch needs it, and comp_conv2d feeds one
      channel) and ``groups=1``; ``nn.MaxPool2d`` and ``nn.AvgPool2d`` work too. It runs under
      ``torch.no_grad()`` in the dtype of the layer's weights and returns a tensor.

    X may be an NDArray, a tensor, a numpy array or nested lists. Settings that do not fit X, or that
    would need more than the limits of ``d2lutils._validate``, are refused before the framework runs.
    """
    func = "comp_conv2d"
    torch_kind = _torch.layer_type(conv2d)
    if torch_kind:
        return _comp_conv2d_torch(conv2d, torch_kind, X, func)
    spec, c_o = _gluon_settings(conv2d, func)
    if is_ndarray(X):
        shape = tuple(X.shape)
        check_size(int(np.prod(shape, dtype=object)), f"X of shape {shape}", func, advice="use a smaller X")
        if X.ndim != 2:
            raise ValueError(f"{func}: X must be a 2-D array (H, W), got shape {shape}")
    else:
        A, _ = to_numpy(X, "X", func)
        check_ndim(A, 2, "X", func, "(H, W)")
        X = to_ndarray(A)
    try:
        if spec.kind == "conv":
            out = conv_output_shape(X.shape, spec.kernel_size, spec.padding, spec.stride, spec.dilation)
        else:
            out = pool_output_shape(X.shape, spec.kernel_size, spec.padding, spec.stride)
    except ValueError as err:
        raise ValueError(f"{func}: the layer cannot run on X of shape {X.shape}: {str(err).split(': ', 1)[1]}") \
            from None
    _check_padded(X.shape, spec.padding, func)
    check_size(c_o * out[0] * out[1], f"the output, of shape {(c_o,) + out},", func,
               advice="use a smaller X, less padding or a larger stride")
    check_work(c_o * spec.kernel_size[0] * spec.kernel_size[1] * out[0] * out[1], func,
               advice="use a smaller X or kernel")
    params = list(conv2d.collect_params().values())
    dtype = params[0].dtype if params else np.float32
    if X.dtype != dtype:  # a float64 or integer X would meet float32 weights
        X = X.astype(dtype)
    if any(p._data is None and not p._deferred_init for p in params):
        conv2d.initialize()
    try:
        Y = conv2d(X.reshape((1, 1) + X.shape))
        Y.wait_to_read()  # MXNet is asynchronous: its errors surface here, inside this try
    except Exception as err:  # MXNet's own message is a long C++ traceback: keep its reason
        lines = [ln.strip() for ln in str(err).strip().splitlines() if ln.strip()]
        reason = next((ln for ln in lines if "Check failed" in ln), lines[-1] if lines else type(err).__name__)
        raise ValueError(f"{func}: the layer cannot run on X of shape {X.shape}: {reason[:200]}") from None
    return Y.reshape(Y.shape[2:]) if Y.shape[1] == 1 else Y.reshape(Y.shape[1:])


def _torch_layer(layer, kind, func):
    """(kernel, padding (pair, or the (top, left) of 'same'), stride, dilation, padding_mode, c_o, ceil_mode) of
    a torch Conv2d/MaxPool2d/AvgPool2d, refusing in one line what comp_conv2d cannot feed it."""
    s = _torch.layer_settings(layer, func, kind)
    k = as_pair(s["kernel_size"], "conv2d.kernel_size", func, 1)
    st = as_pair(s["stride"], "conv2d.stride", func, 1)
    d = as_pair(s["dilation"], "conv2d.dilation", func, 1)
    ceil = bool(s["ceil_mode"]) if kind != "conv" else False
    mode = "zeros"
    if kind == "conv":
        in_channels, groups = s["in_channels"], s["groups"]
        if in_channels not in (0, 1) or groups != 1:
            raise ValueError(f"{func}: conv2d has in_channels={describe(in_channels)} and groups={describe(groups)}, "
                             f"but comp_conv2d feeds it one channel (X as (1, 1, H, W)); use "
                             f"nn.Conv2d(1, out_channels, kernel_size) (in_channels=1, groups=1)")
        padding, mode = s["padding"], s["padding_mode"]
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{func}: conv2d.padding must be 'same', 'valid', an int or a pair, "
                                 f"got {describe(padding)}")
            if padding == "same" and st != (1, 1):
                raise ValueError(f"{func}: conv2d has padding='same' with stride {st}; PyTorch allows "
                                 f"padding='same' only with stride 1")
            padding = tuple((d[a] * (k[a] - 1)) // 2 for a in range(2)) if padding == "same" else (0, 0)
            same = s["padding"] == "same"
        else:
            padding, same = as_pair(padding, "conv2d.padding", func, 0), False
        if mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"{func}: conv2d.padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', "
                             f"got {describe(mode)}")
        c_o = s["out_channels"]
        if not isinstance(c_o, int) or c_o < 1:
            raise ValueError(f"{func}: conv2d.out_channels must be a positive integer, got {describe(c_o)}")
        return k, padding, same, st, d, mode, c_o, ceil
    if s["return_indices"]:
        raise ValueError(f"{func}: conv2d has return_indices=True, so it returns (values, indices); "
                         f"use nn.MaxPool2d without return_indices")
    padding = as_pair(s["padding"], "conv2d.padding", func, 0)
    if padding[0] > k[0] // 2 or padding[1] > k[1] // 2:
        raise ValueError(f"{func}: conv2d.padding {padding} must be at most half of its kernel_size {k}, "
                         f"as PyTorch's pooling layers require")
    return k, padding, False, st, d, mode, 1, ceil


def _torch_out(n, k, p, s, d, ceil, same):
    """Output size along one axis of a torch layer (torch's own formula, ceil_mode and padding='same' included)."""
    if same:
        return n
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1  # rounded down, also when negative
    if ceil and (out - 1) * s >= n + p:  # the last window must start inside the input or its left padding
        out -= 1
    return out


def _comp_conv2d_torch(layer, kind, X, func):
    """comp_conv2d for a torch Conv2d (in_channels 1), MaxPool2d or AvgPool2d: -> a tensor (H', W') or
    (c_o, H', W'), every setting checked against X before torch runs."""
    k, p, same, s, d, mode, c_o, ceil = _torch_layer(layer, kind, func)
    A, _ = to_numpy(X, "X", func)
    check_ndim(A, 2, "X", func, "(H, W)")
    H, W = A.shape
    # 'same' pads d*(k-1) in all, the extra row or column (even kernels) at the bottom or right
    pads = [d[a] * (k[a] - 1) - p[a] if same else p[a] for a in range(2)]  # the larger side's padding
    out = tuple(_torch_out(A.shape[a], k[a], p[a], s[a], d[a], ceil, same) for a in range(2))
    if min(out) < 1:
        a = 0 if out[0] < 1 else 1
        raise ValueError(f"{func}: the layer cannot run on X of shape {A.shape}: its window spans "
                         f"{d[a] * (k[a] - 1) + 1} {'rows' if a == 0 else 'columns'}, more than the padded "
                         f"input ({A.shape[a]} + 2*{p[a]}); use a larger X, a smaller kernel or more padding")
    if mode in ("reflect", "circular") and max(pads) > 0:
        limit = [n - 1 if mode == "reflect" else n for n in (H, W)]
        if pads[0] > limit[0] or pads[1] > limit[1]:
            raise ValueError(f"{func}: conv2d.padding_mode={mode!r} pads {tuple(pads)} rows/columns, but X of "
                             f"shape {A.shape} allows at most {tuple(limit)}; use less padding or padding_mode='zeros'")
    _check_padded(A.shape, tuple(pads), func)
    check_size(c_o * out[0] * out[1], f"the output, of shape {(c_o,) + out},", func,
               advice="use a smaller X, less padding or a larger stride")
    check_work(c_o * k[0] * k[1] * out[0] * out[1], func, advice="use a smaller X or kernel")
    try:
        Y = _torch.run_layer(layer, A)
    except Exception as err:  # keep torch's reason, on one line
        lines = [ln.strip() for ln in str(err).strip().splitlines() if ln.strip()]
        reason = lines[0] if lines else type(err).__name__
        raise ValueError(f"{func}: the layer cannot run on X of shape {A.shape}: {reason[:200]}") from None
    return Y.reshape(tuple(Y.shape[2:])) if Y.shape[1] == 1 else Y.reshape(tuple(Y.shape[1:]))
