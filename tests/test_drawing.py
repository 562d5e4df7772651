"""The lessons' figures: what they draw, that they take the theme's colours, survive JupyterLab's
sanitizer (checked in a real JupyterLab by tests/browser), carry a text alternative, and refuse
absurd sizes at once."""
import colorsys
import html
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from d2lutils import conv_output_shape, corr2d
from d2lutils import drawing as D
from d2lutils.drawing import Drawing, channels_svg, conv_step_svg, figure_png

#: What JupyterLab's sanitizer keeps in an untrusted notebook (checked there by tests/browser): these
#: tags, and inline styles made of these properties.
SAFE_TAGS = {"figure", "figcaption", "div", "span", "sub", "p"}
SAFE_STYLES = {"position", "left", "top", "width", "height", "border", "background-color", "color", "font-size",
               "line-height", "text-align", "overflow", "overflow-x", "white-space", "box-sizing", "margin",
               "margin-top", "padding", "clip", "font-family", "font-style", "max-width"}


class Boxes(HTMLParser):
    """The elements of a figure: (tag, {style property: value}, text inside)."""

    def __init__(self, markup):
        super().__init__()
        self.items, self.stack = [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        style = {}
        for decl in filter(None, (attrs.get("style") or "").split(";")):
            k, v = decl.split(":", 1)
            style[k.strip()] = v.strip()
        self.items.append([tag, style, "", attrs])
        self.stack.append(self.items[-1])

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


def cells(markup, fill=None):
    """The cell boxes (1px-bordered divs) of a figure, optionally only those with background ``fill``."""
    found = [b for b in Boxes(markup).items if b[0] == "div" and b[1].get("border", "").startswith("1px")]
    return [b for b in found if fill is None or b[1].get("background-color") == fill]


def test_conv_step_draws_padding_window_kernel_and_output():
    X = np.arange(9).reshape(3, 3)
    K = np.array([[0, 1], [2, 3]])
    Y = corr2d(X, K, padding=1)
    d = conv_step_svg((3, 3), kernel_size=2, padding=1, position=(0, 0), X=X, K=K, Y=Y,
                      title="One ring of zero padding around a 3x3 input")
    assert isinstance(d, Drawing) and d._repr_html_() == d.data
    all_cells = cells(d.data)
    assert len(all_cells) == 5 * 5 + 2 * 2 + 4 * 4
    assert len(cells(d.data, D.WINDOW_FILL)) == 4 + 4          # the window in the input, and the kernel
    assert len(cells(d.data, D.OUTPUT_FILL)) == 1
    assert len(cells(d.data, D.PAD_FILL)) == 5 * 5 - 3 * 3 - 3  # the ring, less the window's 3 padded cells
    dashed = [b for b in all_cells if "dashed" in b[1]["border"]]
    assert len(dashed) == 16
    texts = [b[2] for b in all_cells]
    padded = np.pad(X, 1)
    assert texts[:25] == [str(v) for v in padded.ravel()]          # zero padding written as 0
    assert texts[25:29] == ["0", "1", "2", "3"]
    assert texts[29:] == [str(int(v)) for v in Y.ravel()]
    assert "<figcaption" in d.data and ">One ring of zero padding around a 3x3 input</figcaption>" in d.data
    assert repr(d) == ("A 3×3 input padded to 5×5; the 2×2 kernel window (orange) at output cell (0, 0) (blue) covers "
                       "rows 0–1 and columns 0–1 of the padded input; the output is 4×4.")
    assert html.escape(repr(d)) in d.data  # the description is in the page, for screen readers


def test_conv_step_window_follows_position_stride_and_dilation():
    d = conv_step_svg((8, 8), kernel_size=3, stride=2, dilation=2, position=(1, 0))
    out = conv_output_shape((8, 8), 3, 0, 2, 2)
    window = cells(d.data, D.WINDOW_FILL)[:9]  # the input's window cells come first
    lefts = sorted({float(b[1]["left"][:-2]) for b in window})
    tops = sorted({float(b[1]["top"][:-2]) for b in window})
    assert lefts == [0, 52, 104] and tops == [24 + 26 * r for r in (2, 4, 6)]  # rows 2, 4, 6; columns 0, 2, 4
    assert len(cells(d.data, D.OUTPUT_FILL)) == 1 and len(cells(d.data)) == 64 + 9 + out[0] * out[1]
    assert "rows 2–6 every 2 and columns 0–4 every 2 of the input" in repr(d)
    assert "padded" not in repr(d)


def test_pooling_step_leaves_padding_blank_or_zero():
    X = np.arange(9).reshape(3, 3)
    d = conv_step_svg((3, 3), 2, padding=1, position=(0, 0), X=X, K=None, names=("Input", None, "Output"))
    texts = [b[2] for b in cells(d.data)]
    assert texts[:25] == [str(v) if 1 <= i // 5 <= 3 and 1 <= i % 5 <= 3 else "" for i, v in enumerate(np.pad(X, 1).ravel())]
    assert "pooling window" in repr(d) and "&#8902;" not in d.data  # no kernel, no star
    d0 = conv_step_svg((3, 3), 2, padding=1, position=(0, 0), X=X, K=None, names=("Input", None, "Output"), pad_value=0)
    assert [b[2] for b in cells(d0.data)][:5] == ["0"] * 5


@pytest.mark.parametrize("figure", [
    lambda: conv_step_svg((5, 6), (2, 3), padding=(1, 0), stride=(2, 1), position=(1, 2), X=np.ones((5, 6)),
                          K=np.ones((2, 3)), title="t"),
    lambda: channels_svg(c_i=3, H=5, W=5, c_o=8, kh=3, kw=3, padding=1),
    lambda: channels_svg(c_i=2, H=3, W=3, c_o=3, kh=2, kw=2, cell=22),
])
def test_figures_use_only_what_the_sanitizer_keeps_and_the_theme_colours(figure):
    d = figure()
    for tag, style, _, attrs in Boxes(d.data).items:
        assert tag in SAFE_TAGS, tag
        assert set(attrs) <= {"style", "class", "title"}, attrs
        assert set(style) <= SAFE_STYLES, set(style) - SAFE_STYLES
        # text and lines follow the theme (inherited colour, grey lines); only text on a fill is fixed
        if "color" in style:
            assert style["color"] == D.ON_FILL and style.get("background-color") not in (None, D.PAD_FILL)
        if "background-color" in style:
            assert style["background-color"] in (D.PAD_FILL, D.WINDOW_FILL, D.OUTPUT_FILL, *D.CHANNEL_FILLS,
                                                  *D.OUTPUT_CHANNEL_FILLS)
    assert "<svg" not in d.data and "<script" not in d.data and "fill=" not in d.data
    assert d.data.count("<figure") == 1


def test_channels_figure_names_every_axis_and_describes_itself():
    d = channels_svg(c_i=2, H=3, W=3, c_o=3, kh=2, kw=2, cell=22)
    text = re.sub(r"<[^>]+>", "", d.data)
    for label in ["X (ci=2, H=3, W=3)", "K[0]", "K[2]", "K (co=3, ci=2, kh=2, kw=2)", "Y (co=3, H′=2, W′=2)"]:
        assert label in text, label
    assert "c<sub>i</sub>=2" in d.data
    assert repr(d).startswith("An input X of shape (2, 3, 3) cross-correlated with a kernel K of shape (3, 2, 2, 2)")
    # two input channels drawn for X and for each of the three kernel stacks; three output channels
    assert len(cells(d.data, D.CHANNEL_FILLS[0])) == 9 + 3 * 4
    assert len(cells(d.data, D.OUTPUT_CHANNEL_FILLS[0])) == 1 + 4  # K[0]'s marker and the front output grid


def test_deep_stacks_draw_at_most_six_layers():
    d = channels_svg(c_i=100, H=2, W=2, c_o=1, kh=1, kw=1)
    assert "(100 in all)" in d.data
    assert len(cells(d.data)) <= 6 * 4 + 6 * 1 + 1 + 4


@pytest.mark.parametrize("call, name", [
    (lambda: conv_step_svg((10 ** 9, 10 ** 9), 3), "input_shape"),
    (lambda: conv_step_svg((8, 8), 3, padding=10 ** 6), "input_shape with padding"),
    (lambda: conv_step_svg((8, 8), (3, 10 ** 7)), "kernel_size"),
    (lambda: conv_step_svg((8, 8), 3, cell=0), "cell"),
    (lambda: conv_step_svg((8, 8), 3, cell=10 ** 6), "cell"),
    (lambda: conv_step_svg((8, 8), 3, title=b"x"), "title"),
    (lambda: conv_step_svg((8, 8), 3, title="x" * 10 ** 6), "title"),
    (lambda: conv_step_svg((8, 8), 3, names=("a", "b")), "names"),
    (lambda: conv_step_svg((8, 8), 3, position=(6, 0)), "position"),
    (lambda: conv_step_svg((8, 8), 3, position="00"), "position"),
    (lambda: conv_step_svg((3, 3), 2, X=np.ones((2, 2))), "X"),
    (lambda: conv_step_svg((3, 3), 5), "kernel_size"),
    (lambda: channels_svg(10 ** 9, 3, 3, 1, 1, 1), "c_i"),
    (lambda: channels_svg(1, 3, 3, 10 ** 12, 1, 1), "c_o"),
    (lambda: channels_svg(1, 10 ** 5, 3, 1, 1, 1), r"\(H, W\)"),
    (lambda: channels_svg(1, 3, 3, 1, 1, 1, cell=-3), "cell"),
    (lambda: channels_svg(0, 3, 3, 1, 1, 1), "c_i"),
])
def test_bad_or_absurd_arguments_are_one_line_errors(call, name):
    with pytest.raises(ValueError, match=name) as err:
        call()
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- matplotlib figures

@pytest.fixture()
def shown(monkeypatch):
    """What IPython would display: a list of (bundle, metadata)."""
    import IPython.display
    out = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata=None, raw=False: out.append((obj, metadata)))
    return out


def test_figure_png_shows_the_picture_then_its_caption(shown):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    png = figure_png(fig, "parameter counts against image size")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n" and not plt.get_fignums()  # closed: not shown twice
    assert repr(png) == "<PNG image: parameter counts against image size>"
    png._ipython_display_()
    (picture, meta), (caption, _) = shown
    assert picture["image/png"] == png.data and "text/html" not in picture  # bytes only where nbval skips them
    assert meta == {"image/png": {"alt": "Figure: Parameter counts against image size."}}
    assert caption["text/plain"] == "Figure: Parameter counts against image size."
    assert ">Figure: Parameter counts against image size.</p>" in caption["text/html"]
    assert "base64" not in caption["text/html"] and "<img" not in caption["text/html"]


def test_figure_png_caption_keeps_a_final_stop_and_escapes():
    png = D.PNG(b"", "edges <and> stripes.")
    assert png.caption == "Figure: Edges <and> stripes."


@pytest.mark.parametrize("kwargs, name", [
    (dict(fig="not a figure"), "fig"), (dict(title=""), "title"), (dict(title=3), "title"),
    (dict(dpi=0), "dpi"), (dict(dpi=10 ** 5), "dpi"), (dict(size=(1000, 1000)), "figure"),
])
def test_figure_png_refuses_bad_arguments_at_once(kwargs, name):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=kwargs.pop("size", (2, 2)))
    try:
        args = dict(fig=fig, title="t", dpi=100)
        args.update(kwargs)
        with pytest.raises(ValueError, match=name) as err:
            figure_png(**args)
        assert "\n" not in str(err.value)
    finally:
        plt.close("all")


def _hue_lightness(colour):
    """Hue in degrees and lightness (0-1) of a '#rrggbb' colour."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, l, _ = colorsys.rgb_to_hls(r, g, b)
    return h * 360, l


def _contrast(a, b):
    """WCAG contrast ratio of two '#rrggbb' colours."""
    def luminance(c):
        lin = [(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
               for v in (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_channel_colours_are_neither_the_window_nor_the_output_colour():
    """Input channels must not look like the window (orange), the output cell (blue) or an output channel
    (violet): the lessons name the channel colours, and every other figure reserves those three."""
    def distance(h1, h2):
        return min(abs(h1 - h2), 360 - abs(h1 - h2))

    reserved = {"window": (_hue_lightness(D.WINDOW_FILL)[0], 15), "output": (_hue_lightness(D.OUTPUT_FILL)[0], 40),
                "output channels": (_hue_lightness(D.OUTPUT_CHANNEL_FILLS[0])[0], 40)}
    assert len(set(D.CHANNEL_FILLS)) == len(D.CHANNEL_FILLS) >= 6
    for fill in D.CHANNEL_FILLS:
        hue, lightness = _hue_lightness(fill)
        for name, (reserved_hue, margin) in reserved.items():
            assert distance(hue, reserved_hue) >= margin, f"{fill} looks like the {name} colour"
        assert lightness > 0.75 and _contrast(fill, D.ON_FILL) >= 7, f"{fill}: dark text would be hard to read"
    for a, b in zip(D.CHANNEL_FILLS, D.CHANNEL_FILLS[1:]):  # neighbouring channels in a stack differ
        assert distance(_hue_lightness(a)[0], _hue_lightness(b)[0]) >= 40, (a, b)
