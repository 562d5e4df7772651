"""The MXNet seam: recognise, read and make MXNet arrays, for ``d2lutils._validate``.

MXNet is never imported at d2lutils import time: an NDArray is recognised only if MXNet is already
loaded (the learner made one), and :func:`make` imports MXNet only to return what MXNet gave us.
Every framework seam has the same functions: ``KINDS``, ``kind``, ``shape``, ``problem``, ``values``,
``make``, ``stackable``, ``stack``, ``describe``, ``is_object``, ``describe_object``, ``object_problem`` (see ``d2lutils/_torch.py`` for PyTorch's).
"""
import sys

import numpy as np

#: The kinds of array this seam handles: an NDArray, an ``mx.np`` array.
KINDS = ("nd", "mxnp")

_NUMBER_KINDS = "biuf"


def _class(module, name):
    """A class from an MXNet module that is already imported, or None (MXNet is never imported here)."""
    mod = sys.modules.get(module)
    return getattr(mod, name, None) if mod is not None else None


def kind(X):
    """``"nd"`` for an MXNet NDArray, ``"mxnp"`` for an ``mx.np`` array, None for anything else.

    Checked with ``isinstance`` on MXNet's own classes, so objects that merely have an ``asnumpy``
    method (an MXNet Symbol has one) are not mistaken for arrays.
    """
    NDArray = _class("mxnet.ndarray.ndarray", "NDArray")
    if NDArray is None or not isinstance(X, NDArray):
        return None
    mx_np = _class("mxnet.numpy", "ndarray")
    return "mxnp" if mx_np is not None and isinstance(X, mx_np) else "nd"


def shape(X):
    return tuple(X.shape)


def problem(X):
    """``(reason, detail)`` if the NDArray cannot be read as numbers (its dtype), else None."""
    dtype = np.dtype(X.dtype)
    return None if dtype.kind in _NUMBER_KINDS else ("dtype", dtype.name)


def values(X):
    """The values of an NDArray as a new numpy array; ``asnumpy`` waits for pending writes to X.

    A copy, not a DLPack view: weights that MXNet has used are often kept in oneDNN's blocked layout,
    which DLPack cannot describe (MXNet raises, and the retry costs more than the copy it saves), and a
    sparse NDArray's DLPack view holds only its stored values.
    """
    return X.asnumpy()


def make(Y, kind="nd"):
    """``Y`` (a new numpy array nothing else holds) as an NDArray (or ``mx.np`` array for ``"mxnp"``).

    Float dtypes (float16/32/64) are kept; other results become float32, MXNet's default. Handed to
    MXNet without a copy, through DLPack (the NDArray keeps Y alive).
    """
    from mxnet import nd
    if Y.dtype not in (np.float16, np.float32, np.float64):
        Y = Y.astype(np.float32)
    if not (Y.flags.c_contiguous and Y.flags.writeable):
        Y = np.array(Y, order="C")
    try:
        Z = nd.from_dlpack(Y.__dlpack__())
    except Exception:  # an MXNet or numpy without DLPack support: one copy instead
        Z = nd.array(Y, dtype=Y.dtype)
    return Z.as_np_ndarray() if kind == "mxnp" else Z


def stackable(types):
    """Lists of NDArrays are read entry by entry (MXNet 1.x has no 0-d NDArrays: such lists are short)."""
    return False


def stack(items, limit):
    raise NotImplementedError


def describe(X, kind):
    return f"{'an mx.np array' if kind == 'mxnp' else 'an NDArray'} of shape {tuple(X.shape)}"


def is_object(X):
    """True for any other object of MXNet's (a Symbol, a layer, a context...)."""
    return type(X).__module__.split(".")[0] == "mxnet"


def describe_object(X):
    return f"an MXNet {type(X).__name__}"


def object_problem(X):
    """``(reason, detail)`` for an MXNet object that is not an array, else None."""
    if not is_object(X):
        return None
    return ("symbol" if "symbol" in type(X).__module__ else "mxnet", type(X).__name__)
