"""Small data the course uses: a real photograph and classic 3x3 kernels. No downloads."""
import functools
from collections.abc import Mapping

import numpy as np

class _Kernels(Mapping):
    """Named kernels, read-only: stored as tuples, each look-up a new list of lists (a learner's
    ``KERNELS["blur"][0][0] = 5`` changes only that copy, never the presets of later cells)."""

    def __init__(self, kernels):
        self._kernels = {name: tuple(tuple(row) for row in K) for name, K in kernels.items()}

    def __getitem__(self, name):
        return [list(row) for row in self._kernels[name]]

    def __iter__(self):
        return iter(self._kernels)

    def __len__(self):
        return len(self._kernels)

    def __repr__(self):
        return repr({name: self[name] for name in self._kernels})


#: Classic 3x3 kernels for cross-correlation, by name (read-only; each look-up is a new list of lists).
KERNELS = _Kernels({
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "vertical edges": [[0, 0, 0], [0, 1, -1], [0, 0, 0]],
    "horizontal edges": [[0, 0, 0], [0, 1, 0], [0, -1, 0]],
    "Sobel x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "Sobel y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
})


@functools.lru_cache(maxsize=1)
def _gray_photo():
    """The photograph in grayscale, float32 (H, W) in [0, 1], decoded once per session (read-only)."""
    from matplotlib import cbook
    from matplotlib import image as mpimg
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = mpimg.imread(f, format="jpg").astype(np.float32) / 255.0
    gray = rgb[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    gray.flags.writeable = False
    return gray


def load_photo(max_size=512):
    """A grayscale photograph (Grace Hopper, shipped with matplotlib) as float32 (H, W) in [0, 1].

    The image is shrunk by whole-pixel averaging until both sides are at most ``max_size`` (an
    integer >= 8; sizes above the photograph's own return it at full size). Each call returns a
    new array.
    """
    from ._validate import as_int
    max_size = as_int(max_size, "max_size", "load_photo", 8)
    gray = _gray_photo()
    factor = -(-max(gray.shape) // max_size)  # ceiling division
    if factor > 1:
        h, w = (gray.shape[0] // factor) * factor, (gray.shape[1] // factor) * factor
        gray = gray[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))
    return np.array(gray, dtype=np.float32, order="C")
