"""The sample photograph and the classic kernels."""
import numpy as np
import pytest

from d2lutils import corr2d
from d2lutils.data import KERNELS, load_photo


@pytest.mark.parametrize("max_size", [512, 256, 100])
def test_photo_is_a_grayscale_image_within_the_size(max_size):
    X = load_photo(max_size)
    assert X.ndim == 2 and max(X.shape) <= max_size and min(X.shape) >= max_size // 2
    assert X.dtype == np.float32 and 0 <= X.min() < X.max() <= 1
    np.testing.assert_array_equal(X, load_photo(max_size))  # the same picture every time


def test_photo_rejects_bad_sizes():
    with pytest.raises(ValueError, match="max_size"):
        load_photo(4)
    with pytest.raises(ValueError, match="max_size"):
        load_photo(100.5)


def test_kernels_do_what_their_names_say():
    X = np.zeros((6, 6))
    X[:, 3:] = 1  # a vertical edge between columns 2 and 3
    assert {np.asarray(K).shape for K in KERNELS.values()} == {(3, 3)}
    np.testing.assert_allclose(corr2d(X, KERNELS["identity"]), X[1:-1, 1:-1])
    assert corr2d(X, KERNELS["vertical edges"]).any() and not corr2d(X, KERNELS["horizontal edges"]).any()
    assert corr2d(X.T, KERNELS["horizontal edges"]).any() and not corr2d(X.T, KERNELS["vertical edges"]).any()
    assert not corr2d(X, KERNELS["Sobel y"]).any() and corr2d(X, KERNELS["Sobel x"]).any()
    np.testing.assert_allclose(np.sum(KERNELS["blur"]), 1)
    np.testing.assert_allclose(corr2d(np.ones((4, 4)), KERNELS["sharpen"]), np.ones((2, 2)))


def test_photo_is_a_new_array_every_time():
    X = load_photo(64)
    X[:] = 0  # the learner's copy, not the decoded photograph
    assert load_photo(64).max() > 0 and load_photo(512).max() > 0
    for bad in (10 ** 5000, "512", 512.5, None, [512]):
        with pytest.raises(ValueError, match="load_photo: max_size"):
            load_photo(bad)
