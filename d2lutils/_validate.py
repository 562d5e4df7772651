"""Argument checks shared by the d2lutils functions.

Every public function validates its input here first, so that bad input ends in
one clear ``ValueError`` that names the argument, instead of a traceback from
deep inside numpy or MXNet.
"""
import numbers
import warnings

import numpy as np


def is_ndarray(X):
    """True if ``X`` is an MXNet NDArray (checked without importing MXNet)."""
    return type(X).__module__.startswith("mxnet") and hasattr(X, "asnumpy")


def to_numpy(X, name, func):
    """Return ``X`` as a numpy array and whether it was an MXNet NDArray.

    Accepts NDArrays, numpy arrays and nested lists of numbers.
    """
    if is_ndarray(X):
        return X.asnumpy(), True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.VisibleDeprecationWarning)  # ragged lists
            A = np.asarray(X)
    except Exception:  # ragged lists and other oddities
        raise ValueError(f"{func}: {name} must be an array of numbers, got {type(X).__name__}") from None
    if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == bool):
        raise ValueError(f"{func}: {name} must be an array of numbers, got {type(X).__name__} "
                         f"with dtype {A.dtype}")
    if A.dtype.kind == "c":
        raise ValueError(f"{func}: {name} must hold real numbers, got complex dtype {A.dtype}")
    return A, False


def like_input(Y, was_ndarray):
    """Return ``Y`` as an NDArray if the input was one, else as numpy.

    NDArrays keep a float dtype (float16/32/64); integer results become float32, MXNet's default.
    """
    if was_ndarray:
        from mxnet import nd
        return nd.array(Y, dtype=Y.dtype if Y.dtype in (np.float16, np.float32, np.float64) else np.float32)
    return Y


def check_ndim(A, ndim, name, func, layout):
    """Require ``A.ndim == ndim`` and a non-empty array; ``layout`` names the axes, e.g. ``(H, W)``."""
    if A.ndim != ndim:
        raise ValueError(f"{func}: {name} must be a {ndim}-D array {layout}, "
                         f"got shape {tuple(A.shape)} ({A.ndim}-D)")
    if A.size == 0:
        raise ValueError(f"{func}: {name} must not be empty, got shape {tuple(A.shape)}")


def as_int(value, name, func, minimum):
    """Return ``value`` as an int ``>= minimum``; integral floats such as 2.0 are accepted."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{func}: {name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, numbers.Real) and float(value).is_integer():
        value = int(value)
    else:
        raise ValueError(f"{func}: {name} must be an integer or an (h, w) pair of integers, got {value!r}")
    if value < minimum:
        raise ValueError(f"{func}: {name} must be >= {minimum}, got {value}")
    return value


def as_pair(value, name, func, minimum):
    """Return ``value`` (an int or an (h, w) pair) as a pair of ints ``>= minimum``."""
    if isinstance(value, (list, tuple, np.ndarray)) and np.ndim(value) > 0:
        if len(value) != 2:
            raise ValueError(f"{func}: {name} must be an integer or an (h, w) pair, got {value!r}")
        return tuple(as_int(v, name, func, minimum) for v in value)
    v = as_int(value, name, func, minimum)
    return v, v
