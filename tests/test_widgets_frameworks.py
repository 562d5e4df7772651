"""The explorers write the layer of both frameworks, and the PyTorch spelling builds what the explorer shows.

No framework at the top: the first test runs in both environments, the second where torch is installed.
"""
import pytest


def test_the_explorers_write_the_layer_for_both_frameworks():
    """The page and .gluon / .pytorch write the layer each framework builds for the current settings."""
    from d2lutils.widgets import ConvExplorer, PoolExplorer
    e = ConvExplorer(input_shape=(8, 8)).set(kernel_size=(3, 2), padding=1, stride=2)
    assert e.pytorch == "nn.Conv2d(1, 1, kernel_size=(3, 2), padding=1, stride=2)"
    assert e.set(dilation=(2, 1)).pytorch.endswith("stride=2, dilation=(2, 1))")
    p = PoolExplorer(input_shape=(6, 6)).set(pool_size=3, padding=1, mode="avg")
    assert p.pytorch == "nn.AvgPool2d(3, stride=3, padding=1)"
    assert p.set(pool_size=2, padding=(1, 1)).pytorch == "nn.AvgPool2d(2, stride=2, padding=1)"
    assert p.set(pool_size=(2, 3), padding=(2, 1)).pytorch is None  # PyTorch refuses padding above half the window


def test_the_pytorch_spelling_is_what_pytorch_builds():
    torch = pytest.importorskip("torch")
    from d2lutils.widgets import ConvExplorer, PoolExplorer
    from torch import nn  # noqa: F401  (the code below names nn)
    for settings in [dict(kernel_size=(3, 2), padding=(1, 0), stride=(2, 1)), dict(kernel_size=3, dilation=2)]:
        e = ConvExplorer(input_shape=(9, 8)).set(**settings)
        layer = eval(e.pytorch)
        assert tuple(layer(torch.zeros(1, 1, 9, 8)).shape[2:]) == e.output_shape
    for settings in [dict(pool_size=3, padding=1, mode="max"), dict(pool_size=(2, 3), padding=(1, 0), mode="avg")]:
        p = PoolExplorer(input_shape=(7, 7)).set(**settings)
        layer = eval(p.pytorch)
        assert tuple(layer(torch.zeros(1, 1, 7, 7)).shape[2:]) == p.output_shape
