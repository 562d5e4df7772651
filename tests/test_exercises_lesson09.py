"""Lesson 9 checkers: accept the answers Gluon and brute force give, reject wrong ones without revealing them.

The receptive fields are found independently of d2lutils.receptive: a Gluon stack with all-ones weights is
run on an input that is zero except for one cell, and the output cells that change are the cells whose
receptive field holds that input cell.
"""
import numpy as np
import pytest
from mxnet import init, nd
from mxnet.gluon import nn

from d2lutils.exercises import lesson09 as ex
from reference import assert_rejects


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


def gluon_param_count(first_channels, second_inputs=None):
    """Build the lesson's network with Gluon, run it on one 8 x 8 digit and count its parameters."""
    net = nn.Sequential()
    net.add(nn.Conv2D(first_channels, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(2),
            nn.Conv2D(32, kernel_size=3, padding=1, activation="relu", in_channels=second_inputs or 0),
            nn.MaxPool2D(2), nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize()
    if second_inputs is None:
        net(nd.zeros((1, 1, 8, 8)))
    else:  # count a layer as if its input had second_inputs channels (a slip): shapes by hand
        net[0](nd.zeros((1, 1, 8, 8)))
        net[4](nd.zeros((1, 32, 2, 2)))
        net[5](nd.zeros((1, 64)))
    return sum(p.data().size for p in net.collect_params().values())


def test_param_count():
    first = ex.PARAM_TASK["first_channels"]
    expected = gluon_param_count(first)
    assert ex.check_param_count(expected).ok is True
    assert ex.check_param_count(float(expected)).ok is True
    lesson = gluon_param_count(16)
    only_first = gluon_param_count(first, second_inputs=16)
    weights_only = expected - (first + 32 + 64 + 10)
    for value, words in [(lesson, "count of the lesson's network"), (only_first, "changes only the first"),
                         (weights_only, "leaves out the biases")]:
        result = ex.check_param_count(value)
        assert_rejects(result, expected)
        assert words in result.message
    for wrong in [expected + 1, expected * 2, "11322", [expected], 10 ** 400, True]:
        assert_rejects(ex.check_param_count(wrong), expected)
    assert ex.check_param_count(None).ok is None
