"""Training a classifier with minibatch steps, showing progress (lesson 10): a Gluon block or a torch nn.Module.

``train_epoch`` is the whole algorithm: shuffle, and for every minibatch compute the loss,
backpropagate and take one optimizer step. ``train`` repeats it for a number of epochs,
measures loss and accuracy after each, and shows a progress line that updates in place in
a notebook.

The framework is recognised from the network's type: a ``torch.nn.Module`` (only if torch is
already imported) is trained with ``torch.optim.Adam`` and ``nn.CrossEntropyLoss``, anything else
as a Gluon block. Importing this module imports neither MXNet nor torch.
"""
import contextlib
import functools
import io
import math
import numbers
import sys
import time
import warnings
from collections import namedtuple

import numpy as np

from ._validate import MAX_SETTING, as_int, checked, describe, to_numpy

#: Per-epoch results of :func:`train`, lists of floats: the mean training loss of the epoch, the
#: accuracy on the training and test sets after it, and the seconds since training started.
History = namedtuple("History", "loss train_acc test_acc seconds")

#: The most epochs :func:`train` runs, and the most examples it passes through the network in all
#: (epochs x training examples: 100 epochs of the digits' 1437 training images take well under this).
MAX_EPOCHS = 100
MAX_EXAMPLES = 300_000
#: The largest learning rate accepted: Adam moves every weight by about lr per step, so above 1 the
#: weights jump by more than their own size and training cannot settle.
MAX_LR = 1.0
#: Examples the network is run on at once when measuring accuracy (bounded memory for any data).
CHUNK = 2048


def _torch_module(net):
    """True for a torch ``nn.Module`` (checked only if torch is already imported: it is never imported here)."""
    torch = sys.modules.get("torch")
    nn = getattr(torch, "nn", None) if torch is not None else None
    return nn is not None and isinstance(net, nn.Module)


def _uses_torch(net):
    """True if ``net`` runs on torch tensors: a torch ``nn.Module``, or any callable when torch is imported
    and MXNet is not (a plain function standing in for a network)."""
    return _torch_module(net) or (not _is_gluon(net) and "torch" in sys.modules and "mxnet" not in sys.modules)


def _is_gluon(net):
    nn = sys.modules.get("mxnet.gluon.nn")
    return nn is not None and isinstance(net, nn.Block)


def _net(net, func):
    """Refuse what cannot be a network: the network must be called on a batch of examples."""
    if not callable(net) or isinstance(net, type):
        raise ValueError(f"{func}: net must be a network such as nn.Sequential (a Gluon block, built and "
                         f"initialized, or a torch nn.Module), got {describe(net)}")


def _torch_place(net):
    """(dtype, device) of a torch network's first floating-point parameter: float32 on the CPU if it has none."""
    import torch
    if _torch_module(net):
        try:
            for p in net.parameters():
                if p.is_floating_point() and not isinstance(p, torch.nn.parameter.UninitializedParameter):
                    return p.dtype, p.device
        except Exception:  # a module whose parameters cannot be listed: the defaults
            pass
    return torch.float32, torch.device("cpu")


@contextlib.contextmanager
def _one_thread():
    """Run torch on one thread inside the block, then restore its setting.

    The course's networks are tiny: every operation is over before a second thread would help, and on a
    machine whose cores are busy with other work, torch's threads waiting for each other make training
    many times slower (minutes instead of seconds). Results are the same up to rounding.
    """
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else 1
    if before != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if before != 1:
            torch.set_num_threads(before)


def _torch_outputs(net, batch):
    """net's outputs on a numpy batch as (shape, numpy values or None), without recording gradients.

    A torch module is put in evaluation mode for this (and back in the mode it was in).
    """
    import torch
    dtype, device = _torch_place(net)
    module = _torch_module(net)
    was_training = net.training if module else False
    try:
        if module:
            net.eval()
        with torch.no_grad():
            out = net(torch.from_numpy(batch).to(device=device, dtype=dtype))
    finally:
        if module and was_training:
            net.train()
    if not isinstance(out, torch.Tensor):
        return None, None, out
    values = out.detach().cpu().numpy() if not out.is_complex() else None
    return tuple(out.shape), values, out


def _torch_reason(err):
    """A torch error from running a network, as the reason in one line."""
    from .exercises._calls import error_line
    text = str(err)
    if isinstance(err, RuntimeError) and any(words in text for words in (
            "shapes cannot be multiplied", "channels", "size of tensor", "Expected", "expected input",
            "Kernel size can't be greater", "Output size is too small", "out of bounds", "dimension")):
        return (f"its layers do not fit examples of this shape (a Conv2d layer takes images (n, c, H, W) with "
                f"c its in_channels; a Linear layer takes in_features numbers per example): {error_line(err)}")
    return f"it raised {error_line(err)}"


def _examples(X, name, func):
    """X (n, ...) as a float32 numpy array of finite numbers, at least one example, else ValueError."""
    A, _ = to_numpy(X, name, func)
    if A.ndim < 2 or A.size == 0:
        raise ValueError(f"{func}: {name} must hold a batch of examples, shape (n, c, H, W) for images, "
                         f"got shape {A.shape}")
    if A.dtype.kind == "f" and not np.isfinite(A).all():
        raise ValueError(f"{func}: {name} holds NaN or infinite values; every pixel must be a finite number")
    with np.errstate(all="ignore"):
        B = A.astype(np.float32)
    if not np.isfinite(B).all():
        raise ValueError(f"{func}: {name} holds values too large for float32 (beyond 3.4e38)")
    return B


def _labels(y, n, name, x_name, func):
    """y (n,) as int64 class labels >= 0 (whole numbers, finite), one per example of X, else ValueError."""
    A, _ = to_numpy(y, name, func)
    if A.ndim != 1:
        tip = " (flatten it: y.reshape(-1))" if A.ndim == 2 and 1 in A.shape else ""
        raise ValueError(f"{func}: {name} must be a 1-D array of labels, one per example, got shape {A.shape}{tip}")
    if len(A) != n:
        raise ValueError(f"{func}: {x_name} and {name} must hold the same number of examples, "
                         f"got {n} and {len(A)}")
    if A.dtype.kind == "b":
        raise ValueError(f"{func}: {name} must hold class labels 0, 1, 2, ..., not True/False")
    if A.dtype.kind == "f":
        if not np.isfinite(A).all():
            raise ValueError(f"{func}: {name} holds NaN or infinite values; labels are class numbers 0, 1, 2, ...")
        if not (A == np.round(A)).all():
            raise ValueError(f"{func}: {name} must hold whole-number class labels 0, 1, 2, ..., "
                             f"got a fraction such as {describe(float(A[A != np.round(A)][0]))}")
    if A.min() < 0:
        raise ValueError(f"{func}: {name} holds a negative label ({describe(A.min())}); labels are 0, 1, 2, ...")
    if A.max() > MAX_SETTING:
        raise ValueError(f"{func}: {name} holds a label ({describe(A.max())}) no network has outputs for")
    return A.astype(np.int64)


def _scores(net, X, func, x_name, labels=None, label_name="y"):
    """net's outputs on X (n, ...) as a numpy (n, classes) array, run in chunks of CHUNK examples.

    Refuses, in one line naming the argument: a network that cannot take X, an output that is not one
    score per class (n, classes) with classes >= 2, labels >= classes, and NaN/inf outputs.
    """
    from .exercises._calls import error_line
    torch_net = _uses_torch(net)
    if not torch_net:
        try:
            from mxnet import nd
        except ImportError:
            raise ValueError(f"{func}: net must be a Gluon block or a torch nn.Module, got {describe(net)}") from None
    parts = []
    for start in range(0, len(X), CHUNK):
        batch = X[start:start + CHUNK]
        if torch_net:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    shape, values, out = _torch_outputs(net, batch)
            except Exception as err:  # torch's errors (often several lines), a learner's network raising: one line
                raise ValueError(f"{func}: net cannot take {x_name} of shape {X.shape}: {_torch_reason(err)}") \
                    from None
        else:
            shape, values, out = _gluon_outputs(net, batch, func, X, x_name, nd, error_line)
        if values is None or len(shape) != 2 or shape[0] != len(batch):
            raise ValueError(f"{func}: net must output one row of class scores per example, shape "
                             f"({len(batch)}, classes), for {x_name} of shape {batch.shape}; got "
                             f"{describe(out)}")
        if shape[1] < 2:
            raise ValueError(f"{func}: net has {shape[1]} output; a classifier needs one output per class "
                             f"(e.g. nn.Dense(10) in Gluon or nn.Linear(64, 10) in PyTorch for the 10 digits)")
        parts.append(np.asarray(values, dtype=np.float64) if values.dtype.kind != "f" else values)
    scores = np.concatenate(parts)
    if labels is not None and labels.max() >= scores.shape[1]:
        raise ValueError(f"{func}: {label_name} holds label {int(labels.max())}, but net has {scores.shape[1]} "
                         f"outputs (labels 0 to {scores.shape[1] - 1}); give the last layer one output per class")
    if not np.isfinite(scores).all():
        raise ValueError(f"{func}: net's outputs on {x_name} are NaN or infinite: training diverged; "
                         f"train a new network with a smaller lr")
    return scores


def _gluon_outputs(net, batch, func, X, x_name, nd, error_line):
    """net's outputs on a numpy batch as (shape, numpy values or None, the output), MXNet's errors in one line."""
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):  # MXNet prints shape errors before raising them
            warnings.simplefilter("ignore")
            out = net(nd.array(batch))
            shape = tuple(out.shape)
            values = out.asnumpy() if hasattr(out, "asnumpy") else None
    except Exception as err:  # MXNet's multi-line errors, a learner's network raising: one line
        text = str(err) if type(err).__module__.startswith("mxnet") or "MXNetError" in str(err) else ""
        if "has not been initialized" in text or "has not been initialized" in str(err):
            reason = "its parameters have no values yet; call net.initialize() first"
        elif text and ("shape" in text or "MXNetError" in text):
            reason = ("its layers do not fit examples of this shape (a Conv2D layer takes images "
                      "(n, c, H, W); a Dense layer's input size is fixed by its first batch)")
        else:
            reason = f"it raised {error_line(err)}"
        raise ValueError(f"{func}: net cannot take {x_name} of shape {X.shape}: {reason}") from None
    return shape, values, out


def accuracy(net, X, y):
    """The fraction of examples in X (n, ...) whose largest output of ``net`` is at label y (n,): a float.

    Raises ``ValueError`` naming the argument for labels that do not match X or the network's outputs.
    """
    func = "accuracy"
    _net(net, func)
    X = _examples(X, "X", func)
    y = _labels(y, len(X), "y", "X", func)
    with _one_thread():
        predicted = _scores(net, X, func, "X", y).argmax(axis=1)
    return float((predicted == y).mean())


def _epoch_inputs(net, trainer, loss, X, y, batch_size, rng):
    """train_epoch's arguments checked: X float32, y labels within net's outputs (float32 for Gluon, int64 for
    torch, as their losses take them), batch_size an int."""
    func = "train_epoch"
    _net(net, func)
    torch_net = _uses_torch(net)
    if torch_net:
        torch = sys.modules["torch"]
        if not isinstance(trainer, torch.optim.Optimizer):
            raise ValueError(f"{func}: optimizer must be a torch.optim optimizer such as "
                             f"torch.optim.Adam(net.parameters(), lr=0.01), got {describe(trainer)}")
    elif not callable(getattr(trainer, "step", None)):
        raise ValueError(f"{func}: trainer must be a gluon.Trainer, got {describe(trainer)}")
    if not callable(loss) or isinstance(loss, type):
        example = "nn.CrossEntropyLoss()" if torch_net else "gluon.loss.SoftmaxCrossEntropyLoss()"
        raise ValueError(f"{func}: loss must be a loss such as {example}, got {describe(loss)}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{func}: rng must be a numpy Generator such as np.random.default_rng(0), "
                         f"got {describe(rng)}")
    X = _examples(X, "X", func)
    labels = _labels(y, len(X), "y", "X", func)
    batch_size = as_int(batch_size, "batch_size", func, 1)
    _scores(net, X[:1], func, "X", labels)  # the network's output width, on one example
    return net, trainer, loss, X, labels if torch_net else labels.astype(np.float32), batch_size, rng


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


def train_epoch_torch(net, optimizer, loss, X, y, batch_size, rng):
    """One pass over X (n, c, H, W), y (n,) numpy in shuffled minibatches; returns the mean loss (a float)."""
    import torch
    dtype, device = _torch_place(net)
    net.train()  # training mode (for layers such as dropout; the course's networks behave the same in both)
    order = rng.permutation(len(y))
    total = 0.0
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        X_batch = torch.from_numpy(X[batch]).to(device=device, dtype=dtype)
        y_batch = torch.from_numpy(y[batch]).to(device)
        optimizer.zero_grad()
        l = loss(net(X_batch), y_batch)  # the mean loss of the batch
        l.backward()
        optimizer.step()
        total += l.item() * len(batch)
    return total / len(y)


_gluon_epoch, _torch_epoch = train_epoch, train_epoch_torch


def _epoch(net, trainer, loss, X, y, batch_size, rng):
    epoch = _torch_epoch if _uses_torch(net) else _gluon_epoch
    return epoch(net, trainer, loss, X, y, batch_size, rng)


# arguments that fit each other and the network's outputs; the framework chosen by the network's type.
# inspect.getsource(train_epoch), which lesson 10's MXNet edition prints, shows the Gluon loop.
train_epoch = functools.wraps(_gluon_epoch)(checked(_epoch_inputs)(_epoch))
train_epoch.__doc__ = """One pass over X (n, c, H, W), y (n,) numpy in shuffled minibatches; returns the mean loss (a float).

``net`` a Gluon block with ``trainer`` a ``gluon.Trainer`` and ``loss`` a Gluon loss (one value per
example), or a torch ``nn.Module`` with ``trainer`` a ``torch.optim`` optimizer and ``loss`` a torch
loss (the batch's mean, such as ``nn.CrossEntropyLoss()``); ``rng`` a numpy Generator shuffles.
"""
train_epoch_torch = functools.wraps(_torch_epoch)(checked(_epoch_inputs)(_torch_epoch))


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
    what = (f"a number between 0 and {MAX_LR:g} (Adam's usual values are 0.001 to 0.01), or a list of "
            f"{num_epochs} such numbers (one per epoch)")

    def rate(value, where):
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
        try:
            f = float(value) if ok else None
        except Exception:  # a number type whose conversion raises
            f = None
        if f is None or not math.isfinite(f) or f <= 0:
            raise ValueError(f"train: {where} must be {what}, got {describe(value)}")
        if f > MAX_LR:
            raise ValueError(f"train: {where} {describe(f)} is too large: with Adam every weight moves by about "
                             f"lr per step; use {what}")
        return f
    if isinstance(lr, (list, tuple, np.ndarray)):
        values = (list(lr.reshape(-1)) if lr.ndim == 1 else None) if isinstance(lr, np.ndarray) else \
            list(tuple.__iter__(lr) if isinstance(lr, tuple) else list.__iter__(lr))
        if values is None or len(values) != num_epochs:
            raise ValueError(f"train: lr must be {what}, got {describe(lr)}")
        return [rate(v, f"lr[{i}]") for i, v in enumerate(values)]
    return [rate(lr, "lr")] * num_epochs


def _data(data):
    """``data`` (X_train, y_train, X_test, y_test) as float32 numpy arrays, checked against each other."""
    if isinstance(data, (tuple, list)):  # their own storage: a subclass's __len__/__iter__ is not asked
        parts = list(tuple.__iter__(data) if isinstance(data, tuple) else list.__iter__(data))
    else:
        parts = None
    if parts is None or len(parts) != 4:
        raise ValueError(f"train: data must be (X_train, y_train, X_test, y_test), e.g. "
                         f"d2lutils.digits.load_digits(), got {describe(data)}")
    X_train, X_test = _examples(parts[0], "X_train", "train"), _examples(parts[2], "X_test", "train")
    if X_train.shape[1:] != X_test.shape[1:]:
        raise ValueError(f"train: X_train and X_test must hold examples of the same shape, got shapes "
                         f"{X_train.shape} and {X_test.shape}")
    y_train = _labels(parts[1], len(X_train), "y_train", "X_train", "train")
    y_test = _labels(parts[3], len(X_test), "y_test", "X_test", "train")
    return X_train, y_train, X_test, y_test


def _torch_trainer(net, lr, func):
    """(torch.optim.Adam over net's trainable parameters, nn.CrossEntropyLoss()), or ValueError."""
    import torch
    params = [p for p in net.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"{func}: net has no trainable parameters (a network of pooling and activation "
                         f"layers only, or every parameter frozen); add a layer with weights such as nn.Linear")
    return torch.optim.Adam(params, lr=lr), torch.nn.CrossEntropyLoss()


def train(net, data, num_epochs, lr, batch_size=32, seed=0, progress=True):
    """Train ``net`` (an initialized Gluon classifier or a torch ``nn.Module``) with Adam on softmax
    cross-entropy; return a :data:`History`.

    ``data`` is (X_train, y_train, X_test, y_test), X (n, c, H, W) and y (n,) integer labels, numpy
    arrays, NDArrays or torch tensors. A torch network is trained with ``torch.optim.Adam`` and
    ``nn.CrossEntropyLoss()`` by :func:`train_epoch_torch`, in its parameters' dtype and device, with
    torch on one thread meanwhile (restored after: these small networks gain nothing from more, and
    lose much on a busy machine); ``lr`` is one learning rate, or a list of one per epoch. ``seed`` fixes the order
    of the minibatches. After every epoch the loss and both accuracies are recorded and, if
    ``progress``, shown on a line that updates in place. Raises ``ValueError`` naming the argument
    (labels outside the network's outputs, NaN or infinite values, a learning rate that is not
    between 0 and 1, more than :data:`MAX_EPOCHS` epochs or :data:`MAX_EXAMPLES` examples in all).
    """
    func = "train"
    num_epochs = as_int(num_epochs, "num_epochs", func, 1, maximum=None)
    if num_epochs > MAX_EPOCHS:
        raise ValueError(f"{func}: num_epochs must be at most {MAX_EPOCHS}, got {describe(num_epochs)}")
    rates = _learning_rates(lr, num_epochs)
    batch_size = as_int(batch_size, "batch_size", func, 1)
    seed = as_int(seed, "seed", func, 0)
    _net(net, func)
    torch_net = _torch_module(net)
    if not torch_net and not hasattr(net, "collect_params"):
        raise ValueError(f"{func}: net must be a Gluon Block or a torch nn.Module such as nn.Sequential, "
                         f"got {describe(net)}")
    X_train, y_train, X_test, y_test = _data(data)
    if num_epochs * len(X_train) > MAX_EXAMPLES:
        raise ValueError(f"{func}: num_epochs={num_epochs} epochs of {len(X_train):,} training examples pass "
                         f"{num_epochs * len(X_train):,} examples through the network, more than the "
                         f"{MAX_EXAMPLES:,} these teaching helpers train on; use fewer epochs or examples")
    _scores(net, X_train[:1], func, "X_train", y_train, "y_train")  # the output width fits both label sets
    _scores(net, X_test[:1], func, "X_test", y_test, "y_test")
    if torch_net:
        trainer, loss = _torch_trainer(net, rates[0], func)
    else:
        from mxnet import gluon
        y_train, y_test = y_train.astype(np.float32), y_test.astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": rates[0]})
        loss = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(seed)
    history = History([], [], [], [])
    bar = Progress(num_epochs) if progress else None
    start = time.perf_counter()
    with _one_thread() if torch_net else contextlib.nullcontext():
        _epochs(net, trainer, loss, (X_train, y_train, X_test, y_test), rates, batch_size, rng, history, bar,
                start, torch_net)
    return history


def _epochs(net, trainer, loss, data, rates, batch_size, rng, history, bar, start, torch_net):
    """train's loop over the epochs, appending to ``history`` and updating ``bar``."""
    X_train, y_train, X_test, y_test = data
    num_epochs = len(rates)
    for epoch in range(num_epochs):
        if torch_net:
            for group in trainer.param_groups:
                group["lr"] = rates[epoch]
        else:
            trainer.set_learning_rate(rates[epoch])
        history.loss.append(train_epoch(net, trainer, loss, X_train, y_train, batch_size, rng))
        history.train_acc.append(accuracy(net, X_train, y_train))
        history.test_acc.append(accuracy(net, X_test, y_test))
        history.seconds.append(time.perf_counter() - start)
        if bar:
            bar.update(epoch + 1, f"epoch {epoch + 1}/{num_epochs}: loss {history.loss[-1]:.3f}, "
                                  f"train accuracy {history.train_acc[-1]:.1%}, "
                                  f"test accuracy {history.test_acc[-1]:.1%}, {history.seconds[-1]:.1f} s")
