"""Training a Gluon classifier with minibatch steps, showing progress (lesson 9).

``train_epoch`` is the whole algorithm: shuffle, and for every minibatch record the loss,
backpropagate and take one optimizer step. ``train`` repeats it for a number of epochs,
measures loss and accuracy after each, and shows a progress line that updates in place in
a notebook. Importing this module does not import MXNet.
"""
import numbers
import time
from collections import namedtuple

import numpy as np

from ._validate import as_int

#: Per-epoch results of :func:`train`, lists of floats: the mean training loss of the epoch, the
#: accuracy on the training and test sets after it, and the seconds since training started.
History = namedtuple("History", "loss train_acc test_acc seconds")

#: The most epochs :func:`train` runs: enough for any lesson, small enough to end soon.
MAX_EPOCHS = 1000


def accuracy(net, X, y):
    """The fraction of examples in X (n, ...) whose largest output of ``net`` is at label y (n,): a float."""
    from mxnet import nd
    X = X if hasattr(X, "asnumpy") else nd.array(X)
    y = np.asarray(y.asnumpy() if hasattr(y, "asnumpy") else y)
    predicted = net(X).argmax(axis=1).asnumpy()
    return float((predicted == y).mean())


def train_epoch(net, trainer, loss, X, y, batch_size, rng):
    """One pass over X (n, c, H, W), y (n,) numpy in shuffled minibatches; returns the mean loss (a float)."""
    from mxnet import autograd, nd
    order = rng.permutation(len(y))
    total = 0.0
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        X_batch, y_batch = nd.array(X[batch]), nd.array(y[batch])
        with autograd.record():
            l = loss(net(X_batch), y_batch)  # one loss per example
        l.backward()
        trainer.step(len(batch))  # the gradient is of the batch's sum: divide by its size
        total += float(l.sum().asscalar())
    return total / len(y)


class _ProgressLine:
    """One line of progress: a bar and text. HTML in a notebook, plain text elsewhere."""

    def __init__(self, done, total, text):
        self.done, self.total, self.text = done, total, text

    def _repr_html_(self):
        import html
        return (f'<div><progress value="{self.done}" max="{self.total}" aria-label="training progress">'
                f'</progress> <span>{html.escape(self.text)}</span></div>')

    def __repr__(self):
        width = 20
        filled = round(width * self.done / self.total)
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.text}"


class Progress:
    """A progress line that updates in place in a notebook (and does nothing outside IPython)."""

    def __init__(self, total):
        self.total = total
        self.handle = None
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython is part of the course's environment
            return
        if get_ipython() is not None:
            self.handle = display(_ProgressLine(0, total, "starting..."), display_id=True)

    def update(self, done, text):
        if self.handle is not None:
            self.handle.update(_ProgressLine(done, self.total, text))


def _learning_rates(lr, num_epochs):
    """``lr`` (a positive number, or one per epoch) as a list of num_epochs floats."""
    def positive(value):
        return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
                and np.isfinite(float(value)) and float(value) > 0)
    if positive(lr):
        return [float(lr)] * num_epochs
    if isinstance(lr, (list, tuple, np.ndarray)) and len(lr) == num_epochs and all(positive(v) for v in lr):
        return [float(v) for v in lr]
    raise ValueError(f"train: lr must be a positive number or a list of {num_epochs} positive numbers "
                     f"(one per epoch), got {type(lr).__name__}")


def _data(data):
    """``data`` (X_train, y_train, X_test, y_test) as numpy arrays, checked for matching lengths."""
    if not (isinstance(data, tuple) and len(data) == 4):
        raise ValueError("train: data must be (X_train, y_train, X_test, y_test), e.g. d2lutils.digits.load_digits()")
    arrays = [np.asarray(a.asnumpy() if hasattr(a, "asnumpy") else a) for a in data]
    names = ("X_train", "y_train", "X_test", "y_test")
    for name, a in zip(names, arrays):
        if a.dtype.kind not in "fiu" or a.size == 0:
            raise ValueError(f"train: {name} must be a non-empty array of numbers, got dtype {a.dtype}")
    for X, y, name in ((arrays[0], arrays[1], "train"), (arrays[2], arrays[3], "test")):
        if y.ndim != 1 or len(X) != len(y):
            raise ValueError(f"train: X_{name} and y_{name} must hold the same number of examples, "
                             f"got shapes {X.shape} and {y.shape}")
    return [a.astype(np.float32) for a in arrays]


def train(net, data, num_epochs, lr, batch_size=32, seed=0, progress=True):
    """Train ``net`` (an initialized Gluon classifier) with Adam on softmax cross-entropy; return a :data:`History`.

    ``data`` is (X_train, y_train, X_test, y_test), X (n, c, H, W) and y (n,) integer labels, numpy
    or NDArrays; ``lr`` is one learning rate, or a list of one per epoch. ``seed`` fixes the order
    of the minibatches. After every epoch the loss and both accuracies are recorded and, if
    ``progress``, shown on a line that updates in place. Raises ``ValueError`` naming the argument.
    """
    from mxnet import gluon
    num_epochs = as_int(num_epochs, "num_epochs", "train", 1)
    if num_epochs > MAX_EPOCHS:
        raise ValueError(f"train: num_epochs must be at most {MAX_EPOCHS}, got {num_epochs}")
    rates = _learning_rates(lr, num_epochs)
    batch_size = as_int(batch_size, "batch_size", "train", 1)
    seed = as_int(seed, "seed", "train", 0)
    X_train, y_train, X_test, y_test = _data(data)
    if not hasattr(net, "collect_params"):
        raise ValueError(f"train: net must be a Gluon Block such as nn.Sequential, got {type(net).__name__}")
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": rates[0]})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(seed)
    history = History([], [], [], [])
    bar = Progress(num_epochs) if progress else None
    start = time.perf_counter()
    for epoch in range(num_epochs):
        trainer.set_learning_rate(rates[epoch])
        history.loss.append(train_epoch(net, trainer, loss, X_train, y_train, batch_size, rng))
        history.train_acc.append(accuracy(net, X_train, y_train))
        history.test_acc.append(accuracy(net, X_test, y_test))
        history.seconds.append(time.perf_counter() - start)
        if bar:
            bar.update(epoch + 1, f"epoch {epoch + 1}/{num_epochs}: loss {history.loss[-1]:.3f}, "
                                  f"train accuracy {history.train_acc[-1]:.1%}, "
                                  f"test accuracy {history.test_acc[-1]:.1%}, {history.seconds[-1]:.1f} s")
    return history
