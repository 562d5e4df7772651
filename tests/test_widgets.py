"""The live explorers, driven without a browser: through ``.set`` and through the widgets' ``.value``s.

Shapes are checked against real Gluon layers and pooled values against MXNet's ``nd.Pooling``;
speed is measured by ``make bench``, not here.
"""
import random
import re
import warnings

import numpy as np
import pytest
from mxnet import gluon, nd

import d2lutils.widgets as W
from d2lutils import conv_output_shape, corr2d
from d2lutils.data import KERNELS
from d2lutils.drawing import conv_step_svg
from d2lutils.widgets import ConvExplorer, PhotoFilter, PoolExplorer

from reference import mx_conv, mx_pool


def gluon_conv_shape(input_shape, k, p, s, d):
    net = gluon.nn.Conv2D(1, kernel_size=k, padding=p, strides=s, dilation=d)
    net.initialize()
    return net(nd.zeros((1, 1) + tuple(input_shape))).shape[2:]


def gluon_pool_shape_and_values(X, k, p, s, mode):
    layer = (gluon.nn.MaxPool2D if mode == "max" else gluon.nn.AvgPool2D)(k, strides=s, padding=p)
    Y = layer(nd.array(X[None, None]))
    return Y.shape[2:], Y.asnumpy()[0, 0]


def svg_texts(markup):
    """The numbers written in an SVG drawing, in document order."""
    return re.findall(r">([-0-9.]+)</text>", markup)


# ---------------------------------------------------------------- ConvExplorer

def test_conv_repr_is_short_and_deterministic():
    assert repr(ConvExplorer()) == "ConvExplorer(input_shape=(8, 8))"
    assert repr(ConvExplorer(input_shape=(5, 7))) == "ConvExplorer(input_shape=(5, 7))"
    bundle = ConvExplorer()._repr_mimebundle_()
    assert bundle["text/plain"] == "ConvExplorer(input_shape=(8, 8))"


def test_conv_defaults_show_drawing_formula_and_shape():
    e = ConvExplorer()
    assert e.output_shape == (6, 6)
    page = e._view.value
    assert "<svg" in page
    assert "H: ⌊(8 + 2·0 − 3) / 1⌋ + 1 = 6" in page
    assert "Output shape (6, 6)" in e.status


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
            assert e.output_shape is None and "Impossible" in e.status
            continue
        expected = gluon_conv_shape((8, 8), k, p, s, d)
        assert e.output_shape == expected
        assert f"Output shape {expected}" in e.status
        for a, axis in enumerate("HW"):
            window = f"{d[a]}·({k[a]} − 1) − 1" if d[a] > 1 else f"{k[a]}"
            assert f"{axis}: ⌊(8 + 2·{p[a]} − {window}) / {s[a]}⌋ + 1 = {expected[a]}" in e._view.value
        checked += 1
    assert checked >= 20


def test_conv_non_square_input_matches_gluon():
    e = ConvExplorer(input_shape=(5, 9))
    e.set(kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
    assert e.output_shape == gluon_conv_shape((5, 9), (3, 5), (0, 1), (3, 4), (1, 1))


def test_conv_controls_driven_through_widget_values():
    e = ConvExplorer()
    e._link.value = False
    e._kernel[0].value = 5
    e._kernel[1].value = 3
    e._padding[0].value = 2
    e._padding[1].value = 1
    e._stride[0].value = 3
    e._stride[1].value = 2
    e._dilation[1].value = 2
    expected = gluon_conv_shape((8, 8), (5, 3), (2, 1), (3, 2), (1, 2))
    assert e.output_shape == expected
    assert "W: ⌊(8 + 2·1 − 2·(3 − 1) − 1) / 2⌋ + 1 = 3" in e._view.value


def test_conv_link_moves_both_axes_and_pairs_unlink():
    e = ConvExplorer()
    assert e._link.value
    e._padding[0].value = 2
    assert e._padding[1].value == 2
    e._stride[1].value = 3
    assert e._stride[0].value == 3
    e.set(kernel_size=(3, 5))
    assert not e._link.value
    assert (e._kernel[0].value, e._kernel[1].value) == (3, 5)
    e._padding[0].value = 0
    assert e._padding[1].value == 2  # unlinked: the width keeps its value
    e._link.value = True  # linking copies the height settings to the width
    assert e._kernel[1].value == 3 and e._padding[1].value == 0


def test_conv_impossible_setting_gives_message_and_going_back_restores():
    e = ConvExplorer()
    e.set(padding=1)
    before = e._view.value
    e.set(kernel_size=11)  # the slider reaches it: 11 > 8 + 2*1
    assert e.output_shape is None
    assert "Impossible setting" in e.status and "8 + 2·1 = 10" in e.status
    assert "<svg" not in e._view.value and "Impossible setting" in e._view.value
    assert e._step.disabled and e._play.disabled
    e._kernel[0].value = 3  # moving the control back restores the drawing
    assert e.output_shape == (8, 8)
    assert e._view.value == before


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
def test_conv_set_rejects_values_the_controls_cannot_show(kwargs, name):
    e = ConvExplorer()
    before = (e.output_shape, e._view.value)
    with pytest.raises(ValueError, match=name):
        e.set(**kwargs)
    assert (e.output_shape, e._view.value) == before


def test_conv_input_shape_is_validated():
    for bad in [(0, 8), 2.5, (8, 8, 8), (17, 16), (100, 100)]:
        with pytest.raises(ValueError, match="input_shape"):
            ConvExplorer(input_shape=bad)
    assert ConvExplorer(input_shape=(16, 16)).output_shape == (14, 14)


def test_conv_step_control_moves_the_marked_window():
    e = ConvExplorer()
    e.set(kernel_size=3, padding=1, stride=2)  # output (4, 4)
    assert e._step.max == 15 and e._play.max == 15
    cells = []
    for k in range(16):
        e._step.value = k
        i, j = divmod(k, 4)
        expected = conv_step_svg((8, 8), 3, 1, 2, 1, (i, j), cell=e._cell(10, 3, 4)).data
        assert expected in e._view.value
        assert f"output cell ({i}, {j}) reads rows {2 * i}–{2 * i + 2} and columns {2 * j}–{2 * j + 2}" in e.status
        cells.append(e._view.value)
    assert len(set(cells)) == 16
    e._step.value = 2  # scrubbing back
    assert "Step 3 of 16" in e.status
    e._play.value = 5  # the play button drives the step
    assert e._step.value == 5 and "output cell (1, 1)" in e.status
    e.set(stride=1)  # a new shape starts again at the first position
    assert e._step.value == 0 and e._step.max == 63


def test_conv_status_names_the_dilated_rows_and_columns():
    e = ConvExplorer()
    e.set(kernel_size=3, dilation=(2, 1))  # output (4, 6)
    assert "output cell (0, 0) reads rows 0–4 every 2 and columns 0–2 of" in e.status
    e._step.value = 7  # cell (1, 1)
    assert "output cell (1, 1) reads rows 1–5 every 2 and columns 1–3 of" in e.status
    assert "dilation=(2, 1))" in e._view.value


def test_conv_play_stops_and_restarts_when_the_shape_changes():
    e = ConvExplorer()
    e._play.playing = True
    e._play.value = 3  # a tick of the play button
    assert e._step.value == 3 and e._play.playing
    e.set(kernel_size=1)  # new output shape: back to the first position, paused
    assert not e._play.playing and e._play.value == e._step.value == 0
    e._play.playing = True
    e.set(kernel_size=11)  # impossible (11 > 8): paused and disabled
    assert not e._play.playing and e._play.disabled


def test_conv_accepts_numpy_integers():
    e = ConvExplorer()
    e.set(stride=np.array(2), padding=np.int64(1), kernel_size=np.array([3, 3]))
    assert e.output_shape == (4, 4) and (e._stride[0].value, e._stride[1].value) == (2, 2)


def test_conv_largest_drawing_stays_light():
    e = ConvExplorer(input_shape=(16, 16))
    e.set(padding=e._padding[0].max, kernel_size=1)  # the most cells the explorer can draw
    assert e.output_shape == (24, 24)
    assert len(e._view.value) < 160_000


def test_conv_one_render_per_set(monkeypatch):
    e = ConvExplorer()
    calls = []
    render = e._render
    monkeypatch.setattr(e, "_render", lambda: (calls.append(1), render()))
    e.set(kernel_size=(3, 5), padding=(1, 2), stride=2, dilation=1)
    assert len(calls) == 1
    e._padding[0].value = 0  # one slider move: one render even though the step resets
    assert len(calls) == 2


def test_conv_unexpected_error_is_a_message_not_a_traceback(monkeypatch):
    e = ConvExplorer()

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")
    monkeypatch.setattr(W, "conv_step_svg", broken)
    e.set(padding=1)  # no exception escapes
    assert e._padding[1].value == 1
    e._stride[0].value = 2  # nor from an observer
    assert e.output_shape is None
    assert "Something went wrong" in e.status and "drawing failed" in e.status
    assert "drawing failed" in e._view.value
    monkeypatch.setattr(W, "conv_step_svg", conv_step_svg)
    e._stride[0].value = 1
    assert e.output_shape == (8, 8) and "<svg" in e._view.value


# ---------------------------------------------------------------- PoolExplorer

def test_pool_repr_and_defaults_follow_gluon():
    e = PoolExplorer()
    assert repr(e) == "PoolExplorer(input_shape=(4, 4))"
    assert e._default_stride.value  # stride = pool size, as in Gluon
    assert e.output_shape == (2, 2)
    assert "max(0, 1, 4, 5) = 5" in e.status
    assert "H: ⌊(4 + 2·0 − 2) / 2⌋ + 1 = 2" in e._view.value


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
            assert e.output_shape is None and "Impossible" in e.status
            continue
        shape, Yg = gluon_pool_shape_and_values(X, k, p, s, mode)
        Ym = mx_pool(X, k, mode, p, s)
        assert e.output_shape == shape
        np.testing.assert_allclose(e.Y, Ym, rtol=1e-6)
        np.testing.assert_allclose(e.Y, Yg, rtol=1e-6)
        # the drawing shows the padded input, padding blank for max and 0 for average (as the
        # values count it), and then the pooled values
        shown = [float(v) for v in svg_texts(e._view.value)]
        drawn_input = np.pad(X, [(p[0], p[0]), (p[1], p[1])]).ravel() if mode == "avg" else X.ravel()
        np.testing.assert_array_equal(shown[:drawn_input.size], drawn_input)
        np.testing.assert_allclose(shown[drawn_input.size:], np.round(Ym.ravel(), 2), atol=0.006)
        checked += 1
    assert checked >= 10


def test_pool_default_stride_is_pool_size_and_can_be_changed():
    e = PoolExplorer()
    e.set(pool_size=3, padding=1)  # lecture: MaxPool2D(3, padding=1, strides=2) differs
    assert (e._stride[0].value, e._stride[1].value) == (3, 3) and e._stride[0].disabled
    assert e.output_shape == gluon_pool_shape_and_values(np.zeros((4, 4)), 3, 1, 3, "max")[0]
    e.set(stride=2)
    assert not e._default_stride.value and not e._stride[0].disabled
    assert e.output_shape == gluon_pool_shape_and_values(np.zeros((4, 4)), 3, 1, 2, "max")[0]
    e.set(stride="default")
    assert e._default_stride.value and e._stride[0].value == 3


def test_pool_controls_driven_through_widget_values():
    e = PoolExplorer()
    e._default_stride.value = False
    e._link.value = False
    e._pool[0].value, e._pool[1].value = 2, 3
    e._padding[0].value, e._padding[1].value = 1, 2
    e._stride[0].value, e._stride[1].value = 2, 3
    e._mode.value = "avg"
    shape, Yg = gluon_pool_shape_and_values(np.arange(16, dtype=np.float32).reshape(4, 4), (2, 3), (1, 2), (2, 3),
                                            "avg")
    assert e.output_shape == shape
    np.testing.assert_allclose(e.Y, Yg, rtol=1e-6)
    assert "nn.AvgPool2D((2, 3), padding=(1, 2), strides=(2, 3))" in e._view.value
    assert "(padding counts as 0)" in e.status


def test_pool_status_shows_the_numbers_of_the_current_window():
    e = PoolExplorer()
    e.set(pool_size=2, stride=1, mode="avg")
    e._step.value = 4  # output (3, 3): cell (1, 1) pools X[1:3, 1:3] = 5, 6, 9, 10
    assert "(5 + 6 + 9 + 10) / 4 = 7.5" in e.status
    e.set(mode="max")
    assert "max(5, 6, 9, 10) = 10" in e.status


def test_pool_status_counts_padding_as_zero_in_average_only():
    e = PoolExplorer()
    e.set(pool_size=3, padding=1, mode="avg")  # step 0: rows -1..1 and columns -1..1 of X
    assert ("pools rows 0–2 and columns 0–2 of the padded input: "
            "(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.11 (padding counts as 0).") in e.status
    e.set(mode="max")
    assert "of the padded input: max(0, 1, 4, 5) = 5 (padding is ignored)." in e.status


def test_pool_accepts_numpy_integers():
    e = PoolExplorer()
    e.set(pool_size=np.int64(3), stride=np.array(2), padding=np.array([1, 1]))
    assert e.output_shape == (2, 2) and not e._default_stride.value


def test_pool_largest_drawing_stays_light():
    e = PoolExplorer(input_shape=(12, 12))
    p = e._padding[0].max
    e.set(pool_size=p + 1, padding=p, stride=1, mode="avg")  # the most cells the explorer can draw
    assert e.output_shape == (16, 16)
    assert len(e._view.value) < 160_000


def test_pool_impossible_settings_and_back():
    e = PoolExplorer()
    e.set(padding=2)  # padding 2 is not smaller than the pool 2
    assert e.output_shape is None and "must be smaller than the pool" in e.status
    e.set(padding=0, pool_size=6)  # 6 > 4
    assert e.output_shape is None and "4 + 2·0 = 4" in e.status
    e._pool[0].value = 2
    assert e.output_shape == (2, 2) and "<svg" in e._view.value


@pytest.mark.parametrize("kwargs, name", [
    (dict(mode="min"), "mode"), (dict(stride=0), "stride"), (dict(stride="auto"), "stride"),
    (dict(pool_size=1.5), "pool_size"), (dict(padding=(0, 9)), "padding"),
    (dict(mode=np.array(["max", "avg"])), "mode"), (dict(mode=["max"]), "mode"), (dict(padding=5), "padding"),
])
def test_pool_set_rejects_values_the_controls_cannot_show(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PoolExplorer().set(**kwargs)


def test_pool_unexpected_error_is_a_message(monkeypatch):
    e = PoolExplorer()
    monkeypatch.setattr(W, "pool2d", lambda *a, **k: 1 / 0)
    e._mode.value = "avg"
    assert e.output_shape is None and "Something went wrong" in e.status


# ---------------------------------------------------------------- PhotoFilter

@pytest.fixture(scope="module")
def photo():
    return PhotoFilter()


def test_photo_repr_and_default(photo):
    assert repr(photo) == "PhotoFilter()"
    photo.set(preset="identity", padding=1, stride=1)
    assert photo.output_shape == photo.X.shape == (300, 256)
    assert "Output shape (300, 256)" in photo.status


def test_photo_output_is_corr2d_and_shape_matches_gluon(photo):
    rng = random.Random(3)
    for _ in range(6):
        K = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(3)]
        p, s = rng.randint(0, 4), rng.randint(1, 4)
        photo.set(kernel=K, padding=p, stride=s)
        np.testing.assert_allclose(photo.Y, corr2d(photo.X, np.array(K, dtype=np.float32), padding=p, stride=s),
                                   rtol=1e-5, atol=1e-5)
        assert photo.output_shape == gluon_conv_shape((300, 256), 3, p, s, 1)
        assert photo._preset.value == "custom"
    # and MXNet's own convolution agrees on the values
    photo.set(preset="Sobel x", padding=1, stride=2)
    ref = mx_conv(photo.X[None], np.array(photo.kernel)[None, None], (1, 1), (2, 2))[0]
    np.testing.assert_allclose(photo.Y, ref, rtol=1e-4, atol=1e-4)
    assert ("gives ⌊(300 + 2·1 − 3) / 2⌋ + 1 = 150 rows and ⌊(256 + 2·1 − 3) / 2⌋ + 1 = 128 columns"
            in photo.status)


def test_photo_presets_and_kernel_boxes(photo):
    photo.set(padding=1, stride=1)
    images = set()
    for name in ["identity", "horizontal edges", "vertical edges", "Sobel x", "blur", "sharpen"]:
        photo._preset.value = name  # through the dropdown's value
        assert np.allclose(photo.kernel, KERNELS[name])
        assert f"kernel: {name}" in photo.status
        images.add(photo._out_img.value)
    assert len(images) == 6
    photo._boxes[1][1].value = 2.0  # editing one box makes the kernel "custom"
    assert photo._preset.value == "custom"
    np.testing.assert_allclose(photo.Y, corr2d(photo.X, np.array(photo.kernel, np.float32), padding=1),
                               rtol=1e-5, atol=1e-6)
    photo._padding.value = 0
    photo._stride.value = 3
    assert photo.output_shape == conv_output_shape((300, 256), 3, 0, 3)


def test_photo_accepts_numpy_integers(photo):
    photo.set(preset="identity", padding=np.int64(0), stride=np.array(2))
    assert (photo._padding.value, photo._stride.value) == (0, 2)
    assert photo.output_shape == conv_output_shape((300, 256), 3, 0, 2)


def test_photo_output_display_is_abs_scaled(photo):
    photo.set(preset="Sobel x", padding=1, stride=1)
    A = photo._to_uint8(photo.Y)
    assert A.max() == 255 and A.min() == 0
    assert np.array_equal(A, photo._to_uint8(-photo.Y))  # the sign is not shown
    assert photo._out_img.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kwargs, name", [
    (dict(kernel=[[1, 2], [3, 4]]), "kernel"), (dict(kernel=[[1, 2, 3]] * 2 + [["a", 0, 0]]), "kernel"),
    (dict(kernel=[[float("nan")] * 3] * 3), "kernel"), (dict(padding=5), "padding"),
    (dict(stride=0), "stride"), (dict(preset="emboss"), "preset"), (dict(preset=["blur"]), "preset"),
    (dict(kernel=np.eye(3) * 1j), "kernel"), (dict(kernel=np.eye(3, dtype=bool)), "kernel"),
])
def test_photo_set_rejects_bad_values(photo, kwargs, name):
    with pytest.raises(ValueError, match=name):
        photo.set(**kwargs)


@pytest.mark.parametrize("big", [1e300, -1e38, 1.5e6])
def test_photo_huge_kernel_values_are_too_large(photo, big):
    photo.set(preset="identity", padding=1, stride=1)
    with pytest.raises(ValueError, match=r"kernel holds a value that is too large .*1,000,000"):
        photo.set(kernel=[[big, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert photo.kernel[0][0] == 0 and photo.output_shape == (300, 256)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning in the notebook
        photo._boxes[0][0].value = big  # typed in a box
    assert photo.output_shape is None
    assert photo.status.startswith("The kernel holds a value that is too large")
    assert "1,000,000" in photo._caption.value
    photo._boxes[0][0].value = 1e6  # the limit itself is fine
    assert photo.output_shape == (300, 256) and photo._preset.value == "custom"


@pytest.mark.parametrize("K, expected", [
    (nd.array([[[[1, -1]]]]), [[0, 0, 0], [0, 1, -1], [0, 0, 0]]),
    (nd.array([[1, -1]]), [[0, 0, 0], [0, 1, -1], [0, 0, 0]]),
    (np.arange(9).reshape(1, 1, 3, 3), np.arange(9).reshape(3, 3).tolist()),
    ([[2.0]], [[0, 0, 0], [0, 2, 0], [0, 0, 0]]),
])
def test_photo_learned_kernel_is_a_centred_preset(K, expected):
    f = PhotoFilter(learned_kernel=K)
    assert repr(f) == "PhotoFilter(learned_kernel=...)"
    f.set(preset="learned (lesson 3)")
    assert np.allclose(f.kernel, expected)
    assert f._preset.value == "learned (lesson 3)"


@pytest.mark.parametrize("K", [nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 1, 2)), [[]], "edge",
                               np.array([[1 + 1j, -1]]), [[1e300, -1]], [[float("inf"), 0]]])
def test_photo_learned_kernel_is_validated(K):
    with pytest.raises(ValueError, match="learned_kernel"):
        PhotoFilter(learned_kernel=K)


def test_photo_unexpected_error_is_a_message(photo, monkeypatch):
    monkeypatch.setattr(W, "corr2d", lambda *a, **k: 1 / 0)
    photo._stride.value = 2 if photo._stride.value != 2 else 1
    assert photo.output_shape is None and "Something went wrong" in photo.status
    monkeypatch.setattr(W, "corr2d", corr2d)
    photo.set(stride=1)
    assert photo.output_shape is not None


def test_photo_starts_with_the_learned_kernel():
    f = PhotoFilter(learned_kernel=nd.array([[[[0.9, -1.1]]]]))
    assert f._preset.value == "learned (lesson 3)" and "kernel: learned (lesson 3)" in f.status
    np.testing.assert_allclose(f.kernel, [[0, 0, 0], [0, 0.9, -1.1], [0, 0, 0]], rtol=1e-6)
    np.testing.assert_allclose(f.Y, corr2d(f.X, np.array(f.kernel, np.float32), padding=1), rtol=1e-5, atol=1e-6)
