"""Lesson 3 checkers: accept the answers MXNet computes or learns, reject wrong ones without revealing them."""
import mxnet as mx
import numpy as np
import pytest
from mxnet import autograd, nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson03 as ex
from reference import assert_rejects


def mx_corr(X, K):
    """Cross-correlation with MXNet's own operator: X (H, W), K (h, w) -> numpy (H', W')."""
    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
    Y = nd.Convolution(nd.array(X[None, None], dtype="float64"), nd.array(K[None, None], dtype="float64"),
                       kernel=K.shape, num_filter=1, no_bias=True)
    return Y.asnumpy()[0, 0]


def lesson_data():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    return X, mx_corr(X, [[1, -1]])


def test_edge_image_is_the_lessons():
    X, _ = lesson_data()
    assert np.array_equal(ex.edge_image(), X)
    assert ex.EDGE_KERNEL == [[1, -1]]


def test_horizontal_kernel():
    X, Y = lesson_data()
    expected = [[1], [-1]]
    assert np.allclose(mx_corr(X.T, expected), Y.T)
    assert ex.check_horizontal_kernel(expected).ok is True
    assert ex.check_horizontal_kernel(nd.array(expected)).ok is True
    for wrong in [[[1, -1]], [[-1], [1]], [[1], [1]], [[0.5], [-0.5]], [[1, 0], [-1, 0]], "K.T"]:
        assert_rejects(ex.check_horizontal_kernel(wrong), expected)
    assert "only zeros" in ex.check_horizontal_kernel([[1, -1]]).message
    assert "signs" in ex.check_horizontal_kernel([[-1], [1]]).message
    assert ex.check_horizontal_kernel(None).ok is None


def test_horizontal_kernel_wrong_shape_says_what_the_shape_must_do():
    """The exercise states no kernel shape, so the feedback must not speak of "the shape asked for"."""
    expected = [[1], [-1]]
    X, Y = lesson_data()
    for wrong, out in [([[1, 0], [-1, 0]], (7, 5)), ([[1], [-1], [0]], (6, 6))]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert out == mx_corr(X.T, wrong).shape
        assert f"corr2d(X.T, K2) has shape {out}" in result.message
        assert "the shape of Y.T (print Y.T.shape)" in result.message
        assert str(Y.T.shape) not in result.message  # exercise 2's answer
    for wrong in [[[1] * 7], [[1]] * 9]:  # wider or taller than X.T (8 x 6)
        assert "does not fit inside X.T" in ex.check_horizontal_kernel(wrong).message
    for wrong in [5, [1, -1], [[[1], [-2]]], []]:
        result = ex.check_horizontal_kernel(wrong)
        assert_rejects(result, expected)
        assert "two axes" in result.message or "differ" in result.message
    for extra_axes in [[[[1], [-1]]], [[[[1], [-1]]]], nd.array([[[[1], [-1]]]])]:  # a layer's weight
        result = ex.check_horizontal_kernel(extra_axes)
        assert result.ok is True and "dropped" in result.message
    for wrong in [[[1, 0], [-1, 0]], [[1], [-1], [0]], [[1] * 7], [1, -1]]:
        assert "asked for" not in ex.check_horizontal_kernel(wrong).message


def test_transposed_shape():
    X, _ = lesson_data()
    expected = mx_corr(X.T, [[1], [-1]]).shape
    assert ex.check_transposed_shape(expected).ok is True
    assert ex.check_transposed_shape(list(expected)).ok is True
    with_k = mx_corr(X.T, [[1, -1]]).shape
    for wrong in [with_k, (6, 7), (8, 6), (expected[0],), "seven by six"]:
        assert_rejects(ex.check_transposed_shape(wrong), expected)
    assert "untransposed kernel" in ex.check_transposed_shape(with_k).message
    assert ex.check_transposed_shape(None).ok is None


def learn_kernel(X, Y, kernel_size, num_epochs=10, lr=3e-2, update_bias=False):
    """The lesson's training loop as the exercise asks for it: the trained Conv2D's weight."""
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


def least_squares_kernel(X, Y, kernel_size):
    """An independent solver: the kernel that best maps X to Y, by numpy's least squares."""
    X, Y = X.asnumpy()[0, 0].astype(np.float64), Y.asnumpy()[0, 0].astype(np.float64)
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
    for seed, kernel in ex.LEARN_EXAMPLES:
        X, K, Y = ex.learn_example(seed, kernel)
        assert set(np.unique(X)) <= {0, 1} and X.shape == (6, 8)
        np.testing.assert_allclose(Y, mx_corr(X, K), atol=1e-6)
        assert not (K.shape == exercise.shape and np.allclose(K, exercise))
    kernels = hidden_kernels()
    assert len({(K.shape, tuple(K.ravel())) for K in kernels}) == len(kernels)


def test_the_lessons_loop_converges_on_every_hidden_example():
    """Gradient descent on the summed squared error converges if lr < 2 / (largest eigenvalue of its
    Hessian 2 A^T A); the smallest eigenvalue sets the speed. The lesson's image: 60, and 10 steps of 3e-2."""
    for seed, kernel in ex.LEARN_EXAMPLES:
        X, K, Y = ex.learn_example(seed, kernel)
        kh, kw = K.shape
        H, W = Y.shape
        A = np.stack([X[a:a + H, b:b + W].ravel() for a in range(kh) for b in range(kw)], axis=1)
        eig = np.linalg.eigvalsh(2 * A.T.astype(np.float64) @ A)
        assert eig.max() * 3e-2 < 1.9, (seed, kernel, eig)
        assert (1 - 3e-2 * eig.min()) ** 10 < ex.LEARNED_ATOL / 2, (seed, kernel, eig)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_real_training_loop_passes(seed):
    mx.random.seed(seed)
    result = ex.check_learned_kernel(learn_kernel)
    assert result.ok is True, result.text


@pytest.mark.parametrize("variant", [
    lambda X, Y, k: learn_kernel(X, Y, k, num_epochs=60, lr=1e-2),
    lambda X, Y, k: learn_kernel(X, Y, k, num_epochs=100, lr=1e-2, update_bias=True),
    lambda X, Y, k: learn_kernel(X, Y, k).reshape(k).asnumpy(),
    lambda X, Y, k: learn_kernel(X, Y, k).asnumpy().tolist(),
    least_squares_kernel,
], ids=["slower", "with-bias", "numpy-2d", "list", "least-squares"])
def test_other_ways_of_learning_pass(variant):
    mx.random.seed(0)
    assert ex.check_learned_kernel(variant).ok is True


def test_returning_the_weight_parameter_passes():
    def learn_parameter(X, Y, kernel_size):
        conv2d = nn.Conv2D(1, kernel_size=kernel_size, in_channels=1)
        conv2d.initialize()
        conv2d.weight.set_data(nd.array(least_squares_kernel(X, Y, kernel_size)).reshape((1, 1) + kernel_size))
        return conv2d.weight
    assert ex.check_learned_kernel(learn_parameter).ok is True


def test_the_exercises_own_kernel_typed_in_fails():
    for typed in [lambda X, Y, k: nd.array([[[[1], [-1]]]]), lambda X, Y, k: [[1], [-1]],
                  lambda X, Y, k: np.array([[1.0], [-1.0]])]:
        result = ex.check_learned_kernel(typed)
        assert_rejects_learned(result)
        assert "shape" in result.message


def test_a_constant_of_the_right_shape_fails():
    """Right shape every time, but the same numbers whatever the data: caught even without a distance."""
    result = ex.check_learned_kernel(lambda X, Y, k: np.ones(k))
    assert_rejects_learned(result)
    result = ex.check_learned_kernel(lambda X, Y, k: np.zeros((1, 1) + k) + 0.5)
    assert_rejects_learned(result)


def test_a_function_that_ignores_the_data_fails():
    """It returns the kernel of the first example of each shape it met, then reuses it."""
    memory = {}

    def remembers(X, Y, kernel_size):
        if kernel_size not in memory:
            memory[kernel_size] = least_squares_kernel(X, Y, kernel_size)
        return memory[kernel_size]
    result = ex.check_learned_kernel(remembers)
    assert_rejects_learned(result)
    assert "same kernel for two different examples" in result.message


def test_too_little_training_fails_and_says_so():
    undertrained = lambda X, Y, k: learn_kernel(X, Y, k, num_epochs=3, lr=1e-2)  # noqa: E731
    result = ex.check_learned_kernel(undertrained)
    assert_rejects_learned(result)
    assert "far from the one that made Y" in result.message and "%" in result.message


def test_weights_that_never_move_are_named_whatever_the_random_start():
    """A loop that never updates the weight (or with a tiny learning rate) returns its random start, whose output
    is sometimes further from Y than zeros: it must hear that the weights barely moved, never "diverge"."""
    never_updates = lambda X, Y, k: learn_kernel(X, Y, k, num_epochs=0)  # noqa: E731
    tiny_steps = lambda X, Y, k: learn_kernel(X, Y, k, lr=1e-5)  # noqa: E731
    for seed in range(20):
        for function in (never_updates, tiny_steps) if seed < 3 else (never_updates,):
            mx.random.seed(seed)
            result = ex.check_learned_kernel(function)
            assert_rejects_learned(result)
            assert "barely moved" in result.message and "diverge" not in result.text, (seed, result.text)
    state = np.random.get_state()
    ex.check_learned_kernel(never_updates)
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state()[1:], state[1:]))  # numpy's state kept


@pytest.mark.parametrize("num_epochs, lr", [(200, 0.5), (15, 0.08)], ids=["overflows", "growing"])
def test_divergence_is_reported(num_epochs, lr):
    result = ex.check_learned_kernel(lambda X, Y, k: learn_kernel(X, Y, k, num_epochs=num_epochs, lr=lr))
    assert_rejects_learned(result)
    assert "diverge" in result.message and "smaller learning rate" in result.message


def raises(X, Y, kernel_size):
    raise RuntimeError("first line\n  second line")


@pytest.mark.parametrize("answer, words", [
    (raises, "raised RuntimeError (first line)"),
    (lambda X, Y, k: 1 / 0, "raised ZeroDivisionError"),
    (lambda X, Y, k: None, "returned None"),
    (lambda X, Y: None, "raised TypeError"),
    (lambda X, Y, k: nn.Conv2D(1, kernel_size=k), "returned the layer itself"),
    (lambda X, Y, k: nn.Conv2D(1, kernel_size=k, in_channels=1).weight, "holds no values"),
    (lambda X, Y, k: "[[1], [-1]]", "not the layer's weight"),
    (lambda X, Y, k: {"weight": 1}, "not the layer's weight"),
    (lambda X, Y, k: np.full(k, np.nan), "diverged"),
    (lambda X, Y, k: np.ones((1, 2, 3)), "shape (1, 2, 3)"),
    (lambda X, Y, k: 10 ** 400, "not the layer's weight"),
], ids=["raises", "zero-division", "none", "wrong-signature", "layer", "uninitialized", "text", "dict", "nan",
        "shape", "huge-int"])
def test_hostile_functions_get_one_line_and_never_raise(answer, words):
    result = ex.check_learned_kernel(answer)
    assert_rejects_learned(result)
    assert words in result.message
    assert "second line" not in result.text and "Traceback" not in result.text


def test_an_answer_that_is_not_a_function():
    weight = learn_kernel(nd.ones((1, 1, 6, 8)), nd.zeros((1, 1, 5, 8)), (2, 1))
    for answer in [weight, [[1], [-1]], "learn_kernel"]:
        result = ex.check_learned_kernel(answer)
        assert_rejects_learned(result)
        assert "expected your function learn_kernel" in result.message
    assert ex.check_learned_kernel(None).ok is None


def test_the_learners_function_cannot_change_the_hidden_examples():
    def vandal(X, Y, kernel_size):
        X[:] = 0
        Y[:] = 0
        return np.zeros(kernel_size)
    assert ex.check_learned_kernel(vandal).ok is False
    mx.random.seed(0)
    assert ex.check_learned_kernel(learn_kernel).ok is True
