"""Figures for the lessons: HTML drawings readable in light and dark themes, and matplotlib PNGs with captions.

Why HTML and not SVG: JupyterLab (4.6) shows an ``image/svg+xml`` output as an ``<img>`` (the page's
CSS, its theme included, cannot reach inside) and, in a notebook that is not trusted -- every freshly
cloned one -- not at all ("Cannot display an untrusted SVG"). ``text/html`` is shown in both cases,
sanitized when untrusted: ``<svg>`` is removed, but ``<div>``s with plain inline styles (position,
size, borders, background colours) stay. So the drawings here are absolutely positioned boxes whose
text and lines take the theme's colour (``color`` is inherited and ``border-color`` defaults to
``currentColor``); only the fills are fixed: padding a translucent grey, the window orange and the
output cell blue in every theme, with dark text on them.

Every drawing is a ``<figure>`` with its title as a visible ``<figcaption>`` and a description for
screen readers; its plain-text form (``repr``) is that description. Sizes are bounded: an absurd
shape is a one-line ``ValueError`` naming the argument, never minutes of work.
"""
import html
import warnings

import numpy as np

from ._validate import as_pair, describe
from .shapes import conv_output_shape

#: Fills: padding a translucent grey (reads as grey on light and dark backgrounds), window orange,
#: output blue, with dark text on the two colours.
PAD_FILL = "rgba(128,128,128,0.3)"
WINDOW_FILL = "#f6b26b"
OUTPUT_FILL = "#9fc5e8"
ON_FILL = "#1a1a1a"
LINE = "rgba(128,128,128,0.9)"
OUTLINE = "#d0392b"
#: Input channels (and the kernel slices that read them), in this order: green, pink, yellow, mint, rose, lime.
#: None is orange or blue (the window's and the output cell's colours in every figure) or violet (the output
#: channels', below).
CHANNEL_FILLS = ("#d9ead3", "#ead1dc", "#fdf2a0", "#c8e6d8", "#f2c9c9", "#e3f0b8")
#: Output channels get a palette of their own (shades of violet, none of the input colours): output
#: channel o is computed from all input channels, so it shares its colour with none of them.
OUTPUT_CHANNEL_FILLS = ("#b4a7d6", "#8e7cc3", "#d9d2e9", "#a08bd0", "#c9bfe6", "#7a66b8")

#: The most cells one drawn grid may have per side, and the cell size range (pixels).
MAX_CELLS = 64
CELL_RANGE = (4, 80)
MAX_TITLE = 300
_HIDDEN = ("position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
           "white-space:nowrap;margin:0;padding:0;border:0")


class Drawing:
    """A figure as HTML (``.data``) that shows itself in a notebook; ``repr`` is its description."""

    def __init__(self, data, description):
        self.data = data
        self.description = description

    def _repr_html_(self):
        return self.data

    def __repr__(self):
        return self.description


class _Board:
    """Boxes and labels at pixel positions, written as HTML that JupyterLab's sanitizer keeps."""

    def __init__(self):
        self.parts = []

    def cell(self, x, y, size, fill=None, dashed=False, text=""):
        style = [f"left:{x:g}px;top:{y:g}px;width:{size + 1:g}px;height:{size + 1:g}px",
                 f"border:1px {'dashed' if dashed else 'solid'} {LINE}"]
        if fill:
            style.append(f"background-color:{fill}")
            if fill != PAD_FILL:
                style.append(f"color:{ON_FILL}")
        if text:
            font = max(8, int(size * 0.42))
            if len(text) >= 5:
                font = max(6, min(font, int(1.6 * size / len(text))))
            style.append(f"font-size:{font}px;line-height:{size - 1:g}px;text-align:center;overflow:hidden")
        self.parts.append(f'<div style="position:absolute;box-sizing:border-box;{";".join(style)}">'
                          f'{html.escape(text)}</div>')

    def frame(self, x, y, w, h, color=OUTLINE, width=2.5):
        self.parts.append(f'<div style="position:absolute;box-sizing:border-box;left:{x:g}px;top:{y:g}px;'
                          f'width:{w:g}px;height:{h:g}px;border:{width}px solid {color}"></div>')

    def text(self, x, y, markup, size=13, anchor="start", width=None):
        """Text whose baseline is at y; ``markup`` is already HTML (escaped, maybe with <sub>)."""
        top = y - size
        if anchor == "middle":
            width = width or 6 * size
            x -= width / 2
        align = "center" if anchor == "middle" else "left"
        w = f"width:{width:g}px;" if width else ""
        self.parts.append(f'<div style="position:absolute;left:{x:g}px;top:{top:g}px;{w}font-size:{size}px;'
                          f'line-height:{size + 2}px;text-align:{align};white-space:nowrap">{markup}</div>')

    def grid(self, shape, x, y, cell, values=None, fills=None, label=None, dashed=()):
        """An (h, w) grid with its top-left corner at (x, y); ``fills`` maps (i, j) to a colour."""
        h, w = shape
        fills = fills or {}
        if label:
            self.text(x, y - 6, html.escape(label), max(8, int(cell * 0.42)) + 1)
        for i in range(h):
            for j in range(w):
                self.cell(x + j * cell, y + i * cell, cell, fills.get((i, j)), (i, j) in dashed,
                          "" if values is None else _fmt(values[i][j]))

    def html(self, width, height, title, description):
        caption = (f'<figcaption style="font-size:13px;margin-top:6px">{html.escape(title)}</figcaption>'
                   if title else "")
        label = html.escape(title or description)
        return (f'<figure class="d2l-figure" style="margin:4px 0 8px 0;font-family:sans-serif;line-height:1.2">'
                f'<div style="position:relative;width:{width:g}px;height:{height:g}px;max-width:100%;'
                f'overflow-x:auto" title="{label}">{"".join(self.parts)}</div>{caption}'
                f'<span style="{_HIDDEN}">{html.escape(description)}</span></figure>')


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


def _span(start, count, step):
    if count == 1:
        return str(start)
    return f"{start}–{start + (count - 1) * step}" + (f" every {step}" if step > 1 else "")


def _values(A, name, shape, func):
    """A drawing's optional values as a float (h, w) array of the expected ``shape``, or None."""
    if A is None:
        return None
    from ._validate import to_numpy
    A = to_numpy(A, name, func)[0].astype(float)
    if A.shape != tuple(shape):
        raise ValueError(f"{func}: {name} must have shape {tuple(shape)}, got {A.shape}")
    return A


def _number(value, name, func):
    """A finite real number as a float, else ValueError naming ``name``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if not ok or not np.isfinite(float(value)) or abs(float(value)) > 1e15:
        raise ValueError(f"{func}: {name} must be a finite number, got {describe(value)}")
    return float(value)


def _cell(cell, func):
    from ._validate import as_int
    cell = as_int(cell, "cell", func, CELL_RANGE[0])
    if cell > CELL_RANGE[1]:
        raise ValueError(f"{func}: cell must be between {CELL_RANGE[0]} and {CELL_RANGE[1]} pixels, got {cell}")
    return cell


def _title(title, func):
    if title is None:
        return None
    if not isinstance(title, str):
        raise ValueError(f"{func}: title must be text, got {describe(title)}")
    if len(title) > MAX_TITLE:
        raise ValueError(f"{func}: title must be at most {MAX_TITLE} characters, got {len(title)}")
    return title


#: The longest label (``names``) a drawing shows.
MAX_LABEL = 40


def _names(names, func):
    """Three labels (text of at most MAX_LABEL characters, or None) as a tuple, read from the list's own storage."""
    items = None
    if isinstance(names, (tuple, list)):
        items = list(tuple.__iter__(names) if isinstance(names, tuple) else list.__iter__(names))
    if items is None or len(items) != 3 or not all(n is None or isinstance(n, str) for n in items):
        raise ValueError(f"{func}: names must be three labels (text or None), got {describe(names)}")
    if any(n is not None and len(n) > MAX_LABEL for n in items):
        raise ValueError(f"{func}: names must be labels of at most {MAX_LABEL} characters each")
    return tuple(str.__str__(n) if n is not None else None for n in items)


def _output(func, *args):
    """conv_output_shape(*args), its errors worded as ``func``'s own."""
    try:
        return conv_output_shape(*args)
    except ValueError as err:
        raise ValueError(f"{func}: {str(err).split(': ', 1)[1]}") from None


def _drawable(shape, name, func):
    """Refuse grids too large to draw (and to build): at most MAX_CELLS per side."""
    if max(shape) > MAX_CELLS:
        raise ValueError(f"{func}: {name} {tuple(shape)} is too large to draw: at most {MAX_CELLS} cells per side")


def conv_step_svg(input_shape, kernel_size, padding=0, stride=1, dilation=1, position=(0, 0),
                  X=None, K=None, Y=None, cell=26, title=None, names=("Input", "Kernel", "Output"),
                  pad_value=None):
    """Draw one step of a 2-D cross-correlation (or pooling) as a themed HTML figure.

    input_shape (H, W); kernel_size, padding (per side), stride, dilation: ints or pairs.
    ``position`` (i, j) is the output cell whose window is shown. Optional values:
    X (H, W) for the input, K (kh, kw) for the kernel, Y (H', W') for the output.
    Pass ``K=None`` and ``names[1]=None`` to leave the kernel out (pooling).
    ``pad_value`` is the number written in padded cells when X is given: by default 0 with a
    kernel (zero padding) and blank without one (max pooling ignores padding); pass 0 for
    average pooling, which counts padded cells as zeros. ``title`` becomes the visible caption.
    (The name is historical: the figure is HTML, see the module's docstring.)
    Raises ``ValueError`` naming the argument for impossible settings, a position outside
    the output, values of the wrong shape and grids of more than 64 cells per side.
    """
    func = "conv_step_svg"
    (H, W), (kh, kw) = as_pair(input_shape, "input_shape", func, 1), as_pair(kernel_size, "kernel_size", func, 1)
    (ph, pw), (sh, sw) = as_pair(padding, "padding", func, 0), as_pair(stride, "stride", func, 1)
    dh, dw = as_pair(dilation, "dilation", func, 1)
    _drawable((H + 2 * ph, W + 2 * pw), "input_shape with padding", func)
    _drawable((kh, kw), "kernel_size", func)
    out = _output(func, (H, W), (kh, kw), (ph, pw), (sh, sw), (dh, dw))
    cell, title, names = _cell(cell, func), _title(title, func), _names(names, func)
    if not isinstance(position, (tuple, list)):
        raise ValueError(f"{func}: position must be an (i, j) pair, got {describe(position)}")
    i, j = as_pair(position, "position", func, 0)
    if not (i < out[0] and j < out[1]):
        raise ValueError(f"{func}: position ({i}, {j}) is outside the output of shape {out}")
    if pad_value is not None:
        pad_value = _number(pad_value, "pad_value", func)
    X, K, Y = _values(X, "X", (H, W), func), _values(K, "K", (kh, kw), func), _values(Y, "Y", out, func)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    dashed = {(r, c) for r in range(Hp) for c in range(Wp) if r < ph or r >= ph + H or c < pw or c >= pw + W}
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
    gap, top = cell * 2, 24
    board = _Board()
    board.grid((Hp, Wp), 0, top, cell, Xv, fills, names[0], dashed)
    (r0, c0), (r1, c1) = window[0], window[-1]
    board.frame(c0 * cell, top + r0 * cell, (c1 - c0 + 1) * cell + 1, (r1 - r0 + 1) * cell + 1)
    x = Wp * cell + gap
    if names[1] is not None:
        board.text(x - gap / 2, top + min(Hp, kh) * cell / 2 + 9, "&#8902;", 26, "middle", gap)
        board.grid((kh, kw), x, top, cell, K, {(a, b): WINDOW_FILL for a in range(kh) for b in range(kw)}, names[1])
        x += kw * cell + gap
    board.text(x - gap / 2, top + min(Hp, out[0]) * cell / 2 + 8, "&#8594;", 20, "middle", gap)
    board.grid(out, x, top, cell, Y, {(i, j): OUTPUT_FILL}, names[2])
    label_width = len(names[2] or "") * (max(8, int(cell * 0.42)) + 1) * 0.6
    width = x + max(out[1] * cell, label_width) + 6
    height = top + max(Hp, out[0]) * cell + 4
    kind = "kernel" if names[1] is not None else "pooling"
    padded = f" padded to {Hp}×{Wp}" if (ph, pw) != (0, 0) else ""
    description = (f"A {H}×{W} input{padded}; the {kh}×{kw} {kind} window (orange) at output cell ({i}, {j}) "
                   f"(blue) covers rows {_span(i * sh, kh, dh)} and columns {_span(j * sw, kw, dw)} of the "
                   f"{'padded ' if padded else ''}input; the output is {out[0]}×{out[1]}.")
    return Drawing(board.html(width, height, title, description), description)


def _label(text):
    """``a_b`` written as a with subscript b (b: letters only), as HTML; returns (markup, width estimate)."""
    import re
    parts, width = [], 0.0
    for piece in re.split(r"(_[A-Za-z]+)", text):
        if piece.startswith("_"):
            parts.append(f"<sub>{html.escape(piece[1:])}</sub>")
            width += 0.6 * 10 * (len(piece) - 1)
        elif piece:
            parts.append(html.escape(piece))
            width += 0.6 * 13 * len(piece)
    return "".join(parts), width


def _stack(board, n, shape, x, y, cell, offset, fills, max_layers=6, count_note=True):
    """``n`` (h, w) grids stacked back to front, each shifted by ``offset``; the front one's corner at (x, y)."""
    h, w = shape
    shown = min(n, max_layers)
    for layer in reversed(range(shown)):  # back layers first, so the front one is on top
        fill = fills[layer % len(fills)]
        board.grid((h, w), x + layer * offset, y - layer * offset, cell,
                   fills={(i, j): fill for i in range(h) for j in range(w)})
    if n > shown and count_note:
        board.text(x + shown * offset + w * cell + 4, y - shown * offset + 10, f"({n} in all)", 11)


def channels_svg(c_i, H, W, c_o, kh, kw, padding=0, stride=1, cell=18):
    """Draw the shapes of a multi-channel convolution as a themed HTML figure.

    Input X (c_i, H, W) is cross-correlated with a kernel K (c_o, c_i, kh, kw): one stack of
    c_i kernel slices per output channel; the result is Y (c_o, H', W'), with (H', W') from
    :func:`conv_output_shape`. Each input channel and its kernel slices share a colour; the
    output channels have a palette of their own, and the small square under each ``K[o]`` has
    the colour of the output channel it computes. Labels name every axis (``c_i=2`` and so on).
    Raises ``ValueError`` for channel counts < 1 (or above 100000), grids of more than 64 cells
    per side and impossible shapes.
    """
    from ._validate import as_int
    func = "channels_svg"
    c_i, c_o = as_int(c_i, "c_i", func, 1), as_int(c_o, "c_o", func, 1)
    for name, v in (("c_i", c_i), ("c_o", c_o)):
        if v > 100_000:
            raise ValueError(f"{func}: {name} must be at most 100000, got {v}")
    H, W, kh, kw = (as_int(v, name, func, 1) for v, name in ((H, "H"), (W, "W"), (kh, "kh"), (kw, "kw")))
    _drawable((H, W), "(H, W)", func)
    _drawable((kh, kw), "(kh, kw)", func)
    cell = _cell(cell, func)
    out = _output(func, (H, W), (kh, kw), padding, stride)
    _drawable(out, "the output shape (from padding and stride)", func)
    offset, max_layers = max(5, cell // 3), 6
    depth_i, depth_o = min(c_i, max_layers) - 1, min(c_o, max_layers) - 1
    top = 30 + max(depth_i, depth_o) * offset
    gap = 52
    line1 = top + max(H, kh, out[0]) * cell + 18   # the labels under the stacks
    line2 = line1 + 20                              # the kernel's shape, under the K[o] labels
    board = _Board()
    x = 0
    _stack(board, c_i, (H, W), x, top, cell, offset, CHANNEL_FILLS, max_layers)
    markup, label_w = _label(f"X (c_i={c_i}, H={H}, W={W})")
    board.text(x, line1, markup)
    x += max(W * cell + depth_i * offset + gap, label_w + 24)
    board.text(x - 26, top + H * cell / 2 + 10, "&#8902;", 26, "middle", 40)
    shown_o = min(c_o, 4)
    k_left = x
    for o in range(shown_o):  # the kernel: one stack of c_i slices per output channel, in a row
        _stack(board, c_i, (kh, kw), x, top, cell, offset, CHANNEL_FILLS, max_layers, count_note=False)
        board.cell(x, line1 - 11, 10, OUTPUT_CHANNEL_FILLS[o % len(OUTPUT_CHANNEL_FILLS)])
        markup, kw_label = _label(f"K[{o}]")
        board.text(x + 14, line1, markup)
        x += max(kw * cell + depth_i * offset, 14 + kw_label) + 18
    if c_o > shown_o:
        board.text(x, top + kh * cell / 2 + 6, "&#8230;", 14)
        x += 22
    markup, k_label_w = _label(f"K (c_o={c_o}, c_i={c_i}, k_h={kh}, k_w={kw})")
    board.text(k_left, line2, markup)
    x += gap - 18
    board.text(x - 26, top + H * cell / 2 + 9, "&#8594;", 22, "middle", 40)
    _stack(board, c_o, out, x, top, cell, offset, OUTPUT_CHANNEL_FILLS, max_layers)
    markup, y_label_w = _label(f"Y (c_o={c_o}, H\u2032={out[0]}, W\u2032={out[1]})")
    board.text(x, line1, markup)
    count_w = 60 if c_o > max_layers else 0
    width = max(x + out[1] * cell + depth_o * offset + count_w, x + y_label_w, k_left + k_label_w) + 12
    height = line2 + 8
    description = (f"An input X of shape ({c_i}, {H}, {W}) cross-correlated with a kernel K of shape "
                   f"({c_o}, {c_i}, {kh}, {kw}) gives Y of shape ({c_o}, {out[0]}, {out[1]}): each of the {c_o} "
                   f"output channels sums the {c_i} input channels, each cross-correlated with its own kernel slice.")
    return Drawing(board.html(width, height, None, description), description)


class PNG:
    """A matplotlib picture with a caption: ``image/png`` (not compared by nbval) and a caption sentence.

    Displayed as two outputs: the picture, then its caption as a line of HTML (and plain text) that
    names what the picture shows -- its text alternative, which JupyterLab's image output cannot
    carry itself. The picture's own output also holds the caption as metadata (``alt``).
    """

    def __init__(self, data, title="figure"):
        self.data = data
        self.title = title

    @property
    def caption(self):
        """The title as a sentence: 'parameter counts' -> 'Figure: Parameter counts.'"""
        text = self.title.strip()
        text = text[:1].upper() + text[1:]
        return f"Figure: {text}" + ("" if text.endswith((".", "!", "?")) else ".")

    def _repr_png_(self):
        return self.data

    def _ipython_display_(self):
        from IPython.display import display
        display({"image/png": self.data, "text/plain": repr(self)},
                metadata={"image/png": {"alt": self.caption}}, raw=True)
        display({"text/html": f'<p class="d2l-caption" style="font-size:13px;font-style:italic;margin:2px 0 10px 0">'
                              f'{html.escape(self.caption)}</p>', "text/plain": self.caption}, raw=True)

    def __repr__(self):
        return f"<PNG image: {self.title}>"


#: The largest picture figure_png renders (pixels): bounded memory and time for any figure size.
MAX_PIXELS = 25_000_000


def _renderer(fig):
    """A renderer to measure ``fig`` with (the one savefig would use), at the figure's own size."""
    get = getattr(fig.canvas, "get_renderer", None)
    if callable(get):
        return get()
    from matplotlib.backend_bases import _get_renderer
    return _get_renderer(fig)


def figure_png(fig, title="figure", dpi=100):
    """A matplotlib figure as a :class:`PNG` with a caption (closed afterwards, so it is not shown twice).

    Ending a plotting cell with ``figure_png(fig, "what it shows")`` stores the picture without the
    ``<Figure size ...>`` text that the inline backend adds to ``plt.show()``'s output, and shows
    ``title`` under it as a caption sentence, its text alternative. Raises ``ValueError`` naming the
    argument for something other than a figure, a title that is not short text, a dpi outside
    10-600 and a picture of more than 25 million pixels.
    """
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from ._validate import as_int
    func = "figure_png"
    if not isinstance(fig, Figure):
        raise ValueError(f"{func}: fig must be a matplotlib Figure, got {type(fig).__name__}")
    title = _title(title, func)
    if not title or not title.strip():
        raise ValueError(f"{func}: title must say what the figure shows, got {title!r}")
    dpi = as_int(dpi, "dpi", func, 10)
    if dpi > 600:
        raise ValueError(f"{func}: dpi must be between 10 and 600, got {dpi}")
    w, h = fig.get_size_inches()
    if not (np.isfinite(w) and np.isfinite(h)) or w * h * dpi * dpi > MAX_PIXELS:
        raise ValueError(f"{func}: the figure ({w:g} x {h:g} inches at dpi {dpi}) would have more than "
                         f"{MAX_PIXELS:,} pixels; use a smaller figsize or dpi")
    # The picture is cut to the figure's tight bounding box, which text or artists placed far outside the
    # axes stretch beyond the figure's own size: measure it before drawing any pixel.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = fig.get_tightbbox(_renderer(fig))  # in inches
        bw, bh = box.width + 0.2, box.height + 0.2  # savefig's pad_inches: 0.1 on each side
    except Exception:  # an artist that cannot be measured: refuse rather than draw blind
        raise ValueError(f"{func}: the figure's contents could not be measured; draw it again") from None
    if not (np.isfinite(bw) and np.isfinite(bh)) or bw * bh * dpi * dpi > MAX_PIXELS:
        raise ValueError(f"{func}: the figure's contents reach far outside it (text or artists placed at far "
                         f"coordinates): the picture would have more than {MAX_PIXELS:,} pixels at dpi {dpi}; "
                         f"keep every artist near the axes")
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return PNG(buf.getvalue(), title)
