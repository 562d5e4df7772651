"""Output-shape arithmetic for convolution and pooling layers (Gluon's conventions).

``padding`` is always *per side*, as in ``nn.Conv2D(padding=p)``: ``p`` rows are added
at the top and ``p`` at the bottom. Books that write the formula with a *total* padding
``p_h`` (rows added on both sides together) use ``p_h = 2 * padding``.
"""
from collections import namedtuple

from ._validate import as_pair

#: Why a window cannot slide over an input along one axis (0 = height, 1 = width):
#: ``reason`` is "too large" (its ``extent`` exceeds the ``padded`` size) or, for pooling,
#: "padding" (padding not smaller than the window: some windows would hold only padding).
WindowProblem = namedtuple("WindowProblem", "axis reason extent padded")


def window_problem(input_size, window, padding, dilation=(1, 1), pool=False):
    """The first :class:`WindowProblem` of a window on an input, or None if it fits.

    All arguments are (h, w) pairs of validated ints. Callers word the message.
    """
    extents = [dilation[a] * (window[a] - 1) + 1 for a in range(2)]
    padded = [input_size[a] + 2 * padding[a] for a in range(2)]
    for a in range(2):
        if pool and padding[a] >= window[a]:
            return WindowProblem(a, "padding", extents[a], padded[a])
    for a in range(2):
        if extents[a] > padded[a]:
            return WindowProblem(a, "too large", extents[a], padded[a])
    return None


def _axis(n, k, p, s, d):
    """floor((n + 2p - d(k-1) - 1) / s) + 1 for one axis."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _conv_args(func, input_size, kernel_size, padding, stride, dilation):
    """Validate the five settings of a convolution; raise ValueError for a kernel that does not fit."""
    n = as_pair(input_size, "input_size", func, 1)
    k = as_pair(kernel_size, "kernel_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = as_pair(stride, "stride", func, 1)
    d = as_pair(dilation, "dilation", func, 1)
    problem = window_problem(n, k, p, d)
    if problem:
        rows = "rows" if problem.axis == 0 else "columns"
        raise ValueError(f"{func}: kernel_size {k} with dilation {d} covers {problem.extent} {rows}, more than "
                         f"the padded input ({n[problem.axis]} + 2*{p[problem.axis]} = {problem.padded}); "
                         f"use a smaller kernel or more padding")
    return n, k, p, s, d


def _pool_args(func, input_size, pool_size, padding, stride):
    """Validate the settings of a pooling layer (stride None = pool size, as in Gluon)."""
    n = as_pair(input_size, "input_size", func, 1)
    k = as_pair(pool_size, "pool_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = k if stride is None else as_pair(stride, "stride", func, 1)
    problem = window_problem(n, k, p, pool=True)
    if problem and problem.reason == "padding":
        raise ValueError(f"{func}: padding {p} must be smaller than pool_size {k}, "
                         f"otherwise some windows hold only padding")
    if problem:
        raise ValueError(f"{func}: pool_size {k} is larger than the padded input "
                         f"({n[problem.axis]} + 2*{p[problem.axis]} = {problem.padded})")
    return n, k, p, s


def conv_output_shape(input_size, kernel_size, padding=0, stride=1, dilation=1):
    """Output (H', W') of a 2-D convolution on an (H, W) input.

    Each argument is an int (same for both axes) or an (h, w) pair. Per axis:
    ``H' = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1``.

    Raises ``ValueError`` naming the argument for sizes < 1, negative padding,
    stride or dilation < 1, non-integers, and for a (dilated) kernel larger than
    the padded input.
    """
    n, k, p, s, d = _conv_args("conv_output_shape", input_size, kernel_size, padding, stride, dilation)
    return tuple(_axis(n[a], k[a], p[a], s[a], d[a]) for a in range(2))


def pool_output_shape(input_size, pool_size, padding=0, stride=None):
    """Output (H', W') of 2-D max or average pooling, as Gluon's ``MaxPool2D``/``AvgPool2D``.

    ``stride`` defaults to ``pool_size``. Per axis: ``floor((H + 2*padding - pool) / stride) + 1``.
    ``padding`` must be smaller than ``pool_size``: otherwise some windows would hold
    nothing but padding.
    """
    n, k, p, s = _pool_args("pool_output_shape", input_size, pool_size, padding, stride)
    return tuple(_axis(n[a], k[a], p[a], s[a], 1) for a in range(2))


def conv_shape_formula(input_size, kernel_size, padding=0, stride=1, dilation=1):
    """The output-shape formula with the numbers filled in, one line per axis.

    Returns a list of two strings such as ``'H: ⌊(8 + 2·1 − 3) / 2⌋ + 1 = 4'``: without dilation
    the familiar ``⌊(H + 2p − k) / s⌋ + 1``; with dilation d > 1 on an axis, the general
    ``⌊(H + 2p − d·(k − 1) − 1) / s⌋ + 1`` (which equals the first when d = 1).
    Raises ``ValueError`` like :func:`conv_output_shape` when the setting is impossible.
    """
    n, k, p, s, d = _conv_args("conv_shape_formula", input_size, kernel_size, padding, stride, dilation)
    window = [f"{d[a]}·({k[a]} − 1) − 1" if d[a] > 1 else f"{k[a]}" for a in range(2)]
    return [f"{axis}: ⌊({n[a]} + 2·{p[a]} − {window[a]}) / {s[a]}⌋ + 1 = "
            f"{_axis(n[a], k[a], p[a], s[a], d[a])}" for a, axis in enumerate("HW")]


def pool_shape_formula(input_size, pool_size, padding=0, stride=None):
    """The pooling output-shape formula with numbers, one line per axis.

    Returns strings such as ``'H: ⌊(4 + 2·1 − 3) / 2⌋ + 1 = 2'``; raises ``ValueError`` like
    :func:`pool_output_shape` when the setting is impossible.
    """
    n, k, p, s = _pool_args("pool_shape_formula", input_size, pool_size, padding, stride)
    return [f"{axis}: ⌊({n[a]} + 2·{p[a]} − {k[a]}) / {s[a]}⌋ + 1 = {_axis(n[a], k[a], p[a], s[a], 1)}"
            for a, axis in enumerate("HW")]
