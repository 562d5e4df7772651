"""Lesson 9 checkers: accept the answers Gluon and brute force give, reject wrong ones without revealing them.

The receptive fields are found independently of d2lutils.receptive: a Gluon stack with all-ones weights is
run on an input that is zero except for one cell, and the output cells that change are the cells whose
receptive field holds that input cell.
"""
import numpy as np
import pytest

pytest.importorskip("mxnet")  # the PyTorch edition's answers: tests/test_exercises_lesson09_torch.py
from mxnet import init, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils.exercises import lesson09 as ex  # noqa: E402
from reference import assert_rejects, mx_conv  # noqa: E402


def brute_force_size(layers):
    """Receptive field size (rows) of output cell (0, 0) of a stack of (kind, kernel, stride) layers,
    found by perturbing one input cell at a time: one batch holds every perturbed input."""
    net = nn.Sequential()
    for kind, k, s in layers:
        if kind == "conv":
            net.add(nn.Conv2D(1, kernel_size=k, strides=s, use_bias=False, in_channels=1,
                              weight_initializer=init.One()))
        else:
            net.add(nn.MaxPool2D(k, strides=s))
    net.initialize()
    side = 1
    for kind, k, s in reversed(layers):  # an input just large enough for one output cell and its field
        side = (side - 1) * s + k
    side += 2
    X = nd.array(np.eye(side * side, dtype=np.float32).reshape(side * side, 1, side, side))
    changed = net(X)[:, 0, 0, 0].asnumpy() > 0  # input cell -> does output cell (0, 0) change?
    rows = np.flatnonzero(changed.reshape(side, side).any(axis=1))
    return int(rows.max() - rows.min() + 1)


def as_pairs(layers):
    return [(k, s) for _, k, s in layers]


def task_layers():
    return [(l["kind"], l["kernel_size"], l.get("stride", l["kernel_size"] if l["kind"] == "pool" else 1))
            for l in ex.RF_TASK]


def reference_receptive_field_size(layers):
    """A learner's right answer, written independently: the formula, size first, then the jump."""
    size, jump = 1, 1
    for k, s in layers:
        size += (k - 1) * jump
        jump *= s
    return size


def test_brute_force_agrees_with_the_formula_on_every_case():
    for layers in ex.SIZE_CASES:
        stack = [("conv", k, s) for k, s in layers]
        assert brute_force_size(stack) == reference_receptive_field_size(layers), layers


def test_receptive_field():
    expected = brute_force_size(task_layers())
    assert expected == reference_receptive_field_size(as_pairs(task_layers()))
    for form in [expected, float(expected), np.int64(expected), nd.array([expected])]:
        assert ex.check_receptive_field(form).ok is True
    pairs = as_pairs(task_layers())
    slips = {1 + sum(k - 1 for k, _ in pairs): "as if every stride were 1",
             sum(k for k, _ in pairs): "adds up the kernel sizes"}
    for value, words in slips.items():
        result = ex.check_receptive_field(value)
        assert_rejects(result, expected)
        assert words in result.message
    for wrong in [expected - 1, expected + 1, (expected, expected), "twenty", 10 ** 400, float("nan"), -1]:
        assert_rejects(ex.check_receptive_field(wrong), expected)
    assert ex.check_receptive_field(None).ok is None


def test_receptive_field_size_accepts_right_functions():
    assert ex.check_receptive_field_size(reference_receptive_field_size).ok is True
    assert ex.check_receptive_field_size(lambda layers: np.int64(reference_receptive_field_size(layers))).ok
    assert ex.check_receptive_field_size(lambda layers: float(reference_receptive_field_size(layers))).ok
    assert ex.check_receptive_field_size(lambda layers: brute_force_size([("conv", k, s) for k, s in layers])).ok


def no_jump(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def jump_too_early(layers):
    size, jump = 1, 1
    for k, s in layers:
        jump *= s
        size += (k - 1) * jump
    return size


@pytest.mark.parametrize("function, words", [
    (no_jump, "as if every stride were 1"),
    (jump_too_early, "not including its own stride"),
    (lambda layers: sum(k for k, _ in layers), "too"),
    (lambda layers: 5, "too"),
    (lambda layers: reference_receptive_field_size(layers) + 1, "too large"),
    (lambda layers: (reference_receptive_field_size(layers),) * 2, "one number"),
    (lambda layers: str(reference_receptive_field_size(layers)), "whole number"),
    (lambda layers: reference_receptive_field_size(layers) + 0.5, "whole number"),
    (lambda layers: 10 ** 400, "whole number"),
    (lambda layers: None, "returned None"),
    (lambda layers: layers[5], "raised IndexError"),
    (lambda: 3, "raised TypeError"),
    (lambda layers: nd.ones((3, 3)), "one number"),
], ids=["no-jump", "jump-too-early", "kernel-sum", "constant", "off-by-one", "pair", "text", "fraction",
        "huge", "none", "raises", "signature", "ndarray"])
def test_receptive_field_size_rejects_wrong_functions(function, words):
    result = ex.check_receptive_field_size(function)
    assert result.ok is False and result.hint
    assert words in result.message
    assert "\n" not in result.text and "Traceback" not in result.text
    expected_task = reference_receptive_field_size(as_pairs(task_layers()))
    assert f" {expected_task}" not in result.text  # never exercise 1's answer


def test_receptive_field_size_gets_fresh_lists():
    def vandal(layers):
        layers.clear()
        return 1
    assert ex.check_receptive_field_size(vandal).ok is False
    assert all(ex.SIZE_CASES)
    assert ex.check_receptive_field_size(reference_receptive_field_size).ok is True


def test_receptive_field_size_not_a_function():
    for answer in [20, "receptive_field_size", [(3, 1)]]:
        result = ex.check_receptive_field_size(answer)
        assert result.ok is False and "expected your function" in result.message
    assert ex.check_receptive_field_size(None).ok is None


def stacked_kernel_by_mxnet(K1, K2):
    """The one kernel of two stacked cross-correlations, found with MXNet's own operator: output (0, 0) of the stack
    on an input that is 1 at (u, v) and 0 elsewhere is the weight K[u, v] of input cell (u, v)."""
    K1, K2 = np.asarray(K1, dtype=float), np.asarray(K2, dtype=float)
    h, w = K1.shape[0] + K2.shape[0] - 1, K1.shape[1] + K2.shape[1] - 1
    K = np.zeros((h, w))
    for u in range(h):
        for v in range(w):
            X = np.zeros((1, h, w))
            X[0, u, v] = 1
            K[u, v] = mx_conv(mx_conv(X, K1[None, None]), K2[None, None])[0, 0, 0]
    return K


def test_combined_kernel_by_mxnet_is_one_layer():
    K1, K2 = ex.COMBINE_TASK["K1"], ex.COMBINE_TASK["K2"]
    K = stacked_kernel_by_mxnet(K1, K2)
    X = np.random.default_rng(9).standard_normal((1, 7, 6))
    np.testing.assert_allclose(mx_conv(X, K[None, None]), mx_conv(mx_conv(X, np.array(K1, float)[None, None]),
                                                                    np.array(K2, float)[None, None]), atol=1e-9)


def test_combined_kernel():
    K1, K2 = np.array(ex.COMBINE_TASK["K1"], float), np.array(ex.COMBINE_TASK["K2"], float)
    expected = stacked_kernel_by_mxnet(K1, K2)
    for form in [expected.tolist(), expected, expected.astype(int).tolist(), nd.array(expected),
                 nd.array(expected[None, None])]:
        assert ex.check_combined_kernel(form).ok is True
    slips = [(K1 * K2, "entry by entry"), (K1 @ K2, "entry by entry"),
             (stacked_kernel_by_mxnet(K1, K2[::-1, ::-1]), "turned around (a cross-correlation"),
             (stacked_kernel_by_mxnet(K1[::-1, ::-1], K2), "turned around (a cross-correlation"),
             (expected[::-1, ::-1], "180 degrees")]
    for slip, words in slips:
        assert not np.array_equal(slip, expected)
        result = ex.check_combined_kernel(slip.tolist())
        assert result.ok is False and result.hint and words in result.message, result.text
        assert str(expected.astype(int).tolist()) not in result.text
    for wrong in [expected + 1, expected.T, expected[:2], expected[None].repeat(2, axis=0), "[[1, 2, 0]]",
                  [[1, 2], [3]], np.full((3, 3), np.nan), 5, True, nd.ones((300, 300))]:
        result = ex.check_combined_kernel(wrong)
        assert result.ok is False and result.hint, wrong
        assert str(expected.astype(int).tolist()) not in result.text and "[[ 1.  2.  0.]" not in result.text
    assert ex.check_combined_kernel(None).ok is None
