"""What an output cell of a stack of convolution and pooling layers depends on.

A stack is a list of layers, each a dict such as ``{"kind": "conv", "kernel_size": 3}`` or
``{"kind": "pool", "kernel_size": 2}`` (or the framework's layers themselves: Gluon's
``nn.Conv2D``, ``nn.MaxPool2D``, ``nn.AvgPool2D``; torch's ``nn.Conv2d``, ``nn.MaxPool2d``,
``nn.AvgPool2d``; either framework's elementwise layers, such as Gluon's ``nn.Activation`` or torch's
``nn.ReLU``, which change no field; a Gluon or torch ``nn.Sequential`` of them). Optional keys, each an
int or an (h, w) pair: ``stride`` (convolution: 1; pooling: the kernel size, as in both frameworks), ``padding`` (0, per
side) and ``dilation`` (1; convolutions only: pooling layers with dilation are not supported).

Per axis, through layers l = 1, 2, ... with kernel k, dilation d, stride s and padding p,
starting from ``size = jump = 1`` and ``start = 0`` on the input::

    size_l  = size_{l-1} + d_l·(k_l − 1)·jump_{l-1}    rows one output cell's field spans
    jump_l  = jump_{l-1}·s_l                            rows between neighbouring cells' fields
    start_l = start_{l-1} − p_l·jump_{l-1}              first row of cell 0's field (< 0: padding)

Output cell i of the last layer then spans rows ``start + i·jump`` to
``start + i·jump + size − 1``; with dilation that span can have holes, which
:func:`receptive_region` finds exactly.
"""
import itertools
import re
import sys
from collections import namedtuple
from types import MappingProxyType

import numpy as np

from ._validate import as_pair, describe
from .shapes import conv_output_shape, pool_output_shape

__all__ = ["Layer", "ReceptiveField", "as_layer", "stack_shapes", "receptive_fields", "receptive_field",
           "receptive_region"]

#: One layer, every setting an (h, w) pair of ints; ``kind`` is "conv" or "pool".
Layer = namedtuple("Layer", "kind kernel_size stride padding dilation")

#: The receptive field of one output cell: ``size``, ``jump`` and ``start`` are (h, w) pairs.
ReceptiveField = namedtuple("ReceptiveField", "size jump start")

#: The most layers a stack may have, and the largest input side: enough for any course example,
#: small enough that every function here answers at once.
MAX_LAYERS = 16
MAX_INPUT_SIDE = 4096

_KEYS = {"kind", "kernel_size", "stride", "padding", "dilation"}
_GLUON = {"Conv2D": "conv", "MaxPool2D": "pool", "AvgPool2D": "pool"}
_TORCH = {"Conv2d": "conv", "MaxPool2d": "pool", "AvgPool2d": "pool"}
#: torch layers that act on every number alone (their output cell sees its own input cell): a
#: receptive field passes through them unchanged.
_TORCH_ELEMENTWISE = ("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
                      "Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Identity",
                      "Dropout", "Dropout2d")
#: Gluon layers that act on every number alone, likewise.
_GLUON_ELEMENTWISE = ("Activation", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "Swish", "Dropout")
#: Layers (of either framework) after which every output depends on the whole input: a receptive field ends
#: before them.
_WHOLE_INPUT = ("Flatten", "Linear", "LazyLinear", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
                "Dense", "GlobalAvgPool2D", "GlobalMaxPool2D")
#: A layer that changes no receptive field (an activation): a 1x1 window with stride 1.
_ELEMENTWISE = ("act", (1, 1), (1, 1), (0, 0), (1, 1))


def _torch_nn():
    """torch.nn if torch is already imported (it is never imported here), else None."""
    torch = sys.modules.get("torch")
    return getattr(torch, "nn", None) if torch is not None else None


def _gluon_nn():
    """mxnet.gluon.nn if Gluon is already imported (it is never imported here), else None."""
    return sys.modules.get("mxnet.gluon.nn")


def _torch_kind(spec):
    """"conv", "pool" or "act" for a real torch Conv2d/MaxPool2d/AvgPool2d or elementwise layer, else None."""
    nn = _torch_nn()
    if nn is None or not isinstance(spec, nn.Module):
        return None
    for name, kind in _TORCH.items():
        if isinstance(spec, getattr(nn, name)):
            return kind
    if any(isinstance(spec, getattr(nn, name, ())) for name in _TORCH_ELEMENTWISE):
        return "act"
    return None


def _from_torch(layer, func, where):
    """A torch Conv2d/MaxPool2d/AvgPool2d as a layer dict (or the elementwise Layer for an activation)."""
    kind = _torch_kind(layer)
    if kind == "act":
        return Layer(*_ELEMENTWISE)
    name = type(layer).__name__
    if kind == "conv":
        padding = layer.padding
        if isinstance(padding, str):
            k, d, s = layer.kernel_size, layer.dilation, layer.stride
            if padding == "valid":
                padding = (0, 0)
            elif all(d[a] * (k[a] - 1) % 2 == 0 for a in range(2)):  # 'same' pads both sides equally
                padding = tuple(d[a] * (k[a] - 1) // 2 for a in range(2))
            else:
                raise ValueError(f"{func}: {where} uses padding='same' with an even kernel, which pads one side "
                                 f"more than the other; only equal padding on both sides is supported")
        if layer.padding_mode != "zeros":
            raise ValueError(f"{func}: {where} uses padding_mode={layer.padding_mode!r}; only 'zeros' is "
                             f"supported (other modes copy input cells into the padding)")
        return {"kind": "conv", "kernel_size": layer.kernel_size, "stride": layer.stride, "padding": padding,
                "dilation": layer.dilation}
    if layer.ceil_mode:
        raise ValueError(f"{func}: {where} uses ceil_mode=True; only the default (floor) is supported")
    dilation = getattr(layer, "dilation", 1)
    if dilation not in (1, (1, 1), [1, 1]):
        raise ValueError(f"{func}: {where} is a {name} with dilation {dilation}; only dilation=1 is supported "
                         f"for pooling")
    return {"kind": "pool", "kernel_size": layer.kernel_size, "stride": layer.stride, "padding": layer.padding}


def _gluon_kind(spec):
    """"conv" or "pool" for a real Gluon Conv2D/MaxPool2D/AvgPool2D (checked with isinstance), else None."""
    nn = _gluon_nn()
    if nn is None:
        return None
    for name, kind in _GLUON.items():
        if isinstance(spec, getattr(nn, name)):
            return kind
    return None


def _gluon_elementwise(spec):
    """True for a real Gluon activation or dropout layer (checked with isinstance)."""
    nn = _gluon_nn()
    return nn is not None and any(isinstance(spec, getattr(nn, name, ())) for name in _GLUON_ELEMENTWISE)


def _not_a_field_layer(spec, framework, accepted, func, where):
    """The one-line ValueError for a framework layer that a receptive field does not pass through; after a layer
    that sees the whole input, it names the slice of the network to pass instead (``where`` is "layers[i]" when
    the layer is the i-th of a stack)."""
    name = type(spec).__name__
    tip = ""
    if name in _WHOLE_INPUT:
        index = re.fullmatch(r"layers\[(\d+)\]", where)
        before = f"net[:{index.group(1)}]" if index else "e.g. net[:4]"
        tip = " (everything after it depends on the whole input" + (
            "" if before == "net[:0]" else f": pass only the layers before it, {before}") + ")"
    return ValueError(f"{func}: {where} is a {framework} {name} layer; a receptive field is computed through "
                      f"{accepted} and activation layers{tip}")


def _from_gluon(layer, func, where):
    kind = _gluon_kind(layer)
    kw = layer._kwargs
    if kind == "conv" and kw.get("layout", "NCHW") != "NCHW":
        raise ValueError(f"{func}: {where} uses layout {kw['layout']}; only NCHW layers are supported")
    if kind == "pool" and kw.get("pooling_convention", "valid") != "valid":
        raise ValueError(f"{func}: {where} uses ceil_mode=True; only Gluon's default (floor) is supported")
    return {"kind": kind, "kernel_size": kw["kernel"], "stride": kw["stride"], "padding": kw["pad"],
            "dilation": kw.get("dilate", 1)}


def as_layer(spec, func="as_layer", where="layer"):
    """One layer (a dict, a Gluon Conv2D/MaxPool2D/AvgPool2D or a torch Conv2d/MaxPool2d/AvgPool2d) as a
    validated :data:`Layer`; an elementwise layer (Gluon's ``nn.Activation``, torch's ``nn.ReLU``, ...) is
    ``Layer("act", (1, 1), (1, 1), (0, 0), (1, 1))``, which changes no shape and no field.

    ``where`` names the layer in error messages, e.g. ``"layers[2]"``.
    """
    if _torch_kind(spec):
        try:
            spec = _from_torch(spec, func, where)
        except ValueError:
            raise
        except Exception:  # a layer whose settings cannot be read
            raise ValueError(f"{func}: {where} is a torch layer whose settings cannot be read") from None
        if isinstance(spec, Layer):
            return spec
    elif _torch_nn() is not None and isinstance(spec, _torch_nn().Module):
        raise _not_a_field_layer(spec, "torch", "Conv2d, MaxPool2d, AvgPool2d", func, where)
    if _gluon_elementwise(spec):
        return Layer(*_ELEMENTWISE)
    if _gluon_kind(spec):
        try:
            spec = _from_gluon(spec, func, where)
        except ValueError:
            raise
        except Exception:  # a layer whose settings cannot be read
            raise ValueError(f"{func}: {where} is a Gluon layer whose settings cannot be read") from None
    elif _gluon_nn() is not None and isinstance(spec, _gluon_nn().Block):
        raise _not_a_field_layer(spec, "Gluon", "Conv2D, MaxPool2D, AvgPool2D", func, where)
    if isinstance(spec, MappingProxyType):  # a read-only dict (as lesson 9's tasks are): read a bounded copy
        try:
            spec = dict(itertools.islice(iter(spec.items()), 2 * len(_KEYS) + 1))
        except Exception:
            raise ValueError(f"{func}: {where} is a read-only dict whose entries cannot be read") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{func}: {where} must be a dict such as {{'kind': 'conv', 'kernel_size': 3}} "
                         f"or a convolution or pooling layer (Gluon Conv2D/MaxPool2D/AvgPool2D, torch "
                         f"Conv2d/MaxPool2d/AvgPool2d), got {describe(spec)}")
    if len(dict.keys(spec)) > 2 * len(_KEYS):
        raise ValueError(f"{func}: {where} has {len(dict.keys(spec))} keys; the keys are kind, kernel_size, "
                         f"stride, padding, dilation")
    spec = dict(dict.items(spec))  # the dict's own storage: a subclass's __iter__/get/__getitem__ is not asked
    unknown = sorted(describe(key) for key in set(spec) - _KEYS)
    if unknown:
        raise ValueError(f"{func}: {where} has unknown key(s) {', '.join(unknown)}; "
                         f"the keys are kind, kernel_size, stride, padding, dilation")
    kind = spec.get("kind")
    kind = str.__str__(kind) if isinstance(kind, str) else kind  # plain text: a subclass's __eq__ cannot lie
    if not (isinstance(kind, str) and kind in ("conv", "pool")):
        raise ValueError(f"{func}: {where}['kind'] must be 'conv' or 'pool', got {describe(kind)}")
    if "kernel_size" not in spec:
        raise ValueError(f"{func}: {where} needs a kernel_size")
    k = as_pair(spec["kernel_size"], f"{where}['kernel_size']", func, 1)
    default_stride = k if kind == "pool" else 1
    s = as_pair(spec.get("stride", default_stride), f"{where}['stride']", func, 1)
    p = as_pair(spec.get("padding", 0), f"{where}['padding']", func, 0)
    d = as_pair(spec.get("dilation", 1), f"{where}['dilation']", func, 1)
    if kind == "pool" and d != (1, 1):
        raise ValueError(f"{func}: {where} is a pooling layer, which has no dilation here; got {d}")
    if kind == "pool" and (p[0] >= k[0] or p[1] >= k[1]):
        raise ValueError(f"{func}: {where}['padding'] {p} must be smaller than its kernel_size {k}, "
                         f"otherwise some windows hold only padding")
    return Layer(kind, k, s, p, d)


def _layers(layers, func):
    """Validate a stack: a non-empty list of at most MAX_LAYERS layers -> list of Layer."""
    if isinstance(layers, (list, tuple)):  # their own storage, not a subclass's __iter__
        items = list(tuple.__iter__(layers) if isinstance(layers, tuple) else list.__iter__(layers))
    elif _is_sequential(layers):
        try:  # Gluon keeps a Sequential's layers in its _children, whatever its own methods say
            items = list(dict.values(layers._children))[:MAX_LAYERS + 1]
        except Exception:
            raise ValueError(f"{func}: layers is a Sequential whose layers cannot be read") from None
    elif _torch_nn() is not None and isinstance(layers, _torch_nn().Sequential):
        try:  # torch keeps a Sequential's layers in its _modules, whatever its own methods say
            items = list(dict.values(layers._modules))[:MAX_LAYERS + 1]
        except Exception:
            raise ValueError(f"{func}: layers is a Sequential whose layers cannot be read") from None
    else:
        raise ValueError(f"{func}: layers must be a list of layers, got {describe(layers)}")
    if not 1 <= len(items) <= MAX_LAYERS:
        raise ValueError(f"{func}: layers must hold 1 to {MAX_LAYERS} layers, got "
                         f"{len(items) if len(items) <= MAX_LAYERS else 'more'}")
    return [as_layer(spec, func, f"layers[{i}]") for i, spec in enumerate(items)]


def _is_sequential(layers):
    """True for a Gluon nn.Sequential / nn.HybridSequential (its layers are read by index)."""
    nn = _gluon_nn()
    return nn is not None and isinstance(layers, (nn.Sequential, nn.HybridSequential))


def _input_shape(input_shape, func):
    shape = as_pair(input_shape, "input_shape", func, 1)
    if max(shape) > MAX_INPUT_SIDE:
        raise ValueError(f"{func}: input_shape must be at most ({MAX_INPUT_SIDE}, {MAX_INPUT_SIDE}), got {shape}")
    return shape


def _layer_output(shape, layer, func, where):
    """Output (H', W') of one layer on ``shape``; every side and padding stays <= MAX_INPUT_SIDE."""
    if max(layer.padding) > MAX_INPUT_SIDE:
        raise ValueError(f"{func}: {where}['padding'] must be at most {MAX_INPUT_SIDE}, got {layer.padding}")
    try:
        if layer.kind == "conv":
            out = conv_output_shape(shape, layer.kernel_size, layer.padding, layer.stride, layer.dilation)
        else:
            out = pool_output_shape(shape, layer.kernel_size, layer.padding, layer.stride)
    except ValueError as err:
        raise ValueError(f"{func}: {where} does not fit its input of shape {shape}: "
                         f"{str(err).split(': ', 1)[1]}") from None
    if max(out) > MAX_INPUT_SIDE:
        raise ValueError(f"{func}: {where} would output shape {out}, larger than ({MAX_INPUT_SIDE}, "
                         f"{MAX_INPUT_SIDE}); use less padding")
    return out


def _cover(cells, k, d, n):
    """Mask of the n input rows read by windows starting at ``cells`` (k taps, d apart).

    Loops over whichever is fewer, windows or taps, so the work stays small for any sizes.
    """
    mask = np.zeros(n, dtype=bool)
    if len(cells) <= k:
        for c in cells:
            first = c if c >= 0 else c + ((-c + d - 1) // d) * d  # first tap inside the input
            end = c + d * (k - 1) + 1
            if end > first:  # a window can lie wholly in the padding
                mask[first:end:d] = True
    else:
        for a in range(k):
            rows = cells + d * a
            mask[rows[(rows >= 0) & (rows < n)]] = True
    return mask


def stack_shapes(input_shape, layers):
    """Output shape after each layer: input (H, W) -> [(H_1, W_1), ..., (H_L, W_L)].

    Raises ``ValueError`` naming the first layer that does not fit its input.
    """
    func = "stack_shapes"
    shape = _input_shape(input_shape, func)
    shapes = []
    for i, layer in enumerate(_layers(layers, func)):
        shape = _layer_output(shape, layer, func, f"layers[{i}]")
        shapes.append(shape)
    return shapes


def receptive_fields(layers):
    """The :data:`ReceptiveField` of one cell after each layer of the stack (a list, one per layer)."""
    return _fields(layers, "receptive_fields")


def _fields(layers, func):
    size, jump, start = [1, 1], [1, 1], [0, 0]
    fields = []
    for layer in _layers(layers, func):
        for a in range(2):
            start[a] -= layer.padding[a] * jump[a]
            size[a] += layer.dilation[a] * (layer.kernel_size[a] - 1) * jump[a]
            jump[a] *= layer.stride[a]
        fields.append(ReceptiveField(tuple(size), tuple(jump), tuple(start)))
    return fields


def receptive_field(layers):
    """The :data:`ReceptiveField` (size, jump, start) of one output cell of the whole stack.

    For two 3x3 convolutions: ``ReceptiveField(size=(5, 5), jump=(1, 1), start=(0, 0))``.
    """
    return _fields(layers, "receptive_field")[-1]


def receptive_region(input_shape, layers, position):
    """The input cells output cell ``position`` = (i, j) of the last layer depends on.

    input_shape (H, W); returns ``(rows, columns)``, two sorted tuples of input indices: the
    cell depends on exactly the input cells ``(r, c)`` with ``r`` in rows and ``c`` in
    columns. Padding is not input, so the region is clipped to the input; with dilation it
    can have holes. Raises ``ValueError`` for a stack that does not fit or a position
    outside the output.
    """
    func = "receptive_region"
    shape = _input_shape(input_shape, func)
    stack = _layers(layers, func)
    shapes = [shape]
    for i, layer in enumerate(stack):
        shapes.append(_layer_output(shapes[-1], layer, func, f"layers[{i}]"))
    if not isinstance(position, (tuple, list)):
        raise ValueError(f"{func}: position must be an (i, j) pair, got {describe(position)}")
    out = shapes[-1]
    pos = as_pair(position, "position", func, 0)
    if pos[0] >= out[0] or pos[1] >= out[1]:
        raise ValueError(f"{func}: position {pos} is outside the output of shape {out}")
    region = []
    for a in range(2):
        mask = np.zeros(out[a], dtype=bool)
        mask[pos[a]] = True
        for layer, n_in in zip(reversed(stack), reversed([s[a] for s in shapes[:-1]])):
            k, s, p, d = (getattr(layer, f)[a] for f in ("kernel_size", "stride", "padding", "dilation"))
            mask = _cover(np.flatnonzero(mask) * s - p, k, d, n_in)  # windows' first rows, then taps
        region.append(tuple(int(r) for r in np.flatnonzero(mask)))
    return tuple(region)
