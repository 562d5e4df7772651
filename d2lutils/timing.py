"""Timing helpers shared by lesson 8 and ``make bench``.

``median_time`` is a small ``timeit``: warm up, then take the median of many runs.
``corr2d_loop`` is the lecture's per-pixel loop, the one lesson 2 teaches: lesson 8 and
``make bench`` measure the fast code against it, and lesson 2's solutions import it to show
why ``autograd`` cannot record it (the course API is ``d2lutils.corr2d``). ``conv_mxnet``
and ``pool_mxnet`` call MXNet's own operators and wait for the result: MXNet runs
asynchronously, so a timing that does not ask for the values measures almost nothing.
Importing this module does not import MXNet.
"""
import numbers
import time

import numpy as np

#: The clock median_time reads (seconds); tests replace it to time without a real clock.
_clock = time.perf_counter


def _count(name, value, least):
    """``value`` as an int if it is a whole number >= ``least``; otherwise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise ValueError(f"median_time: {name} must be a whole number >= {least}, got {value!r}")
    return int(value)


def median_time(f, repeat=20, number=1, warmup=1):
    """Median wall time of one call ``f()``, in seconds (a float).

    ``f`` takes no arguments (wrap a call in a ``lambda``); its result is discarded, so for
    asynchronous MXNet code ``f`` must wait for the values itself (``.asnumpy()`` or
    ``.wait_to_read()``). Calls ``f`` ``warmup`` times unmeasured, then measures ``repeat``
    batches of ``number`` calls each and returns the median batch time divided by ``number``.
    ``repeat`` and ``number`` are whole numbers >= 1, ``warmup`` one >= 0; anything else
    raises a ValueError naming the argument.
    """
    repeat = _count("repeat", repeat, 1)
    number = _count("number", number, 1)
    warmup = _count("warmup", warmup, 0)
    for _ in range(warmup):
        f()
    times = []
    for _ in range(repeat):
        start = _clock()
        for _ in range(number):
            f()
        times.append((_clock() - start) / number)
    return float(np.median(times))


def corr2d_loop(X, K):
    """The lecture's loop: X (H, W), K (kh, kw) NDArrays -> Y (H-kh+1, W-kw+1) NDArray.

    One Python step, one slice, one product, one sum and one assignment per output
    pixel. Correct and clear, and thousands of times slower than whole-array code.
    """
    from mxnet import nd
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


def conv_mxnet(X, K):
    """MXNet's ``nd.Convolution`` as a function: X (c_i, H, W), K (c_o, c_i, kh, kw) -> numpy (c_o, H', W').

    X and K are NDArrays; stride 1, no padding, no bias. ``.asnumpy()`` waits for the result.
    """
    from mxnet import nd
    Y = nd.Convolution(X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0], no_bias=True)
    return Y[0].asnumpy()


def pool_mxnet(X, pool_size, mode="max"):
    """MXNet's ``nd.Pooling`` with stride 1, no padding: X (H, W) NDArray -> numpy (H-p+1, W-p+1).

    ``pool_size`` is the side p of the square window (an int); ``mode`` is "max" or "avg".
    ``.asnumpy()`` waits for the result.
    """
    from mxnet import nd
    Y = nd.Pooling(X.reshape((1, 1) + X.shape), kernel=(pool_size, pool_size), stride=(1, 1),
                   pool_type=mode)
    return Y[0, 0].asnumpy()
