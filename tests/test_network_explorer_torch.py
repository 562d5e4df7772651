"""NetworkExplorer with torch networks (lesson 10's PyTorch edition): the reader (read_torch), the explorer's
numpy forward pass and the page's own forward pass (network.js, run in Node) against torch's forward pass,
the weights' layout, receptive fields, and torch networks the explorer refuses in one line."""
import base64
import json
import shutil
import subprocess

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from d2lutils.widgets import NetworkExplorer, _assets  # noqa: E402
from d2lutils.widgets.network import forward, plan, read_torch  # noqa: E402

from network_nets import (ZOO, inputs, shift, torch_layers, torch_lesson_layers, torch_lesson_net,  # noqa: E402
                          torch_zoo_net)

NAMES = ("lesson",) + ZOO


def network(name):
    return torch_lesson_net()[0] if name == "lesson" else torch_zoo_net(name)


def images():
    X, shifts = inputs(torch_lesson_net()[1], count_random=100)
    return np.array([shift(x, *s) for x, s in zip(X, shifts)])  # 560 images: test digits, shifted, random


@pytest.mark.parametrize("name", NAMES)
def test_reader_and_numpy_forward_match_torchs_forward_pass(name):
    net = network(name)
    X = images()[::2]  # 280 images, every kind
    planned = plan(read_torch(net))
    want = torch_layers(net, X)
    assert len(want) == len(planned)
    ours = [forward(planned, x) for x in X]
    for l in range(len(planned)):
        got = np.array([o[l] for o in ours]).reshape(want[l].shape)
        np.testing.assert_allclose(got, want[l], rtol=1e-4, atol=1e-5, err_msg=f"{name}, layer {l}")
    with torch.no_grad():
        scores = net(torch.from_numpy(X)).numpy().reshape(len(X), -1)
    assert np.abs(np.array([o[-1].reshape(-1) for o in ours]) - scores).max() < 1e-4


RUN_PAGE = """
import { readFileSync } from "node:fs";
const { readNetwork, forwardNetwork } = await import(process.argv[2]);
const job = JSON.parse(readFileSync(0, "utf8"));
const net = readNetwork(job.layers, Buffer.from(job.weights, "base64"));
if (net.problem) { console.log(JSON.stringify({ problem: net.problem })); process.exit(0); }
const out = job.images.map((X) => forwardNetwork(net, Float64Array.from(X)).map((y) => Array.from(y)));
console.log(JSON.stringify({ out }));
"""


def page_forward(explorer, X, tmp_path):
    """Every layer's output of the page's own forward pass (network.js in Node) for images X (n, 1, 8, 8)."""
    module = tmp_path / "network.mjs"
    module.write_text(_assets.esm("NetworkExplorer") + "\nexport { readNetwork, forwardNetwork };\n")
    runner = tmp_path / "run.mjs"
    runner.write_text(RUN_PAGE)
    job = {"layers": explorer.layers, "weights": base64.b64encode(explorer.weights).decode(),
           "images": [x.reshape(-1).astype(float).tolist() for x in X]}
    done = subprocess.run(["node", str(runner), module.as_uri()], input=json.dumps(job), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "problem" not in result, result
    return result["out"]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the page's forward pass")
@pytest.mark.parametrize("name", NAMES)
def test_the_pages_forward_pass_matches_torchs(name, tmp_path):
    net = network(name)
    X = images() if name == "lesson" else images()[::4]
    w = NetworkExplorer(net)
    page = page_forward(w, X, tmp_path)
    want = torch_layers(net, X)
    for l in range(len(want)):
        got = np.array([np.array(p[l]) for p in page]).reshape(want[l].shape)
        np.testing.assert_allclose(got, want[l], rtol=1e-4, atol=1e-5, err_msg=f"{name}, layer {l}")
    assert np.abs(np.array([p[-1] for p in page]).reshape(len(X), -1) - want[-1].reshape(len(X), -1)).max() < 1e-4


def test_the_explorer_follows_set_with_a_torch_network():
    net, data = torch_lesson_net()
    w = NetworkExplorer(net)
    assert repr(w) == "NetworkExplorer(net with 10 layers)"
    for k in (0, 5, 17, 101):
        for s in [(0, 0), (0, 1), (-2, 3), (7, -7)]:
            X = data.X_test[k]
            w.set(image=X, shift=s)
            with torch.no_grad():
                want = net(torch.from_numpy(shift(X[None], *s))).numpy()[0]
            assert len(w.scores) == 10 and np.abs(np.array(w.scores) - want).max() < 1e-4
            assert w.prediction == int(np.argmax(w.scores))
    assert [m.shape for m in w.maps()] == [(16, 8, 8), (16, 8, 8), (16, 4, 4), (32, 4, 4), (32, 4, 4), (32, 2, 2),
                                           (128,), (64,), (64,), (10,)]
    assert w.region(5, (1, 0)) == ((1, 2, 3, 4, 5, 6, 7), (0, 1, 2, 3, 4, 5, 6))
    assert w.region(7, (0, 5)) == (tuple(range(8)), tuple(range(8)))
    assert net.training  # reading the network left it in the mode it was in


def test_weights_go_to_the_page_in_torchs_own_layout():
    net, _ = torch_lesson_net()
    w = NetworkExplorer(net)
    W = np.frombuffer(w.weights, dtype="<f4")
    assert W.size == sum(p.numel() for p in net.parameters()) == 13_706
    for L, layer in zip(w.layers, net):
        if L["kind"] in ("conv", "dense"):
            weight = layer.weight.detach().numpy()
            assert L["weight_shape"] == list(weight.shape)
            np.testing.assert_array_equal(W[L["weight"]:L["weight"] + weight.size], weight.ravel())
            np.testing.assert_array_equal(W[L["bias"]:L["bias"] + weight.shape[0]], layer.bias.detach().numpy())
    assert [L["title"] for L in w.layers] == [
        "Conv2d 3×3, padding 1 → 16 maps 8×8", "ReLU → 16 maps 8×8", "MaxPool2d 2×2 → 16 maps 4×4",
        "Conv2d 3×3, padding 1 → 32 maps 4×4", "ReLU → 32 maps 4×4", "MaxPool2d 2×2 → 32 maps 2×2",
        "Flatten → 128 values", "Linear → 64 values", "ReLU → 64 values", "Linear → 10 values"]


@pytest.mark.parametrize("name", ("lesson", "settings", "global max"))
def test_receptive_fields_match_brute_force(name):
    """A cell sees exactly the pixels whose change reaches it, by torch: every weight 1, no bias, no activation."""
    w = NetworkExplorer(network(name))
    probe = nn.Sequential(*[layer for layer in _leaves(network(name))
                            if not isinstance(layer, (nn.ReLU, nn.Sigmoid, nn.Tanh))])
    with torch.no_grad():
        for p in probe.parameters():
            p.fill_(1.0 if p.dim() > 1 else 0.0)
        X = torch.eye(64).reshape(64, 1, 8, 8)
        outs, x = [], X
        for layer in probe:
            x = layer(x)
            outs.append((x - layer_of_zeros(probe, len(outs))).abs() > 0)
    spatial = [l for l, (spec, shape) in enumerate(w._planned) if spec["kind"] != "act"]
    checked = 0
    for k, l in enumerate(spatial):
        shape = w._planned[l][1]
        if len(shape) != 3:
            continue
        for i in range(shape[1]):
            for j in range(shape[2]):
                seen = outs[k][:, :, i, j].any(dim=1).numpy().reshape(8, 8)
                rows, cols = w.region(l, (i, j))
                want = np.zeros((8, 8), dtype=bool)
                want[np.ix_(rows, cols)] = True
                np.testing.assert_array_equal(seen, want, err_msg=f"{name} layer {l} cell {(i, j)}")
                checked += 1
    assert checked >= 19


def _leaves(module):
    for child in module:
        if isinstance(child, nn.Sequential):
            yield from _leaves(child)
        else:
            yield child


def layer_of_zeros(probe, index):
    """Output ``index`` of ``probe`` on a blank image (what an input cell's 1 is compared with)."""
    x = torch.zeros((1, 1, 8, 8))
    for layer in list(probe)[:index + 1]:
        x = layer(x)
    return x


def bad_torch_nets():
    return [
        (lambda: nn.Conv2d(1, 4, 3), "net must be a Gluon nn.Sequential or a torch nn.Sequential"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.Dropout(0.5), nn.Flatten(), nn.LazyLinear(10)),
         "net[1] is a Dropout layer"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.LazyLinear(10)),
         "net[1] is a BatchNorm2d layer"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.GELU(), nn.Flatten(), nn.LazyLinear(10)), "net[1] is a GELU"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.Conv2d(4, 4, 3, groups=2), nn.Flatten(), nn.LazyLinear(10)),
         "net[1] uses groups=2"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding_mode="reflect", padding=1), nn.Flatten(),
                               nn.LazyLinear(10)), "padding_mode='reflect'"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 2, padding="same"), nn.Flatten(), nn.LazyLinear(10)),
         "padding='same' with an even kernel"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(), nn.LazyLinear(10)),
         "net[1] uses ceil_mode=True"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2, dilation=2), nn.Flatten(), nn.LazyLinear(10)),
         "net[1] uses dilation"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.LazyLinear(10)),
         "only global pooling"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.Linear(6, 10)), "net[1] is a Linear layer on feature maps"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(0), nn.LazyLinear(10)), "only nn.Flatten()"),
        (lambda: nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.LazyLinear(10)), "net cannot read a 1x8x8 image"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 9)), "net cannot read a 1x8x8 image"),
        (lambda: nn.Sequential(nn.Conv2d(1, 4, 3)), "net must end with one score per class"),
        (lambda: nn.Sequential(nn.Flatten(), nn.Linear(64, 30)), "net must output 2 to 20 class scores, got 30"),
        (lambda: nn.Sequential(nn.Flatten(), nn.Linear(64, 4000), nn.Linear(4000, 10)), "too large for the page"),
        (lambda: nn.Sequential(*[nn.ReLU() for _ in range(17)], nn.Flatten(), nn.Linear(64, 10)),
         "net must hold 1 to 16 layers"),
    ]


@pytest.mark.parametrize("make, words", bad_torch_nets(), ids=[w for _, w in bad_torch_nets()])
def test_unsupported_torch_networks_are_one_line_errors_naming_net(make, words):
    with pytest.raises(ValueError) as err:
        NetworkExplorer(make())
    message = str(err.value)
    assert message.startswith("NetworkExplorer: ") and "\n" not in message and len(message) < 400
    assert words in message, message


def test_torch_layers_of_the_lesson_are_what_the_reader_expects():
    layers = torch_lesson_layers(nn)
    assert [type(layer).__name__ for layer in layers] == [
        "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"]
