"""Lesson 9 checkers with the PyTorch edition's answers: receptive fields found by brute force through torch
layers (all-ones weights, one input cell at a time), the combined kernel found with torch's own convolution, and
answers given as torch tensors (any float dtype, with or without grad, with leading axes of size 1)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from d2lutils.exercises import lesson09 as ex  # noqa: E402
from reference import assert_rejects  # noqa: E402


def brute_force_size(layers):
    """Receptive field size (rows) of output cell (0, 0) of a stack of (kind, kernel, stride) torch layers."""
    modules = []
    for kind, k, s in layers:
        modules.append(nn.Conv2d(1, 1, kernel_size=k, stride=s, bias=False) if kind == "conv"
                       else nn.MaxPool2d(k, stride=s))
    net = nn.Sequential(*modules)
    side = 1
    for kind, k, s in reversed(layers):  # an input just large enough for one output cell and its field
        side = (side - 1) * s + k
    side += 2
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(1)
        changed = net(torch.eye(side * side).reshape(side * side, 1, side, side))[:, 0, 0, 0] > 0
    rows = np.flatnonzero(changed.numpy().reshape(side, side).any(axis=1))
    return int(rows.max() - rows.min() + 1)


def task_layers():
    return [(l["kind"], l["kernel_size"], l.get("stride", l["kernel_size"] if l["kind"] == "pool" else 1))
            for l in ex.RF_TASK]


def formula(layers):
    size, jump = 1, 1
    for k, s in layers:
        size += (k - 1) * jump
        jump *= s
    return size


def test_brute_force_through_torch_layers_agrees_with_the_formula():
    for layers in ex.SIZE_CASES:
        assert brute_force_size([("conv", k, s) for k, s in layers]) == formula(layers), layers


def test_receptive_field_accepts_torch_numbers():
    expected = brute_force_size(task_layers())
    for form in [torch.tensor(expected), torch.tensor([expected]), torch.tensor(float(expected), dtype=torch.float64)]:
        assert ex.check_receptive_field(form).ok is True, form
    for wrong in [torch.tensor(expected + 1), torch.tensor([expected, expected]), torch.tensor(float("nan"))]:
        assert_rejects(ex.check_receptive_field(wrong), expected)


def test_receptive_field_size_accepts_functions_returning_tensors():
    assert ex.check_receptive_field_size(lambda layers: torch.tensor(formula(layers))).ok is True
    assert ex.check_receptive_field_size(lambda layers: brute_force_size([("conv", k, s) for k, s in layers])).ok
    result = ex.check_receptive_field_size(lambda layers: torch.ones((3, 3)))
    assert result.ok is False and "one number" in result.message


def stacked_kernel_by_torch(K1, K2):
    """The one kernel of two stacked cross-correlations, found with torch's own conv2d: output (0, 0) of the
    stack on an input that is 1 at (u, v) and 0 elsewhere is the weight K[u, v] of input cell (u, v)."""
    K1 = torch.tensor(np.array(K1, dtype=float))[None, None]
    K2 = torch.tensor(np.array(K2, dtype=float))[None, None]
    h, w = K1.shape[2] + K2.shape[2] - 1, K1.shape[3] + K2.shape[3] - 1
    X = torch.eye(h * w, dtype=torch.float64).reshape(h * w, 1, h, w)
    return F.conv2d(F.conv2d(X, K1), K2)[:, 0, 0, 0].reshape(h, w).numpy()


def test_combined_kernel_by_torch_is_one_layer():
    K1, K2 = (torch.tensor(ex.COMBINE_TASK[k], dtype=torch.float64)[None, None] for k in ("K1", "K2"))
    K = torch.tensor(stacked_kernel_by_torch(ex.COMBINE_TASK["K1"], ex.COMBINE_TASK["K2"]))[None, None]
    X = torch.tensor(np.random.default_rng(9).standard_normal((1, 1, 7, 6)))
    assert torch.allclose(F.conv2d(X, K), F.conv2d(F.conv2d(X, K1), K2), atol=1e-9)


def test_combined_kernel_accepts_torch_tensors():
    K1, K2 = np.array(ex.COMBINE_TASK["K1"], float), np.array(ex.COMBINE_TASK["K2"], float)
    expected = stacked_kernel_by_torch(K1, K2)
    T = torch.tensor(expected)
    for form in [T, T.float(), T[None, None], T.float().requires_grad_(), T.to(torch.float16), T.long()]:
        result = ex.check_combined_kernel(form)
        assert result.ok is True, (form.dtype, result.text)
    for slip, words in [(stacked_kernel_by_torch(K1, K2[::-1, ::-1]), "turned around (a cross-correlation"),
                        (expected[::-1, ::-1].copy(), "180 degrees")]:
        result = ex.check_combined_kernel(torch.tensor(slip))
        assert result.ok is False and result.hint and words in result.message, result.text
    for wrong in [T + 1, T.T, T[:2], torch.full((3, 3), float("nan")), torch.ones((300, 300))]:
        result = ex.check_combined_kernel(wrong)
        assert result.ok is False and result.hint
        assert str(expected.astype(int).tolist()) not in result.text
