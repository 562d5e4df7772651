"""PoolExplorer: max and average pooling of a small integer input, values as MXNet computes them."""
import numpy as np

from .._validate import describe
from ..pooling import pool2d
from ..shapes import pool_output_shape, pool_shape_formula
from ._text import num_text, pair_text
from ._base import Value, as_pair_value, limits_problem
from ._window import WindowExplorer, check_shape, spans

#: Largest padding the sliders offer.
MAX_PADDING = 4


class PoolExplorer(WindowExplorer):
    """Explore max and average pooling on a small integer input (the lecture's arange).

    X (H, W) = 0, 1, ..., H*W - 1 -> Y (H', W') with ``H' = floor((H + 2*padding - pool) / stride) + 1``.
    The stride follows the pool size while ``default_stride`` is ticked, as in Gluon's
    ``MaxPool2D``/``AvgPool2D``. The page computes the pooled values as MXNet's ``nd.Pooling``
    does: max pooling ignores padding (drawn blank), average pooling counts it as zeros (drawn 0).

    ``input_shape`` is at most (12, 12). Traits: ``pool_size``, ``padding``, ``stride`` ([h, w]),
    ``mode`` ('max' or 'avg'), ``default_stride``, ``linked``, ``step``.
    """

    _explorer = "PoolExplorer"
    _name = "pooling explorer"
    _params = ("pool_size", "padding", "stride")
    _window = "pool"
    _largest = 12

    pool_size = Value().tag(sync=True)
    padding = Value().tag(sync=True)
    stride = Value().tag(sync=True)
    mode = Value("max").tag(sync=True)
    default_stride = Value(True).tag(sync=True)
    _controls = ("input_shape", "limits", "linked", "step", "mode", "default_stride") + _params

    def __init__(self, input_shape=(4, 4)):
        self._shape = check_shape(input_shape, "PoolExplorer", self._largest)
        k = min(2, max(self._shape))
        super().__init__(input_shape=list(self._shape), limits=self._limits(self._shape), pool_size=[k, k],
                         padding=[0, 0], stride=[k, k], mode="max", default_stride=True, linked=True, step=0)

    @staticmethod
    def _limits(shape):
        n = max(shape)
        return {"input_shape": [1, PoolExplorer._largest], "pool_size": [1, n + 2],
                "padding": [0, min(max(n // 2 + 1, 2), MAX_PADDING)], "stride": [1, n + 2]}

    @property
    def X(self):
        """The input: 0, 1, ..., H*W - 1 as a float32 (H, W) array."""
        H, W = self._shape
        return np.arange(H * W, dtype=np.float32).reshape(H, W)

    @property
    def Y(self):
        """The pooled output (H', W') for the current settings (``d2lutils.pool2d``), or None."""
        if self.output_shape is None or self._settings is None:
            return None
        k, p, s = self._settings
        return pool2d(self.X, k, self.mode, p, s)

    def set(self, pool_size=None, padding=None, stride=None, mode=None):
        """Move the controls in one update; returns ``self``.

        ``pool_size``, ``padding``, ``stride``: int or (h, w) pair (``None`` leaves it);
        ``stride="default"`` ticks "stride = pool size" again; a stride value unticks it.
        ``mode``: ``'max'`` or ``'avg'``. Values the controls cannot show raise ``ValueError``.
        """
        func = "PoolExplorer.set"
        if mode is not None and not (isinstance(mode, str) and mode in ("max", "avg")):
            raise ValueError(f"{func}: mode must be 'max' or 'avg', got {describe(mode)}")
        default = isinstance(stride, str) and stride == "default"
        if isinstance(stride, str) and not default:
            raise ValueError(f"{func}: stride must be an integer, an (h, w) pair or 'default', got {describe(stride)}")
        values = self._set_pairs(func, dict(pool_size=pool_size, padding=padding, stride=None if default else stride))
        if stride is not None:
            values["default_stride"] = default
        if mode is not None:
            values["mode"] = mode
        self._apply(values)
        return self

    @property
    def formula(self):
        """The output-shape formula with the current numbers (one line per axis), or [] when impossible."""
        if self.output_shape is None or self._settings is None:
            return []
        k, p, s = self._settings
        return pool_shape_formula(self._shape, k, p, s)

    @property
    def gluon(self):
        """The Gluon layer with the current settings, as code (None while a control holds a value it cannot show)."""
        if self._settings is None or self.mode not in ("max", "avg"):
            return None
        k, p, s = self._settings
        layer = "MaxPool2D" if self.mode == "max" else "AvgPool2D"
        return f"nn.{layer}({pair_text(k)}, padding={pair_text(p)}, strides={pair_text(s)})"

    @property
    def pytorch(self):
        """The PyTorch layer with the current settings, as code; None while a control holds a value it cannot show,
        and when PyTorch refuses the settings (its pooling layers take padding up to half the window only)."""
        if self._settings is None or self.mode not in ("max", "avg"):
            return None
        k, p, s = self._settings
        if any(p[a] > k[a] // 2 for a in range(2)):
            return None
        layer = "MaxPool2d" if self.mode == "max" else "AvgPool2d"
        return f"nn.{layer}({pair_text(k)}, stride={pair_text(s)}, padding={pair_text(p)})"

    def _follow(self, changed):
        """With "stride = pool size" ticked the stride follows the pool size; moving the stride unticks it."""
        if self.default_stride is not True or limits_problem(self.limits, ("stride",), self._caps()):
            return
        pool = as_pair_value(self.pool_size)  # e.pool_size = 3 counts as [3, 3]
        hi = self.limits["stride"][1]
        if pool is None:
            return
        follow = [min(v, hi) for v in pool]
        if self.stride == follow:  # e.g. the page sent the pool size and the stride that follows it
            return
        if changed == "stride":  # a stride of its own
            self.default_stride = False
        else:
            self.stride = follow

    def _compute(self, changed):
        self._settings = None
        if self.mode not in ("max", "avg"):
            self._last_out = None
            return "Cannot show mode: it must be 'max' or 'avg'. Choose max or average to go on.", None
        if not isinstance(self.default_stride, bool):
            self._last_out = None
            return ('Cannot show default_stride: it must be True or False. Tick or untick "stride = pool size" '
                    'to go on.'), None
        self._follow(changed)
        settings, problem = self._read(changed)
        if problem:
            self._last_out = None
            return problem, None
        k, p, s = settings
        impossible = self._impossible(k, p)
        if impossible:
            self._last_out = None
            return impossible, None
        out = pool_output_shape(self._shape, k, p, s)
        i, j, step = self._steps(out)
        (H, W), mode, padded = self._shape, self.mode, p != (0, 0)
        X = self.X
        nums = []
        for r in range(i * s[0] - p[0], i * s[0] - p[0] + k[0]):
            for c in range(j * s[1] - p[1], j * s[1] - p[1] + k[1]):
                if 0 <= r < H and 0 <= c < W:
                    nums.append(f"{X[r, c]:g}")
                elif mode == "avg":
                    nums.append("0")
        values = [float(v) for v in nums]  # never empty: the padding is smaller than the pool
        y = max(values) if mode == "max" else sum(values) / (k[0] * k[1])
        value = num_text(y)
        calc = (f"max({', '.join(nums)}) = {value}" + (" (padding is ignored)" if padded else "") if mode == "max"
                else f"({' + '.join(nums)}) / {k[0] * k[1]} = {value}" + (" (padding counts as 0)" if padded else ""))
        where = "padded input" if padded else "input"
        return (f"Output shape {out}. {step} pools {spans(i, j, k, s)} of the {where}: {calc}.", out)
