"""Lesson 3 checkers: accept the answers the framework computes or learns (MXNet in the MXNet venv, PyTorch in the
PyTorch venv), reject wrong ones without revealing them. Exercise 3's checker runs the learner's training function
on the edition's own arrays: NDArrays, or float32 torch tensors."""
import numpy as np
import pytest

from d2lutils.exercises import lesson03 as ex
from reference import assert_rejects


@pytest.fixture(params=["mxnet", "pytorch"])
def fw(request):
    """The framework of one edition; its tests skip where it is not installed."""
    pytest.importorskip({"mxnet": "mxnet", "pytorch": "torch"}[request.param])
    return request.param


def np_corr(X, K):
    """Cross-correlation straight from its definition (numpy loops): X (H, W), K (h, w) -> (H', W')."""
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    h, w = K.shape
    return np.array([[(X[i:i + h, j:j + w] * K).sum() for j in range(X.shape[1] - w + 1)]
                     for i in range(X.shape[0] - h + 1)])


def fw_corr(fw, X, K):
    """Cross-correlation with the framework's own operator: X (H, W), K (h, w) -> numpy (H', W')."""
    X, K = np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(K, dtype=np.float64)
    if fw == "mxnet":
        from mxnet import nd
        Y = nd.Convolution(nd.array(X[None, None], dtype="float64"), nd.array(K[None, None], dtype="float64"),
                           kernel=K.shape, num_filter=1, no_bias=True)
        return Y.asnumpy()[0, 0]
    import torch
    return torch.nn.functional.conv2d(torch.tensor(X[None, None]), torch.tensor(K[None, None]))[0, 0].numpy()


def as_tensor(fw, value, **kwargs):
    if fw == "mxnet":
        from mxnet import nd
        return nd.array(value, **kwargs)
    import torch
    return torch.tensor(np.asarray(value, dtype=np.float32), **kwargs)


def seed(fw, n):
    if fw == "mxnet":
        import mxnet as mx
        mx.random.seed(n)
    else:
        import torch
        torch.manual_seed(n)


def lesson_data(fw):
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    return X, fw_corr(fw, X, [[1, -1]])


def test_edge_image_is_the_lessons():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    assert np.array_equal(ex.edge_image(), X)
    assert ex.EDGE_KERNEL == [[1, -1]]
    assert np.array_equal(np_corr(X, ex.EDGE_KERNEL)[:, [1, 5]], [[1, -1]] * 6)


def test_horizontal_kernel(fw):
    X, Y = lesson_data(fw)
    expected = [[1], [-1]]
    assert np.allclose(fw_corr(fw, X.T, expected), Y.T)
    assert ex.check_horizontal_kernel(expected).ok is True
    assert ex.check_horizontal_kernel(as_tensor(fw, expected)).ok is True
    if fw == "pytorch":  # what K.T of the PyTorch edition gives, and a kernel that takes part in a gradient
        import torch
        assert ex.check_horizontal_kernel(torch.tensor([[1.0, -1.0]]).T).ok is True
        assert ex.check_horizontal_kernel(torch.tensor(expected, dtype=torch.float64, requires_grad=True)).ok is True
    for wrong in [[[1, -1]], [[-1], [1]], [[1], [1]], [[0.5], [-0.5]], [[1, 0], [-1, 0]], "K.T"]:
        assert_rejects(ex.check_horizontal_kernel(wrong), expected)
    assert "only zeros" in ex.check_horizontal_kernel([[1, -1]]).message
    assert "only zeros" in ex.check_horizontal_kernel(as_tensor(fw, [[1, -1]])).message
    assert "signs" in ex.check_horizontal_kernel([[-1], [1]]).message
    assert "signs" in ex.check_horizontal_kernel(as_tensor(fw, [[-1], [1]])).message
    assert ex.check_horizontal_kernel(None).ok is None


def test_horizontal_kernel_wrong_shape_says_what_the_shape_must_do(fw):
    """The exercise states no kernel shape, so the feedback must not speak of "the shape asked for"."""
    expected = [[1], [-1]]
    X, Y = lesson_data(fw)
    for wrong, out in [([[1, 0], [-1, 0]], (7, 5)), ([[1], [-1], [0]], (6, 6))]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert out == fw_corr(fw, X.T, wrong).shape
        assert f"corr2d(X.T, K2) has shape {out}" in result.message
        assert "the shape of Y.T (print Y.T.shape)" in result.message
        assert str(Y.T.shape) not in result.message  # exercise 2's answer
    for wrong in [[[1] * 7], [[1]] * 9]:  # wider or taller than X.T (8 x 6)
        assert "does not fit inside X.T" in ex.check_horizontal_kernel(wrong).message
    for wrong in [5, [1, -1], [[[1], [-2]]], []]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert "two axes" in result.message or "differ" in result.message
    for extra_axes in [[[[1], [-1]]], [[[[1], [-1]]]], as_tensor(fw, [[[[1], [-1]]]])]:  # a layer's weight
        result = ex.check_horizontal_kernel(extra_axes)
        assert result.ok is True and "dropped" in result.message
    for wrong in [[[1, 0], [-1, 0]], [[1], [-1], [0]], [[1] * 7], [1, -1]]:
        assert "asked for" not in ex.check_horizontal_kernel(wrong).message


def test_transposed_shape(fw):
    X, _ = lesson_data(fw)
    expected = fw_corr(fw, X.T, [[1], [-1]]).shape
    assert ex.check_transposed_shape(expected).ok is True
    assert ex.check_transposed_shape(list(expected)).ok is True
    if fw == "pytorch":
        import torch
        assert ex.check_transposed_shape(torch.Size(expected)).ok is True
    with_k = fw_corr(fw, X.T, [[1, -1]]).shape
    for wrong in [with_k, (6, 7), (8, 6), (expected[0],), "seven by six"]:
        assert_rejects(ex.check_transposed_shape(wrong), expected)
    assert "untransposed kernel" in ex.check_transposed_shape(with_k).message
    assert ex.check_transposed_shape(None).ok is None


# --- exercise 3: the learner's training function, in each edition's framework ----------------------------------

def learn_kernel_mxnet(X, Y, kernel_size, num_epochs=10, lr=3e-2, update_bias=False):
    """The lesson's training loop as the MXNet edition's exercise asks for it: the trained Conv2D's weight."""
    from mxnet import autograd
    from mxnet.gluon import nn
    conv2d = nn.Conv2D(1, kernel_size=kernel_size, in_channels=1)
    conv2d.initialize()
    for _ in range(num_epochs):
        with autograd.record():
            loss = (conv2d(X) - Y) ** 2
        loss.backward()
        conv2d.weight.data()[:] -= lr * conv2d.weight.grad()
        if update_bias:
            conv2d.bias.data()[:] -= lr * conv2d.bias.grad()
    return conv2d.weight.data()


def learn_kernel_pytorch(X, Y, kernel_size, num_epochs=10, lr=3e-2, update_bias=False):
    """The lesson's training loop as the PyTorch edition's exercise asks for it: the trained Conv2d's weight."""
    import torch
    conv2d = torch.nn.Conv2d(1, 1, kernel_size=kernel_size, bias=update_bias)
    for _ in range(num_epochs):
        loss = (conv2d(X) - Y) ** 2
        conv2d.zero_grad()
        loss.sum().backward()
        with torch.no_grad():
            for p in conv2d.parameters():
                p -= lr * p.grad
    return conv2d.weight


def learn_kernel_sgd(X, Y, kernel_size, num_epochs=10, lr=3e-2):
    """The same with torch.optim.SGD and a mean squared error (so a larger learning rate), returning .data."""
    import torch
    conv2d = torch.nn.Conv2d(1, 1, kernel_size=kernel_size, bias=False)
    optimizer = torch.optim.SGD(conv2d.parameters(), lr=lr * Y.numel())
    loss_fn = torch.nn.MSELoss()
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss_fn(conv2d(X), Y).backward()
        optimizer.step()
    return conv2d.weight.data


def learn_kernel_float64(X, Y, kernel_size, num_epochs=10, lr=3e-2):
    """The loop in float64: a layer made with dtype=torch.float64 on X and Y converted with .double()."""
    import torch
    conv2d = torch.nn.Conv2d(1, 1, kernel_size=kernel_size, bias=False, dtype=torch.float64)
    X, Y = X.double(), Y.double()
    for _ in range(num_epochs):
        loss = ((conv2d(X) - Y) ** 2).sum()
        conv2d.zero_grad()
        loss.backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
    return conv2d.weight


LEARNERS = {"mxnet": learn_kernel_mxnet, "pytorch": learn_kernel_pytorch}


def to_numpy(A):
    return A.asnumpy() if hasattr(A, "asnumpy") else A.detach().numpy()


def least_squares_kernel(X, Y, kernel_size):
    """An independent solver: the kernel that best maps X to Y, by numpy's least squares."""
    X, Y = to_numpy(X)[0, 0].astype(np.float64), to_numpy(Y)[0, 0].astype(np.float64)
    kh, kw = kernel_size
    H, W = Y.shape
    A = np.stack([X[a:a + H, b:b + W].ravel() for a in range(kh) for b in range(kw)], axis=1)
    return np.linalg.lstsq(A, Y.ravel(), rcond=None)[0].reshape(kh, kw)


def hidden_kernels():
    return [np.array(kernel, dtype=np.float64) for _, kernel in ex.LEARN_EXAMPLES]


def assert_rejects_learned(result):
    """Rejected with a hint, revealing neither the exercise's kernel nor a hidden one."""
    assert_rejects(result, [[1], [-1]])
    assert "\n" not in result.text
    for K in hidden_kernels():
        assert str(K.tolist()) not in result.text and str(K) not in result.text


def test_hidden_examples_are_independent_of_the_exercise_and_computed_right():
    exercise = np.array([[1], [-1]])
    for seed_, kernel in ex.LEARN_EXAMPLES:
        X, K, Y = ex.learn_example(seed_, kernel)
        assert set(np.unique(X)) <= {0, 1} and X.shape == (6, 8)
        np.testing.assert_allclose(Y, np_corr(X, K), atol=1e-6)
        assert not (K.shape == exercise.shape and np.allclose(K, exercise))
    kernels = hidden_kernels()
    assert len({(K.shape, tuple(K.ravel())) for K in kernels}) == len(kernels)


def test_the_lessons_loop_converges_on_every_hidden_example():
    """Gradient descent on the summed squared error converges if lr < 2 / (largest eigenvalue of its
    Hessian 2 A^T A); the smallest eigenvalue sets the speed. The lesson's image: 60, and 10 steps of 3e-2."""
    for seed_, kernel in ex.LEARN_EXAMPLES:
        X, K, Y = ex.learn_example(seed_, kernel)
        kh, kw = K.shape
        H, W = Y.shape
        A = np.stack([X[a:a + H, b:b + W].ravel() for a in range(kh) for b in range(kw)], axis=1)
        eig = np.linalg.eigvalsh(2 * A.T.astype(np.float64) @ A)
        assert eig.max() * 3e-2 < 1.9, (seed_, kernel, eig)
        assert (1 - 3e-2 * eig.min()) ** 10 < ex.LEARNED_ATOL / 2, (seed_, kernel, eig)


def test_the_checker_uses_the_editions_framework(fw):
    """The function gets the notebook's arrays: float32 NDArrays or float32 torch tensors of shape (1, 1, 6, 8)."""
    seen = []

    def inspects(X, Y, kernel_size):
        seen.append((type(X).__module__.split(".")[0], str(X.dtype), tuple(X.shape), tuple(Y.shape)))
        return least_squares_kernel(X, Y, kernel_size)
    assert ex.framework_of(inspects) == fw
    assert ex.check_learned_kernel(inspects).ok is True
    module, dtype = {"mxnet": ("mxnet", "<class 'numpy.float32'>"), "pytorch": ("torch", "torch.float32")}[fw]
    assert seen and all(s[:3] == (module, dtype, (1, 1, 6, 8)) for s in seen), seen


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_a_real_training_loop_passes(fw, n):
    seed(fw, n)
    result = ex.check_learned_kernel(LEARNERS[fw])
    assert result.ok is True, result.text


VARIANTS = {
    "slower": lambda learn: lambda X, Y, k: learn(X, Y, k, num_epochs=60, lr=1e-2),
    "with-bias": lambda learn: lambda X, Y, k: learn(X, Y, k, num_epochs=100, lr=1e-2, update_bias=True),
    "numpy-2d": lambda learn: lambda X, Y, k: to_numpy(learn(X, Y, k)).reshape(k),
    "list": lambda learn: lambda X, Y, k: to_numpy(learn(X, Y, k)).tolist(),
    "least-squares": lambda learn: least_squares_kernel,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_other_ways_of_learning_pass(fw, variant):
    seed(fw, 0)
    assert ex.check_learned_kernel(VARIANTS[variant](LEARNERS[fw])).ok is True


def test_pytorch_ways_of_returning_the_weight_pass():
    torch = pytest.importorskip("torch")
    for variant in [learn_kernel_sgd,  # torch.optim.SGD, returns weight.data
                    lambda X, Y, k: learn_kernel_pytorch(X, Y, k).detach(),
                    lambda X, Y, k: learn_kernel_pytorch(X, Y, k).double(),
                    lambda X, Y, k: learn_kernel_pytorch(X, Y, k)[0, 0],  # (h, w), with grad
                    learn_kernel_float64]:
        torch.manual_seed(0)
        result = ex.check_learned_kernel(variant)
        assert result.ok is True, result.text


def test_returning_the_weight_parameter_passes(fw):
    if fw == "mxnet":
        from mxnet import nd
        from mxnet.gluon import nn

        def learn_parameter(X, Y, kernel_size):
            conv2d = nn.Conv2D(1, kernel_size=kernel_size, in_channels=1)
            conv2d.initialize()
            conv2d.weight.set_data(nd.array(least_squares_kernel(X, Y, kernel_size)).reshape((1, 1) + kernel_size))
            return conv2d.weight
    else:
        import torch

        def learn_parameter(X, Y, kernel_size):
            conv2d = torch.nn.Conv2d(1, 1, kernel_size=kernel_size, bias=False)
            with torch.no_grad():
                conv2d.weight.copy_(torch.tensor(least_squares_kernel(X, Y, kernel_size)).reshape((1, 1) + kernel_size))
            return conv2d.weight  # an nn.Parameter, which requires grad
    assert ex.check_learned_kernel(learn_parameter).ok is True


def test_the_exercises_own_kernel_typed_in_fails(fw):
    for typed in [lambda X, Y, k: as_tensor(fw, [[[[1], [-1]]]]), lambda X, Y, k: [[1], [-1]],
                  lambda X, Y, k: np.array([[1.0], [-1.0]])]:
        result = ex.check_learned_kernel(typed)
        assert_rejects_learned(result)
        assert "shape" in result.message


def test_a_constant_of_the_right_shape_fails(fw):
    """Right shape every time, but the same numbers whatever the data: caught even without a distance."""
    result = ex.check_learned_kernel(lambda X, Y, k: np.ones(k))
    assert_rejects_learned(result)
    result = ex.check_learned_kernel(lambda X, Y, k: np.zeros((1, 1) + k) + 0.5)
    assert_rejects_learned(result)
    result = ex.check_learned_kernel(lambda X, Y, k: as_tensor(fw, np.ones((1, 1) + k)))
    assert_rejects_learned(result)


def test_a_function_that_ignores_the_data_fails(fw):
    """It returns the kernel of the first example of each shape it met, then reuses it."""
    memory = {}

    def remembers(X, Y, kernel_size):
        if kernel_size not in memory:
            memory[kernel_size] = least_squares_kernel(X, Y, kernel_size)
        return memory[kernel_size]
    result = ex.check_learned_kernel(remembers)
    assert_rejects_learned(result)
    assert "same kernel for two different examples" in result.message


def test_too_little_training_fails_and_says_so(fw):
    learn = LEARNERS[fw]
    seed(fw, 0)
    undertrained = lambda X, Y, k: learn(X, Y, k, num_epochs=3, lr=1e-2)  # noqa: E731
    result = ex.check_learned_kernel(undertrained)
    assert_rejects_learned(result)
    assert "far from the one that made Y" in result.message and "%" in result.message


def test_weights_that_never_move_are_named_whatever_the_random_start(fw):
    """A loop that never updates the weight (or with a tiny learning rate) returns its random start, whose output
    is sometimes further from Y than zeros: it must hear that the weights barely moved, never "diverge"."""
    learn = LEARNERS[fw]
    never_updates = lambda X, Y, k: learn(X, Y, k, num_epochs=0)  # noqa: E731
    tiny_steps = lambda X, Y, k: learn(X, Y, k, lr=1e-5)  # noqa: E731
    for n in range(20):
        for function in (never_updates, tiny_steps) if n < 3 else (never_updates,):
            seed(fw, n)
            result = ex.check_learned_kernel(function)
            assert_rejects_learned(result)
            assert "barely moved" in result.message and "diverge" not in result.text, (n, result.text)
    state = np.random.get_state()
    ex.check_learned_kernel(never_updates)
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state()[1:], state[1:]))  # numpy's state kept


def test_the_checkers_own_seeding_keeps_torchs_random_state():
    """Seeding torch for the "barely moved" comparison must not reset the learner's torch generator."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    ex.check_learned_kernel(lambda X, Y, k: np.zeros(k) + 0.01 * np.arange(np.prod(k)).reshape(k) * float(Y.sum()))
    after = torch.rand(3)
    assert torch.equal(after, expected)


@pytest.mark.parametrize("num_epochs, lr", [(200, 0.5), (15, 0.08)], ids=["overflows", "growing"])
def test_divergence_is_reported(fw, num_epochs, lr):
    learn = LEARNERS[fw]
    seed(fw, 0)
    result = ex.check_learned_kernel(lambda X, Y, k: learn(X, Y, k, num_epochs=num_epochs, lr=lr))
    assert_rejects_learned(result)
    assert "diverge" in result.message and "smaller learning rate" in result.message


def raises(X, Y, kernel_size):
    raise RuntimeError("first line\n  second line")


HOSTILE = [
    (raises, "raised RuntimeError (first line)"),
    (lambda X, Y, k: 1 / 0, "raised ZeroDivisionError"),
    (lambda X, Y, k: None, "returned None"),
    (lambda X, Y: None, "raised TypeError"),
    (lambda X, Y, k: "[[1], [-1]]", "not the layer's weight"),
    (lambda X, Y, k: {"weight": 1}, "not the layer's weight"),
    (lambda X, Y, k: np.full(k, np.nan), "diverged"),
    (lambda X, Y, k: np.ones((1, 2, 3)), "shape (1, 2, 3)"),
    (lambda X, Y, k: 10 ** 400, "not the layer's weight"),
]
HOSTILE_IDS = ["raises", "zero-division", "none", "wrong-signature", "text", "dict", "nan", "shape", "huge-int"]


@pytest.mark.parametrize("answer, words", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_functions_get_one_line_and_never_raise(fw, answer, words):
    result = ex.check_learned_kernel(answer)
    assert_rejects_learned(result)
    assert words in result.message
    assert "second line" not in result.text and "Traceback" not in result.text


def test_returning_the_layer_is_named(fw):
    if fw == "mxnet":
        from mxnet.gluon import nn
        answers = [(lambda X, Y, k: nn.Conv2D(1, kernel_size=k), "returned the layer itself"),
                   (lambda X, Y, k: nn.Conv2D(1, kernel_size=k, in_channels=1).weight, "holds no values")]
        weight = "conv2d.weight.data()"
    else:
        import torch
        answers = [(lambda X, Y, k: torch.nn.Conv2d(1, 1, kernel_size=k), "returned the layer itself"),
                   (lambda X, Y, k: torch.nn.Sequential(torch.nn.Conv2d(1, 1, kernel_size=k)),
                    "returned the layer itself"),
                   (lambda X, Y, k: torch.nn.Conv2d(1, 1, kernel_size=k, device="meta").weight,
                    "not the layer's weight"),
                   (lambda X, Y, k: torch.nn.LazyConv2d(1, kernel_size=k).weight, "holds no values")]
        weight = "conv2d.weight"
    for answer, words in answers:
        result = ex.check_learned_kernel(answer)
        assert_rejects_learned(result)
        assert words in result.message, result.text
        assert "Traceback" not in result.text
    assert weight in ex.check_learned_kernel(answers[0][0]).message


def test_the_hint_names_the_editions_layer(fw):
    result = ex.check_learned_kernel(lambda X, Y, k: None)
    layer = {"mxnet": "nn.Conv2D(1, kernel_size=kernel_size)", "pytorch": "nn.Conv2d(1, 1, kernel_size"}[fw]
    assert layer in result.hint


def test_an_answer_that_is_not_a_function(fw):
    weight = LEARNERS[fw](as_tensor(fw, np.ones((1, 1, 6, 8))), as_tensor(fw, np.zeros((1, 1, 5, 8))), (2, 1))
    for answer in [weight, [[1], [-1]], "learn_kernel"]:
        result = ex.check_learned_kernel(answer)
        assert_rejects_learned(result)
        assert "expected your function learn_kernel" in result.message
    assert ex.check_learned_kernel(None).ok is None


def test_the_learners_function_cannot_change_the_hidden_examples(fw):
    def vandal(X, Y, kernel_size):
        X[:] = 0
        Y[:] = 0
        return np.zeros(kernel_size)
    assert ex.check_learned_kernel(vandal).ok is False
    seed(fw, 0)
    assert ex.check_learned_kernel(LEARNERS[fw]).ok is True


def test_a_bias_left_in_fails_and_the_hint_says_why():
    """PyTorch's nn.Conv2d has a bias with a random start: a loop that never trains it learns a kernel that is off."""
    torch = pytest.importorskip("torch")

    def with_bias(X, Y, kernel_size):
        conv2d = torch.nn.Conv2d(1, 1, kernel_size=kernel_size)  # bias=False forgotten
        for _ in range(10):
            loss = ((conv2d(X) - Y) ** 2).sum()
            conv2d.zero_grad()
            loss.backward()
            with torch.no_grad():
                conv2d.weight -= 3e-2 * conv2d.weight.grad
        return conv2d.weight
    torch.manual_seed(1)
    result = ex.check_learned_kernel(with_bias)
    assert_rejects_learned(result)
    assert "far from the one that made Y" in result.message and "bias=False" in result.hint


def test_the_learners_function_cannot_leave_gradients_switched_off():
    torch = pytest.importorskip("torch")

    def switches_off(X, Y, kernel_size):
        torch.set_grad_enabled(False)
        return np.zeros(kernel_size)
    threads = torch.get_num_threads()
    assert ex.check_learned_kernel(switches_off).ok is False
    assert torch.is_grad_enabled() and torch.get_num_threads() == threads
    torch.manual_seed(0)
    assert ex.check_learned_kernel(learn_kernel_pytorch).ok is True
