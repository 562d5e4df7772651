"""ConvExplorer: how kernel size, padding, stride and dilation set a convolution's output shape."""
from ..shapes import conv_output_shape, conv_shape_formula
from ._base import Value
from ._text import pair_text
from ._window import WindowExplorer, check_shape, spans

#: Largest padding the sliders offer (the drawing of a 16x16 input then has at most 24x24 cells).
MAX_PADDING = 4


class ConvExplorer(WindowExplorer):
    """Explore how kernel size, padding, stride and dilation set a convolution's output shape.

    input_shape (H, W) -> output (H', W') per axis
    ``H' = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1``, the shape a Gluon
    ``nn.Conv2D`` gives (:func:`d2lutils.conv_output_shape`). The page draws the padded input, the
    kernel window at one output position and the output; its step scrubber (and play button) slides
    the window over every output position. All of it is computed on the page: no kernel needed.

    ``input_shape`` is at most (16, 16). Settings are traits (``kernel_size``, ``padding``,
    ``stride``, ``dilation``: [h, w] lists; ``linked``; ``step``), synced with the page.
    """

    _explorer = "ConvExplorer"
    _name = "convolution explorer"
    _params = ("kernel_size", "padding", "stride", "dilation")
    _controls = ("input_shape", "limits", "linked", "step") + _params
    _window = "kernel"
    _largest = 16

    kernel_size = Value().tag(sync=True)
    padding = Value().tag(sync=True)
    stride = Value().tag(sync=True)
    dilation = Value().tag(sync=True)

    def __init__(self, input_shape=(8, 8)):
        self._shape = check_shape(input_shape, "ConvExplorer", self._largest)
        k = min(3, max(self._shape))
        super().__init__(input_shape=list(self._shape), limits=self._limits(self._shape), kernel_size=[k, k],
                         padding=[0, 0], stride=[1, 1], dilation=[1, 1], linked=True, step=0)

    @staticmethod
    def _limits(shape):
        n = max(shape)
        return {"input_shape": [1, ConvExplorer._largest], "kernel_size": [1, n + 3],
                "padding": [0, min(max(n // 2, 2), MAX_PADDING)], "stride": [1, max(n, 2)], "dilation": [1, 4]}

    def set(self, kernel_size=None, padding=None, stride=None, dilation=None):
        """Move the controls (each an int or an (h, w) pair; ``None`` leaves it) in one update.

        Raises ``ValueError`` naming the argument for values the sliders cannot show.
        Returns ``self``.
        """
        self._apply(self._set_pairs("ConvExplorer.set", dict(kernel_size=kernel_size, padding=padding,
                                                              stride=stride, dilation=dilation)))
        return self

    @property
    def formula(self):
        """The output-shape formula with the current numbers (one line per axis), or [] when impossible."""
        if self.output_shape is None or self._settings is None:
            return []
        k, p, s, d = self._settings
        return conv_shape_formula(self._shape, k, p, s, d)

    @property
    def gluon(self):
        """The Gluon layer with the current settings, as code (None while a control holds a value it cannot show)."""
        if self._settings is None:
            return None
        k, p, s, d = self._settings
        return (f"nn.Conv2D(1, kernel_size={pair_text(k)}, padding={pair_text(p)}, strides={pair_text(s)}"
                + (f", dilation={pair_text(d)})" if d != (1, 1) else ")"))

    @property
    def pytorch(self):
        """The PyTorch layer with the current settings, as code (None while a control holds a value it cannot show)."""
        if self._settings is None:
            return None
        k, p, s, d = self._settings
        return (f"nn.Conv2d(1, 1, kernel_size={pair_text(k)}, padding={pair_text(p)}, stride={pair_text(s)}"
                + (f", dilation={pair_text(d)})" if d != (1, 1) else ")"))

    def _compute(self, changed):
        settings, problem = self._read(changed)
        if problem:
            self._last_out = None
            return problem, None
        k, p, s, d = settings
        impossible = self._impossible(k, p, d)
        if impossible:
            self._last_out = None
            return impossible, None
        out = conv_output_shape(self._shape, k, p, s, d)
        i, j, step = self._steps(out)
        (H, W), padded = self._shape, p != (0, 0)
        where = (f"padded {H + 2 * p[0]}×{W + 2 * p[1]} input (grey cells are padding)." if padded
                 else f"{H}×{W} input.")
        return f"Output shape {out}. {step} reads {spans(i, j, k, s, d)} of the {where}", out
