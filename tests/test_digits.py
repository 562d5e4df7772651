"""Lesson 10's moved digits: shift_images and place_on_canvas against loops over the pixels, and bad input.

The references look up, for every output pixel, where it came from: an independent way of writing the same
thing as the functions' slices and fancy indexing.
"""
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from d2lutils import digits
from d2lutils.digits import load_digits, place_on_canvas, shift_images


def framework_arrays():
    """(array, ones) of the installed framework: MXNet's NDArrays, else torch tensors (each edition's own)."""
    if importlib.util.find_spec("mxnet") is not None:
        from mxnet import nd
        return nd.array, nd.ones
    torch = pytest.importorskip("torch")
    return torch.tensor, torch.ones


def loop_shift(X, dy, dx):
    X = np.asarray(X)
    H, W = X.shape[-2:]
    Y = np.zeros_like(X)
    for i in range(H):
        for j in range(W):
            if 0 <= i - dy < H and 0 <= j - dx < W:
                Y[..., i, j] = X[..., i - dy, j - dx]
    return Y


def loop_canvas(X, size, offsets):
    n, c, h, w = X.shape
    offsets = np.broadcast_to(np.asarray(offsets), (n, 2))
    out = np.zeros((n, c, size, size), dtype=X.dtype)
    for k in range(n):
        for i in range(size):
            for j in range(size):
                a, b = i - offsets[k, 0], j - offsets[k, 1]
                if 0 <= a < h and 0 <= b < w:
                    out[k, :, i, j] = X[k, :, a, b]
    return out


def test_the_digits_are_scikit_learns_read_without_importing_it():
    from sklearn.datasets import load_digits as sklearn_digits
    images, labels = digits._sklearn_digits()
    reference = sklearn_digits()
    assert np.array_equal(images, reference.images) and np.array_equal(labels, reference.target)
    data = load_digits(test_fraction=0.2, seed=0)
    assert len(data.y_train) + len(data.y_test) == 1797 and data.X_train.shape[1:] == (1, 8, 8)
    # every image once, scaled to [0, 1]: the two sets together are scikit-learn's images, in some order
    together = np.concatenate([data.X_train, data.X_test])[:, 0] * 16
    assert np.allclose(np.sort(together.reshape(1797, -1), axis=0), np.sort(reference.data, axis=0))
    assert np.array_equal(np.bincount(np.concatenate([data.y_train, data.y_test])), np.bincount(reference.target))
    code = "import sys; from d2lutils.digits import load_digits; load_digits(); print('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


@pytest.mark.parametrize("problem", ["missing", "wrong shape"])
def test_without_scikit_learns_file_the_digits_come_through_scikit_learn(problem, monkeypatch):
    if problem == "missing":
        monkeypatch.setattr(digits, "_SKLEARN_FILE", ("datasets", "data", "no_such_file.csv.gz"))
    else:
        monkeypatch.setattr(digits, "_SKLEARN_SHAPE", (1797, 66))
    images, labels = digits._sklearn_digits()
    from sklearn.datasets import load_digits as sklearn_digits
    reference = sklearn_digits()
    assert np.array_equal(images, reference.images) and np.array_equal(labels, reference.target)


def test_shift_images_matches_the_loop_on_random_shapes_and_shifts():
    rng = np.random.default_rng(0)
    for _ in range(60):
        shape = tuple(rng.integers(1, 7, size=rng.integers(2, 5)))
        X = rng.standard_normal(shape).astype(rng.choice([np.float32, np.float64]))
        dy, dx = (int(v) for v in rng.integers(-8, 9, size=2))
        before = X.copy()
        Y = shift_images(X, dy, dx)
        np.testing.assert_array_equal(Y, loop_shift(X, dy, dx))
        assert Y.dtype == X.dtype and Y.shape == X.shape
        np.testing.assert_array_equal(X, before)  # the input is left as it was


def test_shift_images_on_the_digits():
    data = load_digits()
    X = data.X_test[:20]
    np.testing.assert_array_equal(shift_images(X, 0, 0), X)
    np.testing.assert_array_equal(shift_images(shift_images(X, 1, 0), -1, 0)[:, :, :-1], X[:, :, :-1])
    assert not shift_images(X, 8, 0).any() and not shift_images(X, 0, -100).any()
    assert shift_images(X, 2, 0)[:, :, :2].sum() == 0  # the rows it leaves are blank paper
    array, _ = framework_arrays()
    np.testing.assert_array_equal(shift_images(array(X), 1, 1), loop_shift(X, 1, 1))  # NDArray/tensor in, numpy out
    np.testing.assert_array_equal(shift_images(X.tolist(), -2, 1), loop_shift(X, -2, 1))
    assert shift_images(X, np.int64(1), 2.0).shape == X.shape  # whole numbers of any type


def test_place_on_canvas_matches_the_loop():
    rng = np.random.default_rng(1)
    for _ in range(20):
        n, c, h, w = (int(v) for v in rng.integers(1, 5, size=4))
        size = int(rng.integers(max(h, w), 9))
        X = rng.standard_normal((n, c, h, w)).astype(np.float32)
        per_image = np.stack([rng.integers(0, size - h + 1, size=n), rng.integers(0, size - w + 1, size=n)], axis=1)
        for offsets in [per_image, tuple(per_image[0]), per_image.tolist()]:
            Y = place_on_canvas(X, size, offsets)
            np.testing.assert_array_equal(Y, loop_canvas(X, size, offsets))
            assert Y.dtype == X.dtype


def test_place_on_canvas_keeps_every_digit_whole():
    data = load_digits()
    X = data.X_test[:50]
    offsets = np.random.default_rng(2).integers(0, 5, size=(50, 2))
    Y = place_on_canvas(X, 12, offsets)
    assert Y.shape == (50, 1, 12, 12)
    np.testing.assert_allclose(Y.sum(axis=(1, 2, 3)), X.sum(axis=(1, 2, 3)), rtol=1e-6)  # no ink lost or added
    for k in (0, 17, 49):
        r, c = offsets[k]
        np.testing.assert_array_equal(Y[k, 0, r:r + 8, c:c + 8], X[k, 0])
    np.testing.assert_array_equal(place_on_canvas(X, 8, (0, 0)), X)


@pytest.mark.parametrize("call, words", [
    (lambda: shift_images("digits", 1, 0), "X must be an array of numbers"),
    (lambda: shift_images(np.zeros(5), 1, 0), "X must have at least 2 axes"),
    (lambda: shift_images(np.zeros((8, 8)), 1.5, 0), "dy must be an integer"),
    (lambda: shift_images(np.zeros((8, 8)), 0, True), "dx must be an integer"),
    (lambda: shift_images(np.zeros((8, 8)), 0, "1"), "dx must be an integer"),
    (lambda: shift_images(np.zeros((8, 8)), 10 ** 30, 0), "dy must be at most"),
    (lambda: shift_images(framework_arrays()[1]((1 << 12, 1 << 12)), 1, 0), "at most"),
    (lambda: place_on_canvas(np.zeros((2, 8, 8)), 12, (2, 2)), "X must have shape (n, channels, height, width)"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 6, (0, 0)), "size must be >= 8"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, (5, 0)), "offsets must lie between 0 and 4"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, (-1, 0)), "offsets must lie between 0 and 4"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, [(1, 1)] * 3), "shape (2, 2)"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, (1.5, 0)), "offsets must hold whole numbers"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, (np.nan, 0)), "offsets must hold whole numbers"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 12, "centre"), "offsets must be an array of numbers"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 2.5, (0, 0)), "size must be an integer"),
    (lambda: place_on_canvas(np.zeros((2, 1, 8, 8)), 10 ** 6, (0, 0)), "more than"),
])
def test_bad_input_gives_a_one_line_value_error(call, words):
    with pytest.raises(ValueError) as err:
        call()
    message = str(err.value)
    assert words in message and "\n" not in message, message
    assert message.split(":")[0] in ("shift_images", "place_on_canvas")
