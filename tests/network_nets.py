"""Networks for the NetworkExplorer's tests: lesson 10's network, trained in about a second, and others
with every supported layer and setting (Xavier weights, random biases), and the inputs to check them on."""
from functools import lru_cache

import numpy as np


def lesson_layers(nn):
    return [nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(pool_size=2),
            nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(pool_size=2),
            nn.Dense(64, activation="relu"), nn.Dense(10)]


@lru_cache(maxsize=None)
def lesson_net():
    """Lesson 10's network trained for a few epochs on load_digits() (test accuracy above 90%): (net, data)."""
    import mxnet as mx
    from mxnet import init
    from mxnet.gluon import nn

    from d2lutils.digits import load_digits
    from d2lutils.training import train
    mx.random.seed(0)
    net = nn.Sequential()
    net.add(*lesson_layers(nn))
    net.initialize(init.Xavier())
    data = load_digits(test_fraction=0.2, seed=0)
    history = train(net, data, num_epochs=4, lr=0.01, batch_size=32, seed=0, progress=False)
    assert history.test_acc[-1] > 0.9
    return net, data


def _zoo(nn, name):
    if name == "settings":  # every kind of setting: stride, dilation, asymmetric kernels, count_include_pad
        return [nn.Conv2D(6, kernel_size=3, padding=2, dilation=2, activation="tanh"),
                nn.AvgPool2D(pool_size=3, strides=1, padding=1, count_include_pad=False),
                nn.Conv2D(8, kernel_size=(2, 3), strides=(2, 1), use_bias=False),
                nn.Activation("relu"),
                nn.MaxPool2D(pool_size=(2, 3), strides=(1, 2), padding=(1, 1)),
                nn.AvgPool2D(pool_size=2, strides=1, padding=1),
                nn.Flatten(),
                nn.Dense(12, activation="sigmoid"),
                nn.Dense(7, use_bias=False)]
    if name == "global average":  # lesson 10's pooled network
        return [nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(2),
                nn.Conv2D(10, kernel_size=3, padding=1), nn.GlobalAvgPool2D(), nn.Flatten()]
    if name == "global max":  # nested blocks, ending in maps of 1x1
        inner = nn.HybridSequential()
        inner.add(nn.Conv2D(4, kernel_size=5, strides=3, padding=2, activation="sigmoid"),
                  nn.Conv2D(5, kernel_size=1))
        return [inner, nn.GlobalMaxPool2D()]
    raise KeyError(name)


ZOO = ("settings", "global average", "global max")


@lru_cache(maxsize=None)
def zoo_net(name):
    """A network with Xavier weights and random biases (no training needed)."""
    import mxnet as mx
    from mxnet import init, nd
    from mxnet.gluon import nn
    mx.random.seed(1)
    net = nn.Sequential()
    net.add(*_zoo(nn, name))
    net.initialize(init.Xavier())
    net(nd.zeros((1, 1, 8, 8)))
    rng = np.random.default_rng(2)
    for pname, p in net.collect_params().items():
        if pname.endswith("bias"):
            p.set_data(nd.array(rng.normal(0, 0.3, p.shape)))
    return net


def shift(X, dy, dx):
    """Images (n, 1, 8, 8) moved by (dy, dx), blank where they moved from (an independent twin of the explorer's)."""
    out = np.zeros_like(X)
    H, W = X.shape[-2:]
    for r in range(H):
        for c in range(W):
            if 0 <= r - dy < H and 0 <= c - dx < W:
                out[..., r, c] = X[..., r - dy, c - dx]
    return out


def inputs(data, count_random=100, seed=0):
    """(images (n, 1, 8, 8) float32, shifts [(dy, dx)] or None per image): test digits, shifted ones, random drawings."""
    rng = np.random.default_rng(seed)
    X = list(data.X_test)
    shifts = [(0, 0)] * len(X)
    for k in range(100):
        dy, dx = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-2, 1), (0, 2), (2, -2)][k % 8]
        X.append(data.X_test[k])
        shifts.append((dy, dx))
    for _ in range(count_random):
        drawing = (rng.random((1, 8, 8)) < rng.uniform(0.1, 0.5)).astype(np.float32)
        if rng.random() < 0.3:
            drawing *= rng.integers(0, 17, (1, 8, 8)) / 16
        X.append(drawing.astype(np.float32))
        shifts.append((int(rng.integers(-2, 3)), int(rng.integers(-2, 3))))
    return np.array(X, dtype=np.float32), shifts


def mxnet_layers(net, X):
    """Every layer's output of a Gluon Sequential (nested blocks unrolled) for images X (n, 1, 8, 8), by MXNet."""
    from mxnet import nd
    from mxnet.gluon import nn
    outs, x = [], nd.array(X)

    def run(block):
        nonlocal x
        if isinstance(block, (nn.Sequential, nn.HybridSequential)):
            for i in range(len(block)):
                run(block[i])
        else:
            x = block(x)
            outs.append(x.asnumpy())
    run(net)
    return outs


# ---------------------------------------------------------------- the same networks in PyTorch

def torch_lesson_layers(nn):
    """Lesson 10's network as its PyTorch edition writes it."""
    return [nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2),
            nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10)]


@lru_cache(maxsize=None)
def torch_lesson_net():
    """Lesson 10's torch network trained for a few epochs on load_digits() (test accuracy above 90%): (net, data)."""
    import torch
    from torch import nn

    from d2lutils.digits import load_digits
    from d2lutils.training import train
    torch.manual_seed(0)
    net = nn.Sequential(*torch_lesson_layers(nn))
    data = load_digits(test_fraction=0.2, seed=0)
    history = train(net, data, num_epochs=4, lr=0.01, batch_size=32, seed=0, progress=False)
    assert history.test_acc[-1] > 0.9
    return net, data


def _torch_zoo(nn, name):
    if name == "settings":  # every kind of setting: stride, dilation, asymmetric kernels, count_include_pad
        return [nn.Conv2d(1, 6, kernel_size=3, padding=2, dilation=2), nn.Tanh(),
                nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False),
                nn.Conv2d(6, 8, kernel_size=(2, 3), stride=(2, 1), bias=False),
                nn.ReLU(),
                nn.MaxPool2d(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1)),
                nn.AvgPool2d(kernel_size=2, stride=1, padding=1),
                nn.Flatten(),
                nn.LazyLinear(12), nn.Sigmoid(),
                nn.Linear(12, 7, bias=False)]
    if name == "global average":  # lesson 10's pooled network with a global average
        return [nn.Conv2d(1, 16, kernel_size=3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(16, 10, kernel_size=3, padding=1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten()]
    if name == "global max":  # nested blocks, ending in maps of 1x1
        inner = nn.Sequential(nn.Conv2d(1, 4, kernel_size=5, stride=3, padding=2), nn.Sigmoid(),
                              nn.Conv2d(4, 5, kernel_size=1))
        return [inner, nn.AdaptiveMaxPool2d(1)]
    raise KeyError(name)


@lru_cache(maxsize=None)
def torch_zoo_net(name):
    """A torch network with its default initial weights and random biases (no training needed)."""
    import torch
    from torch import nn
    torch.manual_seed(1)
    net = nn.Sequential(*_torch_zoo(nn, name))
    with torch.no_grad():
        net(torch.zeros((1, 1, 8, 8)))  # sets the shapes of lazy layers
        rng = np.random.default_rng(2)
        for pname, p in net.named_parameters():
            if pname.endswith("bias"):
                p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))
    return net


def torch_layers(net, X):
    """Every layer's output of a torch Sequential (nested ones unrolled) for images X (n, 1, 8, 8), by torch."""
    import torch
    from torch import nn
    outs, x = [], torch.from_numpy(np.asarray(X, dtype=np.float32))

    def run(module):
        nonlocal x
        if isinstance(module, nn.Sequential):
            for child in module:
                run(child)
        else:
            x = module(x)
            outs.append(x.numpy())
    with torch.no_grad():
        run(net)
    return outs
