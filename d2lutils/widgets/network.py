"""NetworkExplorer: draw a digit on an 8x8 grid and watch every layer of a trained network answer, in the page.

The framework seam is one small function per framework: :func:`read_gluon` turns a Gluon
``nn.Sequential``, :func:`read_torch` a torch ``nn.Sequential``, into plain layer specs (dicts of ints
and strings, weights as numpy float32 arrays, in the same layout for both: a convolution's weight
(c_o, c_i, kh, kw), a dense layer's (units, inputs), which torch's ``nn.Conv2d`` and ``nn.Linear``
use too). Everything after it (shapes, receptive fields, the forward pass in numpy and in the page)
reads only those specs.

A spec is one of::

    {"kind": "conv", "name": "Conv2D", "weight": (c_o, c_i, kh, kw), "bias": (c_o,) or None,
     "kernel_size": (kh, kw), "stride": (sh, sw), "padding": (ph, pw), "dilation": (dh, dw),
     "activation": None | "relu" | "sigmoid" | "tanh"}
    {"kind": "pool", "name": "MaxPool2D", "mode": "max" | "avg", "kernel_size", "stride", "padding",
     "count_include_pad": bool, "global": bool}          # global: the window is the whole map
    {"kind": "act", "name": "Activation", "activation": "relu" | "sigmoid" | "tanh"}
    {"kind": "flatten", "name": "Flatten"}
    {"kind": "dense", "name": "Dense", "weight": (units, inputs), "bias": (units,) or None, "activation": ...}
"""
import sys

import numpy as np
import traitlets

from .._validate import as_int, describe, to_numpy
from ..digits import shift_images
from ..receptive import receptive_region
from ._assets import css, read
from ._base import Explorer, Value

#: The input the explorer draws: one channel of 8x8 pixels, values from 0 (blank) to 1 (ink).
INPUT_SHAPE = (1, 8, 8)
#: Limits that keep the page's forward pass within a frame and the saved notebook small.
MAX_LAYERS = 16
MAX_PARAMETERS = 250_000
MAX_WORK = 5_000_000  # multiply-adds of one forward pass
MAX_CLASSES = 20
MAX_PRESETS = 24
SHIFT_LIMIT = 7
ACTIVATIONS = ("relu", "sigmoid", "tanh")
SUPPORTED = "Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, Activation, Flatten and Dense"
SUPPORTED_TORCH = ("Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), AdaptiveMaxPool2d(1), ReLU, Sigmoid, "
                   "Tanh, Flatten and Linear")
FUNC = "NetworkExplorer"


# ---------------------------------------------------------------- reading a Gluon network

def _gluon_nn():
    return sys.modules.get("mxnet.gluon.nn")


def _leaves(block, nn, where="net"):
    """The layers of a (possibly nested) Gluon Sequential, in order, each with its name for messages."""
    if isinstance(block, (nn.Sequential, nn.HybridSequential)):
        for i in range(len(block)):
            yield from _leaves(block[i], nn, f"{where}[{i}]")
    else:
        yield where, block


def _activation(act, where):
    """Gluon's activation block (or None) -> None or one of ACTIVATIONS."""
    if act is None:
        return None
    kind = getattr(act, "_act_type", None)
    if kind not in ACTIVATIONS:
        raise ValueError(f"{FUNC}: {where} uses activation {kind!r}; the explorer supports "
                         f"{', '.join(ACTIVATIONS)} or none")
    return kind


def _values(param):
    return None if param is None else np.array(param.data().asnumpy(), dtype=np.float32)


def read_gluon(net):
    """A trained Gluon ``nn.Sequential`` (1-channel 8x8 input) -> list of layer specs (see the module).

    Runs the network once on a blank image (which completes Gluon's deferred initialisation) and
    reads every layer's settings and weights. Raises ``ValueError`` naming ``net`` for anything
    else: another framework's network, an uninitialised one, unsupported layers or settings.
    """
    nn = _gluon_nn()
    if nn is None or not isinstance(net, (nn.Sequential, nn.HybridSequential)):
        raise ValueError(f"{FUNC}: net must be a Gluon nn.Sequential or a torch nn.Sequential such as lesson "
                         f"10's network, got {describe(net)}")
    layers = list(_leaves(net, nn))
    if not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"{FUNC}: net must hold 1 to {MAX_LAYERS} layers, got {len(layers)}")
    from mxnet import nd
    try:
        net(nd.zeros((1,) + INPUT_SHAPE))
    except Exception as err:  # MXNet's own message, on one line
        text = " ".join(str(err).split())[:300]
        if "not been initialized" in text or "has not been initialized" in text:
            raise ValueError(f"{FUNC}: net's parameters are not initialized: call net.initialize() "
                             f"(and train it) first") from None
        raise ValueError(f"{FUNC}: net cannot read a 1x8x8 image: {text}") from None
    return [_gluon_spec(layer, where, nn) for where, layer in layers]


def _gluon_spec(layer, where, nn):
    name = type(layer).__name__
    if isinstance(layer, nn.Conv2D):
        kw = layer._kwargs
        if kw.get("layout", "NCHW") != "NCHW":
            raise ValueError(f"{FUNC}: {where} uses layout {kw['layout']}; only NCHW is supported")
        if kw.get("num_group", 1) != 1:
            raise ValueError(f"{FUNC}: {where} uses groups={kw['num_group']}; only groups=1 is supported")
        return {"kind": "conv", "name": name, "weight": _values(layer.weight), "bias": _values(layer.bias),
                "kernel_size": tuple(kw["kernel"]), "stride": tuple(kw["stride"]), "padding": tuple(kw["pad"]),
                "dilation": tuple(kw.get("dilate", (1, 1))), "activation": _activation(layer.act, where)}
    if isinstance(layer, (nn.MaxPool2D, nn.AvgPool2D, nn.GlobalAvgPool2D, nn.GlobalMaxPool2D)):
        kw = layer._kwargs
        if kw.get("layout", "NCHW") != "NCHW":
            raise ValueError(f"{FUNC}: {where} uses layout {kw['layout']}; only NCHW is supported")
        glob = bool(kw.get("global_pool", False))
        if not glob and kw.get("pooling_convention", "valid") != "valid":
            raise ValueError(f"{FUNC}: {where} uses ceil_mode=True; only Gluon's default (floor) is supported")
        return {"kind": "pool", "name": name, "mode": kw["pool_type"], "kernel_size": tuple(kw["kernel"]),
                "stride": tuple(kw["stride"]), "padding": tuple(kw["pad"]),
                "count_include_pad": bool(kw.get("count_include_pad", True)), "global": glob}
    if isinstance(layer, nn.Activation):
        return {"kind": "act", "name": name, "activation": _activation(layer, where)}
    if isinstance(layer, nn.Flatten):
        return {"kind": "flatten", "name": name}
    if isinstance(layer, nn.Dense):
        return {"kind": "dense", "name": name, "weight": _values(layer.weight), "bias": _values(layer.bias),
                "activation": _activation(layer.act, where), "flatten": bool(layer._flatten)}
    raise ValueError(f"{FUNC}: {where} is a {name} layer, which the explorer cannot show; it shows {SUPPORTED}")


# ---------------------------------------------------------------- reading a torch network

def _torch_nn():
    torch = sys.modules.get("torch")
    return getattr(torch, "nn", None) if torch is not None else None


def _torch_leaves(module, nn, where="net"):
    """The layers of a (possibly nested) torch Sequential, in order, each with its name for messages."""
    if isinstance(module, nn.Sequential):
        for i, child in enumerate(dict.values(module._modules)):
            yield from _torch_leaves(child, nn, f"{where}[{i}]")
    else:
        yield where, module


_TORCH_ACTS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh"}


def _torch_values(tensor):
    return None if tensor is None else np.array(tensor.detach().cpu().numpy(), dtype=np.float32)


def _torch_pair(value):
    return tuple(int(v) for v in value) if isinstance(value, (tuple, list)) else (int(value), int(value))


def read_torch(net):
    """A trained torch ``nn.Sequential`` (1-channel 8x8 input) -> list of layer specs (see the module).

    Runs the network once on a blank image (without gradients, in evaluation mode, which also sets
    the shapes of lazy layers) and reads every layer's settings and weights. Raises ``ValueError``
    naming ``net`` for anything else: unsupported layers or settings, a net that cannot read 1x8x8.
    """
    nn = _torch_nn()
    if nn is None or not isinstance(net, nn.Sequential):
        raise ValueError(f"{FUNC}: net must be a Gluon nn.Sequential or a torch nn.Sequential such as lesson "
                         f"10's network, got {describe(net)}")
    layers = list(_torch_leaves(net, nn))
    if not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"{FUNC}: net must hold 1 to {MAX_LAYERS} layers, got {len(layers)}")
    specs, flat = [], False
    for where, layer in layers:  # the settings first: an unsupported layer is named before torch runs
        spec = _torch_spec(layer, where, nn, flat)
        flat = flat or spec["kind"] == "flatten"
        specs.append((where, layer, spec))
    import torch
    was_training = net.training
    try:
        net.eval()
        with torch.no_grad():
            net(torch.zeros((1,) + INPUT_SHAPE))
    except Exception as err:  # torch's own message, on one line
        text = " ".join(str(err).split())[:300]
        raise ValueError(f"{FUNC}: net cannot read a 1x8x8 image: {text}") from None
    finally:
        net.train(was_training)
    for where, layer, spec in specs:  # the weights, now that lazy layers have them
        for key in ("weight", "bias"):
            if key in spec:
                spec[key] = _torch_values(getattr(layer, key))
    return [spec for _, _, spec in specs]


def _torch_spec(layer, where, nn, flat):
    """One torch layer as a spec, its weights still to be read (``weight``/``bias`` keys present for them)."""
    name = type(layer).__name__
    if isinstance(layer, nn.Conv2d):
        if layer.groups != 1:
            raise ValueError(f"{FUNC}: {where} uses groups={layer.groups}; only groups=1 is supported")
        if layer.padding_mode != "zeros":
            raise ValueError(f"{FUNC}: {where} uses padding_mode={layer.padding_mode!r}; only 'zeros' is supported")
        k, d = _torch_pair(layer.kernel_size), _torch_pair(layer.dilation)
        padding = layer.padding
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if any(d[a] * (k[a] - 1) % 2 for a in range(2)):
                raise ValueError(f"{FUNC}: {where} uses padding='same' with an even kernel (one side padded more "
                                 f"than the other); give the padding as numbers")
            padding = tuple(d[a] * (k[a] - 1) // 2 for a in range(2))
        return {"kind": "conv", "name": name, "weight": None, "bias": None, "kernel_size": k,
                "stride": _torch_pair(layer.stride), "padding": _torch_pair(padding), "dilation": d,
                "activation": None}
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        if layer.ceil_mode:
            raise ValueError(f"{FUNC}: {where} uses ceil_mode=True; only the default (floor) is supported")
        if isinstance(layer, nn.MaxPool2d):
            if _torch_pair(layer.dilation) != (1, 1):
                raise ValueError(f"{FUNC}: {where} uses dilation={layer.dilation}; only dilation=1 is supported")
            if layer.return_indices:
                raise ValueError(f"{FUNC}: {where} uses return_indices=True; only the default is supported")
        elif layer.divisor_override is not None:
            raise ValueError(f"{FUNC}: {where} uses divisor_override; only the default is supported")
        k = _torch_pair(layer.kernel_size)
        return {"kind": "pool", "name": name, "mode": "max" if isinstance(layer, nn.MaxPool2d) else "avg",
                "kernel_size": k, "stride": _torch_pair(layer.stride if layer.stride is not None else k),
                "padding": _torch_pair(layer.padding),
                "count_include_pad": bool(getattr(layer, "count_include_pad", True)), "global": False}
    if isinstance(layer, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        size = layer.output_size
        if _torch_pair(size if size is not None else 0) != (1, 1) or getattr(layer, "return_indices", False):
            raise ValueError(f"{FUNC}: {where} is a {name} with output_size {size}; only global pooling, "
                             f"output_size 1, is supported")
        return {"kind": "pool", "name": name, "mode": "max" if isinstance(layer, nn.AdaptiveMaxPool2d) else "avg",
                "kernel_size": (1, 1), "stride": (1, 1), "padding": (0, 0), "count_include_pad": True,
                "global": True}
    if type(layer).__name__ in _TORCH_ACTS and isinstance(layer, getattr(nn, name)):
        return {"kind": "act", "name": name, "activation": _TORCH_ACTS[name]}
    if isinstance(layer, nn.Flatten):
        if (layer.start_dim, layer.end_dim) != (1, -1):
            raise ValueError(f"{FUNC}: {where} flattens dimensions {layer.start_dim} to {layer.end_dim}; only "
                             f"nn.Flatten() (all but the batch axis) is supported")
        return {"kind": "flatten", "name": name}
    if isinstance(layer, nn.Linear):
        if not flat:
            raise ValueError(f"{FUNC}: {where} is a Linear layer on feature maps; put nn.Flatten() before it "
                             f"(a Linear layer acts on the last axis only)")
        return {"kind": "dense", "name": name, "weight": None, "bias": None, "activation": None}
    raise ValueError(f"{FUNC}: {where} is a {name} layer, which the explorer cannot show; it shows "
                     f"{SUPPORTED_TORCH}")


def read_net(net):
    """Layer specs of a Gluon or torch ``nn.Sequential``: :func:`read_torch` for a torch module, else
    :func:`read_gluon`."""
    nn = _torch_nn()
    if nn is not None and isinstance(net, nn.Module):
        return read_torch(net)
    return read_gluon(net)


# ---------------------------------------------------------------- shapes, checks, receptive fields

def _pool_layer(spec):
    return {"kind": "pool", "kernel_size": spec["kernel_size"], "stride": spec["stride"], "padding": spec["padding"]}


def plan(specs, input_shape=INPUT_SHAPE):
    """Check the specs against the input and complete them: a list of (spec, output shape), shapes as tuples.

    Every spatial output is (c, H, W), every flat one (n,); a global pool gets the window of its input.
    Raises ``ValueError`` naming the layer (``net[i]``) whose weights or settings do not fit.
    """
    shape = tuple(input_shape)
    out, params, work = [], 0, 0
    for i, spec in enumerate(specs):
        where = f"net[{i}]"
        spec = dict(spec)
        kind = spec["kind"]
        if kind in ("conv", "pool"):
            if len(shape) != 3:
                raise ValueError(f"{FUNC}: {where} ({spec['name']}) needs feature maps, but gets {shape[0]} "
                                 f"numbers from a flattening layer before it")
            c, H, W = shape
            if kind == "pool" and spec["global"]:
                spec.update(kernel_size=(H, W), stride=(1, 1), padding=(0, 0))
            k, s, p = spec["kernel_size"], spec["stride"], spec["padding"]
            d = spec.get("dilation", (1, 1))
            if kind == "conv":
                w = spec["weight"]
                if w.ndim != 4 or w.shape[1] != c or tuple(w.shape[2:]) != tuple(k):
                    raise ValueError(f"{FUNC}: {where} has weights of shape {w.shape}, which do not fit its "
                                     f"input of {c} channel(s)")
                c = w.shape[0]
                params += w.size + (0 if spec["bias"] is None else spec["bias"].size)
            elif any(p[a] >= k[a] for a in range(2)):
                raise ValueError(f"{FUNC}: {where} has padding {p}, which must be smaller than its pool size {k}")
            Ho = (H + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
            Wo = (W + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
            if Ho < 1 or Wo < 1:
                raise ValueError(f"{FUNC}: {where} ({spec['name']}) does not fit its input of {H}x{W} pixels")
            work += c * Ho * Wo * k[0] * k[1] * (shape[0] if kind == "conv" else 1)
            shape = (c, Ho, Wo)
        elif kind == "dense":
            n = int(np.prod(shape))
            if len(shape) == 3 and not spec.get("flatten", True):
                raise ValueError(f"{FUNC}: {where} is a Dense layer with flatten=False on feature maps; "
                                 f"only flatten=True (Gluon's default) is supported")
            w = spec["weight"]
            if w.ndim != 2 or w.shape[1] != n:
                raise ValueError(f"{FUNC}: {where} has weights of shape {w.shape}, which do not fit its {n} inputs")
            params += w.size + (0 if spec["bias"] is None else spec["bias"].size)
            work += w.size
            shape = (w.shape[0],)
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind != "act":
            raise ValueError(f"{FUNC}: {where} has an unknown kind {kind!r}")
        if params > MAX_PARAMETERS or work > MAX_WORK:
            raise ValueError(f"{FUNC}: net is too large for the page (at most {MAX_PARAMETERS:,} weights and "
                             f"{MAX_WORK:,} multiply-adds per image)")
        out.append((spec, shape))
    if len(shape) != 1 and not (len(shape) == 3 and shape[1:] == (1, 1)):
        raise ValueError(f"{FUNC}: net must end with one score per class (a Dense or a global pooling layer), "
                         f"but its output has shape {shape}")
    classes = int(np.prod(shape))
    if not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"{FUNC}: net must output 2 to {MAX_CLASSES} class scores, got {classes}")
    return out


def fields(planned, input_shape=INPUT_SHAPE):
    """For every layer, the input rows each output row sees and the input columns each output column sees.

    [(rows, cols)] with rows[i] the sorted input rows of output row i (from
    :func:`d2lutils.receptive.receptive_region`), or None for a flat layer (it sees every pixel).
    """
    stack, result = [], []
    for spec, shape in planned:
        if spec["kind"] in ("conv", "pool"):
            layer = _pool_layer(spec) if spec["kind"] == "pool" else {
                "kind": "conv", "kernel_size": spec["kernel_size"], "stride": spec["stride"],
                "padding": spec["padding"], "dilation": spec["dilation"]}
            stack.append(layer)
        if len(shape) != 3:
            result.append(None)
        elif not stack:  # only activations so far: each cell sees its own pixel
            result.append(([[i] for i in range(shape[1])], [[j] for j in range(shape[2])]))
        else:
            n = input_shape[1:]
            rows = [list(receptive_region(n, stack, (i, 0))[0]) for i in range(shape[1])]
            cols = [list(receptive_region(n, stack, (0, j))[1]) for j in range(shape[2])]
            result.append((rows, cols))
    return result


# ---------------------------------------------------------------- the forward pass (numpy)

def _act(x, kind):
    if kind == "relu":
        return np.maximum(x, 0)
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if kind == "tanh":
        return np.tanh(x)
    return x


def _windows(X, k, s, d, out):
    """Yield (a, b, X[:, rows of tap a, cols of tap b]) over the taps of a window on the padded X (c, H, W)."""
    for a in range(k[0]):
        for b in range(k[1]):
            r, c = a * d[0], b * d[1]
            yield a, b, X[:, r:r + s[0] * (out[0] - 1) + 1:s[0], c:c + s[1] * (out[1] - 1) + 1:s[1]]


def forward(planned, image):
    """Every layer's output for one image (c, H, W) float: a list of float64 arrays, the last the scores."""
    x = np.asarray(image, dtype=np.float64)
    outputs = []
    for spec, shape in planned:
        kind = spec["kind"]
        if kind in ("conv", "pool"):
            p = spec["padding"]
            out = shape[1:]
            if kind == "conv":
                xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])))
                w = spec["weight"].astype(np.float64)
                y = np.zeros(shape)
                for a, b, tap in _windows(xp, spec["kernel_size"], spec["stride"], spec["dilation"], out):
                    y += np.einsum("oc,chw->ohw", w[:, :, a, b], tap)
                if spec["bias"] is not None:
                    y += spec["bias"].astype(np.float64)[:, None, None]
                y = _act(y, spec["activation"])
            elif spec["mode"] == "max":
                xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=-np.inf)
                y = np.full(shape, -np.inf)
                for _, _, tap in _windows(xp, spec["kernel_size"], spec["stride"], (1, 1), out):
                    y = np.maximum(y, tap)
            else:
                xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])))
                ones = np.pad(np.ones((1,) + x.shape[1:]), ((0, 0), (p[0], p[0]), (p[1], p[1])))
                y, count = np.zeros(shape), np.zeros((1,) + tuple(out))
                for (_, _, tap), (_, _, one) in zip(_windows(xp, spec["kernel_size"], spec["stride"], (1, 1), out),
                                                    _windows(ones, spec["kernel_size"], spec["stride"], (1, 1), out)):
                    y += tap
                    count += one
                k = spec["kernel_size"]
                y = y / (k[0] * k[1] if spec["count_include_pad"] else count)
        elif kind == "act":
            y = _act(x, spec["activation"])
        elif kind == "flatten":
            y = x.reshape(-1)
        else:  # dense
            y = spec["weight"].astype(np.float64) @ x.reshape(-1)
            if spec["bias"] is not None:
                y = y + spec["bias"].astype(np.float64)
            y = _act(y, spec["activation"])
        outputs.append(y)
        x = y
    return outputs


# ---------------------------------------------------------------- what the page gets

def _title(spec, shape):
    """A layer in words, as the page heads its maps: 'Conv2D 3×3, padding 1, ReLU → 16 maps 8×8'."""
    kind = spec["kind"]
    parts = [spec["name"]]
    if kind == "conv" or (kind == "pool" and not spec["global"]):
        k, s, p = spec["kernel_size"], spec["stride"], spec["padding"]
        parts[0] += f" {k[0]}×{k[1]}"
        for word, v, default in (("stride", s, (1, 1) if kind == "conv" else tuple(k)), ("padding", p, (0, 0)),
                                 ("dilation", spec.get("dilation", (1, 1)), (1, 1))):
            if tuple(v) != tuple(default):
                parts.append(f"{word} {v[0] if v[0] == v[1] else f'({v[0]}, {v[1]})'}")
    act = spec.get("activation")
    if act and kind != "act":
        parts.append({"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}[act])
    elif kind == "act" and spec["name"].lower() != act:
        parts[0] += f" ({act})"
    what = (f"{shape[0]} map{'s' if shape[0] > 1 else ''} {shape[1]}×{shape[2]}" if len(shape) == 3
            else f"{shape[0]} values")
    return ", ".join(parts) + f" → {what}"


def page_layers(planned):
    """(layers, weights): the JSON list the page reads and all weights as float32 bytes (little-endian).

    Each layer: kind, title, shape (its output), the settings the page's forward pass needs, the
    offsets of its weight and bias in the bytes (in floats; -1 for none) and its receptive fields.
    """
    chunks, offset, layers = [], 0, []
    for (spec, shape), field in zip(planned, fields(planned)):
        L = {"kind": spec["kind"], "title": _title(spec, shape), "shape": list(shape)}
        for key in ("kernel_size", "stride", "padding", "dilation"):
            if key in spec:
                L[key] = list(spec[key])
        for key in ("mode", "activation", "count_include_pad"):
            if key in spec:
                L[key] = spec[key]
        for key in ("weight", "bias"):
            if spec.get(key) is None:
                if key in spec:
                    L[key] = -1
                continue
            L[key] = offset
            chunks.append(np.ascontiguousarray(spec[key], dtype="<f4").ravel())
            offset += spec[key].size
            if key == "weight":
                L["weight_shape"] = list(spec[key].shape)
        if field is not None:
            L["rows"], L["cols"] = field
        layers.append(L)
    weights = np.concatenate(chunks).tobytes() if chunks else b""
    return layers, weights


def test_digits():
    """One test image of each digit 0-9 from lesson 10's split (:func:`d2lutils.digits.load_digits`)."""
    from ..digits import load_digits
    data = load_digits(test_fraction=0.2, seed=0)
    return {f"test digit {d}": data.X_test[np.flatnonzero(data.y_test == d)[0], 0] for d in range(10)}


def as_image(value, name, func=FUNC):
    """An 8x8 image (8x8, 1x8x8 or 1x1x8x8; numpy, NDArray or nested lists) -> 8x8 float list, values 0-1."""
    A, _ = to_numpy(value, name, func)
    if A.dtype == bool:
        A = A.astype(float)
    if A.dtype.kind not in "fiu":
        raise ValueError(f"{func}: {name} must hold numbers from 0 to 1, got dtype {A.dtype}")
    while A.ndim > 2 and A.shape[0] == 1:
        A = A[0]
    if A.shape != INPUT_SHAPE[1:]:
        raise ValueError(f"{func}: {name} must be an 8x8 image (or 1x8x8), got shape {tuple(np.shape(A))}")
    A = A.astype(np.float64)
    if not np.all(np.isfinite(A)) or A.min() < 0 or A.max() > 1:
        raise ValueError(f"{func}: {name} must hold numbers from 0 to 1 (0 blank, 1 ink)")
    return [[float(np.float32(v)) for v in row] for row in A]


def _presets(presets):
    if presets is None:
        return {name: as_image(X, "presets") for name, X in test_digits().items()}
    if isinstance(presets, dict):
        items = list(presets.items())
    else:
        A, _ = to_numpy(presets, "presets", FUNC)
        if A.ndim == 4 and A.shape[1] == 1:
            A = A[:, 0]
        if A.ndim != 3:
            raise ValueError(f"{FUNC}: presets must be a dict {{name: 8x8 image}} or images of shape (n, 8, 8) "
                             f"or (n, 1, 8, 8), got shape {A.shape}")
        items = [(f"image {i}", X) for i, X in enumerate(A)]
    if len(items) > MAX_PRESETS:
        raise ValueError(f"{FUNC}: presets must hold at most {MAX_PRESETS} images, got {len(items)}")
    out = {}
    for key, X in items:
        if not isinstance(key, str) or not key.strip() or len(key) > 60:
            raise ValueError(f"{FUNC}: presets' names must be short non-empty strings, got {describe(key)}")
        out[key] = as_image(X, f"presets[{key!r}]")
    return out


# ---------------------------------------------------------------- the words (twin of network.js)

def shift_words(dy, dx):
    """(1, -2) -> '1 row down and 2 columns left'."""
    parts = []
    for v, one, pos, neg in ((dy, "row", "down", "up"), (dx, "column", "right", "left")):
        if v:
            parts.append(f"{abs(v)} {one}{'s' if abs(v) > 1 else ''} {pos if v > 0 else neg}")
    return " and ".join(parts)


def shifted(image, shift):
    """The 8x8 image moved by shift = (dy, dx) pixels (down and right positive), blank where it moved from."""
    return shift_images(np.asarray(image, dtype=np.float64), *shift)


def _pair_or_none(value, lo, hi):
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                            for v in value) and all(lo <= v <= hi for v in value)):
        return value[0], value[1]
    return None


def _image_or_none(value):
    ok = (isinstance(value, list) and len(value) == 8 and all(isinstance(r, list) and len(r) == 8 for r in value)
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for r in value for v in r))
    return value if ok else None


BAD_IMAGE = "Cannot show image: it must be 8 rows of 8 numbers from 0 to 1. Clear the drawing to go on."
BAD_SHIFT = (f"Cannot show shift: it must be a pair of whole numbers from -{SHIFT_LIMIT} to {SHIFT_LIMIT}. "
             'Press "no shift" to go on.')


class NetworkExplorer(Explorer):
    """Draw a digit on an 8x8 grid; the page runs the trained network on it and shows every layer.

    ``net``: a trained Gluon or torch ``nn.Sequential`` on 1x8x8 images (lesson 10's network), with
    layers Conv2D (any kernel, padding, stride, dilation; ReLU, sigmoid, tanh or no activation),
    MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, Activation, Flatten and Dense in Gluon;
    Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), AdaptiveMaxPool2d(1), ReLU, Sigmoid, Tanh,
    Flatten and Linear in torch; ending in 2-20 class scores. Its weights go to the page as float32 bytes: the page computes every feature map and the
    scores itself (no kernel needed, also on the course website).

    ``image``: the first drawing, 8x8 values from 0 (blank) to 1 (ink); default the first preset.
    ``presets``: images the page can load, a dict {name: 8x8 image} or an array (n, 1, 8, 8); default
    one test digit of each class (:func:`test_digits`).

    The learner draws with the mouse, a finger or the keyboard and shifts the drawing by whole pixels;
    ``.image``, ``.shift``, ``.input`` (what the network reads), ``.scores``, ``.prediction`` and
    ``.status`` follow the page, and ``.set(image=..., shift=(dy, dx))`` moves it.
    """

    _explorer = "NetworkExplorer"
    _name = "network explorer"
    _css = css() + "\n" + read("network.css")

    layers = Value().tag(sync=True)
    weights = traitlets.Bytes(b"").tag(sync=True)
    presets = Value().tag(sync=True)
    image = Value().tag(sync=True)
    shift = Value([0, 0]).tag(sync=True)
    cursor = Value([0, 0]).tag(sync=True)
    _controls = ("image", "shift", "cursor")

    def __init__(self, net, image=None, presets=None):
        specs = read_net(net)
        self._planned = plan(specs)
        layers, weights = page_layers(self._planned)
        preset_images = _presets(presets)
        if image is None:
            first = next(iter(preset_images.values()), None)
            image = first if first is not None else [[0.0] * 8 for _ in range(8)]
        else:
            image = as_image(image, "image")
        self._scores = None
        super().__init__(layers=layers, weights=weights, presets=preset_images, image=image, shift=[0, 0],
                         cursor=[0, 0])

    def __repr__(self):
        return f"NetworkExplorer(net with {len(self._planned)} layers)"

    # ------------------------------------------------------------------ the Python API
    def set(self, image=None, shift=None):
        """Set the drawing (8x8 values from 0 to 1) and/or the shift (dy, dx) in one update; returns ``self``.

        ``shift`` moves the drawing down by dy and right by dx pixels (negative: up, left), each from
        -7 to 7. Raises ``ValueError`` naming the argument for anything else.
        """
        func = "NetworkExplorer.set"
        values = {}
        if image is not None:
            values["image"] = as_image(image, "image", func)
        if shift is not None:
            if not isinstance(shift, (tuple, list, np.ndarray)) or len(shift) != 2:
                raise ValueError(f"{func}: shift must be a (dy, dx) pair of whole numbers, got {describe(shift)}")
            values["shift"] = [as_int(v, "shift", func, -SHIFT_LIMIT, SHIFT_LIMIT) for v in shift]
        with self._moving():
            for name, value in values.items():
                setattr(self, name, value)
        return self

    @property
    def input(self):
        """The (8, 8) image the network reads: the drawing moved by the shift (None if either is unreadable)."""
        image, shift = _image_or_none(self.image), _pair_or_none(self.shift, -SHIFT_LIMIT, SHIFT_LIMIT)
        return None if image is None or shift is None else shifted(image, shift)

    @property
    def scores(self):
        """The network's class scores for the current input (a tuple of floats), or None."""
        return self._scores

    @property
    def prediction(self):
        """The class with the highest score (an int), or None."""
        return None if self._scores is None else int(np.argmax(self._scores))

    def maps(self):
        """Every layer's output for the current input (numpy arrays, as the page draws them), or None."""
        X = self.input
        return None if X is None else forward(self._planned, X[None])

    def region(self, layer, position):
        """(rows, columns) of the drawing that cell ``position`` = (i, j) of layer ``layer`` (0-based) sees."""
        func = "NetworkExplorer.region"
        layer = as_int(layer, "layer", func, 0, len(self._planned) - 1)
        L = self.layers[layer]
        if "rows" not in L:
            return tuple(range(8)), tuple(range(8))
        i, j = (as_int(v, "position", func, 0) for v in position)
        if i >= len(L["rows"]) or j >= len(L["cols"]):
            raise ValueError(f"{func}: position {(i, j)} is outside layer {layer}'s maps of shape {tuple(L['shape'][1:])}")
        return tuple(L["rows"][i]), tuple(L["cols"][j])

    # ------------------------------------------------------------------ machinery
    def _compute(self, changed):
        self._scores = None
        image = _image_or_none(self.image)
        if image is None:
            return BAD_IMAGE, None
        shift = _pair_or_none(self.shift, -SHIFT_LIMIT, SHIFT_LIMIT)
        if shift is None:
            return BAD_SHIFT, None
        X = shifted(image, shift)
        scores = forward(self._planned, X[None])[-1].reshape(-1)
        self._scores = tuple(float(v) for v in scores)
        r, c = _pair_or_none(self.cursor, 0, 7) or (0, 0)
        status = f"Prediction: {self.prediction}. Cell ({r}, {c}): {'ink' if X[r, c] > 0 else 'blank'}."
        if shift != (0, 0):
            status += f" The drawing is shifted {shift_words(*shift)}."
        if not X.any():
            status += " The drawing is empty."
        return status, (len(scores),)
