"""Checkers for lesson 3 (edge detection and learning a kernel). Each returns a Feedback;
none reveals the answer.

All exercises use the lesson's image: :func:`edge_image` (6 x 8, white with a black band in
columns 2..5) and its vertical-edge kernel :data:`EDGE_KERNEL`.
"""
import contextlib
import sys
import types

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


#: Exercise 3, in each edition's words: the layer the learner trains and the expression of its weight.
LAYER_WORDS = {
    "mxnet": dict(layer="nn.Conv2D(1, kernel_size=kernel_size)", weight="conv2d.weight.data()",
                  shape_of="nn.Conv2D(1, kernel_size={})", start="initialize it and "),
    "pytorch": dict(layer="nn.Conv2d(1, 1, kernel_size=kernel_size, bias=False) (its bias would start at random)",
                    weight="conv2d.weight",
                    shape_of="nn.Conv2d(1, 1, kernel_size={})", start=""),
}


def _framework_of_value(value):
    """``"mxnet"``/``"pytorch"`` for a module, class or function of that framework, else None."""
    try:
        name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
    except Exception:  # a learner's object whose attribute lookup raises
        return None
    root = name.split(".")[0] if isinstance(name, str) else None
    return {"mxnet": "mxnet", "torch": "pytorch"}.get(root)


def framework_of(learn_kernel):
    """The framework whose arrays the checker gives the learner's function: ``"mxnet"`` or ``"pytorch"``.

    The framework the notebook has imported; if both are, the one whose names the function uses (``torch``,
    ``nn``, ``nd``, ... in its globals); if neither, the one that is installed (MXNet first). Never imports a
    framework just to decide.
    """
    loaded = [fw for fw, module in (("mxnet", "mxnet"), ("pytorch", "torch")) if module in sys.modules]
    if len(loaded) == 1:
        return loaded[0]
    if len(loaded) == 2:
        names = getattr(getattr(learn_kernel, "__code__", None), "co_names", ())
        space = getattr(learn_kernel, "__globals__", None)
        found = {_framework_of_value(space.get(name)) for name in names} - {None} if isinstance(space, dict) else ()
        return found.pop() if len(found) == 1 else "mxnet"
    import importlib.util
    return "mxnet" if importlib.util.find_spec("mxnet") is not None else "pytorch"


def _warm_up(framework):
    """Run PyTorch's first convolution and backward pass (which load kernels) before the learner's function is
    timed; ``call`` itself warms up what the first optimizer loads."""
    if framework != "pytorch":
        return
    import torch
    try:
        with torch.enable_grad():
            weight = torch.zeros((1, 1, 1, 1), requires_grad=True)
            torch.nn.functional.conv2d(torch.zeros((1, 1, 2, 2)), weight).sum().backward()
    except Exception:  # torch in a state the learner's code left it in: the learner's function will meet it too
        pass


def _call(learn_kernel, X, Y, shape, framework):
    """``call`` the learner's function on numpy X and Y given as the framework's arrays.

    PyTorch runs it on one thread: on arrays this small, more threads only wait for each other (several times
    slower, far slower on a busy machine), which would eat into the time limit. Torch's thread count and grad mode
    (which the function may switch off) are as before afterwards.
    """
    args = (_to_framework(X[None, None], framework), _to_framework(Y[None, None], framework), shape)
    if framework != "pytorch":
        return call(learn_kernel, *args)
    import torch
    enabled, threads = torch.is_grad_enabled(), torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        return call(learn_kernel, *args)
    finally:
        torch.set_grad_enabled(enabled)
        torch.set_num_threads(threads)


def _to_framework(A, framework):
    """A numpy float32 array as a new NDArray or float32 torch tensor (the learner may write into it freely)."""
    if framework == "pytorch":
        import torch
        return torch.tensor(A, dtype=torch.float32)
    from mxnet import nd
    return nd.array(A)


def _is_torch_module(out):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(out, torch.nn.Module)


def _detached(out):
    """A torch tensor (a Parameter, a tensor with grad) as a plain tensor; anything else unchanged.
    None for a lazy layer's parameter, which holds no values yet."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(out, torch.Tensor):
        if torch.nn.parameter.is_lazy(out):
            return None
        return out.detach()
    return out


def _weight_values(out, framework="mxnet"):
    """The learner's returned weight as a float numpy array, or a message saying what is wrong with it."""
    weight = LAYER_WORDS[framework]["weight"]
    if _is_torch_module(out) or (hasattr(out, "weight") and hasattr(out, "collect_params")):
        return f"your function returned the layer itself; return its weight, {weight}."
    out = _detached(out)  # a torch tensor: its values, without the graph (and without asking it for .grad)
    if out is None:
        return f"your function returned a weight Parameter that holds no values; return {weight}."
    if hasattr(out, "data") and hasattr(out, "grad") and callable(out.data):  # a gluon Parameter
        try:
            out = out.data()
        except Exception:  # an uninitialized Parameter
            return f"your function returned a weight Parameter that holds no values; return {weight}."
    A, _, problem = answer_array(out)  # read safely: text, look-alikes and huge arrays give a problem
    if A is None:
        return f"your function returned {problem}, not the layer's weight ({weight})."
    return A


#: Exercise 3: a function whose kernels, trained from the same random start on Y and on -Y, lie closer together
#: than this fraction of the distance between the kernels that made them (2 K) has barely moved its weights.
BARELY_MOVED = 0.1


@contextlib.contextmanager
def _seeded(framework, seed):
    """The framework's and numpy's random generators seeded inside; numpy's (and torch's) state kept."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        if framework == "pytorch":
            import torch
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                yield
        else:
            from mxnet import random as mx_random
            mx_random.seed(seed)
            yield
    finally:
        np.random.set_state(state)


def _seeded_weights(learn_kernel, X, Y, shape, framework="mxnet", seed=0):
    """The kernel ``learn_kernel`` returns for X and Y (numpy) with the framework's and numpy's random generators
    seeded, as a numpy array of ``shape``, or None if it fails. numpy's global random state is restored afterwards."""
    with _seeded(framework, seed):
        out, error = _call(learn_kernel, X, Y, shape, framework)
    A = None if error or out is None else _weight_values(out, framework)
    if isinstance(A, str) or A is None:
        return None
    A = A[0, 0] if A.shape == (1, 1) + shape else A
    return A if A.shape == shape and np.isfinite(A).all() else None


def _barely_moved(learn_kernel, X, K, Y, framework="mxnet"):
    """True if the kernel the function learns hardly depends on Y: trained from the same random start on Y
    (made by K) and on -Y (made by -K), the two results lie within BARELY_MOVED of the 2 K between their targets.
    That is a loop that never updates the weights, or whose steps are far too small."""
    A = _seeded_weights(learn_kernel, X, Y, K.shape, framework)
    B = _seeded_weights(learn_kernel, X, -Y, K.shape, framework)
    if A is None or B is None:
        return False
    return np.abs(A - B).max() < BARELY_MOVED * np.abs(2 * K).max()


@checker
def check_learned_kernel(learn_kernel):
    """Exercise 3: ``learn_kernel(X, Y, kernel_size)`` must learn the kernel that made Y from X.

    X (1, 1, H, W) and Y (1, 1, H', W') are float32 arrays of the notebook's framework (NDArrays in the MXNet
    edition, torch tensors in the PyTorch edition: :func:`framework_of`), ``kernel_size`` an (h, w) tuple; the
    function returns the trained layer's weight, (1, 1, h, w) or (h, w), in any array form. It is run on every
    example of :data:`LEARN_EXAMPLES` and must come within :data:`LEARNED_ATOL` of each hidden kernel.
    """
    framework = framework_of(learn_kernel) if callable(learn_kernel) else "mxnet"
    words = LAYER_WORDS[framework]
    hint = (f"inside the function create a fresh {words['layer']}, {words['start']}run section 2's training "
            f"loop on the X and Y it is given and return the weight; if the loss is still large at the end, "
            f"train for more iterations.")
    problem = not_a_function(learn_kernel, "learn_kernel", "examples", hint)
    if problem is not None:
        return problem
    _warm_up(framework)
    seen = {}
    for n, (seed, kernel) in enumerate(LEARN_EXAMPLES, 1):
        X, K, Y = learn_example(seed, kernel)
        where = f"On hidden example {n} of {len(LEARN_EXAMPLES)} (X of shape (1, 1, 6, 8), kernel_size {K.shape})"
        out, error = _call(learn_kernel, X, Y, K.shape, framework)
        if error:
            return wrong(f"{where} your function raised {error}.", hint)
        if out is None:
            return wrong("your function returned None; did you forget `return`?", hint)
        A = _weight_values(out, framework)
        if isinstance(A, str):
            return wrong(A, hint)
        if A.shape == (1, 1) + K.shape:
            A = A[0, 0]
        if A.shape != K.shape:
            return wrong(f"{where} your function returned an array of shape {A.shape}; the weight of "
                         f"{words['shape_of'].format(K.shape)} has shape {(1, 1) + K.shape}.", hint)
        if not np.isfinite(A).all():
            return wrong(f"{where} the weight holds inf or NaN: the training diverged. Try a smaller "
                         f"learning rate.", hint)
        if K.shape in seen and np.allclose(seen[K.shape], A):
            return wrong("your function returned the same kernel for two different examples: it must "
                         "learn the kernel from the X and Y it is given.", hint)
        seen[K.shape] = A
        if np.abs(A - K).max() > LEARNED_ATOL:
            if _barely_moved(learn_kernel, X, K, Y, framework):
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
