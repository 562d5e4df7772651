"""The feedback object every checker returns, and the comparisons the checkers share.

A checker never raises, never accepts a wrong answer and never gives an answer away:

* every checker is wrapped in :func:`checker`, which turns anything its code raises into a
  "could not check" Feedback;
* answers are read without trusting them (``d2lutils._validate.as_array``): text in any form
  (str, numpy strings, bytes) is text, never a number; look-alike objects are not asked for their
  values; huge answers are refused by their size before they are converted;
* numbers are compared exactly when the answer is a whole number (Python ints of any size
  included), and never formatted unbounded (``repr(10**5000)`` raises in Python 3.11);
* answers may be numbers, nested lists, numpy arrays, MXNet NDArrays or torch tensors (CPU, any real
  dtype, with or without ``requires_grad``); a tensor is read exactly as an NDArray is, and a tensor that
  cannot be read (on a GPU, sparse, complex) is named in one line;
* the framework's leading batch and channel axes of size 1 (``nn.MaxPool2D(2)(X)`` in Gluon, and
  ``nn.MaxPool2d(2)(X)`` in PyTorch, have shape (1, 1, 2, 2)) are dropped, and the message says so.
"""
import decimal
import functools
import html
import math
import numbers
import sys

import numpy as np

from .._validate import array_kind, array_shape, as_array, describe

#: The most numbers an answer array is read with; larger answers are wrong by their size alone.
MAX_ANSWER_SIZE = 1 << 16
#: The most entries a shape answer may have.
MAX_SHAPE_ENTRIES = 32

_TEXT = (str, bytes, bytearray, np.str_, np.bytes_)


class Feedback:
    """The verdict on one answer: ``ok`` (bool) and a ``message`` for the learner.

    It shows itself as a coloured box in a notebook and as one line of text elsewhere.
    ``ok`` is ``None`` while the answer is still missing.
    """

    def __init__(self, ok, message, hint=None):
        self.ok = ok
        self.message = message
        self.hint = hint

    @property
    def text(self):
        label = {True: "Correct", False: "Not yet", None: "No answer yet"}[self.ok]
        text = f"{label}: {self.message}"
        return f"{text} Hint: {self.hint}" if self.hint and not self.ok else text

    def __bool__(self):
        return bool(self.ok)

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        colour = {True: "#1b7f3b", False: "#b3261e", None: "#6b6b6b"}[self.ok]
        icon = {True: "&#10004;", False: "&#10008;", None: "&#8230;"}[self.ok]
        return (f'<div style="border-left:4px solid {colour};padding:4px 8px;color:{colour}">'
                f"{icon} {html.escape(self.text)}</div>")


def correct(message="well done."):
    return Feedback(True, message)


def wrong(message, hint=None):
    return Feedback(False, message, hint)


def missing(what="your answer"):
    return Feedback(None, f"replace None with {what} and run the cell again.")


def checker(func):
    """Wrap a checker so that it always returns a Feedback: an exception becomes a "could not check" verdict.

    The checkers are written not to raise; this is the net under them for answers nobody foresaw.
    """
    @functools.wraps(func)
    def check(answer=None, *args, **kwargs):
        try:
            result = func(answer, *args, **kwargs)
        except Exception as err:  # never a traceback at the learner, never the answer in the message
            return wrong(f"your answer ({_short(answer)}) could not be checked ({type(err).__name__}); "
                         f"give it in the form the exercise asks for.")
        except (SystemExit, KeyboardInterrupt, GeneratorExit) as err:  # raised by the answer's own code
            return wrong(f"your answer's own code exited while the checker read it ({type(err).__name__}); "
                         f"give a plain number, list or array, as the exercise asks.")
        return result if isinstance(result, Feedback) else wrong("your answer could not be checked.")
    return check


def is_text(answer):
    """True for text in any form: str, numpy str/bytes scalars and arrays, bytes, bytearray."""
    if isinstance(answer, _TEXT):
        return True
    return isinstance(answer, np.ndarray) and answer.dtype.kind in "USa"


def _short(answer):
    """A one-line description of an answer for messages, that never echoes text (it may be the right
    answer in quotes) and never formats an unbounded value."""
    try:
        if is_text(answer):
            return f"text ({type(answer).__name__}); write it without quotes"
        if callable(answer) and not isinstance(answer, (np.ndarray, np.generic)) and array_kind(answer) is None \
                and type(answer).__module__.split(".")[0] not in ("torch", "mxnet"):  # a layer: described as one
            return f"a function ({getattr(type(answer), '__name__', 'callable')})" \
                if not isinstance(answer, type) else "a class"
        return describe(answer)
    except (Exception, SystemExit, KeyboardInterrupt, GeneratorExit):  # an answer whose own methods raise or exit
        return "an object"


def _number(answer):
    """The answer as an exact Python int, or a finite float, or None.

    Accepts ints of any size, floats, numpy scalars, ``numbers.Real`` (fractions), and numeric
    numpy arrays, NDArrays or tensors holding exactly one value. Booleans, text, lists and anything else give
    None; whole-number floats stay floats (callers compare exactly).
    """
    if isinstance(answer, (bool, np.bool_)) or is_text(answer):
        return None
    if isinstance(answer, (np.ndarray, list, tuple)) or array_kind(answer):
        if isinstance(answer, (list, tuple)):
            return None
        shape = _array_shape(answer)
        if math.prod(shape) != 1:
            return None
        A, _, problem = as_array(answer, 1)
        if A is None or A.dtype.kind not in "iuf":
            return None
        answer = A.reshape(-1)[0]
    try:
        if isinstance(answer, (int, np.integer)):
            return int.__int__(answer) if isinstance(answer, int) else int(answer)  # never a subclass's __int__
        if isinstance(answer, (float, np.floating)):
            value = float.__float__(answer) if isinstance(answer, float) else float(answer)
        elif isinstance(answer, decimal.Decimal):
            if not answer.is_finite():
                return None
            return int(answer) if answer == answer.to_integral_value() else float(answer)
        elif isinstance(answer, numbers.Real):
            if isinstance(answer, numbers.Integral):
                return int(answer)
            value = float(answer)
        else:
            return None
    except Exception:  # a number type whose conversions raise or overflow
        return None
    return value if math.isfinite(value) else None


def _as_number(answer):
    """The answer as a finite float, or None (kept for the checkers' known-mistake tests)."""
    value = _number(answer)
    if value is None:
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def same_number(answer, value):
    """True if ``answer`` is a single number exactly equal to ``value`` (an int or a float)."""
    a = _number(answer)
    return a is not None and a == value


def one_number(answer, pair=False):
    """The answer as one number (as :func:`_number`), also from a one-entry list, tuple or array, and, with
    ``pair``, from an (h, w) pair of equal numbers (a square's size given per axis); else None.

    Lists and tuples are read from their own storage, never through a subclass's methods.
    """
    if isinstance(answer, (list, tuple)):
        items = list(tuple.__iter__(answer) if isinstance(answer, tuple) else list.__iter__(answer))
        if len(items) == 1 or (pair and len(items) == 2):
            values = [_number(v) if not isinstance(v, (list, tuple)) else None for v in items]
            if values[0] is not None and all(v == values[0] for v in values):
                return values[0]
        return None
    if pair and (isinstance(answer, np.ndarray) or array_kind(answer)) and _array_shape(answer) == (2,):
        A, _, _ = as_array(answer, 2)
        if A is not None and A.dtype.kind in "iuf" and A[0] == A[1]:
            return _number(A[:1])
        return None
    return _number(answer)


def _label(value):
    """A number for a message: shown if short, else described ("a 16610-bit integer")."""
    return describe(value)


def check_number(answer, expected, *, hint=None, rel=1e-9, what="your answer"):
    """Compare a single number; says whether the answer is too large or too small.

    Whole-number expectations (counts) are compared exactly: 1048576.5 is not 1048576. Others
    within ``rel``.
    """
    if answer is None:
        return missing(what)
    value = _number(answer)
    if value is None:
        return wrong(f"expected a single finite number, got {_short(answer)}.", hint)
    if isinstance(expected, float) and expected.is_integer():
        expected = int(expected)
    if isinstance(expected, (int, np.integer)):
        ok = value == int(expected)
    else:
        ok = math.isclose(value, expected, rel_tol=rel, abs_tol=0)
    if ok:
        return correct()
    return wrong(f"{_label(value)} is too {'large' if value > expected else 'small'}.", hint)


def as_shape(answer):
    """The answer as a tuple of ints if it is a sequence of whole numbers (tuple, list, 1-D array), else None.

    Text, sets and dicts (whose order is arbitrary) are not shapes. Lists and tuples are read from
    their own storage, so a subclass's ``__iter__`` or ``__len__`` cannot lie.
    """
    if isinstance(answer, (list, tuple)):
        values = list(tuple.__iter__(answer) if isinstance(answer, tuple) else list.__iter__(answer))
    elif isinstance(answer, np.ndarray) or array_kind(answer):
        shape = _array_shape(answer)
        if len(shape) != 1 or shape[0] > MAX_SHAPE_ENTRIES:
            return None
        A, _, _ = as_array(answer, MAX_SHAPE_ENTRIES)
        if A is None or A.dtype.kind not in "iuf":
            return None
        values = list(A)
    else:
        return None
    if len(values) > MAX_SHAPE_ENTRIES:
        return None
    entries = []
    for v in values:
        n = _number(v)
        if n is None or isinstance(v, (np.ndarray, list, tuple)) or (isinstance(n, float) and not n.is_integer()):
            return None
        entries.append(int(n))
    return tuple(entries)


def _shape_text(entries):
    """A shape for a message, every entry bounded (an entry may be a huge int)."""
    return "(" + ", ".join(_label(e) for e in entries) + ("," if len(entries) == 1 else "") + ")"


def _array_shape(answer):
    """The shape of a numpy or framework array as a tuple of ints (a tensor's read as a plain tensor's)."""
    return tuple(answer.shape) if isinstance(answer, np.ndarray) else array_shape(answer)


def _framework(answer):
    """Whose batch and channel axes an answer's leading axes of size 1 are: "PyTorch" for a tensor or a
    ``torch.Size``, "Gluon" for an NDArray, else the framework loaded (Gluon if both or neither are)."""
    kind = array_kind(answer)
    if kind == "torch" or (kind is None and type(answer).__module__.split(".")[0] == "torch"):
        return "PyTorch"
    if kind is None and "torch" in sys.modules and "mxnet" not in sys.modules:
        return "PyTorch"
    return "Gluon"


def _dropped(n, framework="Gluon"):
    """The "Correct" message for an answer whose ``n`` leading axes of size 1 were dropped."""
    if n == 1:
        return f"right; the leading axis of size 1 (a batch or channel axis, as {framework} adds) was dropped."
    if n == 2:
        return f"right; the leading 2 axes of size 1 ({framework}'s batch and channel axes) were dropped."
    return f"right; the leading {n} axes of size 1 were dropped."


def check_shape(answer, expected, *, hint=None, what="your answer", batch_axes=True):
    """Compare a shape such as (H', W'); says which entries are off.

    With ``batch_axes``, extra leading entries equal to 1 (the framework's batch and channel axes, as in
    ``Y.shape`` of a layer's output) are dropped and the answer is judged on the rest.
    """
    if answer is None:
        return missing(what)
    entries = as_shape(answer)
    if entries is None:
        return wrong(f"expected a tuple of whole numbers such as (3, 4), got {_short(answer)}.", hint)
    expected = tuple(int(e) for e in expected)
    if entries == expected:
        return correct()
    extra = len(entries) - len(expected)
    if batch_axes and extra > 0 and entries[extra:] == expected and set(entries[:extra]) == {1}:
        return correct(_dropped(extra, _framework(answer)))
    if len(entries) != len(expected):
        return wrong(f"the shape should have {len(expected)} entries, yours has {len(entries)}.", hint)
    off = [i for i, (a, e) in enumerate(zip(entries, expected)) if a != e]
    names = ", ".join(f"entry {i}" for i in off)
    return wrong(f"{names} of {_shape_text(entries)} {'is' if len(off) == 1 else 'are'} not right.", hint)


def _problem_phrase(problem):
    """What is wrong with an answer that is not an array of numbers, as a phrase (never echoing it)."""
    reason, detail = problem
    return {"text": "text; write the numbers without quotes",
            "symbol": "an MXNet Symbol, which has no values",
            "mxnet": f"an MXNet {detail}, not an array",
            "torch": f"a torch {detail}, not a tensor",
            "device": f"a torch tensor on device {detail}; pass it with .cpu()",
            "meta": "a torch tensor on the meta device, which holds no values",
            "sparse": "a sparse torch tensor; pass it with .to_dense()",
            "nested": "a nested torch tensor",
            "complex": "complex numbers",
            "dtype": f"an array of dtype {detail}",
            "ragged": "a ragged list (its rows have different lengths)"}.get(reason)


def answer_array(answer, ndim=None, batch_axes=True):
    """``(A, note, problem)``: the answer as a float64 numpy array, or None and a phrase saying why not.

    Reads at most MAX_ANSWER_SIZE numbers (larger answers are described by their shape). With ``ndim``
    and ``batch_axes``, leading axes of size 1 beyond ``ndim`` are dropped and ``note`` says so.
    Booleans are not numbers here.
    """
    if is_text(answer):
        return None, None, f"text ({type(answer).__name__}); write the numbers without quotes"
    A, _, problem = as_array(answer, MAX_ANSWER_SIZE)
    if A is None:
        if problem[0] == "too large":
            shape = _array_shape(answer) if (isinstance(answer, np.ndarray) or array_kind(answer)) else None
            return None, None, (f"an array of shape {tuple(shape)}" if shape is not None
                                else "a list of more numbers than any answer here has")
        return None, None, _problem_phrase(problem) or _short(answer)
    if A.dtype.kind == "b":
        return None, None, "booleans (True/False), not numbers"
    if isinstance(answer, (np.generic, int, float)) and not isinstance(answer, bool):
        A = np.asarray(A)
    A = A.astype(np.float64)
    note = None
    if ndim is not None and batch_axes and A.ndim > ndim and set(A.shape[:A.ndim - ndim]) == {1}:
        note = _dropped(A.ndim - ndim, _framework(answer))
        A = A.reshape(A.shape[A.ndim - ndim:])
    return A, note, None


def check_array(answer, expected, *, hint=None, atol=1e-5, what="your answer", batch_axes=True):
    """Compare an array (NDArray, torch tensor, numpy or nested list) with the expected values.

    With ``batch_axes``, leading axes of size 1 beyond the expected ones (the framework's batch and
    channel axes) are dropped and the message says so.
    """
    if answer is None:
        return missing(what)
    expected = np.asarray(expected, dtype=float)
    A, note, problem = answer_array(answer, expected.ndim, batch_axes)
    if A is None:
        return wrong(f"expected an array of numbers, got {problem}.", hint)
    if A.shape != expected.shape:
        return wrong(f"your array has shape {A.shape}, which is not the shape asked for.", hint)
    with np.errstate(all="ignore"):
        bad = ~np.isclose(A, expected, atol=atol, rtol=1e-5)
    if not bad.any():
        return correct(note or "well done.")
    return wrong(f"{int(bad.sum())} of {bad.size} entries differ (the first at index "
                 f"{tuple(int(i) for i in np.argwhere(bad)[0])}).", hint)
