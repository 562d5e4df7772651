"""Max and average pooling of one channel, vectorized.

A pooling window is separable: the maximum (or the sum) over a kh x kw window is the maximum
over kw columns of the maxima over kh rows. Along each axis the windows are reduced whichever
of three ways costs least, so that the work stays small for any window and input size:

* one whole-array operation per window offset (the lecture's shifted slices: small windows);
* one per output position (few outputs, e.g. a window as large as the input);
* by doubling: maxima (sums) of 2, 4, 8, ... wide windows from pairs of half-as-wide ones,
  combined by the binary digits of the window size (large windows and many outputs: about
  ``n log2(k)`` operations per axis instead of ``n k``).

The results equal MXNet's ``nd.Pooling`` (max exactly; averages up to rounding).
"""
import numpy as np

from ._validate import as_pair, check_ndim, describe, like_input, to_numpy
from .conv import _check_padded, _output_shape, _pad

MODES = ("max", "avg")

#: One numpy call costs about as much as handling this many numbers (used to pick the cheapest way).
_CALL_COST = 2000


def _take(ndim, axis, start, step, count):
    """Index of entries start, start + step, ..., (count of them) along ``axis``."""
    index = [slice(None)] * ndim
    index[axis] = slice(start, start + step * (count - 1) + 1, step)
    return tuple(index)


def _cheapest_way(n, k, m, rest):
    """The way to reduce m windows of k entries along an axis of n (times ``rest`` along the others)
    with the least work, counting each numpy call as _CALL_COST numbers handled."""
    cost = {"offsets": k * (m * rest + _CALL_COST), "outputs": m * (k * rest + _CALL_COST),
            "doubling": (k.bit_length() + bin(k).count("1")) * (n * rest + _CALL_COST)}
    return min(cost, key=cost.get)


def _slide(A, axis, k, s, op, way=None):
    """Reduce windows of ``k`` consecutive entries along ``axis`` with the ufunc ``op`` (np.maximum or
    np.add); windows start at 0, s, 2s, ...: A (..., n, ...) -> (..., (n - k) // s + 1, ...).

    ``way`` ("offsets", "outputs" or "doubling") forces one way (tests); by default the cheapest.
    Returns a new array, or a view of A when k == 1.
    """
    n = A.shape[axis]
    m = (n - k) // s + 1
    if k == 1:
        return A[_take(A.ndim, axis, 0, s, m)]
    way = way or _cheapest_way(n, k, m, A.size // n)
    if way == "offsets":
        Y = A[_take(A.ndim, axis, 0, s, m)].copy()
        for a in range(1, k):
            op(Y, A[_take(A.ndim, axis, a, s, m)], out=Y)
        return Y
    if way == "outputs":
        shape = list(A.shape)
        shape[axis] = m
        Y = np.empty(shape, dtype=A.dtype)
        for i in range(m):
            index = [slice(None)] * A.ndim
            index[axis] = i
            Y[tuple(index)] = op.reduce(A[_take(A.ndim, axis, i * s, 1, k)], axis=axis)
        return Y
    # doubling: P[j] reduces A[j : j + w]; the window k is cut into pieces of the widths of its binary digits
    Y, P, w, offset = None, A, 1, 0
    while True:
        if k & w:
            piece = P[_take(A.ndim, axis, offset, s, m)]
            Y = piece.copy() if Y is None else op(Y, piece, out=Y)
            offset += w
        if 2 * w > k:
            return Y
        length = P.shape[axis] - w
        P = op(P[_take(A.ndim, axis, 0, 1, length)], P[_take(A.ndim, axis, w, 1, length)])
        w *= 2


def pool2d(X, pool_size, mode="max", padding=0, stride=1):
    """Pool one channel: X (H, W) -> Y (H', W') with the max or mean of each window.

    X may be a numpy array, nested lists, an NDArray or a torch tensor (CPU; read detached); Y is of the
    same kind (lists give numpy).

    With the defaults (the lecture's ``pool2d``) the stride is 1 and there is no padding,
    so ``(H', W') = (H - p_h + 1, W - p_w + 1)``. Unlike Gluon's pooling layers, whose
    stride defaults to the pool size, ``stride`` here defaults to 1. ``padding`` follows
    MXNet: max pooling ignores padded cells, average pooling counts them as zeros
    (``count_include_pad=True``, also PyTorch's default), and it must be smaller than ``pool_size``
    (PyTorch's pooling layers allow at most half of it).
    """
    func = "pool2d"
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{func}: mode must be 'max' or 'avg', got {describe(mode)}")
    X, kind = to_numpy(X, "X", func)
    check_ndim(X, 2, "X", func, "(H, W)")
    k = as_pair(pool_size, "pool_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = as_pair(stride, "stride", func, 1)
    if p[0] >= k[0] or p[1] >= k[1]:
        raise ValueError(f"{func}: padding {p} must be smaller than pool_size {k}, "
                         f"otherwise some windows hold only padding")
    _output_shape(X.shape, k, p, s, (1, 1), func, "pool_size")
    _check_padded(X.shape, p, func)
    with np.errstate(all="ignore"):  # sums that overflow become inf, as in MXNet, without warnings
        if mode == "max":
            Xp = _pad(X, p, _lowest(X.dtype))
            Y = _slide(_slide(Xp, 0, k[0], s[0], np.maximum), 1, k[1], s[1], np.maximum)
        else:  # averages in float: float16/float32 inputs in float32, the rest in float64
            A = X.astype(np.float32 if X.dtype in (np.float16, np.float32) else np.float64, copy=False)
            Y = _slide(_slide(_pad(A, p, 0), 0, k[0], s[0], np.add), 1, k[1], s[1], np.add)
            if Y.base is not None:  # a 1x1 window: a view of the input
                Y = Y.copy()
            Y /= k[0] * k[1]
    if Y.base is not None:  # never hand out a view of the caller's array
        Y = Y.copy()
    return like_input(Y, kind)


def _lowest(dtype):
    """The padding value max pooling never picks: -inf for floats, the minimum for integers."""
    if dtype == bool:
        return False
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min
