"""What every explorer shares: synced traits that never raise, a Python-side status, one update per change.

An explorer is an ``anywidget.AnyWidget``: its controls are synced traits (``padding``, ``stride``,
...), its front end (``_esm``) draws and computes on the page, and Python computes the same output
shape and status with :mod:`d2lutils.shapes` / :mod:`d2lutils.receptive`:

* ``.set(...)`` validates (``ValueError`` naming the argument for values the controls cannot show),
  moves the traits and sends them to the page in one message;
* a value that arrives from the page, or that a learner assigns to a trait directly, is never an
  exception: it is stored as plain data and, if the controls cannot show it, ``.status`` (and the
  page) explain it in one sentence; the next valid change recovers;
* ``.output_shape`` (``None`` when impossible) and ``.status`` are Python's; they are also synced to
  the page as ``_output_shape`` and ``_status`` (the page draws its own and never reads them).
"""
import itertools
import json
import math
import numbers
from contextlib import contextmanager

import anywidget
import numpy as np
import traitlets

from ._assets import css, esm
from ._text import bad_pair

_UNSET = object()


def plain(value, depth=0):
    """``value`` as plain JSON data (lists, ints, floats, str, bool, None); never raises.

    numpy scalars and arrays become Python numbers and lists, tuples become lists, non-finite
    floats become None; anything else becomes its type name (which no control accepts). Lists,
    tuples and dicts are read from their own storage (at most 1024 entries, 64 keys), never through
    a subclass's methods, and numbers through the built-in types' own conversions.
    """
    try:
        return _plain(value, depth)
    except (Exception, SystemExit, KeyboardInterrupt, GeneratorExit):  # a learner's object that raises or exits
        return f"<{type(value).__name__}>"


def _plain(value, depth):
    if depth > 6:
        return "<too deep>"
    if value is None or isinstance(value, bool):
        return bool.__bool__(value) if value is not None else None
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        f = float.__float__(value)
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() and abs(f) < 2 ** 53 else f  # 2.0 arrives on a page as 2
    if isinstance(value, np.ndarray):
        if value.size > 1024:
            return "<array too large>"
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value)
        return [_plain(v, depth + 1) for v in itertools.islice(items, 1024)]
    if isinstance(value, dict):
        return {str.__str__(k) if isinstance(k, str) else f"<{type(k).__name__}>": _plain(v, depth + 1)
                for k, v in itertools.islice(dict.items(value), 64)}
    if isinstance(value, numbers.Real):  # Fraction and the like
        return _plain(float(value), depth)
    return f"<{type(value).__name__}>"


def _json(value):
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


class Value(traitlets.Any):
    """A control's value: any plain data; True replacing 1 (equal in Python, not on a page) is a change too."""

    def set(self, obj, value):
        old = obj._trait_values.get(self.name, self.default_value)
        super().set(obj, value)
        new = obj._trait_values[self.name]
        try:
            same = bool(old == new)
        except Exception:
            same = False
        if same and _json(old) != _json(new):
            obj._notify_trait(self.name, old, new)


def as_pair_value(value):
    """A trait's value as an (h, w) pair of ints (an int counts for both), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                           for v in value):
        return value[0], value[1]
    return None


BAD_LIMITS = "Cannot show limits: it must give the range of every slider. Create the explorer again to go on."


def limits_problem(limits, keys, caps=None):
    """None if ``limits`` gives an [lo, hi] range of ints for every key, within ``caps`` (the widest ranges
    the explorer allows, so that no setting means seconds of work), else the words (as the page's)."""
    def good(r):
        return (isinstance(r, list) and len(r) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in r)
                and r[0] <= r[1])
    ok = isinstance(limits, dict) and all(good(limits.get(k)) for k in keys)
    if not ok:
        return BAD_LIMITS
    for k in keys if caps else ():
        (lo, hi), (c_lo, c_hi) = limits[k], caps[k]
        if lo < c_lo or hi > c_hi:
            return (f"Cannot show limits: the {k.replace('_', ' ')} sliders range at most from {c_lo} to {c_hi}. "
                    f"Create the explorer again to go on.")
    return None


def checked_pair(func, name, value, lo, hi):
    """``value`` (int or pair, numpy included) as a pair in [lo, hi], else ValueError naming ``name``."""
    from .._validate import as_pair, describe
    pair = as_pair(value, name, func, lo, maximum=None)
    for v in pair:
        if v > hi:
            raise ValueError(f"{func}: {name} must be between {lo} and {hi} (the range of its slider), "
                             f"got {describe(v)}")
    return pair


class Explorer(anywidget.AnyWidget):
    """Base class: subclasses set ``_explorer``, ``_controls`` (trait names) and ``_compute()``."""

    _css = css()
    _status = traitlets.Unicode("").tag(sync=True)
    _output_shape = traitlets.Any(None).tag(sync=True)

    #: Human name used in messages; the traits whose changes refresh the explorer (stored as plain data);
    #: traits that refresh it too but are stored as they are (the photograph's bytes).
    _name = "explorer"
    _controls = ()
    _raw = ()

    def __init_subclass__(cls, **kwargs):
        if "_explorer" in cls.__dict__:
            cls._esm = esm(cls._explorer)
        super().__init_subclass__(**kwargs)

    def __init__(self, **traits):
        self._quiet = 0
        self._last_out = _UNSET
        super().__init__(**{k: plain(v) if k in self._controls else v for k, v in traits.items()})
        # Every control, and the status and output shape themselves: assigned by anyone, they are recomputed.
        self.observe(self._on_change, names=list(self._controls + self._raw) + ["_status", "_output_shape"])
        for name in self._controls:  # every value stored is plain data, whoever assigns it
            self._trait_validators[name] = lambda obj, proposal: plain(proposal["value"])
        self._refresh(None)

    # ------------------------------------------------------------------ the Python API
    @property
    def output_shape(self):
        """The current output shape (H', W'), or ``None`` when the setting is impossible."""
        return tuple(self._output_shape) if self._output_shape else None

    @property
    def status(self):
        """The plain text the learner reads under the drawing."""
        return self._status

    # ------------------------------------------------------------------ machinery
    def _on_change(self, change):
        if not self._quiet:
            self._refresh(change["name"])

    def _refresh(self, changed):
        """Recompute status and output shape (moving follower traits first); never raises."""
        self._quiet += 1
        try:
            with self.hold_sync():
                try:
                    status, out = self._compute(changed)
                except Exception as err:  # never let a traceback reach the learner
                    status, out = (f"Something went wrong while updating the {self._name}: {err}. "
                                   f"Move a control to try again."), None
                self._status = status
                self._output_shape = list(out) if out else None
        finally:
            self._quiet -= 1

    @contextmanager
    def _moving(self):
        """Set several traits quietly, then refresh once; the page gets one message."""
        with self.hold_sync():
            self._quiet += 1
            try:
                yield
            finally:
                self._quiet -= 1
            self._refresh(None)

    def _compute(self, changed):
        """(status, output shape or None) for the current traits; may move follower traits."""
        raise NotImplementedError

    def _pair(self, name):
        """(pair, problem): the trait ``name`` as a pair within its slider range, or the words why not.

        A valid value in another form (``e.padding = 1``) is stored back as the [h, w] list the page shows.
        """
        lo, hi = self.limits[name]
        value = getattr(self, name)
        pair = as_pair_value(value)
        if pair is None or not all(lo <= v <= hi for v in pair):
            return None, bad_pair(name, lo, hi)
        if value != list(pair):
            setattr(self, name, list(pair))
        return pair, None

    def _caps(self):
        """The widest slider ranges this explorer allows, by trait name (limits beyond them are refused)."""
        raise NotImplementedError

    def _own_limits(self):
        """The slider ranges the explorer set itself (for its current input)."""
        return self._caps()

    def _range(self, name):
        """The slider range ``.set()`` checks ``name`` against: the limits if they are valid, else its own."""
        if limits_problem(self.limits, (name,), self._caps()) is None:
            return tuple(self.limits[name])
        return tuple(self._own_limits()[name])

    def _step_for(self, out):
        """The step (output cell index) after a refresh: 0 when the output shape changed, else clamped."""
        n = out[0] * out[1]
        step = self.step if isinstance(self.step, int) and not isinstance(self.step, bool) else 0
        if self._last_out is not _UNSET and self._last_out != tuple(out):
            step = 0
        step = min(max(step, 0), n - 1)
        if step != self.step:
            self.step = step
        self._last_out = tuple(out)
        return step
