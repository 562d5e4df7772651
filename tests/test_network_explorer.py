"""NetworkExplorer's Python side: the net reader and its numpy forward pass against the network's own
forward pass (MXNet), the receptive fields against brute force, the API, bad input and junk from a page.
The page's forward pass is checked against MXNet in tests/browser/test_network.py."""
import re

import numpy as np
import pytest

pytest.importorskip("mxnet")  # torch networks: tests/test_network_explorer_torch.py
from mxnet import init, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils.widgets import NetworkExplorer, _assets  # noqa: E402
from d2lutils.widgets._base import plain  # noqa: E402
from d2lutils.widgets.network import BAD_IMAGE, BAD_SHIFT, forward, plan, read_gluon, shifted  # noqa: E402

from network_nets import ZOO, inputs, lesson_layers, lesson_net, mxnet_layers, shift, zoo_net  # noqa: E402


@pytest.mark.parametrize("name", ("lesson",) + ZOO)
def test_reader_and_numpy_forward_match_the_networks_own_forward_pass(name):
    net, data = lesson_net() if name == "lesson" else (zoo_net(name), lesson_net()[1])
    X, shifts = inputs(data, count_random=60)
    X = np.array([shift(x, *s) for x, s in zip(X, shifts)])[::3]  # 200 images, every kind
    planned = plan(read_gluon(net))
    want = mxnet_layers(net, X)
    assert len(want) == len(planned)
    ours = [forward(planned, x) for x in X]
    for l in range(len(planned)):
        got = np.array([o[l] for o in ours]).reshape(want[l].shape)
        np.testing.assert_allclose(got, want[l], rtol=1e-4, atol=1e-5, err_msg=f"{name}, layer {l}")
    scores = net(nd.array(X)).asnumpy().reshape(len(X), -1)
    assert np.abs(np.array([o[-1].reshape(-1) for o in ours]) - scores).max() < 1e-4


def test_the_explorer_follows_set_and_says_what_the_network_reads():
    net, data = lesson_net()
    w = NetworkExplorer(net)
    assert w.get_state()["_esm"] == _assets.esm("NetworkExplorer") and "d2l-net-grid" in w.get_state()["_css"]
    first = data.X_test[np.flatnonzero(data.y_test == 0)[0], 0]
    np.testing.assert_array_equal(w.image, first)  # the first preset: a test 0
    assert list(w.presets) == [f"test digit {d}" for d in range(10)]
    for k in (0, 5, 17, 101):
        for s, words in [((0, 0), ""), ((0, 1), " The drawing is shifted 1 column right."),
                         ((-2, 3), " The drawing is shifted 2 rows up and 3 columns right."),
                         ((7, -7), " The drawing is shifted 7 rows down and 7 columns left.")]:
            X = data.X_test[k]
            w.set(image=X, shift=s)
            want = net(nd.array(shift(X[None], *s))).asnumpy()[0]
            assert len(w.scores) == 10 and np.abs(np.array(w.scores) - want).max() < 1e-4
            assert w.prediction == int(np.argmax(w.scores))
            np.testing.assert_array_equal(w.input, shift(X, *s)[0])
            assert w.status.startswith(f"Prediction: {w.prediction}. Cell (0, 0): blank.{words}")
    w.set(shift=(7, 7))
    assert w.status.endswith("The drawing is shifted 7 rows down and 7 columns right. The drawing is empty.")
    w.set(shift=(1, 0), image=np.eye(8))
    assert w.status == (f"Prediction: {w.prediction}. Cell (0, 0): blank. The drawing is shifted 1 row down.")
    w.set_state({"cursor": [1, 0]})  # the page moved its cursor: that cell of the shifted diagonal has ink
    assert w.status.startswith(f"Prediction: {w.prediction}. Cell (1, 0): ink.")
    # images as NDArrays, (1, 8, 8), (1, 1, 8, 8), bools; the explorer keeps float32 values
    for image in (nd.array(data.X_test[3]), data.X_test[3], data.X_test[3][None], data.X_test[3, 0] > 0.5):
        w.set(image=image, shift=(0, 0))
        assert np.abs(np.array(w.scores) - net(nd.array(np.asarray(w.image, np.float32)[None, None])).asnumpy()[0]).max() < 1e-4
    assert repr(w) == "NetworkExplorer(net with 6 layers)"


def test_presets_and_images_given_at_creation():
    net, data = lesson_net()
    w = NetworkExplorer(net, image=np.zeros((8, 8)), presets=data.X_test[:3])
    assert list(w.presets) == ["image 0", "image 1", "image 2"] and w.status.endswith("The drawing is empty.")
    w = NetworkExplorer(net, presets={"a seven": data.X_test[np.flatnonzero(data.y_test == 7)[0]]})
    assert w.prediction == 7 and list(w.presets) == ["a seven"]
    assert NetworkExplorer(net, presets={}).status.endswith("The drawing is empty.")


def test_weights_go_to_the_page_as_float32_bytes_with_their_layers():
    net, _ = lesson_net()
    w = NetworkExplorer(net)
    W = np.frombuffer(w.weights, dtype="<f4")
    params = [p.data().asnumpy().ravel() for p in net.collect_params().values()]
    assert W.size == sum(p.size for p in params) == 13_706
    for L, layer in zip(w.layers, net):
        if L["kind"] in ("conv", "dense"):
            weight = layer.weight.data().asnumpy()
            np.testing.assert_array_equal(W[L["weight"]:L["weight"] + weight.size], weight.ravel())
            np.testing.assert_array_equal(W[L["bias"]:L["bias"] + weight.shape[0]], layer.bias.data().asnumpy())
    assert [L["title"] for L in w.layers] == [
        "Conv2D 3×3, padding 1, ReLU → 16 maps 8×8", "MaxPool2D 2×2 → 16 maps 4×4",
        "Conv2D 3×3, padding 1, ReLU → 32 maps 4×4", "MaxPool2D 2×2 → 32 maps 2×2", "Dense, ReLU → 64 values",
        "Dense → 10 values"]
    state = w.get_state()
    assert isinstance(state["weights"], (bytes, memoryview))  # a binary buffer, not JSON numbers


@pytest.mark.parametrize("name", ("lesson", "settings", "global max"))
def test_receptive_fields_match_brute_force(name):
    """A cell sees exactly the pixels whose change reaches it: every weight 1, no bias, no activation."""
    net = lesson_net()[0] if name == "lesson" else zoo_net(name)
    w = NetworkExplorer(net)
    planned = []
    for spec, shape in w._planned:
        spec = dict(spec)
        for key in ("weight", "bias"):
            if spec.get(key) is not None:
                spec[key] = np.ones_like(spec[key]) if key == "weight" else np.zeros_like(spec[key])
        if "activation" in spec:
            spec["activation"] = None if spec["kind"] != "act" else spec["activation"]
        planned.append((spec, shape))
    planned = [(s, sh) for s, sh in planned if not (s["kind"] == "act")]
    layer_of = [l for l, (s, _) in enumerate(w._planned) if s["kind"] != "act"]
    base = forward(planned, np.zeros((1, 8, 8)))
    reach = []
    for q in range(64):
        X = np.zeros((1, 8, 8))
        X[0, q // 8, q % 8] = 1
        reach.append([np.abs(o - b) > 0 for o, b in zip(forward(planned, X), base)])
    checked = 0
    for k, l in enumerate(layer_of):
        shape = w._planned[l][1]
        if len(shape) != 3:
            continue
        for i in range(shape[1]):
            for j in range(shape[2]):
                seen = np.array([reach[q][k][0, i, j] for q in range(64)]).reshape(8, 8)
                rows, cols = w.region(l, (i, j))
                want = np.zeros((8, 8), dtype=bool)
                want[np.ix_(rows, cols)] = True
                np.testing.assert_array_equal(seen, want, err_msg=f"{name} layer {l} cell {(i, j)}")
                checked += 1
    assert checked >= 19


def bad_nets():
    def seq(*layers, initialize=True):
        net = nn.Sequential()
        net.add(*layers)
        if initialize:
            net.initialize(init.Xavier())
        return net
    return [
        (lambda: "a network", "net must be a Gluon nn.Sequential"),
        (lambda: nn.Conv2D(4, 3), "net must be a Gluon nn.Sequential"),
        (lambda: seq(*lesson_layers(nn), initialize=False), "net's parameters are not initialized"),
        (lambda: seq(nn.Conv2D(4, 3), nn.Dropout(0.5), nn.Dense(10)), "net[1] is a Dropout layer"),
        (lambda: seq(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Dense(10)), "net[1] is a BatchNorm layer"),
        (lambda: seq(nn.Conv2D(4, 3, activation="softrelu"), nn.Dense(10)), "net[0] uses activation 'softrelu'"),
        (lambda: seq(nn.Conv2D(4, 3, groups=1, in_channels=1), nn.Conv2D(4, 3, groups=2), nn.Dense(10)),
         "net[1] uses groups=2"),
        (lambda: seq(nn.Conv2D(4, 3), nn.MaxPool2D(2, ceil_mode=True), nn.Dense(10)), "net[1] uses ceil_mode=True"),
        (lambda: seq(nn.Conv2D(4, 3, in_channels=3), nn.Dense(10)), "net cannot read a 1x8x8 image"),
        (lambda: seq(nn.Conv2D(4, 9)), "net cannot read a 1x8x8 image"),
        (lambda: seq(nn.Conv2D(4, 3)), "net must end with one score per class"),
        (lambda: seq(nn.Dense(10), nn.Conv2D(4, 3)), "net cannot read a 1x8x8 image"),
        (lambda: seq(nn.Dense(64), nn.Dense(30)), "net must output 2 to 20 class scores, got 30"),
        (lambda: seq(nn.Dense(1)), "net must output 2 to 20 class scores, got 1"),
        (lambda: seq(nn.Dense(4000), nn.Dense(10)), "net is too large for the page"),
        (lambda: seq(*[nn.Activation("relu") for _ in range(17)], nn.Dense(10)), "net must hold 1 to 16 layers"),
        (lambda: seq(nn.Dense(10, flatten=False)), "net[0] is a Dense layer with flatten=False"),
        (lambda: seq(nn.Conv2D(4, 3), nn.Dense(10, flatten=False)), "flatten=False"),
    ]


@pytest.mark.parametrize("make, words", bad_nets(), ids=[w for _, w in bad_nets()])
def test_unsupported_networks_are_one_line_errors_naming_net(make, words):
    with pytest.raises(ValueError) as err:
        NetworkExplorer(make())
    message = str(err.value)
    assert message.startswith("NetworkExplorer: ") and "\n" not in message and len(message) < 400
    assert words in message, message


BAD_CALLS = [
    (dict(image=np.ones((8, 7))), "image must be an 8x8 image"),
    (dict(image=np.full((8, 8), 1.5)), "image must hold numbers from 0 to 1"),
    (dict(image=np.full((8, 8), np.nan)), "image must hold numbers from 0 to 1"),
    (dict(image=-np.ones((8, 8))), "image must hold numbers from 0 to 1"),
    (dict(image="a seven"), "image"),
    (dict(image=np.zeros((2, 8, 8))), "image must be an 8x8 image"),
    (dict(image=np.zeros((10 ** 7,))), "image"),
    (dict(shift=(8, 0)), "shift"),
    (dict(shift=(0, -8)), "shift"),
    (dict(shift=1), "shift must be a (dy, dx) pair"),
    (dict(shift=(1, 2, 3)), "shift must be a (dy, dx) pair"),
    (dict(shift=(0.5, 0)), "shift"),
    (dict(shift=("1", 0)), "shift"),
]


@pytest.mark.parametrize("kwargs, words", BAD_CALLS, ids=[w for _, w in BAD_CALLS])
def test_bad_set_calls_name_the_argument_and_change_nothing(kwargs, words):
    w = NetworkExplorer(lesson_net()[0])
    before = (w.status, w.scores, w.image, w.shift)
    with pytest.raises(ValueError) as err:
        w.set(**kwargs)
    assert str(err.value).startswith("NetworkExplorer.set: ") and words in str(err.value) and "\n" not in str(err.value)
    assert (w.status, w.scores, w.image, w.shift) == before


@pytest.mark.parametrize("presets, words", [
    ("digits", "presets"), (np.zeros((3, 8, 8, 2)), "presets must be a dict"), ({"": np.zeros((8, 8))}, "names"),
    ({"x": np.ones((4, 4))}, "presets['x'] must be an 8x8 image"), (np.zeros((30, 8, 8)), "at most 24")])
def test_bad_presets_name_the_argument(presets, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        NetworkExplorer(lesson_net()[0], presets=presets)


JUNK = ["3", None, 2.5, -1, 10 ** 30, [1], [1, 2, 3], {"a": 1}, [True, 1], "", [[0.5] * 8] * 7, [[2] * 8] * 8,
        [[None] * 8] * 8, [8, 0], [0, -8], [1.5, 0], True]


@pytest.mark.parametrize("trait", ["image", "shift", "cursor"])
def test_junk_from_a_page_is_a_plain_message_and_the_next_good_value_recovers(trait):
    w = NetworkExplorer(lesson_net()[0])
    good = w.status
    for junk in JUNK:
        w.set_state({trait: plain(junk)})
        if trait == "cursor":  # a cursor the page cannot show is the top-left cell, as on the page
            assert w.status.startswith("Prediction: ") and w.scores is not None
            continue
        image_ok = trait == "shift" or (isinstance(junk, list) and len(junk) == 8)
        if w.scores is None:
            assert w.status == (BAD_IMAGE if trait == "image" else BAD_SHIFT) and w.prediction is None
            assert w.input is None and w.maps() is None
        else:
            assert image_ok or trait == "shift"
        w.set_state({trait: [[0.0] * 8 for _ in range(8)] if trait == "image" else [0, 0]})
        assert w.scores is not None
    w.set_state({"shift": [0, 0], "image": plain(w.presets["test digit 0"])})
    assert w.status == good


def test_shifted_and_region_helpers():
    A = np.arange(64, dtype=float).reshape(8, 8) / 64
    for dy in range(-8, 9):
        for dx in (-8, -3, 0, 1, 7):
            np.testing.assert_array_equal(shifted(A, (dy, dx)), shift(A[None], dy, dx)[0])
    w = NetworkExplorer(lesson_net()[0])
    assert w.region(0, (3, 3)) == ((2, 3, 4), (2, 3, 4))
    assert w.region(3, (1, 0)) == ((1, 2, 3, 4, 5, 6, 7), (0, 1, 2, 3, 4, 5, 6))
    assert w.region(4, (0, 5)) == (tuple(range(8)), tuple(range(8)))  # a dense layer sees every pixel
    with pytest.raises(ValueError, match="position"):
        w.region(3, (2, 0))
    with pytest.raises(ValueError, match="layer"):
        w.region(9, (0, 0))
    maps = w.maps()
    assert [m.shape for m in maps] == [(16, 8, 8), (16, 4, 4), (32, 4, 4), (32, 2, 2), (64,), (10,)]


def test_front_end_parts_fetch_nothing():
    for name in ("network.js", "network.css"):
        text = _assets.read(name).replace('"http://www.w3.org/2000/svg"', "SVG_NAMESPACE")
        for banned in ("http://", "https://", "fetch(", "XMLHttpRequest", "import(", "@import", "WebSocket"):
            assert banned not in text, f"{name} must not load anything ({banned})"
    module = _assets.esm("NetworkExplorer")
    assert re.findall(r"^export ", module, re.M) == ["export "]
