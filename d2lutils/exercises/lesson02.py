"""Checkers for lesson 2 (cross-correlation). Each returns a Feedback; none reveals the answer.

The settings of each exercise are module constants, so the lesson, its solutions and the
tests all read the same numbers.
"""
import numpy as np

from ..conv import corr2d
from ._feedback import answer_array, as_shape, check_array, check_shape, checker, wrong

#: Exercise 1: corr2d of an input X of shape (7, 9) with a kernel K of shape (3, 4).
OUTPUT_SHAPE_TASK = dict(input_shape=(7, 9), kernel_shape=(3, 4))

#: Exercise 2: corr2d(X, K) by hand for the lesson's 3 x 3 X and a new kernel.
CORR_TASK = dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], K=[[2, 0], [-1, 1]])

#: Exercise 3: the kernel to give corr2d so that it computes the true convolution with K.
FLIP_TASK = dict(K=[[0, 1], [2, 3]])


@checker
def check_output_shape(answer):
    """Exercise 1: the shape (H', W') of corr2d's output for :data:`OUTPUT_SHAPE_TASK`."""
    (H, W), (h, w) = OUTPUT_SHAPE_TASK["input_shape"], OUTPUT_SHAPE_TASK["kernel_shape"]
    expected = corr2d(np.zeros((H, W)), np.zeros((h, w))).shape
    hint = ("count the positions where the kernel fits completely inside the input, one axis at a "
            "time; check your rule on the lesson's 3 x 3 input and 2 x 2 kernel.")
    if as_shape(answer) == (H - h, W - w):
        return wrong("count the starting positions of the window again: the first and the last one both "
                     "count.", hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")


@checker
def check_corr2d_output(answer):
    """Exercise 2: the output array of corr2d for :data:`CORR_TASK`."""
    X, K = np.array(CORR_TASK["X"], dtype=float), np.array(CORR_TASK["K"], dtype=float)
    expected = corr2d(X, K)
    hint = ("Y[i, j] is the sum of the elementwise product of K with the window "
            "X[i:i+2, j:j+2]; the output has one entry per window position.")
    A, _, _ = answer_array(answer, 2)
    if A is not None and A.shape == expected.shape and not np.allclose(A, expected) \
            and np.allclose(A, corr2d(X, K[::-1, ::-1])):
        return wrong("that is the mathematical convolution, which runs over the kernel backwards (flipped); "
                     "corr2d is a cross-correlation: it lays K on the window as it is.", hint)
    return check_array(answer, expected, hint=hint, what="the 2 x 2 output as a nested list")


@checker
def check_flipped_kernel(answer):
    """Exercise 3: the kernel that turns corr2d into the true convolution with FLIP_TASK's K."""
    K = np.array(FLIP_TASK["K"], dtype=float)
    hint = ("write out both sums for one output, the convolution's K[a, b]·X[i − a, j − b] and "
            "cross-correlation's K'[a, b]·X[i + a, j + b], and match the terms: which entry of K "
            "multiplies the top-left value of the window?")
    A, _, _ = answer_array(answer, K.ndim)
    if A is not None and A.shape == K.shape:
        if np.array_equal(A, K.T):
            return wrong("that is the transpose of K, which swaps rows and columns; match the terms of "
                         "the two sums again.", hint)
        if np.array_equal(A, K[::-1]) or np.array_equal(A, K[:, ::-1]):
            return wrong("that reverses only one axis of K; compare the sums along the other axis too.", hint)
        if np.array_equal(A, K):
            return wrong("that is K itself: given K unchanged, corr2d computes the cross-correlation, which runs "
                         "over the kernel forwards; the convolution runs over it backwards.", hint)
    return check_array(answer, K[::-1, ::-1], hint=hint, what="the flipped kernel as a nested list")
