"""Max and average pooling of one channel, vectorized with shifted slices."""
import numpy as np

from ._validate import as_pair, check_ndim, like_input, to_numpy
from .conv import _pad, _window_slices

MODES = ("max", "avg")


def pool2d(X, pool_size, mode="max", padding=0, stride=1):
    """Pool one channel: X (H, W) -> Y (H', W') with the max or mean of each window.

    With the defaults (the lecture's ``pool2d``) the stride is 1 and there is no padding,
    so ``(H', W') = (H - p_h + 1, W - p_w + 1)``. Unlike Gluon's pooling layers, whose
    stride defaults to the pool size, ``stride`` here defaults to 1. ``padding`` follows
    MXNet: max pooling ignores padded cells, average pooling counts them as zeros
    (``count_include_pad=True``), and it must be smaller than ``pool_size``.
    """
    func = "pool2d"
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{func}: mode must be 'max' or 'avg', got {mode!r}")
    X, nd_in = to_numpy(X, "X", func)
    check_ndim(X, 2, "X", func, "(H, W)")
    k = as_pair(pool_size, "pool_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = as_pair(stride, "stride", func, 1)
    if p[0] >= k[0] or p[1] >= k[1]:
        raise ValueError(f"{func}: padding {p} must be smaller than pool_size {k}, "
                         f"otherwise some windows hold only padding")
    _, slices = _window_slices(X.shape, k, p, s, (1, 1), func, "pool_size")
    if mode == "max":
        Xp = _pad(X, p, _lowest(X.dtype), func)
        Y = Xp[slices[0][2]].copy()
        for _, _, idx in slices[1:]:
            np.maximum(Y, Xp[idx], out=Y)
    else:
        # averages are computed in float: float16/float32 inputs in float32, the rest in float64
        Xp = _pad(X.astype(np.float32 if X.dtype in (np.float16, np.float32) else np.float64,
                           copy=False), p, 0, func)
        Y = Xp[slices[0][2]].copy()
        for _, _, idx in slices[1:]:
            Y += Xp[idx]
        Y /= k[0] * k[1]
    return like_input(Y, nd_in)


def _lowest(dtype):
    """The padding value max pooling never picks: -inf for floats, the minimum for integers."""
    if dtype == bool:
        return False
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min
