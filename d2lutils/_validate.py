"""Argument checks and limits shared by the d2lutils functions.

Every public function validates its input here first, so that bad input ends in one short
``ValueError`` that names the function and the argument, instead of a traceback from deep inside
numpy or MXNet, a hang, or a machine out of memory. Messages never embed an array's values: they
describe an argument by its kind and shape (see :func:`describe`).

The limits keep every call within about a second and a few hundred MB:

* :data:`MAX_ELEMENTS` numbers in any array a function reads, builds or returns (an input, a
  padded input, a block of windows, an output);
* :data:`MAX_WORK` multiply-adds (or window values copied) in one call;
* :data:`MAX_SETTING` for any integer setting (a size, a padding, a stride).

Frameworks are never imported here: an NDArray or a torch tensor is recognised only if its framework is
already loaded. Each framework has one seam, a private module that recognises, reads and makes its arrays
(``_mxnet.py``, ``_torch.py``); the functions here ask them through :func:`array_kind` and ``_SEAMS``.
"""
import array
import functools
import itertools
import math
import numbers
import warnings

import numpy as np

from . import _mxnet, _torch

#: The most numbers one array may hold (64 MB of float64): 8 times a 1024 x 1024 image.
MAX_ELEMENTS = 1 << 23
#: The most multiply-adds one call may do (about 0.1 to 0.5 s of whole-array numpy work).
MAX_WORK = 1 << 28
#: The largest integer setting accepted (MXNet's own limit for one axis: 2**31 - 1).
MAX_SETTING = (1 << 31) - 1
#: How deeply nested lists may be (numpy's own limit on the number of axes).
MAX_DEPTH = 32

_NUMBER_KINDS = "biuf"  # bool, int, unsigned int, float: the only dtypes the functions compute with
_INT64_MAX = (1 << 63) - 1


#: The framework seams, and the seam of each kind of framework array ("nd", "mxnp", "torch").
_FRAMEWORKS = (_mxnet, _torch)
_SEAMS = {kind: seam for seam in _FRAMEWORKS for kind in seam.KINDS}


def array_kind(X):
    """The kind of framework array ``X`` is: ``"nd"`` (an MXNet NDArray), ``"mxnp"`` (an ``mx.np`` array),
    ``"torch"`` (a torch tensor), or None (numpy, lists, anything else).

    Checked with ``isinstance`` on the framework's own classes, and only if the framework is loaded, so
    look-alikes (an MXNet Symbol has ``asnumpy``) are not mistaken for arrays.
    """
    for seam in _FRAMEWORKS:
        kind = seam.kind(X)
        if kind:
            return kind
    return None


def ndarray_kind(X):
    """``"nd"`` for an MXNet NDArray, ``"mxnp"`` for an ``mx.np`` array, None for anything else (MXNet only)."""
    return _mxnet.kind(X)


def is_ndarray(X):
    """True if ``X`` is an MXNet NDArray (or an ``mx.np`` array)."""
    return _mxnet.kind(X) is not None


def is_array(X):
    """True if ``X`` is a framework array (an NDArray, an ``mx.np`` array or a torch tensor)."""
    return array_kind(X) is not None


def array_shape(X):
    """The shape of a framework array as a tuple of ints (see :func:`array_kind`)."""
    return _SEAMS[array_kind(X)].shape(X)


def _framework_object(X):
    """``(reason, detail)`` for a framework's object that is not an array (a Symbol, a layer), else None."""
    for seam in _FRAMEWORKS:
        problem = seam.object_problem(X)
        if problem:
            return problem
    return None


def _size(shape):
    """Number of elements of a shape, exactly (Python ints: no overflow)."""
    return math.prod(int(n) for n in shape)


def _an(word):
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _int(value):
    """An int (or numpy integer) as a Python int, by the built-in type's own conversion: a subclass's
    ``__int__``/``__index__`` (which may raise anything, SystemExit included) is never called."""
    return int.__int__(value) if isinstance(value, int) else int(value)


def describe(value):
    """A short, safe description of any value for an error message: never a multi-line repr.

    Small numbers and short text are shown as they are; arrays by their kind and shape; anything
    else by its type. Never calls the value's own ``__repr__``, ``__len__`` or ``__iter__``, and
    never raises.
    """
    try:
        return _describe(value)
    except (Exception, SystemExit, KeyboardInterrupt, GeneratorExit):  # a subclass whose conversions raise or exit
        return _an(type(value).__name__)


def _describe(value):
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool.__bool__(value) if isinstance(value, bool) else bool(value))
    if isinstance(value, (int, np.integer)):
        v = _int(value)
        if abs(v) < 10 ** 15:
            return str(v)
        return f"a {v.bit_length()}-bit integer"
    if isinstance(value, (float, np.floating)):
        return repr(float.__float__(value) if isinstance(value, float) else float(value))
    if isinstance(value, (str, np.str_)):
        text = str.__str__(value)
        if len(text) <= 20 and text.isprintable():
            return repr(text)
        return f"text (a str of {len(text)} characters)"
    if isinstance(value, (bytes, bytearray)):
        return f"text ({type(value).__name__})"
    kind = array_kind(value)
    if kind:
        return _SEAMS[kind].describe(value, kind)
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        n = tuple.__len__(value) if isinstance(value, tuple) else list.__len__(value)
        return f"{_an(type(value).__name__)} of {n} entr{'y' if n == 1 else 'ies'}"
    for seam in _FRAMEWORKS:
        if seam.is_object(value):
            return seam.describe_object(value)
    return _an(type(value).__name__)


def check_size(count, what, func, limit=MAX_ELEMENTS, advice="use a smaller input"):
    """Refuse more than ``limit`` numbers in one array; ``what`` names it, e.g. ``"X of shape (5, 5)"``."""
    if count > limit:
        raise ValueError(f"{func}: {what} would hold {count:,} numbers, more than the {limit:,} these "
                         f"teaching helpers handle; {advice}")


def check_work(count, func, advice, limit=MAX_WORK):
    """Refuse more than ``limit`` multiply-adds in one call."""
    if count > limit:
        raise ValueError(f"{func}: this needs {count:,} multiply-adds, more than the {limit:,} these teaching "
                         f"helpers do in one call; {advice}")


class _Refused(Exception):
    """Internal: a nested list that is not an array of numbers: ``args`` = (reason, detail) as in :func:`as_array`."""


_SCALARS = (bool, int, float, np.bool_, np.integer, np.floating)
_PLAIN = {bool, int, float, np.bool_, np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
          np.uint8, np.uint16, np.uint32, np.uint64}


def _plain(X, limit):
    """A nested list/tuple as plain nested lists of numbers and numpy arrays, reading the containers' own
    storage (never their ``__iter__``/``__len__``), at most ``limit`` numbers and :data:`MAX_DEPTH` levels.

    Lists and tuples of the exact built-in types are read level by level at C speed (the set of the
    entries' types), so that long lists cost little; anything else (subclasses, arrays inside lists) is
    walked entry by entry.
    """
    level, depth = [X], 0
    while True:  # the fast way: exact lists and tuples (whose storage cannot lie) down to plain numbers
        types = set(map(type, level))
        if types and types <= {list, tuple}:
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused("holds", f"is nested more than {MAX_DEPTH} levels deep")
            level = list(itertools.chain.from_iterable(level))
            if len(level) > limit:
                raise _Refused("too large", f"(a nested list) holds more than {limit:,} numbers")
            continue
        if all(t in _PLAIN for t in types):
            return X
        break
    count = 0

    def walk(obj, depth):
        nonlocal count
        if depth >= MAX_DEPTH:
            raise _Refused("holds", f"is nested more than {MAX_DEPTH} levels deep")
        items = list(tuple.__iter__(obj) if isinstance(obj, tuple) else list.__iter__(obj))
        if count + len(items) > limit:
            raise _Refused("too large", f"(a nested list) holds more than {limit:,} numbers")
        types = set(map(type, items))
        if all(issubclass(t, _SCALARS) for t in types):
            count += len(items)
            return items
        seam = next((seam for seam in _FRAMEWORKS if seam.stackable(types)), None)
        if seam is not None:  # a list of one framework's arrays (PyTorch's 0-d tensors too), read in one step
            A, problem = seam.stack(items, limit - count)
            if problem:
                raise _Refused(*problem)
            count += A.size
            return A
        out = []
        for v in items:
            if isinstance(v, (list, tuple)):
                out.append(walk(v, depth + 1))
            elif isinstance(v, _SCALARS):
                count += 1
                out.append(v)
            elif isinstance(v, np.ndarray) or is_array(v):
                kind = array_kind(v)
                problem = _SEAMS[kind].problem(v) if kind else None
                if problem:
                    raise _Refused(*problem)
                count += _size(_SEAMS[kind].shape(v) if kind else v.shape)
                if count > limit:
                    raise _Refused("too large", f"(a nested list) holds more than {limit:,} numbers")
                if kind:
                    v = _SEAMS[kind].values(v)
                out.append(v)
            elif isinstance(v, (str, bytes, bytearray, np.str_, np.bytes_)):
                raise _Refused("text", "a list holding text")
            else:
                raise _Refused("holds", f"holds {describe(v)}")
        return out

    return walk(X, 0)


def as_array(X, limit=MAX_ELEMENTS):
    """``(A, kind, problem)``: ``X`` as a numpy array of numbers, without trusting it.

    ``kind`` is the framework array's kind (:func:`array_kind`: ``"nd"``, ``"mxnp"``, ``"torch"``), else
    None. On failure ``A`` is None and ``problem`` is a pair ``(reason, detail)``: reason is one of
    "symbol", "mxnet", "torch", "text", "object", "complex", "dtype", "too large", "ragged", "holds",
    and for torch tensors "device", "meta", "sparse", "nested"; detail is a phrase for a message.
    Nothing is ever raised. Accepts NDArrays, torch tensors (CPU; detached), numpy arrays and scalars,
    Python numbers, nested lists/tuples of those, and objects whose ``__array__`` gives numbers. The
    dtype must be bool, integer or float; at most ``limit`` numbers. The array may share memory with
    the input (numpy arrays, CPU tensors): never write into it.
    """
    try:
        return _as_array(X, limit)
    except Exception as err:  # a hostile object's method raised: report, never propagate
        return None, None, ("object", f"could not be read as an array ({type(err).__name__})")


def _as_array(X, limit):
    kind = array_kind(X)
    if kind:
        seam = _SEAMS[kind]
        problem = seam.problem(X)  # first: a nested tensor has no shape, a tensor on a GPU is not read
        if problem:
            return None, kind, problem
        shape = seam.shape(X)
        n = _size(shape)
        if n > limit:
            return None, kind, ("too large", f"of shape {shape} holds {n:,} numbers")
        return seam.values(X), kind, None
    if isinstance(X, (str, np.str_, bytes, bytearray)):
        return None, None, ("text", type(X).__name__)
    if isinstance(X, np.ndarray):
        A = X
    elif isinstance(X, (list, tuple)):
        try:
            plain = _plain(X, limit)
        except _Refused as err:
            return None, None, err.args
        except RecursionError:
            return None, None, ("holds", f"is nested more than {MAX_DEPTH} levels deep")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # ragged lists warn (numpy 1.23) before they become object arrays
                A = np.asarray(plain)
        except Exception:
            return None, None, ("ragged", "is ragged (its rows have different lengths)")
    elif isinstance(X, (bool, int, float, np.generic)):
        if isinstance(X, int) and not isinstance(X, bool) and not -_INT64_MAX - 1 <= X <= _INT64_MAX:
            return None, None, ("holds", "is an integer too large for 64 bits")
        A = np.asarray(X)
    elif _framework_object(X):
        return None, None, _framework_object(X)
    elif hasattr(type(X), "__array__") or isinstance(X, (memoryview, array.array)):
        A = np.asarray(X)
    else:
        return None, None, ("object", describe(X))
    if A.dtype.kind in "USa":
        return None, None, ("text", f"a numpy array of dtype {A.dtype.name}")
    if A.dtype.kind == "c":
        return None, None, ("complex", A.dtype.name)
    if A.dtype.kind == "O" and isinstance(X, (list, tuple)):
        return None, None, ("holds", "holds integers too large for 64 bits or values that are not numbers")
    if A.dtype.kind not in _NUMBER_KINDS:
        return None, None, ("dtype", A.dtype.name)
    if A.size > limit:
        return None, None, ("too large", f"of shape {A.shape} holds {A.size:,} numbers")
    return A, None, None


def array_problem(name, func, problem, limit=MAX_ELEMENTS):
    """The one-line message for a ``problem`` returned by :func:`as_array`."""
    reason, detail = problem
    if reason == "symbol":
        return (f"{func}: {name} is an MXNet Symbol, a placeholder in a symbolic graph without values; "
                f"pass an NDArray or a numpy array")
    if reason == "mxnet":
        return f"{func}: {name} is an MXNet {detail}, not an array; pass an NDArray or a numpy array"
    if reason == "torch":
        return f"{func}: {name} is a torch {detail}, not a tensor; pass a tensor or a numpy array"
    if reason == "device":
        return (f"{func}: {name} is a torch tensor on device {detail}; these helpers compute on the CPU: "
                f"pass {name}.cpu()")
    if reason == "meta":
        return f"{func}: {name} is a torch tensor on the meta device, which holds no values; pass a real tensor"
    if reason == "sparse":
        return f"{func}: {name} is a sparse torch tensor (layout {detail}); pass {name}.to_dense()"
    if reason == "nested":
        return f"{func}: {name} is a nested torch tensor; pass an ordinary (strided) tensor"
    if reason == "text":
        return f"{func}: {name} must be an array of numbers, got text ({detail}); write the numbers without quotes"
    if reason == "complex":
        return f"{func}: {name} must hold real numbers, got complex dtype {detail}"
    if reason == "dtype":
        return f"{func}: {name} must be an array of numbers (bool, integer or float), got dtype {detail}"
    if reason == "too large":
        if detail.startswith("(a nested list)"):
            detail = "(a nested list) holds more numbers than that"
        return (f"{func}: these teaching helpers take at most {limit:,} numbers in one array, and {name} "
                f"{detail}; use a smaller array (e.g. every second pixel: X[::2, ::2])")
    if reason == "object":
        return (f"{func}: {name} must be an array of numbers (a numpy array, an NDArray or a nested list), "
                f"got {detail}" if not detail.startswith("could not") else f"{func}: {name} {detail}")
    return f"{func}: {name} must be an array of numbers, but it {detail}"


def to_numpy(X, name, func, limit=MAX_ELEMENTS):
    """Return ``X`` as a numpy array and its kind (:func:`array_kind`: "nd", "mxnp", "torch", else None).

    Accepts NDArrays, torch tensors (CPU, any real dtype, with or without ``requires_grad``), numpy
    arrays and nested lists of numbers (bool, integer or float); anything else, and arrays of more than
    ``limit`` numbers, raise a one-line ValueError naming ``name``. The array may be the caller's own
    (numpy input, or a CPU tensor's memory): never write into it.
    """
    A, kind, problem = as_array(X, limit)
    if A is None:
        raise ValueError(array_problem(name, func, problem, limit))
    return A, kind


def _new_array(A, dtype=None):
    if dtype is None:
        dtype = A.dtype if A.dtype in (np.float16, np.float32, np.float64) else np.float32
    return np.array(A, dtype=dtype, order="C")


def to_ndarray(A, dtype=None):
    """A numpy array as a new NDArray (float16/32/64 kept, other dtypes as float32), copied once."""
    return _mxnet.make(_new_array(A, dtype), "nd")


def to_tensor(A, dtype=None):
    """A numpy array as a new torch tensor (float16/32/64 kept, other dtypes as float32), copied once."""
    return _torch.make(_new_array(A, dtype), "torch")


def like_input(Y, kind):
    """Return ``Y`` (numpy) as the kind of array the input was: numpy, an NDArray, an ``mx.np`` array or a
    torch tensor (see :func:`array_kind`).

    Framework arrays keep a float dtype (float16/32/64); other results become float32, MXNet's default
    (a bfloat16 tensor, computed in float32, gives float32). ``Y`` must be a new array that nothing else
    holds: it is handed to the framework without a copy (DLPack, ``torch.from_numpy``).
    """
    if not kind:
        return Y
    return _SEAMS[kind].make(Y, kind)


def check_ndim(A, ndim, name, func, layout):
    """Require ``A.ndim == ndim`` and a non-empty array; ``layout`` names the axes, e.g. ``(H, W)``."""
    if A.ndim != ndim:
        raise ValueError(f"{func}: {name} must be a {ndim}-D array {layout}, "
                         f"got shape {tuple(A.shape)} ({A.ndim}-D)")
    if A.size == 0:
        raise ValueError(f"{func}: {name} must not be empty, got shape {tuple(A.shape)}")


def as_int(value, name, func, minimum, maximum=MAX_SETTING):
    """Return ``value`` as an int with ``minimum <= value <= maximum``.

    Integral floats such as 2.0 and 0-d arrays are accepted; booleans, fractions, text and
    anything else raise a one-line ValueError naming ``name``.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{func}: {name} must be an integer, got {describe(value)}")
    v = None
    try:
        if isinstance(value, (int, np.integer)):
            v = _int(value)
        elif isinstance(value, (float, np.floating)):
            f = float.__float__(value) if isinstance(value, float) else float(value)
            v = int(f) if math.isfinite(f) and f.is_integer() else None
        elif isinstance(value, numbers.Real):  # Fraction and the like
            f = float(value)
            v = int(value) if math.isfinite(f) and f.is_integer() else None
    except Exception:  # a number type whose conversions raise
        v = None
    except (SystemExit, KeyboardInterrupt, GeneratorExit):  # a number type of the learner's that exits
        raise ValueError(f"{func}: {name} is a number whose conversion stopped the program "
                         f"({_an(type(value).__name__)}); pass a plain int") from None
    if v is None:
        raise ValueError(f"{func}: {name} must be an integer or an (h, w) pair of integers, got {describe(value)}")
    if v < minimum:
        raise ValueError(f"{func}: {name} must be >= {minimum}, got {describe(v)}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{func}: {name} must be at most {maximum:,}, got {describe(v)}")
    return v


def as_pair(value, name, func, minimum, maximum=MAX_SETTING):
    """Return ``value`` (an int or an (h, w) pair) as a pair of ints in [minimum, maximum].

    An NDArray of shape (1,) counts as one int (MXNet 1.x has no 0-d NDArrays), one of shape (2,)
    as a pair; a torch tensor of shape () or (2,) too.
    """
    kind = array_kind(value)
    if kind:
        problem = _SEAMS[kind].problem(value)
        if problem:
            raise ValueError(array_problem(name, func, problem))
        if _size(_SEAMS[kind].shape(value)) > 2:
            raise ValueError(f"{func}: {name} must be an integer or an (h, w) pair, got {describe(value)}")
        value = _SEAMS[kind].values(value)
        if kind == "nd" and value.shape == (1,):
            value = value.reshape(())
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        if isinstance(value, np.ndarray):
            items = list(value) if value.ndim == 1 else None
        else:
            items = list(tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value))
        if items is None or len(items) != 2:
            raise ValueError(f"{func}: {name} must be an integer or an (h, w) pair, got {describe(value)}")
        return tuple(as_int(v, name, func, minimum, maximum) for v in items)
    v = as_int(value, name, func, minimum, maximum)
    return v, v


def checked(inputs):
    """Make a lecture function check its arguments first: ``inputs(*args, **kwargs)`` validates them and
    returns the positional arguments to call it with (NDArrays of sizes that finish quickly), or raises a
    one-line ValueError. Applied by assignment after the function, not with ``@``, so that
    ``inspect.getsource``, which lessons 8 and 9 print, shows the function's own code."""
    def wrap(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            return function(*inputs(*args, **kwargs))
        return checked
    return wrap
