"""Checkers for lesson 7 (pooling). None reveals the answer."""
import numpy as np

from ..pooling import pool2d
from ..shapes import pool_output_shape
from ._feedback import answer_array, as_shape, check_array, check_shape, checker, wrong

#: Exercise 1: nn.MaxPool2D(2) / nn.MaxPool2d(2) (default stride: the pool size) on this 4 x 4 X. Its answer is not
#: symmetric, so that reading the windows column by column (the answer transposed) is told apart.
X_EX = ((1, 3, 2, 0), (4, 0, 1, 7), (2, 5, 6, 1), (0, 1, 2, 3))

#: Exercise 2: the output shape of nn.MaxPool2D(3) / nn.MaxPool2d(3) (default stride) on a 10 x 7 input.
SHAPE_TASK = dict(input_size=(10, 7), pool_size=3)

#: Exercise 3: nn.AvgPool2D(2, strides=1) / nn.AvgPool2d(2, stride=1) on X_EX.
AVG_TASK = dict(pool_size=2, stride=1)


def _transposed(A, expected):
    """The message for an answer that is the expected array read column by column (transposed), else None."""
    if A is not None and A.shape == expected.shape[::-1] and not np.array_equal(expected, expected.T) \
            and np.allclose(A, expected.T):
        return ("your rows and columns are swapped: you read the windows column by column. Row i of the output "
                "holds the windows of the i-th band of rows of X, from left to right.")
    return None


@checker
def check_max_pool(answer):
    """Exercise 1: the (2, 2) output of a 2 x 2 max pooling layer with its default stride on :data:`X_EX`."""
    expected = pool2d(np.array(X_EX), 2, "max", stride=2)
    hint = ("a pooling layer's stride defaults to its pool size, so the 2 x 2 windows do not overlap; "
            "take the largest value of each.")
    A, _, _ = answer_array(answer, 2)  # the layer's batch and channel axes dropped
    if A is not None and A.shape == pool2d(np.array(X_EX), 2, "max").shape:
        return wrong("your array has the shape of a stride-1 pooling; a max pooling layer with a pool size of 2 "
                     "uses a different default stride.", hint)
    transposed = _transposed(A, expected)
    if transposed:
        return wrong(transposed, hint)
    return check_array(answer, expected, hint=hint, what="an array of shape (2, 2)")


@checker
def check_pool_shape(answer):
    """Exercise 2: the output shape (H', W') for :data:`SHAPE_TASK`."""
    expected = pool_output_shape(**SHAPE_TASK)
    hint = "with the default stride (the pool size) the windows tile the input without overlapping."
    stride1 = pool_output_shape(SHAPE_TASK["input_size"], SHAPE_TASK["pool_size"], stride=1)
    entries = as_shape(answer)  # lists of arrays, NDArrays, tensors; the layer's leading (1, 1) dropped below
    while entries and len(entries) > len(stride1) and entries[0] == 1:
        entries = entries[1:]
    if entries == stride1 != expected:
        return wrong("that is the shape for stride 1; a max pooling layer with a pool size of 3 uses a "
                     "different default stride.", hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")


@checker
def check_avg_pool(answer):
    """Exercise 3: the output of 2 x 2 average pooling with stride 1 on :data:`X_EX`."""
    expected = pool2d(np.array(X_EX), AVG_TASK["pool_size"], "avg", stride=AVG_TASK["stride"])
    hint = "slide a 2 x 2 window one step at a time and take the mean of its four values."
    transposed = _transposed(answer_array(answer, 2)[0], expected)
    if transposed:
        return wrong(transposed, hint)
    return check_array(answer, expected, hint=hint, what="an array of shape (3, 3)")
