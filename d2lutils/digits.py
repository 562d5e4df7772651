"""Handwritten digits for lessons 9 and 10: scikit-learn's 8x8 digits, split, scaled and moved. No download.

scikit-learn ships the 1797 images of the test set of the UCI "Optical Recognition of Handwritten Digits" data
inside its package (``sklearn.datasets.load_digits``): 8 x 8 pixels with values 0..16, labels 0..9.
Importing this module imports neither scikit-learn nor MXNet.
"""
import importlib.util
from collections import namedtuple
from pathlib import Path

import numpy as np

from ._validate import as_int, describe

#: A train/test split: X_* float32 (n, 1, 8, 8) in [0, 1] (batch, channel, height, width), y_* int32 (n,).
Digits = namedtuple("Digits", "X_train y_train X_test y_test")


def load_digits(test_fraction=0.2, seed=0):
    """The 8x8 digits as a :data:`Digits` split: X (n, 1, 8, 8) float32 in [0, 1], y (n,) int32 in 0..9.

    ``test_fraction`` of the images (a float strictly between 0 and 1) go to the test set, drawn
    per class (stratified), so that both sets hold every digit in the same proportions; ``seed``
    (an integer >= 0) fixes which. Raises ``ValueError`` naming the argument otherwise.
    """
    func = "load_digits"
    fraction = None
    if isinstance(test_fraction, (int, float, np.integer, np.floating)) and not isinstance(test_fraction, bool):
        fraction = float(test_fraction)
    if fraction is None or not 0 < fraction < 1:
        raise ValueError(f"{func}: test_fraction must be a number strictly between 0 and 1 (e.g. 0.2), "
                         f"got {describe(test_fraction)}")
    seed = as_int(seed, "seed", func, 0)
    images, labels = _sklearn_digits()
    X = (images / 16.0).astype(np.float32)[:, None]  # (n, 1, 8, 8): one channel
    y = labels.astype(np.int32)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    smallest = int(np.bincount(y).min())  # both sets must hold every digit
    if not 1 <= round(smallest * fraction) <= smallest - 1:
        raise ValueError(f"{func}: test_fraction must leave at least one image of every digit in each set: "
                         f"between {0.5 / smallest:.3f} and {1 - 0.5 / smallest:.3f}, got {describe(fraction)}")
    for digit in range(10):  # stratified: the same fraction of every digit
        members = np.flatnonzero(y == digit)
        count = int(round(len(members) * fraction))
        test[rng.choice(members, size=count, replace=False)] = True
    return Digits(X[~test], y[~test], X[test], y[test])


#: scikit-learn's copy of the digits, inside its package: 1797 rows of 64 pixels (0..16) and the label.
_SKLEARN_FILE = ("datasets", "data", "digits.csv.gz")
_SKLEARN_SHAPE = (1797, 65)


def _sklearn_digits():
    """The digits as scikit-learn ships them: images (1797, 8, 8) float64 in 0..16, labels (1797,) int.

    Read straight from scikit-learn's data file, which saves importing scikit-learn (most of a second, in every
    notebook that loads the digits); through ``sklearn.datasets.load_digits`` where the file is not found or not
    what it should be (another scikit-learn's layout).
    """
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent.joinpath(*_SKLEARN_FILE)
        try:
            data = np.loadtxt(path, delimiter=",")
        except (OSError, ValueError):
            data = None
        if data is not None and data.shape == _SKLEARN_SHAPE:
            return data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(int)
    from sklearn.datasets import load_digits as sklearn_digits

    data = sklearn_digits()
    return data.images, data.target


def _images(X, func):
    """``X`` as a numpy array of at least 2 axes (..., H, W) of numbers, or a ValueError naming it."""
    from ._validate import to_numpy
    A, _ = to_numpy(X, "X", func)
    if A.ndim < 2:
        raise ValueError(f"{func}: X must have at least 2 axes (..., height, width), e.g. (n, 1, 8, 8), "
                         f"got shape {A.shape}")
    return A


def shift_images(X, dy, dx):
    """Every image of X (..., H, W) moved ``dy`` rows down and ``dx`` columns right: (..., H, W), same dtype.

    Negative shifts move up and left. Pixels moved past the border are lost and the rows and columns
    they leave are 0 (blank paper for the digits). A shift of the height or width or more leaves only 0.
    Accepts numpy arrays, NDArrays (returned as numpy) and nested lists; raises ``ValueError`` naming the
    argument for anything else or for shifts that are not integers.
    """
    func = "shift_images"
    A = _images(X, func)
    dy = as_int(dy, "dy", func, -(1 << 31))
    dx = as_int(dx, "dx", func, -(1 << 31))
    H, W = A.shape[-2:]
    out = np.zeros_like(A)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
            A[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out


def place_on_canvas(X, size, offsets):
    """The images of X (n, c, h, w) drawn on blank ``size`` x ``size`` canvases: (n, c, size, size).

    ``offsets`` gives the canvas row and column of each image's top-left pixel: one ``(row, col)`` pair
    for every image, or an (n, 2) array of integers, one pair per image, each between 0 and
    ``size - h`` (``size - w`` for columns), so that the whole image fits. The rest of the canvas is 0.
    Raises ``ValueError`` naming the argument otherwise.
    """
    from ._validate import MAX_ELEMENTS, check_size, to_numpy
    func = "place_on_canvas"
    A = _images(X, func)
    if A.ndim != 4:
        raise ValueError(f"{func}: X must have shape (n, channels, height, width), got shape {A.shape}")
    n, c, h, w = A.shape
    size = as_int(size, "size", func, max(h, w, 1))
    check_size(n * c * size * size, f"the canvases ({n} x {c} x {size} x {size})", func, MAX_ELEMENTS)
    P, _ = to_numpy(offsets, "offsets", func)
    if P.dtype.kind == "b" or not np.all(np.isfinite(P)) or not np.all(P == np.round(P)):
        raise ValueError(f"{func}: offsets must hold whole numbers (row, col), got dtype {P.dtype}")
    if P.shape == (2,):
        P = np.broadcast_to(P, (n, 2))
    if P.shape != (n, 2):
        raise ValueError(f"{func}: offsets must be one (row, col) pair or an array of shape ({n}, 2), "
                         f"one pair per image, got shape {P.shape}")
    P = P.astype(np.int64)
    if P.size and (P.min() < 0 or P[:, 0].max() > size - h or P[:, 1].max() > size - w):
        raise ValueError(f"{func}: offsets must lie between 0 and {size - h} (rows) and {size - w} (columns), "
                         f"so that every {h} x {w} image fits on the {size} x {size} canvas")
    out = np.zeros((n, c, size, size), dtype=A.dtype)
    rows = P[:, 0, None] + np.arange(h)  # (n, h): the canvas rows of each image
    cols = P[:, 1, None] + np.arange(w)  # (n, w)
    out[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
        rows[:, None, :, None], cols[:, None, None, :]] = A
    return out
