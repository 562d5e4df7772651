"""What the convolution and pooling explorers share: per-axis settings, the height/width link, steps."""
from .._validate import as_pair, describe
from ..shapes import window_problem
from ._base import Explorer, Value, as_pair_value, checked_pair, limits_problem, plain
from ._text import span_text, window_message


def check_shape(input_shape, cls, largest):
    shape = as_pair(input_shape, "input_shape", cls, 1, maximum=None)
    if max(shape) > largest:
        raise ValueError(f"{cls}: input_shape must be at most ({largest}, {largest}) so that the "
                         f"drawing stays readable, got {describe(max(shape))} for a side")
    return shape


class WindowExplorer(Explorer):
    """A window (kernel or pool) sliding over a small input, one output cell per step.

    Subclasses set ``_params`` (the per-axis settings, in order), ``_window`` ('kernel' or 'pool')
    and ``_view(n, settings, out, i, j)`` -> the step sentence.
    """

    input_shape = Value().tag(sync=True)
    limits = Value().tag(sync=True)
    linked = Value(True).tag(sync=True)
    step = Value(0).tag(sync=True)

    _params = ()
    _window = "kernel"
    _largest = 16
    _settings = None

    def __repr__(self):
        return f"{type(self).__name__}(input_shape={self._shape})"

    def _limits(self, n):
        raise NotImplementedError

    def _caps(self):
        return self._limits((self._largest, self._largest))

    def _own_limits(self):
        return self._limits(self._shape)

    @property
    def settings(self):
        """The current settings as a dict of (h, w) pairs (those the status describes), or None when the
        controls hold a value they cannot show."""
        return None if self._settings is None else dict(zip(self._params, self._settings))

    def _set_pairs(self, func, settings):
        """Validate per-axis settings -> {trait: [h, w]}; unequal axes untick the link."""
        values = {}
        for name, value in settings.items():
            if value is None:
                continue
            lo, hi = self._range(name)
            values[name] = list(checked_pair(func, name, value, lo, hi))
        if any(v[0] != v[1] for v in values.values()):
            values["linked"] = False
        return values

    def _apply(self, values):
        with self._moving():
            for name, value in values.items():
                setattr(self, name, value)

    def _read(self, changed):
        """(settings as a tuple of pairs in _params order, None) or (None, the words why not)."""
        self._settings = None
        problem = limits_problem(self.limits, ("input_shape",) + self._params, self._caps())
        if problem:
            return None, problem
        n = as_pair_value(self.input_shape)
        lo, hi = self.limits["input_shape"]
        if n is None or not all(lo <= v <= hi for v in n):
            return None, f"Cannot show input_shape: it must be a pair of whole numbers from {lo} to {hi}."
        if self.input_shape != list(n):
            self.input_shape = list(n)
        if n != self._shape:  # assigned directly: another valid shape, with its own slider ranges
            self._shape = n
            self.limits = self._limits(n)
        linked = self.linked
        if changed == "linked" and linked is True:  # linking copies the height settings to the width
            for name in self._params:
                pair = as_pair_value(getattr(self, name))
                if pair is not None:
                    setattr(self, name, [pair[0], pair[0]])
        settings = []
        for name in self._params:
            pair, problem = self._pair(name)
            if problem:
                return None, problem
            if name == changed and linked is True and pair[0] != pair[1]:
                self.linked = False  # as .set() does with an (h, w) pair
            settings.append(pair)
        self._settings = tuple(settings)
        return self._settings, None

    def _impossible(self, k, p, d=(1, 1)):
        problem = window_problem(self._shape, k, p, d, pool=self._window == "pool")
        return window_message(self._window, problem, self._shape, k, p, d) if problem else None

    def _steps(self, out):
        """(i, j, step sentence prefix) of the current step."""
        step = self._step_for(out)
        i, j = divmod(step, out[1])
        return i, j, f"Step {step + 1} of {out[0] * out[1]}: output cell ({i}, {j})"


def spans(i, j, k, s, d=(1, 1)):
    return f"rows {span_text(i * s[0], k[0], d[0])} and columns {span_text(j * s[1], k[1], d[1])}"


__all__ = ["WindowExplorer", "check_shape", "plain", "spans"]
