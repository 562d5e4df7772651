"""Output-shape arithmetic for convolution and pooling layers (Gluon's conventions).

``padding`` is always *per side*, as in ``nn.Conv2D(padding=p)``: ``p`` rows are added
at the top and ``p`` at the bottom. Books that write the formula with a *total* padding
``p_h`` (rows added on both sides together) use ``p_h = 2 * padding``.
"""
from ._validate import as_pair


def _conv_axis(n, k, p, s, d):
    """floor((n + 2p - d(k-1) - 1) / s) + 1 for one axis."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv_output_shape(input_size, kernel_size, padding=0, stride=1, dilation=1):
    """Output (H', W') of a 2-D convolution on an (H, W) input.

    Each argument is an int (same for both axes) or an (h, w) pair. Per axis:
    ``H' = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1``.

    Raises ``ValueError`` naming the argument for sizes < 1, negative padding,
    stride or dilation < 1, non-integers, and for a (dilated) kernel larger than
    the padded input.
    """
    func = "conv_output_shape"
    n = as_pair(input_size, "input_size", func, 1)
    k = as_pair(kernel_size, "kernel_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = as_pair(stride, "stride", func, 1)
    d = as_pair(dilation, "dilation", func, 1)
    for axis in range(2):
        extent = d[axis] * (k[axis] - 1) + 1
        if extent > n[axis] + 2 * p[axis]:
            raise ValueError(
                f"{func}: kernel_size {k} with dilation {d} covers {extent} "
                f"{'rows' if axis == 0 else 'columns'}, more than the padded input "
                f"({n[axis]} + 2*{p[axis]} = {n[axis] + 2 * p[axis]}); "
                f"use a smaller kernel or more padding")
    return tuple(_conv_axis(n[a], k[a], p[a], s[a], d[a]) for a in range(2))


def pool_output_shape(input_size, pool_size, padding=0, stride=None):
    """Output (H', W') of 2-D max or average pooling, as Gluon's ``MaxPool2D``/``AvgPool2D``.

    ``stride`` defaults to ``pool_size``. Per axis: ``floor((H + 2*padding - pool) / stride) + 1``.
    ``padding`` must be smaller than ``pool_size``: otherwise some windows would hold
    nothing but padding.
    """
    func = "pool_output_shape"
    n = as_pair(input_size, "input_size", func, 1)
    k = as_pair(pool_size, "pool_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = k if stride is None else as_pair(stride, "stride", func, 1)
    for axis in range(2):
        if p[axis] >= k[axis]:
            raise ValueError(f"{func}: padding {p} must be smaller than pool_size {k}, "
                             f"otherwise some windows hold only padding")
        if k[axis] > n[axis] + 2 * p[axis]:
            raise ValueError(f"{func}: pool_size {k} is larger than the padded input "
                             f"({n[axis]} + 2*{p[axis]} = {n[axis] + 2 * p[axis]})")
    return tuple(_conv_axis(n[a], k[a], p[a], s[a], 1) for a in range(2))


def conv_shape_formula(input_size, kernel_size, padding=0, stride=1, dilation=1):
    """The output-shape formula with the numbers filled in, one line per axis.

    Returns a list of two strings such as ``'H: ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4'``.
    Raises ``ValueError`` like :func:`conv_output_shape` when the setting is impossible.
    """
    out = conv_output_shape(input_size, kernel_size, padding, stride, dilation)
    func = "conv_shape_formula"
    n = as_pair(input_size, "input_size", func, 1)
    k = as_pair(kernel_size, "kernel_size", func, 1)
    p = as_pair(padding, "padding", func, 0)
    s = as_pair(stride, "stride", func, 1)
    d = as_pair(dilation, "dilation", func, 1)
    return [f"{axis}: ⌊({n[a]} + 2·{p[a]} − {d[a]}·({k[a]} − 1) − 1) / {s[a]}⌋ + 1 = {out[a]}"
            for a, axis in enumerate("HW")]
