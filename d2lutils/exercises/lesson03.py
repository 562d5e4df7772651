"""Checkers for lesson 3 (edge detection and learning a kernel). Each returns a Feedback;
none reveals the answer.

All exercises use the lesson's image: :func:`edge_image` (6 x 8, white with a black band in
columns 2..5) and its vertical-edge kernel :data:`EDGE_KERNEL`.
"""
import numpy as np

from ..conv import corr2d
from ._feedback import answer_array, as_shape, check_array, check_shape, checker, correct, wrong

#: The lesson's kernel: +1 where white turns black from left to right, -1 the other way.
EDGE_KERNEL = [[1, -1]]

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


# Exercise 3: the learner writes learn_kernel(X, Y, kernel_size); the checker runs it on hidden examples.
from ._calls import call, not_a_function  # noqa: E402

#: Exercise 3: a learned kernel must come within this distance (largest absolute difference) of the
#: kernel that made Y, on every hidden example.
LEARNED_ATOL = 0.1

#: Exercise 3: the hidden examples, (seed, kernel). X is a random 6 x 8 image of zeros and ones drawn
#: with ``numpy.random.default_rng(seed)``, Y = corr2d(X, kernel). The kernels differ from the exercise's,
#: so a hand-typed answer cannot pass, and they differ from each other, so a function must use X and Y.
#: The images are chosen so that the lesson's loop (10 steps, learning rate 3e-2, squared error summed)
#: converges on them as it does on the lesson's image (tests/test_exercises_lesson03.py checks this).
LEARN_EXAMPLES = (
    (14, ((1, 0), (0, -1))),
    (0, ((0.5, -1),)),
    (14, ((-1, 1),)),
    (0, ((-1,), (2,))),
)


def learn_example(seed, kernel):
    """One hidden example as numpy float32 arrays: X (6, 8) of zeros and ones, K, Y = corr2d(X, K)."""
    X = (np.random.default_rng(seed).random((6, 8)) < 0.5).astype(np.float32)
    K = np.array(kernel, dtype=np.float32)
    return X, K, corr2d(X, K)


def _weight_values(out):
    """The learner's returned weight as a float numpy array, or a message saying what is wrong with it."""
    if hasattr(out, "weight") and hasattr(out, "collect_params"):
        return "your function returned the layer itself; return its weight, conv2d.weight.data()."
    if hasattr(out, "data") and hasattr(out, "grad") and callable(out.data):  # a gluon Parameter
        try:
            out = out.data()
        except Exception:  # an uninitialized Parameter
            return "your function returned a weight Parameter that holds no values; return conv2d.weight.data()."
    A, _, problem = answer_array(out)  # read safely: text, look-alikes and huge arrays give a problem
    if A is None:
        return f"your function returned {problem}, not the layer's weight (conv2d.weight.data())."
    return A


#: Exercise 3: a function whose kernels, trained from the same random start on Y and on -Y, lie closer together
#: than this fraction of the distance between the kernels that made them (2 K) has barely moved its weights.
BARELY_MOVED = 0.1


def _seeded_weights(learn_kernel, X, Y, shape, seed=0):
    """The kernel ``learn_kernel`` returns for X and Y (numpy) with MXNet's and numpy's random generators seeded,
    as a numpy array of ``shape``, or None if it fails. numpy's global random state is restored afterwards."""
    from mxnet import nd, random as mx_random
    state = np.random.get_state()
    try:
        mx_random.seed(seed)
        np.random.seed(seed)
        out, error = call(learn_kernel, nd.array(X[None, None]), nd.array(Y[None, None]), shape)
    finally:
        np.random.set_state(state)
    A = None if error or out is None else _weight_values(out)
    if isinstance(A, str) or A is None:
        return None
    A = A[0, 0] if A.shape == (1, 1) + shape else A
    return A if A.shape == shape and np.isfinite(A).all() else None


def _barely_moved(learn_kernel, X, K, Y):
    """True if the kernel the function learns hardly depends on Y: trained from the same random start on Y
    (made by K) and on -Y (made by -K), the two results lie within BARELY_MOVED of the 2 K between their targets.
    That is a loop that never updates the weights, or whose steps are far too small."""
    A = _seeded_weights(learn_kernel, X, Y, K.shape)
    B = _seeded_weights(learn_kernel, X, -Y, K.shape)
    if A is None or B is None:
        return False
    return np.abs(A - B).max() < BARELY_MOVED * np.abs(2 * K).max()


@checker
def check_learned_kernel(learn_kernel):
    """Exercise 3: ``learn_kernel(X, Y, kernel_size)`` must learn the kernel that made Y from X.

    X (1, 1, H, W) and Y (1, 1, H', W') are NDArrays, ``kernel_size`` an (h, w) tuple; the function
    returns the trained ``nn.Conv2D``'s weight, (1, 1, h, w) or (h, w). It is run on every example of
    :data:`LEARN_EXAMPLES` and must come within :data:`LEARNED_ATOL` of each hidden kernel.
    """
    hint = ("inside the function create a fresh nn.Conv2D(1, kernel_size=kernel_size), initialize it and "
            "run section 2's training loop on the X and Y the function is given; return the weight. If the "
            "loss is still large at the end, train for more iterations.")
    problem = not_a_function(learn_kernel, "learn_kernel", "examples", hint)
    if problem is not None:
        return problem
    from mxnet import nd
    seen = {}
    for n, (seed, kernel) in enumerate(LEARN_EXAMPLES, 1):
        X, K, Y = learn_example(seed, kernel)
        where = f"On hidden example {n} of {len(LEARN_EXAMPLES)} (X of shape (1, 1, 6, 8), kernel_size {K.shape})"
        out, error = call(learn_kernel, nd.array(X[None, None]), nd.array(Y[None, None]), K.shape)
        if error:
            return wrong(f"{where} your function raised {error}.", hint)
        if out is None:
            return wrong("your function returned None; did you forget `return`?", hint)
        A = _weight_values(out)
        if isinstance(A, str):
            return wrong(A, hint)
        if A.shape == (1, 1) + K.shape:
            A = A[0, 0]
        if A.shape != K.shape:
            return wrong(f"{where} your function returned an array of shape {A.shape}; the weight of "
                         f"nn.Conv2D(1, kernel_size={K.shape}) has shape {(1, 1) + K.shape}.", hint)
        if not np.isfinite(A).all():
            return wrong(f"{where} the weight holds inf or NaN: the training diverged. Try a smaller "
                         f"learning rate.", hint)
        if K.shape in seen and np.allclose(seen[K.shape], A):
            return wrong("your function returned the same kernel for two different examples: it must "
                         "learn the kernel from the X and Y it is given.", hint)
        seen[K.shape] = A
        if np.abs(A - K).max() > LEARNED_ATOL:
            if _barely_moved(learn_kernel, X, K, Y):
                return wrong(f"{where} the weights barely moved: from the same random start, trained on Y and on "
                             f"-Y, your function returns almost the same kernel. Does its loop update the weight, "
                             f"with a learning rate that is not tiny?", hint)
            residual = np.sum((corr2d(X, A) - Y) ** 2) / np.sum(Y ** 2)
            if residual > 1:  # worse than predicting zeros: the steps overshoot
                return wrong(f"{where} the learned kernel is far from the one that made Y, and its output is "
                             f"further from Y than all zeros would be: the training seems to diverge. Try a "
                             f"smaller learning rate.", hint)
            return wrong(f"{where} the learned kernel is still far from the one that made Y: the squared "
                         f"error of its output is {residual:.0%} of the squared values of Y.", hint)
    return correct(f"your function learned the kernel on all {len(LEARN_EXAMPLES)} hidden examples.")
