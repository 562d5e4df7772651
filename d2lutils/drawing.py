"""Figures drawn as SVG: fast enough for live widgets and stored as text in notebooks.

The building block is :func:`conv_step_svg`, which draws one step of a (padded,
strided, dilated) cross-correlation or pooling: the input with its padding ring, the
window at one output position, and the output with the matching cell marked.
"""
import html

import numpy as np

from .shapes import conv_output_shape

PAD_FILL = "#e8e8e8"
CELL_FILL = "#ffffff"
WINDOW_FILL = "#f6b26b"
OUTPUT_FILL = "#9fc5e8"
STROKE = "#555555"


class SVG:
    """An SVG drawing that shows itself in a notebook; the markup is in ``.data``."""

    def __init__(self, data):
        self.data = data

    def _repr_svg_(self):
        return self.data

    def __repr__(self):
        return "<SVG drawing>"


def _fmt(v):
    """Short text for a cell value: integers without a decimal point."""
    if v is None:
        return ""
    v = float(v)
    if np.isnan(v):
        return ""
    if v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.3g}"


def grid_svg(shape, x=0, y=0, cell=26, values=None, fills=None, label=None, dashed=None):
    """SVG fragment of an (h, w) grid whose top-left corner is at (x, y).

    ``values`` (h, w) are written in the cells; ``fills`` maps (i, j) to a colour;
    ``dashed`` is a set of (i, j) drawn with a dashed border (padding cells);
    ``label`` is written above the grid. Returns the markup as a string.
    """
    h, w = shape
    fills = fills or {}
    dashed = dashed or set()
    font = max(8, int(cell * 0.42))
    parts = []
    if label:
        parts.append(f'<text x="{x}" y="{y - 6}" font-size="{font + 1}" font-family="sans-serif" '
                     f'fill="#222">{html.escape(label)}</text>')
    for i in range(h):
        for j in range(w):
            cx, cy = x + j * cell, y + i * cell
            dash = ' stroke-dasharray="3,2"' if (i, j) in dashed else ""
            parts.append(f'<rect x="{cx}" y="{cy}" width="{cell}" height="{cell}" '
                         f'fill="{fills.get((i, j), CELL_FILL)}" stroke="{STROKE}" stroke-width="1"{dash}/>')
            if values is not None:
                parts.append(f'<text x="{cx + cell / 2}" y="{cy + cell / 2 + font * 0.35:.1f}" '
                             f'font-size="{font}" font-family="sans-serif" text-anchor="middle" '
                             f'fill="#222">{_fmt(values[i][j])}</text>')
    return "".join(parts)


def _svg(width, height, body, title=None):
    t = f"<title>{html.escape(title)}</title>" if title else ""
    width += 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{t}<g transform="translate(2,0)">{body}</g></svg>')


def _values(A, name, shape, func):
    """A drawing's optional values as a float (h, w) array of the expected ``shape``, or None."""
    if A is None:
        return None
    from ._validate import to_numpy
    A = to_numpy(A, name, func)[0].astype(float)
    if A.shape != tuple(shape):
        raise ValueError(f"{func}: {name} must have shape {tuple(shape)}, got {A.shape}")
    return A


def conv_step_svg(input_shape, kernel_size, padding=0, stride=1, dilation=1, position=(0, 0),
                  X=None, K=None, Y=None, cell=26, title=None, names=("Input", "Kernel", "Output"),
                  pad_value=None):
    """Draw one step of a 2-D cross-correlation (or pooling) as SVG.

    input_shape (H, W); kernel_size, padding (per side), stride, dilation: ints or pairs.
    ``position`` (i, j) is the output cell whose window is shown. Optional values:
    X (H, W) for the input, K (kh, kw) for the kernel, Y (H', W') for the output.
    Pass ``K=None`` and ``names[1]=None`` to leave the kernel out (pooling).
    ``pad_value`` is the number written in padded cells when X is given: by default 0 with a
    kernel (zero padding) and blank without one (max pooling ignores padding); pass 0 for
    average pooling, which counts padded cells as zeros.
    Raises ``ValueError`` naming the argument for impossible settings, a position outside
    the output and values of the wrong shape.
    """
    from ._validate import as_int, as_pair
    func = "conv_step_svg"
    out = conv_output_shape(input_shape, kernel_size, padding, stride, dilation)
    (H, W), (kh, kw) = as_pair(input_shape, "input_shape", func, 1), as_pair(kernel_size, "kernel_size", func, 1)
    (ph, pw), (sh, sw) = as_pair(padding, "padding", func, 0), as_pair(stride, "stride", func, 1)
    dh, dw = as_pair(dilation, "dilation", func, 1)
    if not isinstance(position, (tuple, list)) or len(position) != 2:
        raise ValueError(f"{func}: position must be an (i, j) pair, got {position!r}")
    i, j = (as_int(v, "position", func, 0) for v in position)
    if not (i < out[0] and j < out[1]):
        raise ValueError(f"{func}: position {position} is outside the output of shape {out}")
    X, K, Y = _values(X, "X", (H, W), func), _values(K, "K", (kh, kw), func), _values(Y, "Y", out, func)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    dashed = {(r, c) for r in range(Hp) for c in range(Wp)
              if r < ph or r >= ph + H or c < pw or c >= pw + W}
    fills = {rc: PAD_FILL for rc in dashed}
    window = [(i * sh + a * dh, j * sw + b * dw) for a in range(kh) for b in range(kw)]
    for rc in window:
        fills[rc] = WINDOW_FILL
    Xv = None
    if X is not None:
        if pad_value is None:
            pad_value = 0 if names[1] else np.nan
        Xv = np.full((Hp, Wp), float(pad_value))
        Xv[ph:ph + H, pw:pw + W] = X
    gap = cell * 2
    top = 24
    body = [grid_svg((Hp, Wp), 0, top, cell, Xv, fills, names[0], dashed)]
    # window outline spanning the touched cells
    r0, c0 = window[0]
    r1, c1 = window[-1]
    body.append(f'<rect x="{c0 * cell}" y="{top + r0 * cell}" width="{(c1 - c0 + 1) * cell}" '
                f'height="{(r1 - r0 + 1) * cell}" fill="none" stroke="#c0392b" stroke-width="2.5"/>')
    x = Wp * cell + gap
    height = top + max(Hp, out[0]) * cell + 4
    if names[1] is not None:
        body.append(f'<text x="{x - gap / 2}" y="{top + min(Hp, kh) * cell / 2 + 6}" font-size="26" '
                    f'text-anchor="middle" font-family="sans-serif">&#8902;</text>')
        body.append(grid_svg((kh, kw), x, top, cell, K,
                             {(a, b): WINDOW_FILL for a in range(kh) for b in range(kw)}, names[1]))
        x += kw * cell + gap
    body.append(f'<text x="{x - gap / 2}" y="{top + min(Hp, out[0]) * cell / 2 + 6}" font-size="20" '
                f'text-anchor="middle" font-family="sans-serif">&#8594;</text>')
    body.append(grid_svg(out, x, top, cell, Y, {(i, j): OUTPUT_FILL}, names[2]))
    label_width = len(names[2] or "") * (max(8, int(cell * 0.42)) + 1) * 0.6  # about 0.6 em per character
    width = x + max(out[1] * cell, label_width) + 4
    return SVG(_svg(width, height, "".join(body), title))


CHANNEL_FILLS = ("#cfe2f3", "#fce5cd", "#d9ead3", "#ead1dc", "#fff2cc", "#d0e0e3")
#: Output channels get a palette of their own (shades of violet, none of the input colours): output
#: channel o is computed from all input channels, so it shares its colour with none of them.
OUTPUT_CHANNEL_FILLS = ("#b4a7d6", "#8e7cc3", "#d9d2e9", "#a08bd0", "#c9bfe6", "#7a66b8")


def _label_svg(text, x, y, size=13, anchor="start", fill="#222"):
    """SVG text with ``a_b`` written as a with subscript b (b: letters only); returns (markup, width).

    The width is an estimate (about 0.6 em per character, subscripts smaller), used for the layout.
    """
    import re
    parts, width, lowered = [], 0.0, False
    sub, shift = round(size * 0.75), round(size * 0.3, 1)
    for piece in re.split(r"(_[A-Za-z]+)", text):
        if not piece:
            continue
        if piece.startswith("_"):
            parts.append(f'<tspan dy="{shift}" font-size="{sub}">{html.escape(piece[1:])}</tspan>')
            width += 0.6 * sub * (len(piece) - 1)
            lowered = True
        else:  # back on the baseline: the text after a subscript moves up again
            parts.append(f'<tspan dy="{-shift}">{html.escape(piece)}</tspan>' if lowered else html.escape(piece))
            width += 0.6 * size * len(piece)
            lowered = False
    markup = (f'<text x="{x}" y="{y}" font-size="{size}" font-family="sans-serif" text-anchor="{anchor}" '
              f'fill="{fill}">{"".join(parts)}</text>')
    return markup, width


def _stack_svg(n, shape, x, y, cell, offset, fills, label, max_layers=6, count_note=True):
    """SVG fragment: ``n`` (h, w) grids stacked back to front, each shifted by ``offset``.

    The front grid's top-left corner is at (x, y); ``label`` goes under the stack (``a_b`` is
    written with b as a subscript). At most ``max_layers`` are drawn; a deeper stack shows its
    count next to it.
    """
    h, w = shape
    shown = min(n, max_layers)
    parts = []
    for layer in reversed(range(shown)):  # back layers first, so the front one is on top
        lx, ly = x + layer * offset, y - layer * offset
        fill = fills[layer % len(fills)]
        parts.append(grid_svg((h, w), lx, ly, cell, fills={(i, j): fill for i in range(h) for j in range(w)}))
    if n > shown and count_note:
        parts.append(f'<text x="{x + shown * offset + w * cell + 4}" y="{y - shown * offset + 10}" '
                     f'font-size="11" font-family="sans-serif" fill="#555">({n} in all)</text>')
    parts.append(_label_svg(label, x, y + h * cell + 16)[0])
    return "".join(parts)


def channels_svg(c_i, H, W, c_o, kh, kw, padding=0, stride=1, cell=18):
    """Draw the shapes of a multi-channel convolution as SVG.

    Input X (c_i, H, W) is cross-correlated with a kernel K (c_o, c_i, kh, kw): one stack of
    c_i kernel slices per output channel; the result is Y (c_o, H', W'), with (H', W') from
    :func:`conv_output_shape`. Each input channel and its kernel slices share a colour; the
    output channels have a palette of their own, and the small square under each ``K[o]`` has
    the colour of the output channel it computes. Labels name every axis (``c_i=2`` and so on).
    Raises ``ValueError`` for channel counts < 1 and for impossible shapes.
    """
    from ._validate import as_int
    func = "channels_svg"
    c_i, c_o = as_int(c_i, "c_i", func, 1), as_int(c_o, "c_o", func, 1)
    H, W, kh, kw = (as_int(v, name, func, 1) for v, name in ((H, "H"), (W, "W"), (kh, "kh"), (kw, "kw")))
    out = conv_output_shape((H, W), (kh, kw), padding, stride)
    offset = max(5, cell // 3)
    max_layers = 6
    depth_i, depth_o = min(c_i, max_layers) - 1, min(c_o, max_layers) - 1
    top = 30 + max(depth_i, depth_o) * offset
    gap = 52
    line1 = top + max(H, kh, out[0]) * cell + 16   # the labels under the stacks
    line2 = line1 + 20                              # the kernel's shape, under the K[o] labels
    body = []
    x = 0
    x_label = f"X (c_i={c_i}, H={H}, W={W})"
    body.append(_stack_svg(c_i, (H, W), x, top, cell, offset, CHANNEL_FILLS, "", max_layers))
    markup, label_w = _label_svg(x_label, x, line1)
    body.append(markup)
    x += max(W * cell + depth_i * offset + gap, label_w + 24)
    body.append(f'<text x="{x - 26}" y="{top + H * cell / 2 + 8}" font-size="26" '
                f'text-anchor="middle" font-family="sans-serif">&#8902;</text>')
    # the kernel: one stack of c_i slices per output channel, drawn in a row
    shown_o = min(c_o, 4)
    k_left = x
    for o in range(shown_o):
        body.append(_stack_svg(c_i, (kh, kw), x, top, cell, offset, CHANNEL_FILLS, "", max_layers,
                               count_note=False))
        body.append(f'<rect x="{x}" y="{line1 - 10}" width="10" height="10" '
                    f'fill="{OUTPUT_CHANNEL_FILLS[o % len(OUTPUT_CHANNEL_FILLS)]}" stroke="{STROKE}"/>')
        markup, kw_label = _label_svg(f"K[{o}]", x + 13, line1)
        body.append(markup)
        x += max(kw * cell + depth_i * offset, 13 + kw_label) + 18
    if c_o > shown_o:
        body.append(f'<text x="{x}" y="{top + kh * cell / 2 + 4}" font-size="14" '
                    f'font-family="sans-serif">&#8230;</text>')
        x += 22
    markup, k_label_w = _label_svg(f"K (c_o={c_o}, c_i={c_i}, k_h={kh}, k_w={kw})", k_left, line2)
    body.append(markup)
    x += gap - 18
    body.append(f'<text x="{x - 26}" y="{top + H * cell / 2 + 8}" font-size="22" '
                f'text-anchor="middle" font-family="sans-serif">&#8594;</text>')
    body.append(_stack_svg(c_o, out, x, top, cell, offset, OUTPUT_CHANNEL_FILLS, "", max_layers))
    markup, y_label_w = _label_svg(f"Y (c_o={c_o}, H\u2032={out[0]}, W\u2032={out[1]})", x, line1)
    body.append(markup)
    count_w = 60 if c_o > max_layers else 0
    width = max(x + out[1] * cell + depth_o * offset + count_w, x + y_label_w, k_left + k_label_w) + 12
    height = line2 + 12
    title = f"({c_i}, {H}, {W}) cross-correlated with ({c_o}, {c_i}, {kh}, {kw}) gives ({c_o}, {out[0]}, {out[1]})"
    return SVG(_svg(width, height, "".join(body), title))


class PNG:
    """A PNG image that displays itself in a notebook; its text repr is short and deterministic."""

    def __init__(self, data, title="figure"):
        self.data = data
        self.title = title

    def _repr_png_(self):
        return self.data

    def __repr__(self):
        return f"<PNG image: {self.title}>"


def figure_png(fig, title="figure", dpi=100):
    """A matplotlib figure as a :class:`PNG` (closed afterwards, so it is not shown twice).

    Ending a plotting cell with ``figure_png(fig, ...)`` stores the picture without the
    ``<Figure size ...>`` text that the inline backend adds to ``plt.show()``'s output.
    """
    import io

    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return PNG(buf.getvalue(), title)
