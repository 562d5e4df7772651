"""Lesson 9's data and training loop: the digits split, accuracy, one epoch, and train() with its progress line."""
import subprocess
import sys

import numpy as np
import pytest

mx = pytest.importorskip("mxnet")  # the torch networks: tests/test_training_torch.py
from mxnet import init, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lutils import training  # noqa: E402
from d2lutils.digits import load_digits  # noqa: E402
from d2lutils.training import History, accuracy, train, train_epoch  # noqa: E402


def test_digits_are_sklearns_split_by_class():
    from sklearn.datasets import load_digits as sklearn_digits
    full = sklearn_digits()
    data = load_digits(test_fraction=0.2, seed=0)
    assert data.X_train.shape[1:] == (1, 8, 8) and data.X_train.dtype == np.float32
    assert data.y_train.dtype == np.int32 and set(np.unique(data.y_test)) == set(range(10))
    assert len(data.y_train) + len(data.y_test) == len(full.target)
    assert 0 == min(data.X_train.min(), data.X_test.min()) and max(data.X_train.max(), data.X_test.max()) == 1
    # every image exactly once, with its label: compare the sorted (pixels, label) rows with scikit-learn's
    ours = np.concatenate([np.c_[X.reshape(len(X), -1) * 16, y] for X, y in
                           [(data.X_train, data.y_train), (data.X_test, data.y_test)]])
    theirs = np.c_[full.images.reshape(len(full.target), -1), full.target]
    np.testing.assert_allclose(np.array(sorted(map(tuple, ours))), np.array(sorted(map(tuple, theirs))), atol=1e-5)
    for digit in range(10):  # stratified: each digit's share of the test set is the fraction asked for
        count = (full.target == digit).sum()
        assert (data.y_test == digit).sum() == round(count * 0.2)


def test_digits_split_is_seeded():
    a, b, c = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    assert not np.array_equal(a.X_test, c.X_test)
    assert len(load_digits(test_fraction=0.5).y_test) == pytest.approx(1797 / 2, abs=10)


@pytest.mark.parametrize("kwargs, name", [
    ({"test_fraction": 0}, "test_fraction"), ({"test_fraction": 1}, "test_fraction"),
    ({"test_fraction": -0.2}, "test_fraction"), ({"test_fraction": "0.2"}, "test_fraction"),
    ({"test_fraction": True}, "test_fraction"), ({"test_fraction": float("nan")}, "test_fraction"),
    ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"), ({"seed": "0"}, "seed"),
])
def test_digits_reject_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"load_digits: {name}") as err:
        load_digits(**kwargs)
    assert "\n" not in str(err.value)


class FixedScores:
    """A 'network' that returns the scores it was given, whatever the input."""

    def __init__(self, scores):
        self.scores = nd.array(scores)

    def __call__(self, X):
        return self.scores


def test_accuracy_counts_the_largest_score():
    scores = [[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]]
    assert accuracy(FixedScores(scores), np.zeros((4, 1)), [1, 0, 2, 0]) == 0.75
    assert accuracy(FixedScores(scores), nd.zeros((4, 1)), nd.array([1, 0, 2, 2])) == 1.0


def small_net():
    net = nn.Sequential()
    net.add(nn.Conv2D(4, kernel_size=3, padding=1, activation="relu"), nn.MaxPool2D(2), nn.Dense(10))
    net.initialize(init.Xavier())
    return net


class CountingTrainer:
    """A trainer that records the batch sizes it is stepped with (and changes nothing)."""

    def __init__(self):
        self.steps = []

    def step(self, batch_size):
        self.steps.append(batch_size)


def test_train_epoch_visits_every_example_once_in_minibatches():
    data = load_digits()
    X, y = data.X_test[:100], data.y_test[:100]
    trainer = CountingTrainer()
    seen = []
    net = small_net()

    def loss(y_hat, y_batch):
        seen.extend(y_batch.asnumpy().tolist())
        return ((y_hat - 0) ** 2).sum(axis=1)
    mean = train_epoch(net, trainer, loss, X, y, 32, np.random.default_rng(0))
    assert trainer.steps == [32, 32, 32, 4]
    assert sorted(seen) == sorted(y.tolist()) and seen != y.tolist()  # all of them, shuffled
    expected = float((net(nd.array(X)) ** 2).sum(axis=1).mean().asscalar())
    assert mean == pytest.approx(expected, rel=1e-4)


def test_train_learns_and_records_every_epoch():
    data = load_digits()
    small = (data.X_train[:300], data.y_train[:300], data.X_test[:100], data.y_test[:100])
    mx.random.seed(0)
    net = small_net()
    before = accuracy(net, small[2], small[3])
    history = train(net, small, num_epochs=4, lr=[0.02, 0.02, 0.01, 0.005], batch_size=16, progress=False)
    assert isinstance(history, History)
    assert all(len(values) == 4 for values in history)
    assert history.loss[-1] < history.loss[0]
    assert history.test_acc[-1] > max(before, 0.5)
    assert history.test_acc[-1] == accuracy(net, small[2], small[3])
    assert history.seconds == sorted(history.seconds)


def test_train_shows_progress_in_a_notebook(monkeypatch):
    shown = []

    class Handle:
        def update(self, line):
            shown.append(line)

    class Recorder(training.Progress):
        def __init__(self, total):
            self.total, self.handle = total, Handle()

    monkeypatch.setattr(training, "Progress", Recorder)
    data = load_digits()
    small = (data.X_train[:64], data.y_train[:64], data.X_test[:32], data.y_test[:32])
    train(small_net(), small, num_epochs=3, lr=0.01, progress=True)
    assert [line.done for line in shown] == [1, 2, 3]
    assert "epoch 3/3: loss" in repr(shown[-1]) and "test accuracy" in repr(shown[-1])
    assert repr(shown[-1]).startswith("[" + "#" * 20 + "]")
    assert '<progress value="3" max="3"' in shown[-1]._repr_html_()


def test_progress_line_escapes_its_text():
    line = training._ProgressLine(1, 4, "<b>&</b>")
    assert "<b>" not in line._repr_html_() and "&lt;b&gt;&amp;" in line._repr_html_()
    assert repr(line) == "[#####...............] <b>&</b>"


def test_progress_outside_ipython_shows_nothing(capsys):
    training.Progress(3).update(1, "text")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, name", [
    ({"num_epochs": 0}, "num_epochs"), ({"num_epochs": 10 ** 6}, "num_epochs"), ({"num_epochs": 2.5}, "num_epochs"),
    ({"lr": 0}, "lr"), ({"lr": -0.1}, "lr"), ({"lr": float("nan")}, "lr"), ({"lr": "0.1"}, "lr"),
    ({"lr": [0.1]}, "lr"), ({"lr": True}, "lr"), ({"batch_size": 0}, "batch_size"), ({"seed": -1}, "seed"),
    ({"data": (1, 2, 3)}, "data"), ({"data": (np.zeros((4, 1, 8, 8)), np.zeros(3), np.zeros((2, 1, 8, 8)),
                                             np.zeros(2))}, "X_train and y_train"),
    ({"data": (np.array(["a"]), np.zeros(1), np.zeros((2, 1, 8, 8)), np.zeros(2))}, "X_train"),
    ({"net": "net"}, "net"),
])
def test_train_rejects_bad_arguments(kwargs, name):
    data = load_digits()
    args = dict(net=small_net(), data=(data.X_train[:8], data.y_train[:8], data.X_test[:4], data.y_test[:4]),
                num_epochs=2, lr=0.01, progress=False)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"train: {name}") as err:
        train(**args)
    assert "\n" not in str(err.value)


def test_importing_the_modules_imports_neither_mxnet_nor_sklearn():
    code = ("import sys, d2lutils.training, d2lutils.digits, d2lutils.receptive, d2lutils.widgets.network, "
            "d2lutils.exercises.lesson09, d2lutils.exercises.lesson10; "
            "print('mxnet' in sys.modules, 'sklearn' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_train_follows_the_learning_rate_of_each_epoch(monkeypatch):
    rates = []
    real_epoch = training.train_epoch

    def recording_epoch(net, trainer, *args):
        rates.append(trainer.learning_rate)
        return real_epoch(net, trainer, *args)
    monkeypatch.setattr(training, "train_epoch", recording_epoch)
    data = load_digits()
    small = (data.X_train[:32], data.y_train[:32], data.X_test[:8], data.y_test[:8])
    train(small_net(), small, num_epochs=3, lr=[0.03, 0.02, 0.01], progress=False)
    train(small_net(), small, num_epochs=2, lr=0.05, progress=False)
    assert rates == pytest.approx([0.03, 0.02, 0.01, 0.05, 0.05])
