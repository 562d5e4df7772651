"""Handwritten digits for lesson 9: scikit-learn's 8x8 digits, split and scaled. No download.

scikit-learn ships the 1797 images of the test set of the UCI "Optical Recognition of Handwritten Digits" data
inside its package (``sklearn.datasets.load_digits``): 8 x 8 pixels with values 0..16, labels 0..9.
Importing this module imports neither scikit-learn nor MXNet.
"""
from collections import namedtuple

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
    from sklearn.datasets import load_digits as sklearn_digits

    data = sklearn_digits()
    X = (data.images / 16.0).astype(np.float32)[:, None]  # (n, 1, 8, 8): one channel
    y = data.target.astype(np.int32)
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
