"""Live explorers for JupyterLab (ipywidgets 8): convolution shapes, pooling, a photo filter.

Each explorer is an ``ipywidgets.VBox`` that displays itself in a notebook::

    from d2lutils.widgets import ConvExplorer
    ConvExplorer(input_shape=(8, 8))

and has the same small Python API, used by the tests and the benchmark:

* ``.set(...)`` moves the controls (it sets the widgets' ``.value``, the same code path
  as dragging a slider) and returns once the display is updated; values the controls
  cannot show (stride 0, 2.5, ...) raise ``ValueError`` naming the argument;
* ``.output_shape`` is the current (H', W'), or ``None`` for an impossible setting;
* ``.status`` is the plain text the learner reads under the drawing.

Drawings are SVG markup (:mod:`d2lutils.drawing`) in one ``HTML`` widget and the photo
filter's images are PNGs, so an update is one message to the browser and no matplotlib
redraw. Observers never let an exception reach the learner: an impossible setting is
explained in plain words, and an unexpected error becomes a message in ``.status``.
"""
import html
import io
import re

import ipywidgets as widgets
import numpy as np

from ._validate import as_int, as_pair, to_numpy
from .conv import corr2d
from .drawing import conv_step_svg
from .pooling import pool2d
from .shapes import conv_output_shape, conv_shape_formula, pool_output_shape, pool_shape_formula, window_problem

__all__ = ["ConvExplorer", "PoolExplorer", "PhotoFilter"]

_AXES = ("height", "width")
_STYLE = {"description_width": "110px"}
_CSS = ("font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; "
        "color: var(--jp-ui-font-color1, #222);")
_MONO = "font-family: var(--jp-code-font-family, monospace); font-size: 13px;"
#: Largest padding the explorers' sliders offer: with the largest inputs (16x16 for the
#: convolution, 12x12 for pooling) an update then sends at most about 150 KB of SVG.
_MAX_PADDING = 4
#: Largest kernel value (in size) the photo filter accepts: the output stays far from
#: float32 overflow, and no learner needs more.
_KERNEL_LIMIT = 1e6


def _pair_text(p):
    """(3, 3) -> '3', (3, 5) -> '(3, 5)': how Gluon's arguments are usually written."""
    return str(p[0]) if p[0] == p[1] else f"({p[0]}, {p[1]})"


def _span_text(start, count, step):
    """Rows/columns a window touches: '0–2', or '0–4 every 2' with dilation."""
    last = start + (count - 1) * step
    if count == 1:
        return str(start)
    return f"{start}–{last}" + (f" every {step}" if step > 1 else "")


_LONG_NUMBER = re.compile(r'(<text [^>]*)>([-0-9.]{5,})</text>')


def _fit_numbers(svg, cell):
    """Squeeze numbers of 5+ characters (such as 10.25) into their cells of ``cell`` pixels."""
    return _LONG_NUMBER.sub(lambda m: f'{m[1]} textLength="{cell - 4}" lengthAdjust="spacingAndGlyphs">'
                                      f'{m[2]}</text>', svg)


def _check_shape(input_shape, cls, largest):
    shape = as_pair(input_shape, "input_shape", cls, 1)
    if max(shape) > largest:
        raise ValueError(f"{cls}: input_shape must be at most ({largest}, {largest}) so that the "
                         f"drawing stays readable, got {shape}")
    return shape


def _pair_slider(label, lo, hi, value):
    """Two IntSliders (height, width) for one setting such as the padding."""
    return [widgets.IntSlider(value=value, min=lo, max=hi, description=f"{label} {axis}",
                              continuous_update=True, style=_STYLE,
                              layout=widgets.Layout(width="340px"))
            for axis in _AXES]


class _Explorer(widgets.VBox):
    """Shared machinery: one render per control change, errors shown as plain text."""

    _name = "Explorer"

    def _setup(self):
        self._busy = False     # True while the explorer itself moves controls
        self._status = ""
        self._output_shape = None

    def _watch(self, *controls):
        for c in controls:
            c.observe(self._on_control, names="value")

    def _on_control(self, change):
        """Observer of every control: keep linked controls in step, then render once."""
        if self._busy:  # a change the explorer made itself; the caller renders at the end
            return
        self._busy = True
        try:
            try:
                self._sync(change["owner"])
            except Exception as err:  # never let a traceback reach the learner
                self._show_error(err)
                return
            self._update()
        finally:
            self._busy = False

    def _sync(self, owner):
        """Move controls that follow ``owner`` (linked axes, presets); no rendering."""

    def _update(self):
        """Render once; controls moved while rendering (step reset) do not trigger renders."""
        busy, self._busy = self._busy, True
        try:
            self._render()
        except Exception as err:  # never let a traceback reach the learner
            self._show_error(err)
        finally:
            self._busy = busy

    def _show_error(self, err):
        self._output_shape = None
        self._status = (f"Something went wrong while updating the {self._name}: {err}. "
                        f"Move a control to try again.")
        self._show_message(self._status)

    def _show_message(self, text):
        raise NotImplementedError

    def _apply(self, values, then=None):
        """Set several controls' ``.value`` (already validated), call ``then()`` to move the
        controls that follow them, and render once at the end."""
        self._busy = True
        try:
            for control, value in values:
                control.value = value
            if then is not None:
                then()
        finally:
            self._busy = False
        self._update()

    @property
    def output_shape(self):
        """The current output shape (H', W'), or ``None`` when the setting is impossible."""
        return self._output_shape

    @property
    def status(self):
        """The plain text shown under the drawing."""
        return self._status


def _checked_pair(value, name, func, sliders):
    """``value`` (int or pair) as a pair the two sliders can show, else ValueError naming ``name``."""
    pair = as_pair(value, name, func, sliders[0].min)
    for v, s in zip(pair, sliders):
        if not s.min <= v <= s.max:
            raise ValueError(f"{func}: {name} must be between {s.min} and {s.max} "
                             f"(the range of its slider), got {value!r}")
    return pair


class _WindowExplorer(_Explorer):
    """Common parts of the convolution and pooling explorers: per-axis sliders, link, steps."""

    def _build_steps(self):
        self._play = widgets.Play(value=0, min=0, max=0, interval=700, description="Play",
                                  layout=widgets.Layout(width="auto"))
        self._step = widgets.IntSlider(value=0, min=0, max=0, description="step", style=_STYLE,
                                       layout=widgets.Layout(width="360px"))
        self._link = widgets.Checkbox(value=True, description="same for height and width", indent=False,
                                      layout=widgets.Layout(width="auto"))
        self._view = widgets.HTML()
        self._view.add_class("d2l-view")

    def _pairs(self):
        """{setting name: (height slider, width slider)}."""
        raise NotImplementedError

    def _sync(self, owner):
        if owner is self._play:
            self._step.value = min(self._play.value, self._step.max)
        elif owner is self._step:
            self._play.value = self._step.value
        elif owner is self._link:
            if self._link.value:
                for h, w in self._pairs().values():
                    w.value = h.value
        elif self._link.value:
            for h, w in self._pairs().values():
                if owner is h:
                    w.value = h.value
                elif owner is w:
                    h.value = w.value

    def _settings(self):
        """The per-axis settings as pairs, in the order of :meth:`_pairs`."""
        return tuple(tuple(s.value for s in p) for p in self._pairs().values())

    def _set_pairs(self, func, **settings):
        """Validate per-axis settings and return [(slider, value)], unlinking axes if needed."""
        values = []
        unlink = False
        for name, value in settings.items():
            if value is None:
                continue
            h, w = self._pairs()[name]
            pair = _checked_pair(value, name, func, (h, w))
            unlink |= pair[0] != pair[1]
            values += [(h, pair[0]), (w, pair[1])]
        if unlink:
            values.insert(0, (self._link, False))
        return values

    def _impossible(self, k, p, d=(1, 1)):
        """Show why the window (``k``, ``p``, ``d`` pairs) cannot slide over the padded input.

        Returns True (after showing the message) for an impossible setting, else False; the
        rule itself is :func:`d2lutils.shapes.window_problem`, only the words are here.
        """
        pool = self._window == "pool"
        problem = window_problem(self._input_shape, k, p, d, pool=pool)
        if problem is None:
            return False
        a, axis = problem.axis, _AXES[problem.axis]
        rows = ("rows", "columns")[a]
        if problem.reason == "padding":
            message = (f"Impossible setting: the padding {axis} {p[a]} must be smaller than the "
                       f"pool {axis} {k[a]}; otherwise some windows would hold nothing but padding.")
        else:
            spans = (f"the {self._window} {axis} {k[a]} with dilation {d[a]} spans {problem.extent} {rows}"
                     if d[a] > 1 else f"the {self._window} {axis} is {k[a]} {rows}")
            advice = "a smaller pool or more padding" if pool else "a smaller kernel, more padding or less dilation"
            message = (f"Impossible setting: {spans}, but the padded input has only "
                       f"{self._input_shape[a]} + 2·{p[a]} = {problem.padded} {rows}, so the window does not "
                       f"fit anywhere. Use {advice}.")
        self._output_shape = None
        self._status = message
        self._show_message(message)
        return True

    def _reset_steps(self, n):
        """Point the step control at output position 0 of ``n`` (0 when impossible)."""
        self._play.playing = False
        for c in (self._step, self._play):
            c.value = 0
            c.max = max(n - 1, 0)
        self._step.disabled = self._play.disabled = n <= 1

    def _current_step(self, out):
        """Reset the steps when the output shape changed; return the output cell (i, j)."""
        if out != self._output_shape:
            self._reset_steps(out[0] * out[1])
        k = self._step.value
        return divmod(k, out[1])

    def _show_message(self, text):
        self._reset_steps(0)
        self._view.value = (f'<div style="{_CSS}"><div class="d2l-message d2l-status" style="padding: 12px; '
                            f'border-left: 4px solid #c0392b; background: #fdf2f0; max-width: 640px;">'
                            f'{html.escape(text)}</div></div>')

    def _page(self, svg, formula, gluon):
        """The view's HTML: drawing, status, formula with numbers and the equivalent Gluon layer."""
        lines = "<br>".join(html.escape(f) for f in formula)
        return (f'<div style="{_CSS}">'
                f'<div class="d2l-drawing" style="overflow-x: auto;">{svg}</div>'
                f'<div class="d2l-status" style="margin: 4px 0 8px 0;">{html.escape(self._status)}</div>'
                f'<div class="d2l-formula" style="{_MONO} background: var(--jp-layout-color2, #f3f3f3); '
                f'padding: 6px 10px; display: inline-block;">{lines}</div>'
                f'<div class="d2l-shape" style="margin-top: 6px;">Output shape: '
                f'<b>{html.escape(str(self._output_shape))}</b>, the same as '
                f'<code>{html.escape(gluon)}</code> gives.</div></div>')

    @staticmethod
    def _cell(*columns):
        """Cell size (pixels) so that the drawing fits about 760 px."""
        return int(max(10, min(26, 760 // (sum(columns) + 6))))


class ConvExplorer(_WindowExplorer):
    """Explore how kernel size, padding, stride and dilation set a convolution's output shape.

    input_shape (H, W) -> output (H', W') per axis
    ``H' = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1``, the shape a
    Gluon ``nn.Conv2D`` gives (computed by :func:`d2lutils.conv_output_shape`). The drawing
    shows the padded input, the kernel window at one output position and the output; the
    step control slides the window over every output position in order.

    ``input_shape`` is at most (16, 16) and the padding sliders stop at 4, so that the
    drawing stays readable and an update sends at most about 120 KB of SVG; larger
    shapes raise ``ValueError`` naming ``input_shape``.
    """

    _name = "convolution explorer"
    _window = "kernel"

    def __init__(self, input_shape=(8, 8)):
        self._input_shape = _check_shape(input_shape, "ConvExplorer", 16)
        self._setup()
        n = max(self._input_shape)
        self._kernel = _pair_slider("kernel", 1, n + 3, min(3, n))
        self._padding = _pair_slider("padding", 0, min(max(n // 2, 2), _MAX_PADDING), 0)
        self._stride = _pair_slider("stride", 1, max(n, 2), 1)
        self._dilation = _pair_slider("dilation", 1, 4, 1)
        self._build_steps()
        self._watch(*self._kernel, *self._padding, *self._stride, *self._dilation,
                    self._link, self._step, self._play)
        rows = [widgets.HBox(list(p)) for p in self._pairs().values()]
        title = widgets.HTML(f'<b style="{_CSS}">Convolution shape explorer: input '
                             f'{self._input_shape[0]}×{self._input_shape[1]}</b>')
        super().__init__([title, self._link, *rows, widgets.HBox([self._play, self._step]), self._view])
        self.add_class("d2l-conv-explorer")
        self._update()

    def __repr__(self):
        return f"ConvExplorer(input_shape={self._input_shape})"

    def _pairs(self):
        return {"kernel_size": self._kernel, "padding": self._padding,
                "stride": self._stride, "dilation": self._dilation}

    def set(self, kernel_size=None, padding=None, stride=None, dilation=None):
        """Move the controls (each an int or an (h, w) pair; ``None`` leaves it) and redraw once.

        Raises ``ValueError`` naming the argument for values the sliders cannot show.
        Returns ``self``.
        """
        values = self._set_pairs("ConvExplorer.set", kernel_size=kernel_size, padding=padding,
                                 stride=stride, dilation=dilation)
        self._apply(values)
        return self

    def _render(self):
        k, p, s, d = self._settings()
        if self._impossible(k, p, d):
            return
        out = conv_output_shape(self._input_shape, k, p, s, d)
        i, j = self._current_step(out)
        self._output_shape = out
        Hp, Wp = self._input_shape[0] + 2 * p[0], self._input_shape[1] + 2 * p[1]
        cell = self._cell(Wp, k[1], out[1])
        svg = conv_step_svg(self._input_shape, k, p, s, d, (i, j), cell=cell).data
        step = i * out[1] + j
        self._status = (f"Output shape {out}. Step {step + 1} of {out[0] * out[1]}: output cell ({i}, {j}) "
                        f"reads rows {_span_text(i * s[0], k[0], d[0])} and columns "
                        f"{_span_text(j * s[1], k[1], d[1])} of the padded {Hp}×{Wp} input "
                        f"(grey cells are padding).")
        gluon = (f"nn.Conv2D(1, kernel_size={_pair_text(k)}, padding={_pair_text(p)}, "
                 f"strides={_pair_text(s)}" + (f", dilation={_pair_text(d)})" if d != (1, 1) else ")"))
        self._view.value = self._page(svg, conv_shape_formula(self._input_shape, k, p, s, d), gluon)


class PoolExplorer(_WindowExplorer):
    """Explore max and average pooling on a small integer input (the lecture's arange).

    X (H, W) = 0, 1, ..., H*W - 1 -> Y (H', W') with
    ``H' = floor((H + 2*padding - pool) / stride) + 1``. The stride follows the pool size
    unless unticked, as in Gluon's ``MaxPool2D``/``AvgPool2D``. Values agree with MXNet's
    ``nd.Pooling``: max pooling ignores padding (drawn blank), average pooling counts it as
    zeros (drawn as 0).

    ``input_shape`` is at most (12, 12) and the padding sliders stop at 4, so that the
    drawing stays readable and an update sends at most about 150 KB of SVG; larger
    shapes raise ``ValueError`` naming ``input_shape``.
    """

    _name = "pooling explorer"
    _window = "pool"

    def __init__(self, input_shape=(4, 4)):
        self._input_shape = _check_shape(input_shape, "PoolExplorer", 12)
        self._setup()
        H, W = self._input_shape
        n = max(H, W)
        self.X = np.arange(H * W, dtype=np.float32).reshape(H, W)
        self._pool = _pair_slider("pool size", 1, n + 2, min(2, n))
        self._padding = _pair_slider("padding", 0, min(max(n // 2 + 1, 2), _MAX_PADDING), 0)
        self._stride = _pair_slider("stride", 1, n + 2, min(2, n))
        self._default_stride = widgets.Checkbox(value=True, description="stride = pool size (Gluon's default)",
                                                indent=False, layout=widgets.Layout(width="auto"))
        self._mode = widgets.ToggleButtons(options=[("max", "max"), ("average", "avg")], value="max",
                                           style={"button_width": "80px"})
        self._build_steps()
        self._watch(*self._pool, *self._padding, *self._stride, self._default_stride, self._mode,
                    self._link, self._step, self._play)
        rows = [widgets.HBox(list(p)) for p in self._pairs().values()]
        title = widgets.HTML(f'<b style="{_CSS}">Pooling explorer: input {H}×{W} holding 0, 1, …, {H * W - 1}</b>')
        mode = widgets.HBox([widgets.Label("pooling", layout=widgets.Layout(width="114px")), self._mode])
        super().__init__([title, mode, widgets.HBox([self._link, self._default_stride]), *rows,
                          widgets.HBox([self._play, self._step]), self._view])
        self.add_class("d2l-pool-explorer")
        self._follow_pool()
        self._update()

    def __repr__(self):
        return f"PoolExplorer(input_shape={self._input_shape})"

    def _pairs(self):
        return {"pool_size": self._pool, "padding": self._padding, "stride": self._stride}

    def _follow_pool(self):
        """With the default stride ticked, the stride sliders show the pool size and are locked."""
        for st, po in zip(self._stride, self._pool):
            st.disabled = self._default_stride.value
            if self._default_stride.value:
                st.value = min(po.value, st.max)

    def _sync(self, owner):
        super()._sync(owner)
        self._follow_pool()

    def set(self, pool_size=None, padding=None, stride=None, mode=None):
        """Move the controls and redraw once; returns ``self``.

        ``pool_size``, ``padding``, ``stride``: int or (h, w) pair (``None`` leaves it);
        ``stride="default"`` ticks "stride = pool size" again; a stride value unticks it.
        ``mode``: ``'max'`` or ``'avg'``. Values the controls cannot show raise ``ValueError``.
        """
        func = "PoolExplorer.set"
        if mode is not None and not (isinstance(mode, str) and mode in ("max", "avg")):
            raise ValueError(f"{func}: mode must be 'max' or 'avg', got {mode!r}")
        default = isinstance(stride, str) and stride == "default"
        if isinstance(stride, str) and not default:
            raise ValueError(f"{func}: stride must be an integer, an (h, w) pair or 'default', got {stride!r}")
        values = self._set_pairs(func, pool_size=pool_size, padding=padding,
                                 stride=None if default else stride)
        if stride is not None:
            values.insert(0, (self._default_stride, default))
        if mode is not None:
            values.append((self._mode, mode))
        self._apply(values, then=self._follow_pool)
        return self

    def _render(self):
        k, p, s = self._settings()
        H, W = self._input_shape
        mode = self._mode.value
        if self._impossible(k, p):
            return
        out = pool_output_shape(self._input_shape, k, p, s)
        i, j = self._current_step(out)
        self._output_shape = out
        Y = pool2d(self.X, k, mode, p, s)
        self.Y = Y
        Wp = W + 2 * p[1]
        cell = int(max(22, min(36, 760 // (Wp + out[1] + 6))))  # room for values such as 10.50
        svg = conv_step_svg(self._input_shape, k, p, s, 1, (i, j), X=self.X, Y=Y, cell=cell,
                            names=("Input X", None, f"Output ({'max' if mode == 'max' else 'average'})"),
                            pad_value=0 if mode == "avg" else None).data  # average pooling counts padding as 0
        svg = _fit_numbers(svg, cell)
        # the numbers in the window, padding as 0 (average) or left out (max), as MXNet does
        r0, c0 = i * s[0] - p[0], j * s[1] - p[1]
        nums = []
        for r in range(r0, r0 + k[0]):
            for c in range(c0, c0 + k[1]):
                inside = 0 <= r < H and 0 <= c < W
                if inside:
                    nums.append(f"{self.X[r, c]:g}")
                elif mode == "avg":
                    nums.append("0")
        y = float(Y[i, j])
        value = f"{y:g}" if y.is_integer() else f"{y:.2f}"
        if mode == "max":
            calc = f"max({', '.join(nums)}) = {value}" + (" (padding is ignored)" if p != (0, 0) else "")
        else:
            calc = (f"({' + '.join(nums)}) / {k[0] * k[1]} = {value}"
                    + (" (padding counts as 0)" if p != (0, 0) else ""))
        step = i * out[1] + j
        self._status = (f"Output shape {out}. Step {step + 1} of {out[0] * out[1]}: output cell ({i}, {j}) "
                        f"pools rows {_span_text(i * s[0], k[0], 1)} and columns "
                        f"{_span_text(j * s[1], k[1], 1)} of the padded input: {calc}.")
        layer = "MaxPool2D" if mode == "max" else "AvgPool2D"
        gluon = f"nn.{layer}({_pair_text(k)}, padding={_pair_text(p)}, strides={_pair_text(s)})"
        self._view.value = self._page(svg, pool_shape_formula(self._input_shape, k, p, s), gluon)


def _kernel_problem(A):
    """Why the (real, float) kernel values ``A`` cannot be used, in words, or None."""
    if not np.all(np.isfinite(A)):
        return "not a finite number"
    if np.any(np.abs(A) > _KERNEL_LIMIT):
        return f"too large (kernel values must lie between -{_KERNEL_LIMIT:,.0f} and {_KERNEL_LIMIT:,.0f})"
    return None


def _kernel_values(K, name, func):
    """``K`` as a float64 array of real kernel values, else ``ValueError`` naming ``name``."""
    A, _ = to_numpy(K, name, func)  # rejects text and complex numbers
    if A.dtype == bool:
        raise ValueError(f"{func}: {name} must hold numbers, not True/False, got {A.tolist()}")
    A = A.astype(float)
    problem = _kernel_problem(A)
    if problem:
        raise ValueError(f"{func}: {name} holds a value that is {problem}, got {A.tolist()}")
    return A


def _embed_kernel(K, name, func):
    """A kernel of up to 3x3 (any leading axes of size 1) as a 3x3 float list, centred."""
    A = _kernel_values(K, name, func)
    while A.ndim > 2 and A.shape[0] == 1:
        A = A[0]
    if A.ndim == 1:
        A = A[None]
    if A.ndim != 2 or A.size == 0 or A.shape[0] > 3 or A.shape[1] > 3:
        raise ValueError(f"{func}: {name} must be a kernel of at most 3x3, shape (kh, kw), (1, kh, kw) or "
                         f"(1, 1, kh, kw); got shape {tuple(np.shape(K))}")
    out = np.zeros((3, 3))
    r, c = (4 - A.shape[0]) // 2, (4 - A.shape[1]) // 2  # a 1x2 kernel lands like "vertical edges"
    out[r:r + A.shape[0], c:c + A.shape[1]] = A
    return out.tolist()


def _png(A):
    """uint8 (H, W) array -> PNG bytes (low compression: fast to encode)."""
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(A, mode="L").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


class PhotoFilter(_Explorer):
    """Cross-correlate a real photograph with an editable 3x3 kernel, live.

    X (H, W) is :func:`d2lutils.data.load_photo` (grayscale, 300x256), K (3, 3) the kernel,
    Y = ``corr2d(X, K, padding, stride)`` (H', W'). The output is shown as ``|Y|`` scaled so
    that its largest value is white: edges appear bright whatever their sign.
    ``learned_kernel`` (e.g. the (1, 1, 1, 2) kernel learned in lesson 3) becomes a preset,
    centred in the 3x3 grid, and is the kernel shown first.
    """

    _name = "photo filter"

    def __init__(self, learned_kernel=None):
        from .data import KERNELS, load_photo
        func = "PhotoFilter"
        self._setup()
        self._presets = {name: [list(map(float, row)) for row in K] for name, K in KERNELS.items()}
        self._learned = learned_kernel is not None
        if self._learned:
            self._presets["learned (lesson 3)"] = _embed_kernel(learned_kernel, "learned_kernel", func)
        self.X = load_photo()
        first = "learned (lesson 3)" if self._learned else "identity"  # start with the learned kernel
        self._preset = widgets.Dropdown(options=list(self._presets) + ["custom"], value=first,
                                        description="preset", style=_STYLE,
                                        layout=widgets.Layout(width="340px"))
        self._boxes = [[widgets.FloatText(value=v, step=0.1, layout=widgets.Layout(width="80px"))
                        for v in row] for row in self._presets[first]]
        self._padding = widgets.IntSlider(value=1, min=0, max=4, description="padding", style=_STYLE,
                                          layout=widgets.Layout(width="340px"))
        self._stride = widgets.IntSlider(value=1, min=1, max=4, description="stride", style=_STYLE,
                                         layout=widgets.Layout(width="340px"))
        self._watch(self._preset, self._padding, self._stride, *(b for row in self._boxes for b in row))
        self._in_img = widgets.Image(value=_png(self._to_uint8(self.X, False)), format="png")
        self._out_img = widgets.Image(format="png")
        self._out_title = widgets.HTML()
        self._caption = widgets.HTML()
        self._caption.add_class("d2l-status")
        grid = widgets.GridBox([b for row in self._boxes for b in row],
                               layout=widgets.Layout(grid_template_columns="repeat(3, 84px)",
                                                     grid_gap="2px", margin="0 0 6px 40px"))
        controls = widgets.VBox([self._preset, widgets.HTML(f'<span style="{_CSS}">kernel K (3×3, editable)</span>'),
                                 grid, self._padding, self._stride],
                                layout=widgets.Layout(width="350px", flex="0 0 auto"))
        h, w = self.X.shape
        images = widgets.HBox([
            widgets.VBox([widgets.HTML(f'<span style="{_CSS}">input X {h}×{w}</span>'), self._in_img]),
            widgets.VBox([self._out_title, self._out_img])],
            layout=widgets.Layout(grid_gap="12px"))
        title = widgets.HTML(f'<b style="{_CSS}">Photo filter: cross-correlation of a photograph with a 3×3 kernel</b>')
        super().__init__([title, widgets.HBox([controls, images], layout=widgets.Layout(grid_gap="16px")),
                          self._caption])
        self.add_class("d2l-photo-filter")
        self._update()

    def __repr__(self):
        return "PhotoFilter(learned_kernel=...)" if self._learned else "PhotoFilter()"

    @staticmethod
    def _to_uint8(A, use_abs=True):
        A = np.abs(A) if use_abs else A
        top = float(A.max()) if A.size else 0.0
        if not np.isfinite(top) or top <= 0:
            return np.zeros(A.shape, dtype=np.uint8)
        return (np.clip(A / top, 0, 1) * 255).astype(np.uint8)

    @property
    def kernel(self):
        """The current 3x3 kernel as nested lists."""
        return [[b.value for b in row] for row in self._boxes]

    def _match_preset(self):
        """The preset the kernel boxes hold (the selected one first), else 'custom'."""
        K = self.kernel
        names = sorted(self._presets, key=lambda name: name != self._preset.value)
        for name in names:
            P = self._presets[name]
            if np.allclose(K, P, atol=1e-9):
                return name
        return "custom"

    def _select_matching_preset(self):
        self._preset.value = self._match_preset()

    def _sync(self, owner):
        if owner is self._preset:
            if owner.value != "custom":
                for row, vals in zip(self._boxes, self._presets[owner.value]):
                    for b, v in zip(row, vals):
                        b.value = v
        elif any(owner is b for row in self._boxes for b in row):
            self._select_matching_preset()

    def set(self, kernel=None, padding=None, stride=None, preset=None):
        """Move the controls and redraw once; returns ``self``.

        ``kernel``: 3x3 nested list of real numbers between -1e6 and 1e6; ``preset``: one of
        the preset names; ``padding`` (0-4) and ``stride`` (1-4): ints. Bad values raise
        ``ValueError`` naming them.
        """
        func = "PhotoFilter.set"
        values = []
        if preset is not None:
            if not (isinstance(preset, str) and preset in self._presets):
                raise ValueError(f"{func}: preset must be one of {list(self._presets)}, got {preset!r}")
            values.append((self._preset, preset))
            kernel = self._presets[preset] if kernel is None else kernel
        if kernel is not None:
            A = _kernel_values(kernel, "kernel", func)
            if A.shape != (3, 3):
                raise ValueError(f"{func}: kernel must be 3x3 numbers (a nested list), got shape {A.shape}")
            values += [(b, float(v)) for row, vals in zip(self._boxes, A.tolist()) for b, v in zip(row, vals)]
        for name, value, slider in (("padding", padding, self._padding), ("stride", stride, self._stride)):
            if value is not None:
                v = as_int(value, name, func, slider.min)
                if v > slider.max:
                    raise ValueError(f"{func}: {name} must be between {slider.min} and {slider.max}, got {value!r}")
                values.append((slider, v))
        self._apply(values, then=self._select_matching_preset if kernel is not None else None)
        return self

    def _show_message(self, text):
        self._caption.value = f'<div class="d2l-message" style="{_CSS} color: #c0392b;">{html.escape(text)}</div>'

    def _render(self):
        K = np.array(self.kernel, dtype=float)
        p, s = self._padding.value, self._stride.value
        problem = _kernel_problem(K)  # checked before the float32 cast, which would overflow
        if problem:
            self._output_shape = None
            self._status = f"The kernel holds a value that is {problem}: type another number in that box."
            self._show_message(self._status)
            return
        Y = corr2d(self.X, K.astype(np.float32), padding=p, stride=s)
        self.Y = Y
        self._output_shape = Y.shape
        self._out_img.value = _png(self._to_uint8(Y))
        rows, columns = (line.split(": ", 1)[1] for line in conv_shape_formula(self.X.shape, 3, p, s))
        h, w = self.X.shape
        self._out_title.value = f'<span style="{_CSS}">output Y {Y.shape[0]}×{Y.shape[1]} (|Y|, scaled)</span>'
        self._status = (f"Output shape {Y.shape}: the {h}×{w} photo with padding {p} and stride {s} gives "
                        f"{rows} rows and {columns} columns. "
                        f"Shown: |Y| scaled so that the largest value is white "
                        f"(kernel: {self._preset.value}).")
        self._caption.value = f'<div style="{_CSS} max-width: 900px;">{html.escape(self._status)}</div>'
