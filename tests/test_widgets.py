"""The live explorers' Python side, driven without a browser: through ``.set`` and through the traits.

A change from the page arrives as ``widget.set_state({...})`` (what ipywidgets calls for a message
from the front end), so these tests drive that path too. Shapes are checked against real Gluon layers,
pooled values against MXNet's ``nd.Pooling``, receptive fields against ``d2lutils.receptive``. The
page's own arithmetic is checked against the same references in tests/browser; speed is measured by
``make bench``, not here.
"""
import random
import re
import warnings

import numpy as np
import pytest
from mxnet import gluon, nd

import d2lutils.widgets.conv as conv_module
import d2lutils.widgets.pool as pool_module
from d2lutils import conv_output_shape, corr2d, pool_output_shape
from d2lutils.data import KERNELS
from d2lutils.receptive import receptive_field, receptive_region, stack_shapes
from d2lutils.widgets import ConvExplorer, PhotoFilter, PoolExplorer, ReceptiveFieldExplorer
from d2lutils.widgets import _assets

from reference import mx_conv, mx_pool


def gluon_conv_shape(input_shape, k, p, s, d):
    net = gluon.nn.Conv2D(1, kernel_size=k, padding=p, strides=s, dilation=d)
    net.initialize()
    return net(nd.zeros((1, 1) + tuple(input_shape))).shape[2:]


def gluon_pool_shape_and_values(X, k, p, s, mode):
    layer = (gluon.nn.MaxPool2D if mode == "max" else gluon.nn.AvgPool2D)(k, strides=s, padding=p)
    Y = layer(nd.array(X[None, None]))
    return Y.shape[2:], Y.asnumpy()[0, 0]


def updates(widget, monkeypatch):
    """A list that collects the 'update' messages the widget sends to the page."""
    sent = []
    send = widget._send
    monkeypatch.setattr(widget, "_send", lambda msg, buffers=None: (sent.append(msg), send(msg, buffers)))
    return sent


def arrive(widget, name, value):
    """Put ``value`` into trait ``name`` both ways: sent by a page (JSON data only), then assigned by a learner."""
    from d2lutils.widgets._base import plain
    yield widget.set_state({name: plain(value)})
    yield setattr(widget, name, value)


# a value of every kind a page or a learner could put into a trait
JUNK = ["3", None, 2.5, -1, 10 ** 30, [1], [1, 2, 3], [[1, 2]], {"a": 1}, [True, 1], True, float("nan"),
        [None, None], "", [1.5, 2], np.array([[1, 2]]), object()]


# ---------------------------------------------------------------- the front end's module

@pytest.mark.parametrize("cls", [ConvExplorer, PoolExplorer, PhotoFilter, ReceptiveFieldExplorer])
def test_module_is_assembled_from_its_files_and_saved_with_the_state(cls):
    name = cls.__name__
    module = _assets.esm(name)
    for part in _assets.PARTS[name]:
        assert _assets.read(part) in module
    assert re.findall(r"^export ", module, re.M) == ["export "]
    assert module.rstrip().endswith("export default { render };")
    w = cls() if cls is not ReceptiveFieldExplorer else cls(input_shape=(8, 8))
    state = w.get_state()
    assert state["_esm"] == module and state["_css"] == _assets.css()  # a notebook's saved state can mount it
    assert f'"data-explorer": "{name}"' in module or f"name: \"{name}\"" in module


@pytest.mark.parametrize("name", sorted({f for parts in _assets.PARTS.values() for f in parts} | {_assets.CSS}))
def test_front_end_fetches_nothing(name):
    text = _assets.read(name).replace('"http://www.w3.org/2000/svg"', "SVG_NAMESPACE")  # a name, not a fetch
    for banned in ("http://", "https://", "fetch(", "XMLHttpRequest", "import(", "@import", "WebSocket"):
        assert banned not in text, f"{name} must not load anything ({banned})"
    assert not re.search(r"^\s*import\s", text, re.M), f"{name}: the parts are joined into one module, no imports"


def test_static_files_are_package_data():
    import tomllib
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["d2lutils.widgets"]
    static = root / "d2lutils" / "widgets"
    shipped = {p for g in globs for p in static.glob(g)}
    assert shipped == set((static / "static").iterdir())


# ---------------------------------------------------------------- ConvExplorer

def test_conv_repr_is_short_and_deterministic():
    assert repr(ConvExplorer()) == "ConvExplorer(input_shape=(8, 8))"
    assert repr(ConvExplorer(input_shape=(5, 7))) == "ConvExplorer(input_shape=(5, 7))"
    bundle = ConvExplorer()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["text/plain"] == "ConvExplorer(input_shape=(8, 8))"


def test_conv_defaults_show_shape_formula_and_status():
    e = ConvExplorer()
    assert e.output_shape == (6, 6)
    assert e.formula[0] == "H: ⌊(8 + 2·0 − 3) / 1⌋ + 1 = 6"
    assert e.status == "Output shape (6, 6). Step 1 of 36: output cell (0, 0) reads rows 0–2 and columns 0–2 of the 8×8 input."
    assert e.gluon == "nn.Conv2D(1, kernel_size=3, padding=0, strides=1)"
    assert e._status == e.status and e._output_shape == [6, 6]  # also synced to the page


def test_conv_status_mentions_padding_only_when_there_is_some():
    e = ConvExplorer()
    assert "padding" not in e.status and "padded" not in e.status and "grey" not in e.status
    e.set(padding=(0, 1))
    assert e.status.endswith("of the padded 8×10 input (grey cells are padding).")


def test_conv_shapes_match_gluon_on_random_settings():
    rng = random.Random(4)
    e = ConvExplorer(input_shape=(8, 8))
    checked = 0
    for _ in range(40):
        k = (rng.randint(1, 6), rng.randint(1, 6))
        p = (rng.randint(0, 3), rng.randint(0, 3))
        s = (rng.randint(1, 4), rng.randint(1, 4))
        d = (rng.randint(1, 3), rng.randint(1, 3))
        e.set(kernel_size=k, padding=p, stride=s, dilation=d)
        fits = all(d[a] * (k[a] - 1) + 1 <= 8 + 2 * p[a] for a in range(2))
        if not fits:
            assert e.output_shape is None and e.status.startswith("Impossible setting")
            continue
        expected = gluon_conv_shape((8, 8), k, p, s, d)
        assert e.output_shape == expected
        assert e.status.startswith(f"Output shape {expected}.")
        for a, axis in enumerate("HW"):
            window = f"{d[a]}·({k[a]} − 1) − 1" if d[a] > 1 else f"{k[a]}"
            assert e.formula[a] == f"{axis}: ⌊(8 + 2·{p[a]} − {window}) / {s[a]}⌋ + 1 = {expected[a]}"
        checked += 1
    assert checked >= 20


def test_conv_non_square_input_matches_gluon():
    e = ConvExplorer(input_shape=(5, 9))
    e.set(kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
    assert e.output_shape == gluon_conv_shape((5, 9), (3, 5), (0, 1), (3, 4), (1, 1))


def test_conv_changes_from_the_page_update_output_shape_and_status():
    e = ConvExplorer()
    e.set_state({"linked": False, "kernel_size": [5, 3], "padding": [2, 1], "stride": [3, 2], "dilation": [1, 2]})
    assert e.output_shape == gluon_conv_shape((8, 8), (5, 3), (2, 1), (3, 2), (1, 2))
    assert e.formula[1] == "W: ⌊(8 + 2·1 − 2·(3 − 1) − 1) / 2⌋ + 1 = 3"
    e.set_state({"padding": [0, 0]})  # one slider moved
    assert e.output_shape == conv_output_shape((8, 8), (5, 3), 0, (3, 2), (1, 2))


def test_conv_link_copies_heights_and_pairs_unlink():
    e = ConvExplorer()
    assert e.linked is True
    e.set(kernel_size=(3, 5))
    assert e.linked is False and e.kernel_size == [3, 5]
    e.padding = [2, 1]  # unlinked: each axis keeps its value
    assert e.padding == [2, 1]
    e.linked = True  # linking copies the height settings to the width (the page does the same)
    assert e.kernel_size == [3, 3] and e.padding == [2, 2]
    e.stride = [1, 3]  # an unequal pair assigned while linked unlinks, as .set does
    assert e.linked is False and e.output_shape == conv_output_shape((8, 8), 3, 2, (1, 3))


def test_conv_impossible_setting_gives_message_and_going_back_restores():
    e = ConvExplorer()
    e.set(padding=1)
    before = e.status
    e.set(kernel_size=11)  # the slider reaches it: 11 > 8 + 2*1
    assert e.output_shape is None and e._output_shape is None
    assert e.status.startswith("Impossible setting") and "8 + 2·1 = 10" in e.status
    assert e.formula == []
    e.set_state({"kernel_size": [3, 3]})  # moving the control back restores everything
    assert e.output_shape == (8, 8) and e.status == before


def test_conv_dilation_impossible_message_names_the_span():
    e = ConvExplorer()
    e.set(kernel_size=4, dilation=3)  # spans 3*(4-1)+1 = 10 > 8
    assert e.output_shape is None
    assert "spans 10 rows" in e.status


@pytest.mark.parametrize("kwargs, name", [
    (dict(stride=0), "stride"), (dict(stride=2.5), "stride"), (dict(kernel_size="3"), "kernel_size"),
    (dict(padding=-1), "padding"), (dict(padding=100), "padding"), (dict(dilation=(1, 2, 3)), "dilation"),
    (dict(kernel_size=(0, 3)), "kernel_size"), (dict(dilation=True), "dilation"),
    (dict(padding=5), "padding"), (dict(stride=np.array([[1, 2]])), "stride"),
])
def test_conv_set_rejects_values_the_controls_cannot_show(kwargs, name, monkeypatch):
    e = ConvExplorer()
    before = (e.output_shape, e.status, e.get_state())
    sent = updates(e, monkeypatch)
    with pytest.raises(ValueError, match=f"ConvExplorer.set: {name}") as err:
        e.set(**kwargs)
    assert "\n" not in str(err.value)
    assert (e.output_shape, e.status, e.get_state()) == before and sent == []


def test_conv_input_shape_is_validated():
    for bad in [(0, 8), 2.5, (8, 8, 8), (17, 16), (100, 100), "8"]:
        with pytest.raises(ValueError, match="input_shape"):
            ConvExplorer(input_shape=bad)
    assert ConvExplorer(input_shape=(16, 16)).output_shape == (14, 14)


def test_conv_step_resets_when_the_shape_changes_and_names_the_window():
    e = ConvExplorer()
    e.set(kernel_size=3, padding=1, stride=2)  # output (4, 4)
    for k in range(16):
        e.set_state({"step": k})  # the page's scrubber (or its play button)
        i, j = divmod(k, 4)
        assert (f"Step {k + 1} of 16: output cell ({i}, {j}) reads rows {2 * i}–{2 * i + 2} and columns "
                f"{2 * j}–{2 * j + 2} of the padded 10×10 input") in e.status
    e.set_state({"stride": [2, 2]})  # the same shape: the step stays
    assert e.step == 15
    e.set(stride=1)  # a new shape starts again at the first position
    assert e.step == 0 and "Step 1 of 64" in e.status
    e.step = 500  # out of range: the last position
    assert e.step == 63 and "Step 64 of 64" in e.status


def test_conv_status_names_the_dilated_rows_and_columns():
    e = ConvExplorer()
    e.set(kernel_size=3, dilation=(2, 1))  # output (4, 6)
    assert "output cell (0, 0) reads rows 0–4 every 2 and columns 0–2 of" in e.status
    e.step = 7  # cell (1, 1)
    assert "output cell (1, 1) reads rows 1–5 every 2 and columns 1–3 of" in e.status
    assert e.gluon.endswith("dilation=(2, 1))")


def test_conv_accepts_numpy_integers():
    e = ConvExplorer()
    e.set(stride=np.array(2), padding=np.int64(1), kernel_size=np.array([3, 3]))
    assert e.output_shape == (4, 4) and e.stride == [2, 2]
    e.padding = np.array([2, 2])  # assigned directly: stored as plain data the page can read
    assert e.padding == [2, 2] and type(e.padding[0]) is int


def test_conv_set_is_one_message_to_the_page(monkeypatch):
    e = ConvExplorer()
    sent = updates(e, monkeypatch)
    e.set(kernel_size=(3, 5), padding=(1, 2), stride=2, dilation=1)
    assert len(sent) == 1
    state = sent[0]["state"]
    assert state["kernel_size"] == [3, 5] and state["padding"] == [1, 2] and state["linked"] is False
    assert state["_output_shape"] == list(e.output_shape) and state["_status"] == e.status


@pytest.mark.parametrize("name", ["kernel_size", "padding", "stride", "dilation", "step", "linked", "input_shape"])
def test_conv_bad_values_on_traits_are_messages_not_exceptions(name):
    e = ConvExplorer()
    for junk in JUNK:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in arrive(e, name, junk):
                assert isinstance(e.status, str) and e.status
                if e.output_shape is None:
                    assert e.status.startswith(("Cannot show", "Impossible"))
                e.get_state()  # what is stored can be sent to the page
    e.set(kernel_size=3, padding=1, stride=1, dilation=1)  # the next valid change recovers
    e.set_state({"linked": True, "input_shape": [8, 8], "step": 0})
    assert e.output_shape == (8, 8) and e.status.startswith("Output shape (8, 8).")


def test_conv_bad_value_message_names_the_trait_and_range():
    e = ConvExplorer()
    e.set_state({"padding": [9, 9]})
    assert e.output_shape is None
    assert e.status == ("Cannot show padding: it must be a whole number from 0 to 4 for each axis (the range of "
                        "its sliders). Move a padding slider to go on.")


def test_conv_unexpected_error_is_a_message_not_a_traceback(monkeypatch):
    e = ConvExplorer()

    def broken(*args, **kwargs):
        raise RuntimeError("arithmetic failed")
    monkeypatch.setattr(conv_module, "conv_output_shape", broken)
    e.set(padding=1)  # no exception escapes
    assert e.output_shape is None
    assert "Something went wrong" in e.status and "arithmetic failed" in e.status
    e.set_state({"stride": [2, 2]})  # nor from a page's change
    assert "Something went wrong" in e.status
    monkeypatch.setattr(conv_module, "conv_output_shape", conv_output_shape)
    e.set_state({"stride": [1, 1]})
    assert e.output_shape == (8, 8)


# ---------------------------------------------------------------- PoolExplorer

def test_pool_repr_and_defaults_follow_gluon():
    e = PoolExplorer()
    assert repr(e) == "PoolExplorer(input_shape=(4, 4))"
    assert e.default_stride is True  # stride = pool size, as in Gluon
    assert e.output_shape == (2, 2)
    assert e.status == ("Output shape (2, 2). Step 1 of 4: output cell (0, 0) pools rows 0–1 and columns 0–1 of "
                        "the input: max(0, 1, 4, 5) = 5.")
    assert e.formula[0] == "H: ⌊(4 + 2·0 − 2) / 2⌋ + 1 = 2"


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_values_match_mxnet_on_random_settings(mode):
    rng = random.Random(7 if mode == "max" else 8)
    e = PoolExplorer(input_shape=(4, 4))
    X = np.arange(16, dtype=np.float32).reshape(4, 4)
    checked = 0
    for _ in range(30):
        k = (rng.randint(1, 4), rng.randint(1, 4))
        p = (rng.randint(0, 2), rng.randint(0, 2))
        s = (rng.randint(1, 4), rng.randint(1, 4))
        e.set(pool_size=k, padding=p, stride=s, mode=mode)
        if p[0] >= k[0] or p[1] >= k[1] or any(k[a] > 4 + 2 * p[a] for a in range(2)):
            assert e.output_shape is None and e.status.startswith("Impossible") and e.Y is None
            continue
        shape, Yg = gluon_pool_shape_and_values(X, k, p, s, mode)
        assert e.output_shape == shape
        np.testing.assert_allclose(e.Y, mx_pool(X, k, mode, p, s), rtol=1e-6)
        np.testing.assert_allclose(e.Y, Yg, rtol=1e-6)
        i, j = divmod(e.step, shape[1])
        value = re.search(r"= ([0-9.]+)(?: \(padding| ?\.$|\.)", e.status).group(1)
        assert float(value) == pytest.approx(float(Yg[i, j]), abs=0.005)
        checked += 1
    assert checked >= 10


def test_pool_default_stride_is_pool_size_and_can_be_changed():
    e = PoolExplorer()
    e.set(pool_size=3, padding=1)  # lecture: MaxPool2D(3, padding=1, strides=2) differs
    assert e.stride == [3, 3] and e.default_stride is True
    assert e.output_shape == gluon_pool_shape_and_values(np.zeros((4, 4)), 3, 1, 3, "max")[0]
    e.set(stride=2)
    assert e.default_stride is False
    assert e.output_shape == gluon_pool_shape_and_values(np.zeros((4, 4)), 3, 1, 2, "max")[0]
    e.set(stride="default")
    assert e.default_stride is True and e.stride == [3, 3]
    e.set_state({"pool_size": [2, 2]})  # the page's pool slider: the stride follows
    assert e.stride == [2, 2]
    e.set_state({"stride": [1, 1]})  # a stride that arrives on its own unticks the default, as .set does
    assert e.default_stride is False and e.output_shape == pool_output_shape((4, 4), 2, 1, 1)


def test_pool_changes_from_the_page():
    e = PoolExplorer()
    e.set_state({"default_stride": False, "linked": False, "pool_size": [2, 3], "padding": [1, 2],
                 "stride": [2, 3], "mode": "avg"})
    shape, Yg = gluon_pool_shape_and_values(np.arange(16, dtype=np.float32).reshape(4, 4), (2, 3), (1, 2), (2, 3),
                                            "avg")
    assert e.output_shape == shape
    np.testing.assert_allclose(e.Y, Yg, rtol=1e-6)
    assert e.gluon == "nn.AvgPool2D((2, 3), padding=(1, 2), strides=(2, 3))"
    assert "(padding counts as 0)" in e.status


def test_pool_status_shows_the_numbers_of_the_current_window():
    e = PoolExplorer()
    e.set(pool_size=2, stride=1, mode="avg")
    e.step = 4  # output (3, 3): cell (1, 1) pools X[1:3, 1:3] = 5, 6, 9, 10
    assert "(5 + 6 + 9 + 10) / 4 = 7.50." in e.status
    e.set(mode="max")
    assert "max(5, 6, 9, 10) = 10." in e.status


def test_pool_status_counts_padding_as_zero_in_average_only():
    e = PoolExplorer()
    e.set(pool_size=3, padding=1, mode="avg")  # step 0: rows -1..1 and columns -1..1 of X
    assert ("pools rows 0–2 and columns 0–2 of the padded input: "
            "(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.11 (padding counts as 0).") in e.status
    e.set(mode="max")
    assert "of the padded input: max(0, 1, 4, 5) = 5 (padding is ignored)." in e.status


def test_pool_status_rounds_ties_as_the_page_does():
    e = PoolExplorer(input_shape=(4, 4))
    e.set(pool_size=(2, 4), padding=(1, 2), stride=1, mode="avg")  # cell (0, 0): (0 + ... + 1) / 8 = 0.125
    assert float(e.Y[0, 0]) == 0.125
    assert e.status.endswith("/ 8 = 0.13 (padding counts as 0).")  # toFixed's '0.13', not Python's '0.12'


def test_pool_accepts_numpy_integers():
    e = PoolExplorer()
    e.set(pool_size=np.int64(3), stride=np.array(2), padding=np.array([1, 1]))
    assert e.output_shape == (2, 2) and e.default_stride is False


def test_pool_impossible_settings_and_back():
    e = PoolExplorer()
    e.set(padding=1, pool_size=1)  # padding 1 is not smaller than the pool 1
    assert e.output_shape is None and "must be smaller than the pool" in e.status
    e.set(padding=0, pool_size=6)  # 6 > 4
    assert e.output_shape is None and "4 + 2·0 = 4" in e.status
    e.set_state({"pool_size": [2, 2]})
    assert e.output_shape == (2, 2)


@pytest.mark.parametrize("kwargs, name", [
    (dict(mode="min"), "mode"), (dict(stride=0), "stride"), (dict(stride="auto"), "stride"),
    (dict(pool_size=1.5), "pool_size"), (dict(padding=(0, 9)), "padding"),
    (dict(mode=np.array(["max", "avg"])), "mode"), (dict(mode=["max"]), "mode"), (dict(padding=5), "padding"),
])
def test_pool_set_rejects_values_the_controls_cannot_show(kwargs, name):
    with pytest.raises(ValueError, match=f"PoolExplorer.set: {name}"):
        PoolExplorer().set(**kwargs)


@pytest.mark.parametrize("name", ["pool_size", "padding", "stride", "mode", "default_stride", "step"])
def test_pool_bad_values_on_traits_are_messages_not_exceptions(name):
    e = PoolExplorer()
    for junk in JUNK:
        for _ in arrive(e, name, junk):
            assert isinstance(e.status, str) and e.status
            e.get_state()
    e.set(pool_size=2, padding=0, stride="default", mode="max")
    e.set_state({"step": 0})
    assert e.output_shape == (2, 2) and e.status.endswith("max(0, 1, 4, 5) = 5.")


def test_pool_unexpected_error_is_a_message(monkeypatch):
    e = PoolExplorer()
    monkeypatch.setattr(pool_module, "pool_output_shape", lambda *a, **k: 1 / 0)
    e.set_state({"mode": "avg"})
    assert e.output_shape is None and "Something went wrong" in e.status
    monkeypatch.setattr(pool_module, "pool_output_shape", pool_output_shape)
    e.set_state({"mode": "max"})
    assert e.output_shape == (2, 2)


# ---------------------------------------------------------------- PhotoFilter

@pytest.fixture(scope="module")
def photo():
    return PhotoFilter()


def test_photo_repr_default_and_bytes(photo):
    assert repr(photo) == "PhotoFilter()"
    photo.set(preset="identity", padding=1, stride=1)
    assert photo.output_shape == photo.X.shape == (300, 256) and tuple(photo.photo_shape) == (300, 256)
    assert photo.status.startswith("Output shape (300, 256). The 300×256 photo with padding 1 and stride 1 gives")
    grey = np.frombuffer(photo.photo, dtype=np.uint8).reshape(300, 256)  # the page filters exactly X
    np.testing.assert_array_equal(grey.astype(np.float32) / 255, photo.X)


def test_photo_output_is_corr2d_and_shape_matches_gluon(photo):
    rng = random.Random(3)
    for _ in range(6):
        K = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(3)]
        p, s = rng.randint(0, 4), rng.randint(1, 4)
        photo.set(kernel=K, padding=p, stride=s)
        np.testing.assert_allclose(photo.Y, corr2d(photo.X, np.array(K, dtype=np.float32), padding=p, stride=s),
                                   rtol=1e-5, atol=1e-5)
        assert photo.output_shape == gluon_conv_shape((300, 256), 3, p, s, 1)
        assert photo.preset == "custom" and photo.status.endswith("(kernel: custom).")
    photo.set(preset="Sobel x", padding=1, stride=2)  # and MXNet's own convolution agrees on the values
    ref = mx_conv(photo.X[None], np.array(photo.kernel)[None, None], (1, 1), (2, 2))[0]
    np.testing.assert_allclose(photo.Y, ref, rtol=1e-4, atol=1e-4)
    assert ("gives ⌊(300 + 2·1 − 3) / 2⌋ + 1 = 150 rows and ⌊(256 + 2·1 − 3) / 2⌋ + 1 = 128 columns"
            in photo.status)


def test_photo_presets_and_kernel_from_the_page(photo):
    photo.set(padding=1, stride=1)
    for name in ["identity", "horizontal edges", "vertical edges", "Sobel x", "blur", "sharpen"]:
        photo.set_state({"preset": name})  # the page's preset menu
        assert np.allclose(photo.kernel, KERNELS[name])
        assert photo.status.endswith(f"(kernel: {name}).")
    K = [list(row) for row in photo.kernel]
    K[1][1] = 2.0
    photo.set_state({"kernel": K})  # editing one box makes the kernel "custom"
    assert photo.preset == "custom"
    K[1][1] = 5.0
    photo.set_state({"kernel": K})  # and typing the preset's value back finds it again
    assert photo.preset == "sharpen"
    photo.set_state({"padding": 0, "stride": 3})
    assert photo.output_shape == conv_output_shape((300, 256), 3, 0, 3)


def test_photo_accepts_numpy_integers(photo):
    photo.set(preset="identity", padding=np.int64(0), stride=np.array(2))
    assert (photo.padding, photo.stride) == (0, 2)
    assert photo.output_shape == conv_output_shape((300, 256), 3, 0, 2)


def test_photo_output_display_is_abs_scaled(photo):
    from d2lutils.widgets.photo import to_uint8
    photo.set(preset="Sobel x", padding=1, stride=1)
    A = to_uint8(photo.Y)
    assert A.max() == 255 and A.min() == 0
    assert np.array_equal(A, to_uint8(-photo.Y))  # the sign is not shown


@pytest.mark.parametrize("kwargs, name", [
    (dict(kernel=[[1, 2], [3, 4]]), "kernel"), (dict(kernel=[[1, 2, 3]] * 2 + [["a", 0, 0]]), "kernel"),
    (dict(kernel=[[float("nan")] * 3] * 3), "kernel"), (dict(padding=5), "padding"),
    (dict(stride=0), "stride"), (dict(preset="emboss"), "preset"), (dict(preset=["blur"]), "preset"),
    (dict(kernel=np.eye(3) * 1j), "kernel"), (dict(kernel=np.eye(3, dtype=bool)), "kernel"),
])
def test_photo_set_rejects_bad_values(photo, kwargs, name):
    with pytest.raises(ValueError, match=f"PhotoFilter.set: {name}"):
        photo.set(**kwargs)


@pytest.mark.parametrize("big", [1e300, -1e38, 1.5e6])
def test_photo_huge_kernel_values_are_too_large(photo, big):
    photo.set(preset="identity", padding=1, stride=1)
    with pytest.raises(ValueError, match=r"kernel holds a value that is too large .*1,000,000"):
        photo.set(kernel=[[big, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert photo.kernel[0][0] == 0 and photo.output_shape == (300, 256)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning in the notebook
        photo.set_state({"kernel": [[big, 0, 0], [0, 1, 0], [0, 0, 0]]})  # typed in a box
    assert photo.output_shape is None and photo.Y is None
    assert photo.status.startswith("The kernel holds a value that is too large") and "1,000,000" in photo.status
    photo.set_state({"kernel": [[1e6, 0, 0], [0, 1, 0], [0, 0, 0]]})  # the limit itself is fine
    assert photo.output_shape == (300, 256) and photo.preset == "custom"


def test_photo_unreadable_box_and_junk_are_messages(photo):
    photo.set(preset="identity", padding=1, stride=1)
    photo.set_state({"kernel": [[None, 0, 0], [0, 1, 0], [0, 0, 0]]})  # the page sends null for "abc"
    assert photo.output_shape is None
    assert photo.status == "The kernel holds a value that is not a finite number: type another number in that box."
    for name in ("kernel", "padding", "stride", "preset"):
        for junk in JUNK:
            for _ in arrive(photo, name, junk):
                assert isinstance(photo.status, str) and photo.status
                photo.get_state()
    photo.set(preset="identity", padding=1, stride=1)
    assert photo.output_shape == (300, 256)


@pytest.mark.parametrize("K, expected", [
    (nd.array([[[[1, -1]]]]), [[0, 0, 0], [0, 1, -1], [0, 0, 0]]),
    (nd.array([[1, -1]]), [[0, 0, 0], [0, 1, -1], [0, 0, 0]]),
    (np.arange(9).reshape(1, 1, 3, 3), np.arange(9).reshape(3, 3).tolist()),
    ([[2.0]], [[0, 0, 0], [0, 2, 0], [0, 0, 0]]),
])
def test_photo_learned_kernel_is_a_centred_preset(K, expected):
    f = PhotoFilter(learned_kernel=K)
    assert repr(f) == "PhotoFilter(learned_kernel=...)"
    assert f.preset == "learned (lesson 3)" and np.allclose(f.kernel, expected)
    assert "learned (lesson 3)" in f.presets


@pytest.mark.parametrize("K", [nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 1, 2)), [[]], "edge",
                               np.array([[1 + 1j, -1]]), [[1e300, -1]], [[float("inf"), 0]]])
def test_photo_learned_kernel_is_validated(K):
    with pytest.raises(ValueError, match="learned_kernel"):
        PhotoFilter(learned_kernel=K)


def test_photo_starts_with_the_learned_kernel():
    f = PhotoFilter(learned_kernel=nd.array([[[[0.9, -1.1]]]]))
    assert f.preset == "learned (lesson 3)" and f.status.endswith("(kernel: learned (lesson 3)).")
    np.testing.assert_allclose(f.kernel, [[0, 0, 0], [0, 0.9, -1.1], [0, 0, 0]], rtol=1e-6)
    np.testing.assert_allclose(f.Y, corr2d(f.X, np.array(f.kernel, np.float32), padding=1), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- ReceptiveFieldExplorer

def random_stack(rng, n_layers):
    layers = []
    for _ in range(n_layers):
        kind = rng.choice(["conv", "pool"])
        k = (rng.randint(1, 4), rng.randint(1, 4))
        layer = {"kind": kind, "kernel_size": k, "stride": (rng.randint(1, 3), rng.randint(1, 3)),
                 "padding": tuple(rng.randint(0, min(2, v - 1) if kind == "pool" else 2) for v in k)}
        if kind == "conv":
            layer["dilation"] = (rng.randint(1, 3), rng.randint(1, 3))
        layers.append(layer)
    return layers


def test_receptive_defaults_two_3x3_convolutions():
    e = ReceptiveFieldExplorer(input_shape=(16, 16))
    assert repr(e) == "ReceptiveFieldExplorer(input_shape=(16, 16))"
    assert e.output_shape == (12, 12) and e.position == [5, 5]
    assert e.receptive_field == receptive_field([{"kind": "conv", "kernel_size": 3}] * 2)
    assert e.receptive_field.size == (5, 5) and e.region == ((5, 6, 7, 8, 9), (5, 6, 7, 8, 9))
    assert e.status == ("Output shape (12, 12). Output cell (5, 5) depends on input rows 5–9 and columns 5–9: "
                        "a 5×5 receptive field with jump 1.")


def test_receptive_numbers_equal_d2lutils_receptive_on_random_stacks():
    rng = random.Random(9)
    e = ReceptiveFieldExplorer(input_shape=(20, 20))
    checked = 0
    for _ in range(60):
        layers = random_stack(rng, rng.randint(1, 4))
        try:
            shapes = stack_shapes((20, 20), layers)
        except ValueError:
            e.set(layers=layers)
            assert e.output_shape is None and e.status.startswith("Impossible setting")
            continue
        out = shapes[-1]
        pos = (rng.randrange(out[0]), rng.randrange(out[1]))
        e.set(layers=layers, position=pos)
        assert e.output_shape == out and e.shapes == shapes
        assert e.receptive_field == receptive_field(layers)
        rows, cols = receptive_region((20, 20), layers, pos)
        assert e.region == (rows, cols)
        assert f"Output cell ({pos[0]}, {pos[1]}) depends on" in e.status
        checked += 1
    assert checked >= 25


def test_receptive_dilation_leaves_holes_in_the_status():
    e = ReceptiveFieldExplorer(input_shape=(16, 16))
    e.set(layers=[{"kind": "conv", "kernel_size": 3, "dilation": 2}], position=(0, 0))
    assert e.region == ((0, 2, 4), (0, 2, 4))
    assert "depends on input rows 0, 2, 4 and columns 0, 2, 4: a 5×5 receptive field with jump 1." in e.status


def test_receptive_only_padding_and_per_axis_jump():
    e = ReceptiveFieldExplorer(input_shape=(8, 8))
    e.set(layers=[{"kind": "conv", "kernel_size": 1, "padding": 2, "stride": (1, 2)}], position=(0, 0))
    assert e.region == ((), ())
    assert "depends on no input cell (its window holds only padding): a 1×1 receptive field with jump (1, 2)." \
        in e.status


def test_receptive_accepts_gluon_layers_and_unlinks_unequal_pairs():
    e = ReceptiveFieldExplorer(input_shape=(16, 16))
    e.set(layers=[gluon.nn.Conv2D(4, kernel_size=(3, 5)), gluon.nn.MaxPool2D(2)])
    assert e.linked is False and e.layers[0]["kernel_size"] == [3, 5]
    assert e.output_shape == stack_shapes((16, 16), [gluon.nn.Conv2D(4, kernel_size=(3, 5)), gluon.nn.MaxPool2D(2)])[-1]
    e.linked = True  # linking copies heights to widths, as on the page
    assert e.layers[0]["kernel_size"] == [3, 3]


def test_receptive_position_is_clamped_when_the_stack_shrinks():
    e = ReceptiveFieldExplorer(input_shape=(16, 16))
    e.set(layers=[{"kind": "conv", "kernel_size": 1}], position=(15, 15))
    e.set_state({"layers": [{"kind": "pool", "kernel_size": [4, 4], "stride": [4, 4], "padding": [0, 0],
                             "dilation": [1, 1]}]})  # from the page: output (4, 4)
    assert e.position == [3, 3] and e.output_shape == (4, 4)


@pytest.mark.parametrize("kwargs, name", [
    (dict(layers=[]), "layers"), (dict(layers=[{"kind": "conv", "kernel_size": 3}] * 5), "layers"),
    (dict(layers={"kind": "conv"}), "layers"), (dict(layers=[{"kind": "dense", "kernel_size": 3}]), r"layers\[0\]"),
    (dict(layers=[{"kind": "conv", "kernel_size": 9}]), r"layers\[0\]\['kernel_size'\]"),
    (dict(layers=[{"kind": "conv", "kernel_size": 3, "stride": 5}]), r"layers\[0\]\['stride'\]"),
    (dict(layers=[{"kind": "pool", "kernel_size": 2, "dilation": 2}]), r"layers\[0\]"),
    (dict(position=(99, 0)), "position"), (dict(position=3), "position"), (dict(position=(-1, 0)), "position"),
])
def test_receptive_set_rejects_what_the_controls_cannot_show(kwargs, name):
    e = ReceptiveFieldExplorer(input_shape=(16, 16))
    before = e.get_state()
    with pytest.raises(ValueError, match=f"ReceptiveFieldExplorer.set: {name}") as err:
        e.set(**kwargs)
    assert "\n" not in str(err.value) and e.get_state() == before


def test_receptive_impossible_stack_is_a_message_and_recovers():
    e = ReceptiveFieldExplorer(input_shape=(4, 4))
    e.set_state({"layers": [{"kind": "conv", "kernel_size": [3, 3], "stride": [1, 1], "padding": [0, 0],
                             "dilation": [1, 1]},
                            {"kind": "pool", "kernel_size": [3, 3], "stride": [3, 3], "padding": [0, 0],
                             "dilation": [1, 1]}]})
    assert e.output_shape is None and e.receptive_field is None
    assert e.status == ("Impossible setting: the window of layer 2 (pooling) spans 3 rows, but its padded input has "
                        "only 2 + 2·0 = 2 rows. Use smaller kernels or strides, more padding or fewer layers.")
    e.set(layers=[{"kind": "conv", "kernel_size": 3}])
    assert e.output_shape == (2, 2)


@pytest.mark.parametrize("name", ["layers", "position", "linked", "input_shape"])
def test_receptive_bad_values_on_traits_are_messages_not_exceptions(name):
    e = ReceptiveFieldExplorer(input_shape=(8, 8))
    for junk in JUNK + [[{"kind": "conv"}], [{"kind": "pool", "kernel_size": 2, "stride": 2, "padding": 0,
                                                "dilation": 3}], [[1, 2]]]:
        for _ in arrive(e, name, junk):
            assert isinstance(e.status, str) and e.status
            e.get_state()
    e.set_state({"input_shape": [8, 8], "linked": True})
    e.set(layers=[{"kind": "conv", "kernel_size": 3}], position=(0, 0))
    assert e.output_shape == (6, 6) and e.status.startswith("Output shape (6, 6).")


def test_pool_page_message_with_the_following_stride_keeps_the_default():
    e = PoolExplorer()
    e.set_state({"pool_size": [3, 3], "stride": [3, 3]})  # what the page sends when the pool slider moves
    assert e.default_stride is True and e.output_shape == (1, 1)

