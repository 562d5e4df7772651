"""Checkers for lesson 4 (padding and stride). Each returns a Feedback; none reveals the answer.

The settings of each exercise are module constants, so the lesson, its solutions and the
tests all read the same numbers.
"""
from ..shapes import conv_output_shape
from ._feedback import as_shape, check_number, check_shape, checker, same_number, wrong

#: Exercise 1: a convolution with kernel_size=(3, 4), padding=(1, 2), stride=(2, 3) on a 12 x 10 input
#: (Gluon's nn.Conv2D(1, ..., strides=...), PyTorch's nn.Conv2d(1, 1, ..., stride=...)).
OUTPUT_SHAPE_TASK = dict(input_size=(12, 10), kernel_size=(3, 4), padding=(1, 2), stride=(2, 3))

#: Exercise 2: per-side padding that keeps a 64 x 64 input at 64 x 64 under an 11 x 11 kernel, stride 1.
SAME_PADDING_TASK = dict(input_size=64, kernel_size=11)

#: Exercise 3: a convolution with kernel_size=3, dilation=3 on a 10 x 9 input, no padding, stride 1.
DILATION_TASK = dict(input_size=(10, 9), kernel_size=3, dilation=3)


def _pair_answer(answer):
    """The answer as an (H', W') tuple, a layer output's leading batch and channel axes of size 1 dropped; else None."""
    entries = as_shape(answer)
    while entries is not None and len(entries) > 2 and entries[0] == 1:
        entries = entries[1:]
    return entries if entries is not None and len(entries) == 2 else None


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _known_mistake(answer, expected, mistakes):
    """The message of the first of ``mistakes`` ((shape, message) pairs) that the answer equals, else None.

    A mistake that gives the right shape, or the shape of an earlier mistake, is never named."""
    pair = _pair_answer(answer)
    if pair is None or pair == tuple(expected):
        return None
    for shape, message in mistakes:
        if shape is not None and tuple(shape) != tuple(expected) and pair == tuple(shape):
            return message
    return None


def _output_shape_mistakes(t):
    """The shapes the commonest slips give for the layer ``t`` (OUTPUT_SHAPE_TASK), with the concept each misses."""
    n, k, p, s = (_pair(t[name]) for name in ("input_size", "kernel_size", "padding", "stride"))
    expected = conv_output_shape(n, k, p, s)
    one_side = tuple((n[a] + p[a] - k[a]) // s[a] + 1 for a in range(2))
    return [
        (expected[::-1], "your height and width are swapped: the first entry of the shape is the height."),
        (conv_output_shape(n, k[::-1], p[::-1], s[::-1]),
         "the height and the width got each other's numbers: in every pair (kernel size, padding, stride) the "
         "first number belongs to the height, the second to the width."),
        (conv_output_shape(n, k, 0, s), "that is the shape without padding: the padding adds rows and columns "
                                        "around the input before the window slides over it."),
        (one_side, "you counted the padding on one side only: the layer's padding is added on each side, so the "
                   "height grows at the top and at the bottom, the width on the left and on the right."),
        (conv_output_shape(n, k, p, 1), "that is the shape with stride 1: with a larger stride the window skips "
                                        "positions, so fewer of them fit."),
    ]


@checker
def check_output_shape(answer):
    """Exercise 1: the output shape (H', W') for :data:`OUTPUT_SHAPE_TASK`."""
    expected = conv_output_shape(**OUTPUT_SHAPE_TASK)
    hint = ("per axis, H' = floor((H + 2*padding - kernel) / stride) + 1; padding is per side, "
            "and the height uses the first number of every pair, the width the second.")
    mistake = _known_mistake(answer, expected, _output_shape_mistakes(OUTPUT_SHAPE_TASK))
    if mistake:
        return wrong(mistake, hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")


@checker
def check_same_padding(answer):
    """Exercise 2: the per-side padding that keeps the size for :data:`SAME_PADDING_TASK`."""
    n, k = SAME_PADDING_TASK["input_size"], SAME_PADDING_TASK["kernel_size"]
    expected = next(p for p in range(k) if conv_output_shape(n, k, p)[0] == n)
    hint = ("without padding, how many rows does a k x k kernel remove? The layer's padding is added on "
            "each side, so the two sides together must give those rows back.")
    if same_number(answer, 2 * expected):  # also for numpy scalars and one-element arrays
        return wrong("the layer's padding is per side: check which padding your number counts.", hint)
    return check_number(answer, expected, hint=hint, what="the padding per side (an integer)")


@checker
def check_dilated_shape(answer):
    """Exercise 3: the output shape (H', W') for :data:`DILATION_TASK`."""
    t = DILATION_TASK
    expected = conv_output_shape(**t)
    hint = ("a dilated kernel spans dilation*(kernel - 1) + 1 cells; it fits into the input "
            "as many times as an undilated kernel of that span.")
    n, k, d = _pair(t["input_size"]), _pair(t["kernel_size"]), _pair(t["dilation"])
    too_wide = tuple(n[a] - d[a] * k[a] + 1 for a in range(2))  # a span of d*k cells
    mistake = _known_mistake(answer, expected, [
        (conv_output_shape(n, k), "that is the shape of the undilated kernel: dilation spreads the kernel's "
                                  "cells apart, so it covers more of the input and fits fewer times."),
        (expected[::-1], "your height and width are swapped: the first entry of the shape is the height."),
        (too_wide if min(too_wide) >= 1 else None,
         "the dilated kernel is narrower than that: its first and last cells sit on input cells, and there is "
         "no gap after the last one."),
    ])
    if mistake:
        return wrong(mistake, hint)
    return check_shape(answer, expected, hint=hint, what="a tuple (H', W')")
