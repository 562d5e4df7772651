"""The feedback object every checker returns, and comparisons the checkers share."""
import html
import warnings

import numpy as np


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


def _short(answer):
    """A one-line description of an answer for messages (NDArrays show as their values).

    Text is not echoed (it may be the right answer in quotes): the learner is told to drop the quotes.
    """
    if isinstance(answer, (str, bytes)):
        return "text (a str); write it without quotes"
    if hasattr(answer, "asnumpy"):
        answer = answer.asnumpy()
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape}"
    if isinstance(answer, (list, tuple)):
        return f"a {type(answer).__name__} of {len(answer)} entr{'y' if len(answer) == 1 else 'ies'}"
    if isinstance(answer, (int, float, np.number)):
        return repr(answer) if len(repr(answer)) <= 30 else "a very large number"
    return f"a {type(answer).__name__}"


def _as_number(answer):
    """The answer as a finite float, or None: accepts ints, floats, numpy scalars, one-element arrays."""
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        return None
    if hasattr(answer, "asnumpy"):
        answer = answer.asnumpy()
    if isinstance(answer, np.ndarray):
        if answer.size != 1:
            return None
        answer = answer.reshape(-1)[0]
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if np.isfinite(value) else None


def check_number(answer, expected, *, hint=None, rel=1e-9, what="your answer"):
    """Compare a single number; says whether the answer is too large or too small."""
    if answer is None:
        return missing(what)
    value = _as_number(answer)
    if value is None:
        return wrong(f"expected a single finite number, got {_short(answer)}.", hint)
    if np.isclose(value, expected, rtol=rel, atol=0):
        return correct()
    label = repr(answer) if isinstance(answer, (int, float, np.number)) and len(repr(answer)) <= 30 \
        else "your answer"
    return wrong(f"{label} is too {'large' if value > expected else 'small'}.", hint)


def as_shape(answer):
    """The answer as a tuple of ints if it is a sequence of whole numbers (tuple, list, array), else None."""
    if hasattr(answer, "asnumpy"):
        answer = answer.asnumpy()
    if not isinstance(answer, (tuple, list, np.ndarray)):  # not text, sets or dicts: their order is arbitrary
        return None
    try:
        values = [_as_number(v) for v in answer]
    except TypeError:  # a 0-d array
        return None
    if all(v is not None and float(v).is_integer() for v in values):
        return tuple(int(v) for v in values)
    return None


def check_shape(answer, expected, *, hint=None, what="your answer"):
    """Compare a shape such as (H', W'); says which entries are off."""
    if answer is None:
        return missing(what)
    entries = as_shape(answer)
    if entries is None:
        return wrong(f"expected a tuple of whole numbers such as (3, 4), got {_short(answer)}.", hint)
    expected = tuple(expected)
    if entries == expected:
        return correct()
    if len(entries) != len(expected):
        return wrong(f"the shape should have {len(expected)} entries, yours has {len(entries)}.", hint)
    off = [i for i, (a, e) in enumerate(zip(entries, expected)) if a != e]
    names = ", ".join(f"entry {i}" for i in off)
    return wrong(f"{names} of {entries} {'is' if len(off) == 1 else 'are'} not right.", hint)


def check_array(answer, expected, *, hint=None, atol=1e-5, what="your answer"):
    """Compare an array (NDArray, numpy or nested list) with the expected values."""
    if answer is None:
        return missing(what)
    if hasattr(answer, "asnumpy"):
        answer = answer.asnumpy()
    with warnings.catch_warnings():  # ragged lists warn before they become object arrays
        warnings.simplefilter("ignore")
        kind = np.asarray(answer).dtype.kind if not isinstance(answer, (set, dict)) else "O"
    if isinstance(answer, (str, bytes)) or kind in "USOc":
        return wrong(f"expected an array of numbers, got {_short(answer)}.", hint)
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"expected an array of numbers, got {_short(answer)}.", hint)
    expected = np.asarray(expected, dtype=float)
    if answer.shape != expected.shape:
        return wrong(f"your array has shape {answer.shape}, which is not the shape asked for.", hint)
    bad = ~np.isclose(answer, expected, atol=atol, rtol=1e-5)
    if not bad.any():
        return correct()
    return wrong(f"{int(bad.sum())} of {bad.size} entries differ (the first at index "
                 f"{tuple(int(i) for i in np.argwhere(bad)[0])}).", hint)
