"""ReceptiveFieldExplorer: what one output cell of a stack of layers depends on, layer by layer."""
from .._validate import as_pair, describe
from ..receptive import _is_sequential, as_layer, receptive_field, receptive_region, stack_shapes
from ..shapes import conv_output_shape, window_problem
from ._base import Explorer, Value, as_pair_value, checked_pair, limits_problem
from ._text import index_text, shape_text, stack_message
from ._window import check_shape

PARAMS = ("kernel_size", "stride", "padding", "dilation")
LIMITS = {"input_shape": [1, 32], "layers": [1, 4], "kernel_size": [1, 7], "stride": [1, 4], "padding": [0, 3],
          "dilation": [1, 4]}
DEFAULT_LAYERS = [{"kind": "conv", "kernel_size": 3}, {"kind": "conv", "kernel_size": 3}]


class ReceptiveFieldExplorer(Explorer):
    """A stack of 1-4 convolution and pooling layers, and the input cells one output cell depends on.

    input (H, W) -> layer 1 -> ... -> output (H', W'). Pick an output cell (click it on the page, or
    move "output row" / "output column"): the page highlights exactly the cells of every layer and
    of the input it depends on (:func:`d2lutils.receptive_region`: dilation leaves holes, padding is
    not input), and shows each layer's output shape, receptive field size and jump, with the formula
    ``size_l = size_{l-1} + d·(k − 1)·jump_{l-1}``, ``jump_l = jump_{l-1}·s`` and its numbers.

    ``layers`` are dicts as in :mod:`d2lutils.receptive` (``{"kind": "conv", "kernel_size": 3, "stride": 1,
    "padding": 0, "dilation": 1}``, ``{"kind": "pool", ...}`` with no dilation) or Gluon layers; each
    setting an int or an (h, w) pair within the sliders' ranges (kernel 1-7, stride 1-4, padding 0-3,
    dilation 1-4). ``input_shape`` is at most (32, 32). Default: two 3x3 convolutions.
    """

    _explorer = "ReceptiveFieldExplorer"
    _name = "receptive field explorer"

    input_shape = Value().tag(sync=True)
    limits = Value().tag(sync=True)
    layers = Value().tag(sync=True)
    position = Value().tag(sync=True)
    linked = Value(True).tag(sync=True)
    _controls = ("input_shape", "limits", "layers", "position", "linked")
    _stack = None
    _position = (0, 0)

    def __init__(self, input_shape=(16, 16), layers=None):
        self._shape = check_shape(input_shape, "ReceptiveFieldExplorer", LIMITS["input_shape"][1])
        stack = self._checked_layers("ReceptiveFieldExplorer", DEFAULT_LAYERS if layers is None else layers)
        super().__init__(input_shape=list(self._shape), limits=LIMITS, layers=stack, position=[0, 0],
                         linked=all(v[0] == v[1] for L in stack for v in (L[p] for p in PARAMS)))
        out = self.output_shape
        if out:  # start in the middle of the output
            with self._moving():
                self.position = [(out[0] - 1) // 2, (out[1] - 1) // 2]

    def __repr__(self):
        return f"ReceptiveFieldExplorer(input_shape={self._shape})"

    # ------------------------------------------------------------------ the Python API
    @staticmethod
    def _checked_layers(func, layers):
        """Layers (dicts or Gluon layers) -> plain dicts of [h, w] lists, within the sliders' ranges."""
        lo, hi = LIMITS["layers"]
        if isinstance(layers, (list, tuple)):  # their own storage: a subclass's __len__/__iter__ is not asked
            items = list(tuple.__iter__(layers) if isinstance(layers, tuple) else list.__iter__(layers))
        elif _is_sequential(layers):  # Gluon keeps a Sequential's layers in its _children
            items = list(dict.values(layers._children))[:hi + 1]
        else:
            raise ValueError(f"{func}: layers must be a list of {lo} to {hi} layers, got {describe(layers)}")
        if not lo <= len(items) <= hi:
            raise ValueError(f"{func}: layers must hold {lo} to {hi} layers (the explorer shows at most {hi}), "
                             f"got {len(items)}")
        stack = []
        for i, spec in enumerate(items):
            where = f"layers[{i}]"
            layer = as_layer(spec, func, where)
            plain = {"kind": layer.kind}
            for name in PARAMS:
                a, b = LIMITS[name]
                plain[name] = list(checked_pair(func, f"{where}['{name}']", getattr(layer, name), a, b))
            stack.append(plain)
        return stack

    def set(self, layers=None, position=None):
        """Set the stack (1-4 layers) and/or the chosen output cell ``position`` = (i, j); returns ``self``.

        Raises ``ValueError`` naming the argument for layers the controls cannot show and for a
        position outside the output.
        """
        func = "ReceptiveFieldExplorer.set"
        values = {}
        if layers is not None:
            values["layers"] = self._checked_layers(func, layers)
            if any(v[0] != v[1] for L in values["layers"] for v in (L[p] for p in PARAMS)):
                values["linked"] = False
        if position is not None:
            if not isinstance(position, (tuple, list)):
                raise ValueError(f"{func}: position must be an (i, j) pair, got {describe(position)}")
            pos = list(as_pair(position, "position", func, 0, maximum=None))
            stack = values.get("layers", self._stack)
            try:
                out = stack_shapes(self._shape, stack)[-1] if stack else None
            except ValueError:
                out = None
            if out is None:
                raise ValueError(f"{func}: position cannot be chosen while the stack has no output "
                                 f"(see .status); change the layers first")
            if pos[0] >= out[0] or pos[1] >= out[1]:
                raise ValueError(f"{func}: position must be a cell of the output, rows 0 to {out[0] - 1} and "
                                 f"columns 0 to {out[1] - 1}, got ({describe(pos[0])}, {describe(pos[1])})")
            values["position"] = pos
        with self._moving():
            for name, value in values.items():
                setattr(self, name, value)
        return self

    @property
    def receptive_field(self):
        """The :data:`d2lutils.receptive.ReceptiveField` (size, jump, start) of the stack, or None."""
        return receptive_field(self._stack) if self.output_shape and self._stack else None

    @property
    def region(self):
        """(rows, columns) of the input cells the chosen output cell depends on, or None."""
        if not (self.output_shape and self._stack):
            return None
        return receptive_region(self._shape, self._stack, tuple(self._position))

    @property
    def shapes(self):
        """The output shape after each layer, or None."""
        return stack_shapes(self._shape, self._stack) if self.output_shape and self._stack else None

    # ------------------------------------------------------------------ machinery
    def _read_layers(self):
        """(list of Layer-like dicts with pairs, None) or (None, the words why not) -- as the page reads them."""
        raw = self.layers
        lo, hi = self.limits["layers"]
        if not isinstance(raw, list) or not lo <= len(raw) <= hi:
            return None, f"Cannot show layers: there must be {lo} to {hi} of them. Add or remove a layer to go on."
        stack = []
        for l, L in enumerate(raw):
            if not isinstance(L, dict) or L.get("kind") not in ("conv", "pool"):
                return None, f"Cannot show layer {l + 1}: its kind must be 'conv' or 'pool'. Choose its kind to go on."
            layer = {"kind": L["kind"]}
            for name in PARAMS:
                a, b = self.limits[name]
                pair = as_pair_value(L.get(name))
                if pair is None or not all(a <= v <= b for v in pair):
                    return None, (f"Cannot show layer {l + 1}'s {name}: it must be a whole number from {a} to {b} for "
                                  f"each axis (the range of its sliders). Move one of its sliders to go on.")
                layer[name] = pair
            if layer["kind"] == "pool" and layer["dilation"] != (1, 1):
                return None, (f"Cannot show layer {l + 1}'s dilation: a pooling layer has none, so it must be 1. "
                              f"Choose convolution or pooling again to go on.")
            stack.append(layer)
        return stack, None

    def _caps(self):
        return LIMITS

    def _compute(self, changed):
        self._stack = None
        problem = limits_problem(self.limits, ("input_shape", "layers") + PARAMS, LIMITS)
        if problem:
            return problem, None
        lo, hi = self.limits["input_shape"]
        n = as_pair_value(self.input_shape)
        if n is None or not all(lo <= v <= hi for v in n):
            return f"Cannot show input_shape: it must be a pair of whole numbers from {lo} to {hi}.", None
        self._shape = n
        if self.input_shape != list(n):
            self.input_shape = list(n)
        if changed == "linked" and self.linked is True and isinstance(self.layers, list):
            self.layers = [{**L, **{p: [L[p][0], L[p][0]] for p in PARAMS if as_pair_value(L.get(p))}}
                           if isinstance(L, dict) else L for L in self.layers]
        stack, problem = self._read_layers()
        if problem:
            return problem, None
        shape = n
        for l, L in enumerate(stack):
            problem = window_problem(shape, L["kernel_size"], L["padding"], L["dilation"], pool=L["kind"] == "pool")
            if problem:
                return stack_message(l, L["kind"], L["kernel_size"], L["padding"], shape, problem), None
            shape = conv_output_shape(shape, L["kernel_size"], L["padding"], L["stride"], L["dilation"])
        out = shape
        plain_stack = [{"kind": L["kind"], **{p: list(L[p]) for p in PARAMS}} for L in stack]
        if self.layers != plain_stack:  # e.g. e.layers = [{"kind": "conv", "kernel_size": 3, ...}]: as the page reads it
            self.layers = plain_stack
        pos = as_pair_value(self.position) or (0, 0)
        pos = [min(max(pos[0], 0), out[0] - 1), min(max(pos[1], 0), out[1] - 1)]
        if pos != self.position:
            self.position = pos
        self._stack, self._position = plain_stack, tuple(pos)
        rows, cols = receptive_region(n, stack, tuple(pos))
        field = receptive_field(stack)
        jump = str(field.jump[0]) if field.jump[0] == field.jump[1] else shape_text(field.jump)
        region = (f"input rows {index_text(rows)} and columns {index_text(cols)}" if rows and cols
                  else "no input cell (its window holds only padding)")
        return (f"Output shape {shape_text(out)}. Output cell ({pos[0]}, {pos[1]}) depends on {region}: a "
                f"{field.size[0]}×{field.size[1]} receptive field with jump {jump}."), out
