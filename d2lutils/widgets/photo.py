"""PhotoFilter: a real photograph cross-correlated with an editable 3x3 kernel, filtered on the page."""
import numpy as np
from .._validate import as_int, describe, to_numpy
from ..conv import corr2d
from ..shapes import conv_output_shape, conv_shape_formula
from ._base import Explorer, Value, as_pair_value, limits_problem, plain

#: Largest kernel value (in size) the photo filter accepts: far from float32 overflow.
KERNEL_LIMIT = 1e6
LEARNED = "learned (lesson 3)"
#: The slider ranges, and the largest photograph side the filter takes (the page filters every pixel live).
LIMITS = {"padding": [0, 4], "stride": [1, 4]}
MAX_PHOTO_SIDE = 1024


def _photo_bytes(value):
    """The photograph trait's value: bytes as they are (never converted), anything else as plain data."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(memoryview(value))  # the buffer itself, not a subclass's __bytes__
        except Exception:
            return f"<{type(value).__name__}>"
    return plain(value)


def kernel_problem(A):
    """Why the (real, float) kernel values ``A`` cannot be used, in words, or None."""
    if not np.all(np.isfinite(A)):
        return "not a finite number"
    if np.any(np.abs(A) > KERNEL_LIMIT):
        return f"too large (kernel values must lie between -{KERNEL_LIMIT:,.0f} and {KERNEL_LIMIT:,.0f})"
    return None


def kernel_values(K, name, func):
    """``K`` as a float64 array of real kernel values, else ``ValueError`` naming ``name``."""
    A, _ = to_numpy(K, name, func)  # rejects text and complex numbers
    if A.dtype == bool:
        raise ValueError(f"{func}: {name} must hold numbers, not True/False")
    A = A.astype(float)
    problem = kernel_problem(A)
    if problem:
        raise ValueError(f"{func}: {name} holds a value that is {problem} (in {describe(A)})")
    return A


def embed_kernel(K, name, func):
    """A kernel of up to 3x3 (any leading axes of size 1) as a 3x3 float list, centred."""
    A = kernel_values(K, name, func)
    while A.ndim > 2 and A.shape[0] == 1:
        A = A[0]
    if A.ndim == 1:
        A = A[None]
    if A.ndim != 2 or A.size == 0 or A.shape[0] > 3 or A.shape[1] > 3:
        raise ValueError(f"{func}: {name} must be a kernel of at most 3x3, shape (kh, kw), (1, kh, kw) or "
                         f"(1, 1, kh, kw); got shape {tuple(np.shape(K))}")
    out = np.zeros((3, 3))
    r, c = (4 - A.shape[0]) // 2, (4 - A.shape[1]) // 2  # a 1x2 kernel lands like "vertical edges"
    out[r:r + A.shape[0], c:c + A.shape[1]] = A
    return out.tolist()


def is_kernel(K, allow_none=True):
    """True for 3x3 nested lists of numbers (None marks a box the page could not read)."""
    def number(v):
        return (v is None and allow_none) or (isinstance(v, (int, float)) and not isinstance(v, bool))
    return (isinstance(K, list) and len(K) == 3 and all(isinstance(row, list) and len(row) == 3 for row in K)
            and all(number(v) for row in K for v in row))


def to_uint8(A, use_abs=True):
    """(H, W) values -> uint8 grey levels, the largest (absolute) value white; as the page draws them."""
    A = np.abs(A) if use_abs else A
    top = float(A.max()) if A.size else 0.0
    if not np.isfinite(top) or top <= 0:
        return np.zeros(A.shape, dtype=np.uint8)
    return (np.clip(A / top, 0, 1) * 255).astype(np.uint8)


class PhotoFilter(Explorer):
    """Cross-correlate a real photograph with an editable 3x3 kernel, live, on the page.

    X (H, W) is :func:`d2lutils.data.load_photo` (grayscale, 300x256) stored as uint8 grey levels
    (``X = photo / 255``), K (3, 3) the kernel, Y = ``corr2d(X, K, padding, stride)`` (H', W'). The
    page computes Y itself and shows ``|Y|`` scaled so that its largest value is white: edges
    appear bright whatever their sign. ``learned_kernel`` (e.g. the (1, 1, 1, 2) kernel learned in
    lesson 3) becomes a preset, centred in the 3x3 grid, and is the kernel shown first.

    Traits: ``kernel`` (3x3 numbers), ``padding`` (0-4), ``stride`` (1-4), ``preset`` (a name or
    'custom'), ``presets``, and the photograph as bytes (``photo``, ``photo_shape``).
    """

    _explorer = "PhotoFilter"
    _name = "photo filter"

    photo = Value().tag(sync=True)
    photo_shape = Value().tag(sync=True)
    presets = Value().tag(sync=True)
    limits = Value().tag(sync=True)
    kernel = Value().tag(sync=True)
    padding = Value(1).tag(sync=True)
    stride = Value(1).tag(sync=True)
    preset = Value("identity").tag(sync=True)
    _controls = ("kernel", "padding", "stride", "preset", "presets", "limits", "photo_shape")
    _raw = ("photo",)
    _settings = None

    def __init__(self, learned_kernel=None):
        from ..data import KERNELS, load_photo
        presets = {name: [[float(v) for v in row] for row in K] for name, K in KERNELS.items()}
        self._learned = learned_kernel is not None
        if self._learned:
            presets[LEARNED] = embed_kernel(learned_kernel, "learned_kernel", "PhotoFilter")
        grey = np.round(load_photo() * 255).astype(np.uint8)
        self._X, self._photo_key = None, None
        first = LEARNED if self._learned else "identity"
        self._trait_validators["photo"] = lambda obj, proposal: _photo_bytes(proposal["value"])
        super().__init__(photo=grey.tobytes(), photo_shape=list(grey.shape), presets=presets,
                         limits={k: list(v) for k, v in LIMITS.items()}, kernel=presets[first],
                         padding=1, stride=1, preset=first)

    def __repr__(self):
        return "PhotoFilter(learned_kernel=...)" if self._learned else "PhotoFilter()"

    @property
    def X(self):
        """The photograph as float32 (H, W) in [0, 1]: exactly the values the page filters (read-only), or None
        while ``photo`` does not hold ``photo_shape``'s bytes."""
        return self._X

    @property
    def Y(self):
        """The filtered photograph (H', W') for the current settings (``d2lutils.corr2d``), or None."""
        if self.output_shape is None or self._settings is None:
            return None
        K, p, s = self._settings
        return corr2d(self._X, K, padding=p, stride=s)

    def set(self, kernel=None, padding=None, stride=None, preset=None):
        """Move the controls in one update; returns ``self``.

        ``kernel``: 3x3 nested list of real numbers between -1e6 and 1e6; ``preset``: one of
        the preset names; ``padding`` (0-4) and ``stride`` (1-4): ints. Bad values raise
        ``ValueError`` naming them.
        """
        func = "PhotoFilter.set"
        values = {}
        if preset is not None:
            if not (isinstance(preset, str) and isinstance(self.presets, dict) and preset in self.presets):
                names = list(self.presets)[:16] if isinstance(self.presets, dict) else []
                raise ValueError(f"{func}: preset must be one of {names}, got {describe(preset)}")
            values["preset"] = preset
            kernel = self.presets[preset] if kernel is None else kernel
        if kernel is not None:
            A = kernel_values(kernel, "kernel", func)
            if A.shape != (3, 3):
                raise ValueError(f"{func}: kernel must be 3x3 numbers (a nested list), got shape {A.shape}")
            values["kernel"] = A.tolist()
        for name, value in (("padding", padding), ("stride", stride)):
            if value is not None:
                lo, hi = self._range(name)
                v = as_int(value, name, func, lo, maximum=None)
                if v > hi:
                    raise ValueError(f"{func}: {name} must be between {lo} and {hi} (the range of its slider), "
                                     f"got {describe(v)}")
                values[name] = v
        with self._moving():
            for name, value in values.items():
                setattr(self, name, value)
            if "kernel" in values:
                self.preset = self._match_preset(values["kernel"])
        return self

    def _match_preset(self, K):
        """The preset the kernel matches (the selected one first), else 'custom'."""
        for name in sorted(self.presets, key=lambda name: name != self.preset):
            if all(isinstance(v, (int, float)) for row in K for v in row) and np.allclose(K, self.presets[name],
                                                                                        atol=1e-9):
                return name
        return "custom"

    def _caps(self):
        return LIMITS

    def _compute(self, changed):
        from ._text import bad_int
        self._settings = None
        shape = as_pair_value(self.photo_shape)
        if (not isinstance(self.photo, bytes) or shape is None or min(shape) < 3 or max(shape) > MAX_PHOTO_SIDE
                or len(self.photo) != shape[0] * shape[1]):
            self._X, self._photo_key = None, None
            return "Cannot show the photograph: photo must hold photo_shape[0] × photo_shape[1] bytes.", None
        if self._photo_key != (id(self.photo), shape):  # a new photograph: X follows it
            X = np.frombuffer(self.photo, dtype=np.uint8).reshape(shape).astype(np.float32) / 255
            X.flags.writeable = False
            self._X, self._photo_key = X, (id(self.photo), shape)
        problem = limits_problem(self.limits, ("padding", "stride"), LIMITS)
        if problem:
            return problem, None
        if not (isinstance(self.presets, dict) and all(is_kernel(K, allow_none=False) for K in self.presets.values())):
            return "Cannot show presets: each must be 3×3 numbers. Create the explorer again to go on.", None
        for name in ("padding", "stride"):
            lo, hi = self.limits[name]
            v = getattr(self, name)
            pair = as_pair_value(v)  # e.padding = [1, 1] is padding 1: stored back as the slider's int
            if pair is not None and pair[0] == pair[1] and v != pair[0]:
                v = pair[0]
                setattr(self, name, v)
            if not (isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi):
                return bad_int(name, lo, hi), None
        K = self.kernel
        if not is_kernel(K):
            return "Cannot show kernel: it must be 3×3 numbers. Choose a preset to go on.", None
        if changed == "preset" and isinstance(self.preset, str) and self.preset in self.presets:
            K = self.kernel = [list(row) for row in self.presets[self.preset]]
        elif changed == "kernel":
            self.preset = self._match_preset(K)
        if not (isinstance(self.preset, str) and (self.preset in self.presets or self.preset == "custom")):
            return "Cannot show preset: it must be one of the preset names or 'custom'. Choose a preset to go on.", None
        A = np.array([[np.nan if v is None else v for v in row] for row in K], dtype=float)
        problem = kernel_problem(A)  # checked before any float32 cast, which would overflow
        if problem:
            return f"The kernel holds a value that is {problem}: type another number in that box.", None
        p, s = self.padding, self.stride
        self._settings = (A.astype(np.float32), p, s)
        out = conv_output_shape(self.X.shape, 3, p, s)
        rows, columns = (line.split(": ", 1)[1] for line in conv_shape_formula(self.X.shape, 3, p, s))
        h, w = self.X.shape
        return (f"Output shape {out}. The {h}×{w} photo with padding {p} and stride {s} gives {rows} rows and "
                f"{columns} columns. Shown: |Y| scaled so that the largest value is white "
                f"(kernel: {self.preset})."), out
