"""d2lutils.receptive with torch layers: Conv2d/MaxPool2d/AvgPool2d read as layer dicts, activations passed
through, a torch Sequential as a stack, shapes and regions against torch itself and brute force, refusals."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from d2lutils.receptive import Layer, as_layer, receptive_fields, receptive_region, stack_shapes  # noqa: E402


def test_torch_layers_are_read_as_layers():
    assert as_layer(nn.MaxPool2d(3, padding=1)) == as_layer({"kind": "pool", "kernel_size": 3, "padding": 1})
    assert as_layer(nn.AvgPool2d(2, stride=1)) == as_layer({"kind": "pool", "kernel_size": 2, "stride": 1})
    assert as_layer(nn.Conv2d(1, 4, (3, 5), stride=2, dilation=(1, 2))) == \
        as_layer({"kind": "conv", "kernel_size": (3, 5), "stride": 2, "dilation": (1, 2)})
    assert as_layer(nn.Conv2d(2, 4, 5, padding="same")).padding == (2, 2)
    assert as_layer(nn.Conv2d(2, 4, 3, padding="same", dilation=2)).padding == (2, 2)
    assert as_layer(nn.Conv2d(2, 4, 3, padding="valid")).padding == (0, 0)
    assert as_layer(nn.ReLU()) == Layer("act", (1, 1), (1, 1), (0, 0), (1, 1)) == as_layer(nn.Sigmoid())


def lesson_net():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def test_a_torch_sequential_is_a_stack():
    net = lesson_net()
    fields = receptive_fields(net[:6])
    assert [f.size[0] for f in fields] == [3, 3, 4, 8, 8, 10] and fields[-1].jump == (4, 4)
    assert receptive_fields(net[:6]) == receptive_fields(list(net)[:6])
    with torch.no_grad():
        shapes = [tuple(net[:i + 1](torch.zeros(1, 1, 8, 8)).shape[2:]) for i in range(6)]
    assert stack_shapes((8, 8), net[:6]) == shapes
    assert receptive_region((8, 8), net[:6], (1, 1)) == (tuple(range(1, 8)), tuple(range(1, 8)))


def _brute_force(net, shape, position):
    """The input cells whose change alters output ``position`` of ``net`` (positive weights, no bias)."""
    X = torch.tensor(np.random.default_rng(0).random((1, 1) + shape), dtype=torch.float32)
    with torch.no_grad():
        Y = net(X)[0, 0]
        changed = set()
        for r in range(shape[0]):
            for c in range(shape[1]):
                Xp = X.clone()
                Xp[0, 0, r, c] += 100.0
                if net(Xp)[0, 0][position] != Y[position]:
                    changed.add((r, c))
    return changed


@pytest.mark.parametrize("layers, shape, position", [
    ([nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3, bias=False)],
     (12, 12), (1, 2)),
    ([nn.Conv2d(1, 1, (2, 3), stride=(2, 1), dilation=(1, 2), padding=(1, 0), bias=False), nn.ReLU(),
      nn.AvgPool2d(3, stride=1, padding=1), nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1))], (11, 13), (2, 3)),
    ([nn.Conv2d(1, 1, 5, padding="same", bias=False), nn.MaxPool2d(3, stride=2),
      nn.Conv2d(1, 1, 3, dilation=2, bias=False)], (16, 16), (2, 1)),
])
def test_regions_match_torch_by_brute_force(layers, shape, position):
    net = nn.Sequential(*layers)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(p.abs() + 0.5)
        out = tuple(net(torch.zeros((1, 1) + shape)).shape[2:])
    assert stack_shapes(shape, net)[-1] == out
    rows, cols = receptive_region(shape, net, position)
    assert _brute_force(net, shape, position) == {(r, c) for r in rows for c in cols}


def test_a_network_with_its_dense_end_is_told_which_slice_to_pass():
    with pytest.raises(ValueError) as err:
        receptive_fields(lesson_net())
    assert str(err.value) == ("receptive_fields: layers[6] is a torch Flatten layer; a receptive field is computed "
                              "through Conv2d, MaxPool2d, AvgPool2d and activation layers (everything after it "
                              "depends on the whole input: pass only the layers before it, net[:6])")
    receptive_fields(lesson_net()[:6])  # the slice it names is accepted


@pytest.mark.parametrize("layer, words", [
    (nn.Flatten(), "layers[0] is a torch Flatten layer"),
    (nn.Linear(4, 2), "layers[0] is a torch Linear layer; a receptive field is computed through Conv2d, MaxPool2d, "
                      "AvgPool2d and activation layers (everything after it depends on the whole input)"),
    (nn.AdaptiveAvgPool2d((1, 1)), "AdaptiveAvgPool2d"),
    (nn.BatchNorm2d(3), "layers[0] is a torch BatchNorm2d layer"),
    (nn.Conv2d(1, 1, 4, padding="same"), "padding='same' with an even kernel"),
    (nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular"), "padding_mode='circular'"),
    (nn.MaxPool2d(2, ceil_mode=True), "ceil_mode=True"),
    (nn.AvgPool2d(2, ceil_mode=True), "ceil_mode=True"),
    (nn.MaxPool2d(2, dilation=2), "dilation"),
    (nn.MaxPool2d(2, padding=2), "smaller than its kernel_size"),
])
def test_unsupported_torch_layers_are_refused_in_one_line(layer, words):
    with pytest.raises(ValueError) as err:
        receptive_fields([layer])
    assert words in str(err.value) and str(err.value).startswith("receptive_fields: ")
    assert "\n" not in str(err.value)
