"""Lesson 10 checkers with the PyTorch edition's answers: the parameter counts and the numbers reaching the first
dense layer come from torch itself (the lesson's network built and run), answers given as Python numbers from
torch (numel) or as torch tensors, and shift functions that return tensors."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from d2lutils.exercises import lesson10 as ex  # noqa: E402
from reference import assert_rejects  # noqa: E402


def lenet(first_channels=16, second_inputs=None):
    """The lesson's torch network; ``second_inputs`` gives the second convolution other input channels (a slip)."""
    return nn.Sequential(nn.Conv2d(1, first_channels, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(second_inputs or first_channels, 32, kernel_size=3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))


def torch_param_count(first_channels, second_inputs=None):
    return sum(p.numel() for p in lenet(first_channels, second_inputs).parameters())


def test_param_count_from_torch():
    first = ex.PARAM_TASK["first_channels"]
    expected = torch_param_count(first)
    net = lenet(first)
    with torch.no_grad():
        assert net(torch.zeros((1, 1, 8, 8))).shape == (1, 10)
    for form in [expected, torch.tensor(expected), torch.tensor([expected]), torch.tensor(float(expected))]:
        assert ex.check_param_count(form).ok is True
    for value, words in [(torch_param_count(16), "count of the lesson's network"),
                         (torch_param_count(first, second_inputs=16), "changes only the first"),
                         (expected - (first + 32 + 64 + 10), "leaves out the biases")]:
        result = ex.check_param_count(torch.tensor(value))
        assert_rejects(result, expected)
        assert words in result.message
    assert_rejects(ex.check_param_count(torch.tensor(expected + 1)), expected)


def torch_dense_inputs(side, layers=7):
    """How many numbers the lesson's torch network hands its first Linear layer for a side x side image
    (``layers=7``: up to and with nn.Flatten); ``layers=5``: as if the second pooling were left out."""
    with torch.no_grad():
        return int(lenet()[:layers](torch.zeros((1, 1, side, side)))[0].numel())


def test_dense_inputs_from_torch():
    side = ex.DENSE_INPUT_TASK["side"]
    expected = torch_dense_inputs(side)
    with torch.no_grad():
        features = lenet()[:6](torch.zeros((1, 1, side, side)))
    assert expected == features.numel() == lenet()[:7](torch.zeros((1, 1, side, side))).shape[1]
    for form in [expected, torch.tensor(expected), features[0].numel(), torch.tensor([expected])]:
        assert ex.check_dense_inputs(form).ok is True
    for value, words in [(torch_dense_inputs(8), "8 x 8 digits"), (torch_dense_inputs(side, layers=5),
                                                                    "leaves out a pooling")]:
        result = ex.check_dense_inputs(torch.tensor(value))
        assert_rejects(result, expected)
        assert words in result.message, result.text
    assert_rejects(ex.check_dense_inputs(torch.tensor(expected + 1)), expected)


def torch_shift(X, dy, dx):
    """A PyTorch learner's right answer: slices of a tensor of zeros, returned as a tensor."""
    X = torch.as_tensor(X)
    H, W = X.shape
    Y = torch.zeros_like(X)
    if abs(dy) >= H or abs(dx) >= W:
        return Y
    Y[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = X[max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return Y


def test_shift_accepts_functions_returning_tensors():
    for function in [torch_shift, lambda X, dy, dx: torch_shift(X, dy, dx).float(),
                     lambda X, dy, dx: torch_shift(X, dy, dx).requires_grad_()]:
        result = ex.check_shift(function)
        assert result.ok is True, result.text


@pytest.mark.parametrize("function, words", [
    (lambda X, dy, dx: torch.roll(torch.as_tensor(X), (dy, dx), dims=(0, 1)), "np.roll"),
    (lambda X, dy, dx: torch_shift(X, -dy, -dx), "the wrong way"),
    (lambda X, dy, dx: torch_shift(X, dx, dy) if abs(dx) < X.shape[0] and abs(dy) < X.shape[1] else None, ""),
])
def test_shift_names_the_mistakes_of_tensor_answers(function, words):
    result = ex.check_shift(function)
    assert result.ok is False and result.hint and words in result.message, result.text
