"""Receptive fields against real Gluon stacks, brute force and hand-worked numbers."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("mxnet")  # torch layers: tests/test_receptive_torch.py
from mxnet import init, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils.receptive import (Layer, ReceptiveField, as_layer, receptive_field, receptive_fields,  # noqa: E402
                                receptive_region, stack_shapes)

CONV3 = {"kind": "conv", "kernel_size": 3}


def test_two_3x3_convolutions_see_what_one_5x5_sees():
    assert receptive_field([CONV3, CONV3]) == receptive_field([{"kind": "conv", "kernel_size": 5}])
    assert receptive_field([CONV3, CONV3]).size == (5, 5)


def test_hand_worked_lenet_like_stack():
    layers = [{"kind": "conv", "kernel_size": 5, "padding": 2}, {"kind": "pool", "kernel_size": 2},
              {"kind": "conv", "kernel_size": 5}, {"kind": "pool", "kernel_size": 2}]
    assert stack_shapes(28, layers) == [(28, 28), (14, 14), (10, 10), (5, 5)]
    sizes = [f.size[0] for f in receptive_fields(layers)]
    jumps = [f.jump[0] for f in receptive_fields(layers)]
    assert sizes == [5, 6, 14, 16] and jumps == [1, 2, 2, 4]
    assert receptive_field(layers).start == (-2, -2)


def test_dilation_leaves_holes():
    rows, cols = receptive_region((7, 7), [{"kind": "conv", "kernel_size": 3, "dilation": (2, 1)}], (0, 1))
    assert rows == (0, 2, 4) and cols == (1, 2, 3)


def test_gluon_layers_are_read_as_layers():
    assert as_layer(nn.MaxPool2D(3, padding=1)) == as_layer({"kind": "pool", "kernel_size": 3, "padding": 1})
    assert as_layer(nn.Conv2D(4, (3, 5), strides=2, dilation=(1, 2))) == \
        as_layer({"kind": "conv", "kernel_size": (3, 5), "stride": 2, "dilation": (1, 2)})


def gluon_lesson_net():
    """Lesson 10's network in Gluon: the activations inside the convolutions, then two dense layers."""
    net = nn.Sequential()
    net.add(nn.Conv2D(16, 3, padding=1, activation="relu"), nn.MaxPool2D(2),
            nn.Conv2D(32, 3, padding=1, activation="relu"), nn.MaxPool2D(2),
            nn.Dense(64, activation="relu"), nn.Dense(10))
    return net


def test_gluon_elementwise_layers_change_no_field():
    act = Layer("act", (1, 1), (1, 1), (0, 0), (1, 1))
    assert as_layer(nn.Activation("relu")) == as_layer(nn.LeakyReLU(0.1)) == as_layer(nn.Dropout(0.5)) == act
    with_acts = [nn.Conv2D(4, 3), nn.Activation("relu"), nn.MaxPool2D(2), nn.Dropout(0.5), nn.Conv2D(4, 3)]
    without = [layer for layer in with_acts if not isinstance(layer, (nn.Activation, nn.Dropout))]
    assert receptive_field(with_acts) == receptive_field(without) == ReceptiveField((8, 8), (2, 2), (0, 0))
    assert receptive_region((12, 12), with_acts, (1, 0)) == receptive_region((12, 12), without, (1, 0))


def test_a_gluon_network_with_its_dense_end_is_told_which_slice_to_pass():
    with pytest.raises(ValueError) as err:
        receptive_fields(gluon_lesson_net())
    assert str(err.value) == ("receptive_fields: layers[4] is a Gluon Dense layer; a receptive field is computed "
                              "through Conv2D, MaxPool2D, AvgPool2D and activation layers (everything after it "
                              "depends on the whole input: pass only the layers before it, net[:4])")
    # the slice it names: the lesson's 10 x 10 field (hand-worked: 3, 4, 8, 10 rows; jumps 1, 2, 2, 4)
    assert receptive_field(gluon_lesson_net()[:4]) == ReceptiveField((10, 10), (4, 4), (-3, -3))


layer_st = st.fixed_dictionaries({
    "kind": st.sampled_from(["conv", "pool"]), "kernel_size": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)), "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
    "dilation": st.tuples(st.integers(1, 3), st.integers(1, 3))})


def _fix(layer):
    """Pooling layers have no dilation and padding smaller than the kernel."""
    if layer["kind"] == "pool":
        layer = dict(layer, dilation=(1, 1),
                     padding=tuple(min(p, k - 1) for p, k in zip(layer["padding"], layer["kernel_size"])))
    return layer


def _gluon(layers):
    net = nn.Sequential()
    for l in layers:
        if l["kind"] == "conv":
            net.add(nn.Conv2D(1, l["kernel_size"], strides=l["stride"], padding=l["padding"],
                              dilation=l["dilation"], use_bias=False, in_channels=1))
        else:
            net.add(nn.MaxPool2D(l["kernel_size"], strides=l["stride"], padding=l["padding"]))
    net.initialize(init.Uniform(1.0))
    for p in net.collect_params().values():  # positive weights: no change can cancel out
        p.set_data(nd.abs(p.data()) + 0.5)
    return net


def _brute_force(net, shape, position):
    """The input cells whose change alters output ``position`` of ``net``."""
    X = nd.array(np.random.default_rng(0).random((1, 1) + shape))
    Y = net(X).asnumpy()[0, 0]
    changed = set()
    for r in range(shape[0]):
        for c in range(shape[1]):
            Xp = X.copy()
            Xp[0, 0, r, c] += 100.0  # large and positive: it also wins every max it enters
            if net(Xp).asnumpy()[0, 0][position] != Y[position]:
                changed.add((r, c))
    return changed


@pytest.mark.parametrize("layers, position", [
    ([{"kind": "conv", "kernel_size": 2, "dilation": 2}, {"kind": "conv", "kernel_size": 3}], (0, 1)),
    ([{"kind": "conv", "kernel_size": 3, "dilation": 3, "padding": 2}, {"kind": "pool", "kernel_size": 3,
      "stride": 1}], (1, 0)),
    ([{"kind": "conv", "kernel_size": 1, "padding": 3}, {"kind": "conv", "kernel_size": 3, "dilation": 2}], (0, 2)),
])
def test_both_ways_of_covering_match_brute_force(layers, position):
    layers = [dict({"stride": 1 if l["kind"] == "conv" else l["kernel_size"], "padding": 0, "dilation": 1}, **l)
              for l in layers]
    rows, cols = receptive_region((9, 9), layers, position)
    assert _brute_force(_gluon(layers), (9, 9), position) == {(r, c) for r in rows for c in cols}


@settings(max_examples=30, deadline=None)
@given(H=st.integers(1, 12), W=st.integers(1, 12), layers=st.lists(layer_st.map(_fix), min_size=1, max_size=3),
       data=st.data())
def test_shapes_and_regions_match_gluon_and_brute_force(H, W, layers, data):
    try:
        shapes = stack_shapes((H, W), layers)
    except ValueError:
        net = _gluon(layers)
        with pytest.raises(Exception):  # MXNet refuses the same stack
            net(nd.zeros((1, 1, H, W))).wait_to_read()
        return
    net = _gluon(layers)
    i = data.draw(st.integers(0, shapes[-1][0] - 1))
    j = data.draw(st.integers(0, shapes[-1][1] - 1))
    rows, cols = receptive_region((H, W), layers, (i, j))
    assert _brute_force(net, (H, W), (i, j)) == {(r, c) for r in rows for c in cols}
    field = receptive_field(layers)
    for a, (idx, pos) in enumerate(((rows, i), (cols, j))):
        lo = field.start[a] + pos * field.jump[a]
        assert all(lo <= r < lo + field.size[a] for r in idx)


@pytest.mark.parametrize("args, word", [
    (((8, 8), [], (0, 0)), "1 to 16 layers"),
    (((8, 8), [CONV3] * 17, (0, 0)), "1 to 16 layers"),
    (((8, 8), CONV3, (0, 0)), "must be a list"),
    (((8, 8), [{"kind": "dense", "kernel_size": 3}], (0, 0)), "'conv' or 'pool'"),
    (((8, 8), [{"kind": "conv"}], (0, 0)), "needs a kernel_size"),
    (((8, 8), [{"kind": "conv", "kernel_size": 3, "strides": 2}], (0, 0)), "unknown key"),
    (((8, 8), [{"kind": "pool", "kernel_size": 2, "dilation": 2}], (0, 0)), "no dilation"),
    (((8, 8), [{"kind": "pool", "kernel_size": 2, "padding": 2}], (0, 0)), "smaller than its kernel_size"),
    (((8, 8), [CONV3, {"kind": "conv", "kernel_size": 7}], (0, 0)), r"layers\[1\] does not fit"),
    (((8, 8), [CONV3], (6, 0)), "outside the output"),
    (((8, 8), [CONV3], 3), "position must be"),
    (((10 ** 9, 8), [CONV3], (0, 0)), "input_shape must be at most"),
    (((8, 8), [{"kind": "conv", "kernel_size": 3, "padding": 10 ** 9}], (0, 0)), "padding'] must be at most"),
    (((8, 8), [{"kind": "conv", "kernel_size": 1, "padding": 4000}], (0, 0)), "would output shape"),
    (((8, 8), [{"kind": "conv", "kernel_size": 2.5}], (0, 0)), "kernel_size"),
    # Gluon layers a receptive field does not pass through
    (((8, 8), [nn.Flatten()], (0, 0)), re.escape(
        "layers[0] is a Gluon Flatten layer; a receptive field is computed through Conv2D, MaxPool2D, AvgPool2D "
        "and activation layers (everything after it depends on the whole input)")),
    (((8, 8), [nn.GlobalMaxPool2D()], (0, 0)), re.escape("layers[0] is a Gluon GlobalMaxPool2D layer")),
    (((8, 8), [nn.GlobalAvgPool2D()], (0, 0)), "depends on the whole input"),
    (((8, 8), [nn.BatchNorm()], (0, 0)), "layers\\[0\\] is a Gluon BatchNorm layer; a receptive field is computed "
                                         "through Conv2D"),
])
def test_bad_input_is_refused_in_one_line(args, word):
    with pytest.raises(ValueError, match=word) as err:
        receptive_region(*args)
    assert "\n" not in str(err.value) and str(err.value).startswith("receptive_region: ")


def test_large_kernels_answer_at_once():
    # a window as wide as a 4096-wide input with 4000 padding: few windows, many taps
    layers = [{"kind": "conv", "kernel_size": (1, 12000), "padding": (0, 4000)}]
    rows, cols = receptive_region((1, 4096), layers, (0, 0))
    assert rows == (0,) and cols == tuple(range(4096))
