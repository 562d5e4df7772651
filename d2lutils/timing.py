"""Timing helpers shared by lesson 8 and ``make bench``.

``median_time`` is a small ``timeit``: warm up, then take the median of many runs.
``corr2d_loop`` is the lecture's per-pixel loop, the one lesson 2 teaches: lesson 8 and
``make bench`` measure the fast code against it, and lesson 2's solutions import it to show
why ``autograd`` cannot record it (the course API is ``d2lutils.corr2d``). ``conv_mxnet``
and ``pool_mxnet`` call MXNet's own operators and wait for the result: MXNet runs
asynchronously, so a timing that does not ask for the values measures almost nothing.
``corr2d_loop_torch``, ``conv_torch`` and ``pool_torch`` are the same for PyTorch: the loop on torch
tensors, and ``torch.nn.functional.conv2d`` / ``max_pool2d`` / ``avg_pool2d`` (PyTorch computes at once
on the CPU: the result is ready when the call returns).
All of them check their arguments first and refuse, in one line, sizes that would not finish in
seconds (the checks wrap the lecture's code, which ``inspect.getsource`` still shows as it is).
Importing this module imports neither MXNet nor PyTorch: each function imports its framework when called.
"""
import time

import numpy as np

from ._validate import as_int, check_ndim, check_size, check_work, describe, is_ndarray, to_ndarray, to_numpy
from ._validate import checked as _checked

#: The clock median_time reads (seconds); tests replace it to time without a real clock.
_clock = time.perf_counter

#: median_time: at most this many measured batches, calls per batch, warm-up calls, and calls in all.
MAX_REPEAT = 10_000
MAX_NUMBER = 1_000_000
MAX_WARMUP = 1_000
MAX_CALLS = 1_000_000

#: corr2d_loop: at most this many output pixels (224 x 224: the loop takes 10 to 30 s there, one Python step
#: of about 0.3 ms per pixel), and this many multiply-adds in all.
MAX_LOOP_PIXELS = 224 * 224
MAX_LOOP_WORK = 1 << 24


def _count(name, value, least, most):
    """``value`` as an int if it is a whole number in [least, most]; otherwise a ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"median_time: {name} must be a whole number >= {least}, got {describe(value)}")
    value = int(value)
    if value < least:
        raise ValueError(f"median_time: {name} must be a whole number >= {least}, got {value}")
    if value > most:
        raise ValueError(f"median_time: {name} must be at most {most:,}, got {describe(value)}")
    return value


def median_time(f, repeat=20, number=1, warmup=1):
    """Median wall time of one call ``f()``, in seconds (a float).

    ``f`` takes no arguments (wrap a call in a ``lambda``); its result is discarded, so for
    asynchronous MXNet code ``f`` must wait for the values itself (``.asnumpy()`` or
    ``.wait_to_read()``). Calls ``f`` ``warmup`` times unmeasured, then measures ``repeat``
    batches of ``number`` calls each and returns the median batch time divided by ``number``.
    ``repeat`` (at most MAX_REPEAT) and ``number`` (at most MAX_NUMBER) are whole numbers >= 1,
    ``warmup`` one >= 0 (at most MAX_WARMUP), and f is called at most MAX_CALLS times in all;
    anything else raises a ValueError naming the argument.
    """
    if not callable(f):
        raise ValueError(f"median_time: f must be a function taking no arguments (e.g. lambda: corr2d(X, K)), "
                         f"got {describe(f)}")
    repeat = _count("repeat", repeat, 1, MAX_REPEAT)
    number = _count("number", number, 1, MAX_NUMBER)
    warmup = _count("warmup", warmup, 0, MAX_WARMUP)
    if repeat * number + warmup > MAX_CALLS:
        raise ValueError(f"median_time: repeat * number + warmup = {repeat * number + warmup:,} calls, more than "
                         f"{MAX_CALLS:,}; a median over 20 to 100 batches is plenty")
    for _ in range(warmup):
        f()
    times = []
    for _ in range(repeat):
        start = _clock()
        for _ in range(number):
            f()
        times.append((_clock() - start) / number)
    return float(np.median(times))


def _loop_inputs(X, K, func="corr2d_loop"):
    """X (H, W) and K (kh, kw) as NDArrays (torch tensors for ``corr2d_loop_torch``) of a size the lecture's
    loop finishes within seconds."""
    arrays = []
    for A, name, layout in ((X, "X", "(H, W)"), (K, "K", "(kh, kw)")):
        if func == "corr2d_loop_torch":
            A = _torch_array(A, name, func, 2, layout, np.float32)
        elif not is_ndarray(A):
            A = to_ndarray(to_numpy(A, name, func)[0], np.float32)
        else:
            check_size(int(np.prod(A.shape, dtype=object)), f"{name} of shape {A.shape}", func,
                       advice="use a smaller array")
            if A.ndim != 2:
                raise ValueError(f"{func}: {name} must be a 2-D array {layout}, got shape {A.shape} ({A.ndim}-D)")
        if 0 in A.shape:
            raise ValueError(f"{func}: {name} must not be empty, got shape {tuple(A.shape)}")
        arrays.append(A)
    X, K = arrays
    out = (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
    if min(out) < 1:
        raise ValueError(f"{func}: K of shape {tuple(K.shape)} is larger than X of shape {tuple(X.shape)}; "
                         f"use a smaller K")
    pixels = out[0] * out[1]
    if pixels > MAX_LOOP_PIXELS:
        raise ValueError(f"{func}: the loop would take {pixels:,} Python steps (one per output pixel, output {out}), "
                         f"more than {MAX_LOOP_PIXELS:,} (224 x 224, 10 to 30 s); use a smaller X, or d2lutils.corr2d")
    check_work(pixels * int(np.prod(tuple(K.shape))), func, advice="use a smaller X or K, or d2lutils.corr2d",
               limit=MAX_LOOP_WORK)
    return X, K


def corr2d_loop(X, K):
    """The per-pixel loop of lesson 2: X (H, W), K (kh, kw) NDArrays -> Y (H-kh+1, W-kw+1) NDArray.

    One Python step, one slice, one product, one sum and one assignment per output
    pixel. Correct and clear, and thousands of times slower than whole-array code.
    """
    from mxnet import nd
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


corr2d_loop = _checked(_loop_inputs)(corr2d_loop)  # NDArrays small enough for the loop to finish (224 x 224 outputs)


def corr2d_loop_torch(X, K):
    """The per-pixel loop of lesson 2: X (H, W), K (kh, kw) torch tensors -> Y (H-kh+1, W-kw+1) tensor.

    One Python step, one slice, one product, one sum and one assignment per output
    pixel. Correct and clear, and thousands of times slower than whole-array code.
    """
    import torch
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


corr2d_loop_torch = _checked(lambda X, K: _loop_inputs(X, K, "corr2d_loop_torch"))(corr2d_loop_torch)


def _torch_array(A, name, func, ndim, layout, dtype=None):
    """A as a CPU torch tensor of ``ndim`` axes within the size limits, detached from autograd (numpy arrays
    and lists are converted: float16/32/64 kept, other dtypes as float32, or ``dtype`` if given)."""
    import torch
    if isinstance(A, torch.Tensor):
        shape = tuple(A.shape)
        check_size(int(np.prod(shape, dtype=object)), f"{name} of shape {shape}", func, advice="use a smaller array")
        if A.device.type != "cpu":
            raise ValueError(f"{func}: {name} must be a tensor on the CPU, got one on {A.device}; use {name}.cpu()")
        if A.is_complex() or A.dtype == torch.bool:
            raise ValueError(f"{func}: {name} must hold real numbers, got a tensor of dtype {A.dtype}")
        if A.ndim != ndim or 0 in shape:
            raise ValueError(f"{func}: {name} must be a non-empty {ndim}-D array {layout}, got shape {shape}")
        A = A.detach()
        if dtype is not None and A.dtype != torch.float32:
            A = A.to(torch.float32)
        elif not A.is_floating_point():
            A = A.to(torch.float32)
        return A
    A = to_numpy(A, name, func)[0]
    check_ndim(A, ndim, name, func, layout)
    if dtype is None:
        dtype = A.dtype if A.dtype in (np.float16, np.float32, np.float64) else np.float32
    return torch.from_numpy(np.array(A, dtype=dtype, order="C"))


def _mxnet_array(A, name, func, ndim, layout):
    """A as an NDArray of ``ndim`` axes within the size limits (numpy arrays and lists are converted)."""
    if is_ndarray(A):
        check_size(int(np.prod(A.shape, dtype=object)), f"{name} of shape {A.shape}", func,
                   advice="use a smaller array")
        if A.ndim != ndim or 0 in A.shape:
            raise ValueError(f"{func}: {name} must be a non-empty {ndim}-D array {layout}, got shape {A.shape}")
        return A
    A = to_numpy(A, name, func)[0]
    check_ndim(A, ndim, name, func, layout)
    return to_ndarray(A)


def _conv_inputs(X, K, func="conv_mxnet"):
    """X (c_i, H, W) and K (c_o, c_i, kh, kw) as NDArrays (torch tensors for ``conv_torch``) of one dtype whose
    convolution fits the limits."""
    array = _torch_array if func == "conv_torch" else _mxnet_array
    X = array(X, "X", func, 3, "(c_i, H, W)")
    K = array(K, "K", func, 4, "(c_o, c_i, kh, kw)")
    (c_i, H, W), (c_o, k_i, kh, kw) = tuple(X.shape), tuple(K.shape)
    if c_i != k_i:
        raise ValueError(f"{func}: X has {c_i} input channels (shape {tuple(X.shape)}) but K has {k_i} "
                         f"(shape {tuple(K.shape)}); they must match")
    if kh > H or kw > W:
        raise ValueError(f"{func}: K of shape {tuple(K.shape)} has a window larger than X of shape {tuple(X.shape)}")
    out = (H - kh + 1) * (W - kw + 1)
    check_size(c_o * out, f"the output, of shape {(c_o, H - kh + 1, W - kw + 1)},", func, advice="use a smaller X")
    check_work(c_o * c_i * kh * kw * out, func, advice="use a smaller X or K")
    if K.dtype == X.dtype:
        return X, K
    return X, (K.to(X.dtype) if func == "conv_torch" else K.astype(X.dtype))


def conv_mxnet(X, K):
    """MXNet's ``nd.Convolution`` as a function: X (c_i, H, W), K (c_o, c_i, kh, kw) -> numpy (c_o, H', W').

    X and K are NDArrays; stride 1, no padding, no bias. ``.asnumpy()`` waits for the result.
    """
    from mxnet import nd
    Y = nd.Convolution(X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0], no_bias=True)
    return Y[0].asnumpy()


conv_mxnet = _checked(_conv_inputs)(conv_mxnet)  # shapes that fit, a size MXNet finishes at once


def _pool_inputs(X, pool_size, mode="max", func="pool_mxnet"):
    """X (H, W) as an NDArray (a torch tensor for ``pool_torch``), the window side as an int that fits X, and
    the mode."""
    if not isinstance(mode, str) or mode not in ("max", "avg"):
        raise ValueError(f"{func}: mode must be 'max' or 'avg', got {describe(mode)}")
    X = (_torch_array if func == "pool_torch" else _mxnet_array)(X, "X", func, 2, "(H, W)")
    return X, as_int(pool_size, "pool_size", func, 1, min(X.shape)), mode


def pool_mxnet(X, pool_size, mode="max"):
    """MXNet's ``nd.Pooling`` with stride 1, no padding: X (H, W) NDArray -> numpy (H-p+1, W-p+1).

    ``pool_size`` is the side p of the square window (an int); ``mode`` is "max" or "avg".
    ``.asnumpy()`` waits for the result.
    """
    from mxnet import nd
    Y = nd.Pooling(X.reshape((1, 1) + X.shape), kernel=(pool_size, pool_size), stride=(1, 1),
                   pool_type=mode)
    return Y[0, 0].asnumpy()


pool_mxnet = _checked(_pool_inputs)(pool_mxnet)  # a window that fits X


def conv_torch(X, K):
    """PyTorch's ``torch.nn.functional.conv2d`` as a function: X (c_i, H, W), K (c_o, c_i, kh, kw) -> numpy
    (c_o, H', W').

    X and K are torch tensors (numpy arrays and lists are converted; K takes X's dtype); stride 1, no padding,
    no bias, computed without autograd. PyTorch computes on the CPU before returning: ``.numpy()`` is a view of
    the result, not a copy.
    """
    import torch
    import torch.nn.functional as F
    with torch.no_grad():
        Y = F.conv2d(X[None], K)
    return Y[0].numpy()


conv_torch = _checked(lambda X, K: _conv_inputs(X, K, "conv_torch"))(conv_torch)  # as conv_mxnet's checks


def pool_torch(X, pool_size, mode="max"):
    """PyTorch's ``F.max_pool2d`` / ``F.avg_pool2d`` with stride 1, no padding: X (H, W) tensor -> numpy
    (H-p+1, W-p+1).

    ``pool_size`` is the side p of the square window (an int); ``mode`` is "max" or "avg".
    """
    import torch
    import torch.nn.functional as F
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    with torch.no_grad():
        Y = pool(X[None, None], pool_size, stride=1)
    return Y[0, 0].numpy()


pool_torch = _checked(lambda X, pool_size, mode="max": _pool_inputs(X, pool_size, mode, "pool_torch"))(pool_torch)
