"""Checkers for lesson 3 (edge detection and learning a kernel). Each returns a Feedback;
none reveals the answer.

All exercises use the lesson's image: :func:`edge_image` (6 x 8, white with a black band in
columns 2..5) and its vertical-edge kernel :data:`EDGE_KERNEL`.
"""
import numpy as np

from ..conv import corr2d
from ._feedback import answer_array, as_shape, check_array, check_shape, checker, missing, wrong

#: The lesson's kernel: +1 where white turns black from left to right, -1 the other way.
EDGE_KERNEL = [[1, -1]]

#: Exercise 3: how close (largest absolute difference) a learned kernel must come.
LEARNED_ATOL = 0.1


def edge_image():
    """The lesson's image X (6, 8): ones, with columns 2..5 set to zero."""
    X = np.ones((6, 8), dtype=np.float32)
    X[:, 2:6] = 0
    return X


def _as_array(answer):
    """``answer`` as a float numpy array, or None if it is not an array of numbers (read safely: text,
    look-alikes and huge answers give None)."""
    return answer_array(answer)[0]


def _horizontal_kernel():
    """The kernel whose output on X.T is corr2d(X, EDGE_KERNEL).T, found by solving for it.

    A (2, 1) kernel [[a], [b]] gives a*x[r] + b*x[r+1] for rows r, r+1 of X.T; matching
    Y.T on every row pair is a small linear system in (a, b).
    """
    XT, YT = edge_image().T, corr2d(edge_image(), np.array(EDGE_KERNEL, dtype=np.float32)).T
    A = np.stack([XT[:-1].ravel(), XT[1:].ravel()], axis=1)
    ab, *_ = np.linalg.lstsq(A, YT.ravel(), rcond=None)
    return ab.reshape(2, 1)


@checker
def check_horizontal_kernel(answer):
    """Exercise 1: a kernel K2 with corr2d(X.T, K2) equal to Y.T, where Y = corr2d(X, EDGE_KERNEL).

    A layer's weight of shape (1, 1, kh, kw) counts as its (kh, kw) kernel.
    """
    hint = ("in X.T the edges run along rows instead of columns: which neighbour of a pixel must the "
            "kernel compare it with now?")
    A, note, _ = answer_array(answer, 2)
    if A is not None and A.shape == np.shape(EDGE_KERNEL) and np.array_equal(A, EDGE_KERNEL):
        return wrong("that is the vertical-edge kernel itself; on X.T it gives only zeros.", hint)
    expected = _horizontal_kernel()
    if answer is not None and A is not None and A.shape != expected.shape:
        # The exercise states no shape: say what the shape must achieve, not "the shape asked for".
        XT = edge_image().T
        if A.ndim != 2 or A.size == 0:
            return wrong(f"corr2d needs a kernel with two axes (a nested list of rows); yours has shape "
                         f"{A.shape}.", hint)
        out = (XT.shape[0] - A.shape[0] + 1, XT.shape[1] - A.shape[1] + 1)
        if min(out) < 1:
            return wrong(f"a kernel of shape {A.shape} does not fit inside X.T, which has shape "
                         f"{XT.shape}.", hint)
        return wrong(f"with a kernel of shape {A.shape}, corr2d(X.T, K2) has shape {out}, but it must "
                     f"have the shape of Y.T (print Y.T.shape).", hint)
    if A is not None and np.allclose(A, -expected):
        return wrong("the signs are swapped: white-to-black must give +1, as in Y.", hint)
    return check_array(answer, expected, hint=hint, what="the kernel as a nested list")


@checker
def check_transposed_shape(answer):
    """Exercise 2: the shape of corr2d(X.T, K.T), with K = EDGE_KERNEL."""
    X, K = edge_image(), np.array(EDGE_KERNEL, dtype=np.float32)
    expected = corr2d(X.T, K.T).shape
    hint = ("X.T swaps the height and width of X, and K.T those of K; then count the positions "
            "where the transposed kernel fits inside X.T, as in lesson 2.")
    pair = as_shape(answer)
    if pair == corr2d(X.T, K).shape:
        return wrong("that is the shape of corr2d(X.T, K), with the untransposed kernel.", hint)
    if pair == corr2d(X, K).shape:
        return wrong("that is the shape of Y = corr2d(X, K), before transposing anything.", hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")


@checker
def check_learned_kernel(answer):
    """Exercise 3: a kernel learned from (X.T, Y.T); accepted within LEARNED_ATOL of the exact one.

    ``answer`` may be the layer's weight as it is, of shape (1, 1, kh, kw), or (kh, kw).
    """
    hint = ("train nn.Conv2D(1, kernel_size=(2, 1)) on X.T and Y.T reshaped to (1, 1, H, W), as "
            "in the lesson; if the loss is still large, train for more iterations.")
    what = "conv2d.weight.data() of your trained layer"
    if answer is None:
        return missing(what)
    A = _as_array(answer)
    if A is not None and A.ndim == 4 and A.shape[:2] == (1, 1):
        A = A[0, 0]
    expected = _horizontal_kernel()
    if A is not None and A.shape == expected.shape and not A.any():
        return wrong("the kernel is all zeros: has the layer been trained?", hint)
    return check_array(A if A is not None else answer, expected, hint=hint, atol=LEARNED_ATOL,
                       what=what)
