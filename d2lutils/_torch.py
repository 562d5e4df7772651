"""The PyTorch seam: recognise, read and make torch tensors, and read torch layers, for d2lutils.

torch is never imported here: a tensor (or layer) is recognised only if torch is already loaded
(the learner made one), and :func:`make` only uses the torch that is loaded. The functions are those
of every framework seam (``KINDS``, ``kind``, ``shape``, ``problem``, ``values``, ``make``, ``stackable``,
``stack``, ``describe``, ``is_object``, ``describe_object``, ``object_problem``; see ``d2lutils/_mxnet.py``),
plus :func:`layer_type`, :func:`layer_settings` and :func:`run_layer` for ``comp_conv2d``.

Tensors are read on the CPU, detached (``requires_grad`` is allowed: the values are read, no graph is
built). A tensor subclass is read as the plain tensor it is (its ``__torch_function__`` and methods are
not called), so a subclass whose methods raise is still read, or refused in one line.
"""
import contextlib
import sys
import warnings

import numpy as np

#: The kind of array this seam handles.
KINDS = ("torch",)

#: Float dtypes numpy holds as they are; other float dtypes (bfloat16, float8) are read as float32 (exactly).
_NUMPY_FLOATS = ("float16", "float32", "float64")


def _torch():
    return sys.modules.get("torch")


def kind(X):
    """``"torch"`` for a torch tensor (an ``nn.Parameter`` too) if torch is loaded, else None."""
    torch = _torch()
    Tensor = getattr(torch, "Tensor", None) if torch is not None else None
    return "torch" if isinstance(Tensor, type) and isinstance(X, Tensor) else None


def _plain():
    """Inside: tensor subclasses behave as plain tensors (their ``__torch_function__`` is not called)."""
    disable = getattr(getattr(_torch(), "_C", None), "DisableTorchFunctionSubclass", None)
    return disable() if disable is not None else contextlib.nullcontext()


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def shape(X):
    with _plain():
        return tuple(int(n) for n in _torch().Tensor.size(X))


def problem(X):
    """``(reason, detail)`` for a tensor d2lutils cannot read as real numbers on the CPU, else None.

    Reasons: "device" (detail: the device, e.g. ``cuda:0``), "meta" (a tensor without values),
    "sparse" (detail: the layout), "nested", "complex" and "dtype" (detail: the dtype's name).
    """
    torch = _torch()
    T = torch.Tensor
    with _plain():
        device = T.device.__get__(X)
        if device.type == "meta":
            return "meta", "meta"
        if device.type != "cpu":
            return "device", str(device)
        if T.is_nested.__get__(X):
            return "nested", "nested"
        layout = T.layout.__get__(X)
        if layout != torch.strided:
            return "sparse", _dtype_name(layout)
        dtype = T.dtype.__get__(X)
        if dtype.is_complex:
            return "complex", _dtype_name(dtype)
        name = _dtype_name(dtype)
        if T.is_quantized.__get__(X) or not (dtype.is_floating_point or name == "bool"
                                             or name.startswith(("int", "uint"))):
            return "dtype", name
    return None


def values(X):
    """The values of a CPU tensor (checked by :func:`problem`) as a numpy array, detached.

    float16/32/64, integers and booleans keep their dtype and share the tensor's memory (never write into
    the result); bfloat16 and the float8 dtypes, which numpy lacks, become float32 (exactly).
    """
    torch = _torch()
    T = torch.Tensor
    with _plain():
        D = T.detach(X)
        dtype = T.dtype.__get__(D)
        if dtype.is_floating_point and _dtype_name(dtype) not in _NUMPY_FLOATS:
            D = T.to(D, torch.float32)
        D = T.resolve_neg(T.resolve_conj(D))
        return T.numpy(D)


def make(Y, kind="torch"):
    """``Y`` (a new numpy array nothing else holds) as a torch tensor sharing its memory.

    Float dtypes (float16/32/64) are kept; other results become float32, as for NDArrays.
    """
    torch = _torch()
    if Y.dtype not in (np.float16, np.float32, np.float64):
        Y = Y.astype(np.float32)
    if not (Y.flags.c_contiguous and Y.flags.writeable):
        Y = np.array(Y, order="C")
    return torch.from_numpy(Y)


def stackable(types):
    """True if every type (of a list's entries) is a tensor type: the list is read by :func:`stack`."""
    torch = _torch()
    Tensor = getattr(torch, "Tensor", None) if torch is not None else None
    return isinstance(Tensor, type) and bool(types) and all(issubclass(t, Tensor) for t in types)


def stack(items, limit):
    """``(values, problem)``: a list of tensors of one shape (0-d tensors too, as ``[X[0, 0], X[0, 1]]`` gives)
    as one numpy array (len(items), ...), read without a Python step per entry; at most ``limit`` numbers."""
    torch = _torch()
    T = torch.Tensor
    with _plain():
        n = sum(map(T.numel, items))
        if n > limit:
            return None, ("too large", f"(a nested list) holds more than {limit:,} numbers")
        try:
            S = torch.stack(list(map(T.detach, items)))
        except RuntimeError:  # entries of different shapes, devices or layouts
            return None, ("ragged", "is ragged (its entries are tensors of different shapes or kinds)")
    reason = problem(S)
    return (None, reason) if reason else (values(S), None)


def describe(X, kind="torch"):
    with _plain():
        if _torch().Tensor.is_nested.__get__(X):
            return "a nested torch tensor"
    return f"a torch tensor of shape {shape(X)}"


def is_object(X):
    """True for any other object of torch's (a layer, a dtype, a device...)."""
    return _torch() is not None and type(X).__module__.split(".")[0] == "torch"


def describe_object(X):
    return f"a torch {type(X).__name__}"


def object_problem(X):
    """``(reason, detail)`` for a torch object that is not a tensor, else None."""
    return ("torch", type(X).__name__) if is_object(X) else None


# ---- layers (comp_conv2d) -------------------------------------------------------------------------------

def layer_type(layer):
    """"conv", "max" or "avg" for a torch nn.Conv2d, nn.MaxPool2d or nn.AvgPool2d (torch loaded), else None."""
    nn = sys.modules.get("torch.nn")
    if nn is None:
        return None
    for name, kind in (("Conv2d", "conv"), ("MaxPool2d", "max"), ("AvgPool2d", "avg")):
        cls = getattr(nn, name, None)
        if isinstance(cls, type) and isinstance(layer, cls):
            return kind
    return None


def _attr(layer, name, default=None):
    """A layer's setting read from its own ``__dict__`` (never a property or ``__getattr__`` of a subclass)."""
    return vars(layer).get(name, default)


def layer_settings(layer, func, kind):
    """The settings of a torch Conv2d (``kind`` "conv") or MaxPool2d/AvgPool2d ("max"/"avg") as a dict with
    ``kernel_size``, ``stride``, ``dilation`` (each an (h, w) pair of ints), ``padding`` (an (h, w) pair, or
    "same"), ``padding_mode``, ``ceil_mode``, ``count_include_pad``, ``divisor_override``,
    ``return_indices``, ``in_channels``, ``out_channels`` and ``groups``; raw values, checked by the caller.
    """
    s = {key: _attr(layer, key) for key in ("kernel_size", "stride", "padding", "dilation", "padding_mode",
                                            "ceil_mode", "count_include_pad", "divisor_override",
                                            "return_indices", "in_channels", "out_channels", "groups")}
    if kind != "conv":
        if s["stride"] is None or (isinstance(s["stride"], (tuple, list)) and len(s["stride"]) == 0):
            s["stride"] = s["kernel_size"]  # torch's default: the pool size
        s["dilation"] = 1 if kind == "avg" else s["dilation"]
        s["in_channels"], s["out_channels"], s["groups"] = 1, 1, 1
    return s


def run_layer(layer, A):
    """``layer`` applied to A (H, W) (numpy) as a batch of one single-channel example (1, 1, H, W), under
    ``torch.no_grad()``, in the dtype of the layer's weights (without weights: float16/32/64 kept, other
    dtypes as float32) -> the output tensor (1, c_o, H', W')."""
    torch = _torch()
    params = list(layer.parameters(recurse=False))
    if params:
        dtype = params[0].dtype
    else:
        dtype = {"float16": torch.float16, "float64": torch.float64}.get(A.dtype.name, torch.float32)
    X = torch.from_numpy(np.array(A, order="C")).to(dtype).reshape((1, 1) + A.shape)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. padding='same' with an even kernel copies the input: not the learner's concern
        return layer(X)
