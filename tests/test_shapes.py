"""Output-shape arithmetic against real Gluon layers and hand-worked numbers."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mxnet import nd
from mxnet.gluon import nn

from d2lutils import conv_output_shape, conv_shape_formula, pool_output_shape


def test_hand_worked():
    assert conv_output_shape(3, 2) == (2, 2)
    assert conv_output_shape((6, 8), (1, 2)) == (6, 7)
    assert conv_output_shape(8, 3, padding=1, stride=2) == (4, 4)
    assert conv_output_shape(8, (3, 5), (0, 1), (3, 4)) == (2, 2)
    assert conv_output_shape(7, 3, dilation=2) == (3, 3)
    assert pool_output_shape(4, 3) == (1, 1)
    assert pool_output_shape(4, 3, padding=1, stride=2) == (2, 2)
    assert pool_output_shape(4, (2, 3), padding=(1, 2), stride=(2, 3)) == (3, 2)


def test_ten_5x5_layers_shrink_240_to_200():
    n = 240
    for _ in range(10):
        n, _ = conv_output_shape(n, 5)
    assert n == 200


def test_formula_has_the_numbers():
    lines = conv_shape_formula(8, (3, 5), (0, 1), (3, 4))
    assert lines == ["H: ⌊(8 + 2·0 − 3) / 3⌋ + 1 = 2",
                     "W: ⌊(8 + 2·1 − 5) / 4⌋ + 1 = 2"]
    assert conv_shape_formula(7, 3, dilation=(2, 1)) == ["H: ⌊(7 + 2·0 − 2·(3 − 1) − 1) / 1⌋ + 1 = 3",
                                                         "W: ⌊(7 + 2·0 − 3) / 1⌋ + 1 = 5"]


layer = dict(H=st.integers(1, 14), W=st.integers(1, 14), kh=st.integers(1, 6), kw=st.integers(1, 6),
             ph=st.integers(0, 3), pw=st.integers(0, 3), sh=st.integers(1, 4), sw=st.integers(1, 4))


@given(dh=st.integers(1, 3), dw=st.integers(1, 3), **layer)
def test_conv_shape_matches_gluon(H, W, kh, kw, ph, pw, sh, sw, dh, dw):
    args = ((H, W), (kh, kw), (ph, pw), (sh, sw), (dh, dw))
    if dh * (kh - 1) + 1 > H + 2 * ph or dw * (kw - 1) + 1 > W + 2 * pw:
        with pytest.raises(ValueError, match="kernel_size"):
            conv_output_shape(*args)
        return
    net = nn.Conv2D(1, kernel_size=(kh, kw), padding=(ph, pw), strides=(sh, sw), dilation=(dh, dw))
    net.initialize()
    assert net(nd.zeros((1, 1, H, W))).shape[2:] == conv_output_shape(*args)


@given(layer_type=st.sampled_from([nn.MaxPool2D, nn.AvgPool2D]), default_stride=st.booleans(), **layer)
def test_pool_shape_matches_gluon(layer_type, default_stride, H, W, kh, kw, ph, pw, sh, sw):
    stride = None if default_stride else (sh, sw)
    if ph >= kh or pw >= kw or kh > H + 2 * ph or kw > W + 2 * pw:
        word = "smaller than pool_size" if ph >= kh or pw >= kw else "larger than the padded input"
        with pytest.raises(ValueError, match=word):
            pool_output_shape((H, W), (kh, kw), (ph, pw), stride)
        return
    net = layer_type((kh, kw), strides=stride, padding=(ph, pw))
    assert net(nd.zeros((1, 1, H, W))).shape[2:] == pool_output_shape((H, W), (kh, kw), (ph, pw), stride)


def test_pool_formula_has_the_numbers():
    from d2lutils import pool_shape_formula
    assert pool_shape_formula(4, (2, 3), (1, 2), (2, 3)) == ["H: ⌊(4 + 2·1 − 2) / 2⌋ + 1 = 3",
                                                             "W: ⌊(4 + 2·2 − 3) / 3⌋ + 1 = 2"]
    assert pool_shape_formula(4, 3)[0] == "H: ⌊(4 + 2·0 − 3) / 3⌋ + 1 = 1"
