"""d2lutils.training with torch networks (lesson 10's PyTorch edition): accuracy, one epoch with a torch.optim
optimizer, train() with its History and progress line, the same refusals as for Gluon, the seeds, and the
learning rate of each epoch."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from d2lutils import training  # noqa: E402
from d2lutils.digits import load_digits  # noqa: E402
from d2lutils.training import History, accuracy, train, train_epoch, train_epoch_torch  # noqa: E402


class FixedScores(nn.Module):
    """A 'network' that returns the scores it was given, whatever the input."""

    def __init__(self, scores):
        super().__init__()
        self.scores = torch.tensor(scores)

    def forward(self, X):
        return self.scores


def small_net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 4 * 4, 10))


def small_data(n_train=300, n_test=100):
    data = load_digits()
    return data.X_train[:n_train], data.y_train[:n_train], data.X_test[:n_test], data.y_test[:n_test]


def test_accuracy_counts_the_largest_score():
    scores = [[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]]
    assert accuracy(FixedScores(scores), np.zeros((4, 1)), [1, 0, 2, 0]) == 0.75
    assert accuracy(FixedScores(scores), np.zeros((4, 1)), np.array([1, 0, 2, 2])) == 1.0


def test_accuracy_leaves_the_mode_and_the_gradients_alone():
    net = small_net()
    X, y, _, _ = small_data(50)
    with torch.no_grad():
        expected = float((net(torch.tensor(X)).argmax(dim=1).numpy() == y).mean())
    assert accuracy(net, X, y) == expected and net.training
    net.eval()
    assert accuracy(net, X, y) == expected and not net.training
    assert all(p.grad is None for p in net.parameters())
    assert accuracy(net.double(), X, y) == expected  # a float64 network gets float64 images


class CountingOptimizer(torch.optim.SGD):
    """SGD with lr 0 that records how many times it stepped."""

    def __init__(self, params):
        super().__init__(params, lr=0.0)
        self.steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def test_train_epoch_visits_every_example_once_in_minibatches():
    X, y, _, _ = small_data(100)
    net = small_net()
    seen = []

    def loss(scores, labels):
        seen.extend(labels.tolist())
        assert labels.dtype == torch.int64
        return (scores ** 2).sum(dim=1).mean()
    optimizer = CountingOptimizer(net.parameters())
    mean = train_epoch(net, optimizer, loss, X, y, 32, np.random.default_rng(0))
    assert optimizer.steps == 4
    assert sorted(seen) == sorted(y.tolist()) and seen != y.tolist()  # all of them, shuffled
    with torch.no_grad():
        expected = float((net(torch.tensor(X)) ** 2).sum(dim=1).mean())
    assert mean == pytest.approx(expected, rel=1e-4)


def test_train_runs_the_ordinary_loop_of_the_lesson():
    """train() gives the weights of the loop the lesson writes out (torch.optim.Adam, nn.CrossEntropyLoss)."""
    X, y, X_test, y_test = small_data(96, 20)
    by_hand, by_train = small_net(3), small_net(3)
    optimizer = torch.optim.Adam(by_hand.parameters(), lr=0.01)
    loss, rng = nn.CrossEntropyLoss(), np.random.default_rng(5)
    order = rng.permutation(len(y))
    for start in range(0, len(y), 32):
        batch = order[start:start + 32]
        optimizer.zero_grad()
        loss(by_hand(torch.tensor(X[batch])), torch.tensor(y[batch], dtype=torch.long)).backward()
        optimizer.step()
    train(by_train, (X, y, X_test, y_test), num_epochs=1, lr=0.01, batch_size=32, seed=5, progress=False)
    for a, b in zip(by_hand.parameters(), by_train.parameters()):
        assert torch.allclose(a, b, atol=1e-6)


def test_train_learns_and_records_every_epoch():
    small = small_data()
    net = small_net()
    before = accuracy(net, small[2], small[3])
    history = train(net, small, num_epochs=4, lr=[0.02, 0.02, 0.01, 0.005], batch_size=16, progress=False)
    assert isinstance(history, History) and all(len(values) == 4 for values in history)
    assert history.loss[-1] < history.loss[0]
    assert history.test_acc[-1] > max(before, 0.5)
    assert history.test_acc[-1] == accuracy(net, small[2], small[3])
    assert history.seconds == sorted(history.seconds)


def test_train_is_seeded_and_leaves_torchs_threads_as_they_were():
    small = small_data(200, 50)
    threads = torch.get_num_threads()
    runs = [train(small_net(1), small, num_epochs=2, lr=0.01, seed=7, progress=False).loss for _ in range(2)]
    assert runs[0] == runs[1]
    assert train(small_net(1), small, num_epochs=2, lr=0.01, seed=8, progress=False).loss != runs[0]
    assert torch.get_num_threads() == threads


def test_train_shows_progress_in_a_notebook(monkeypatch):
    shown = []

    class Handle:
        def update(self, line):
            shown.append(line)

    class Recorder(training.Progress):
        def __init__(self, total):
            self.total, self.handle = total, Handle()

    monkeypatch.setattr(training, "Progress", Recorder)
    train(small_net(), small_data(64, 32), num_epochs=3, lr=0.01, progress=True)
    assert [line.done for line in shown] == [1, 2, 3]
    assert "epoch 3/3: loss" in repr(shown[-1]) and "test accuracy" in repr(shown[-1])


def test_train_follows_the_learning_rate_of_each_epoch(monkeypatch):
    rates = []
    real_epoch = training.train_epoch

    def recording_epoch(net, optimizer, *args):
        rates.append(optimizer.param_groups[0]["lr"])
        assert isinstance(optimizer, torch.optim.Adam)
        return real_epoch(net, optimizer, *args)
    monkeypatch.setattr(training, "train_epoch", recording_epoch)
    small = small_data(32, 8)
    train(small_net(), small, num_epochs=3, lr=[0.03, 0.02, 0.01], progress=False)
    train(small_net(), small, num_epochs=2, lr=0.05, progress=False)
    assert rates == pytest.approx([0.03, 0.02, 0.01, 0.05, 0.05])


@pytest.mark.parametrize("kwargs, words", [
    ({"num_epochs": 0}, "train: num_epochs"), ({"num_epochs": 10 ** 6}, "train: num_epochs"),
    ({"lr": 0}, "train: lr"), ({"lr": float("inf")}, "train: lr"), ({"lr": 5.0}, "train: lr"),
    ({"lr": [0.1]}, "train: lr"), ({"batch_size": 0}, "train: batch_size"), ({"seed": -1}, "train: seed"),
    ({"data": (np.full((4, 1, 8, 8), np.nan), np.zeros(4), np.zeros((2, 1, 8, 8)), np.zeros(2))},
     "train: X_train holds NaN"),
    ({"data": (np.zeros((4, 1, 8, 8)), np.array([0, 1, 2, 10]), np.zeros((2, 1, 8, 8)), np.zeros(2))},
     "train: y_train holds label 10, but net has 10 outputs"),
    ({"data": (np.zeros((4, 1, 6, 6)), np.zeros(4), np.zeros((2, 1, 6, 6)), np.zeros(2))},
     "train: net cannot take X_train of shape (1, 1, 6, 6): its layers do not fit"),
    ({"data": (np.zeros((4, 3, 8, 8)), np.zeros(4), np.zeros((2, 3, 8, 8)), np.zeros(2))},
     "train: net cannot take X_train of shape (1, 3, 8, 8): its layers do not fit"),
    ({"net": nn.Sequential(nn.Conv2d(1, 2, 3))}, "train: net must output one row of class scores"),
    ({"net": nn.Sequential(nn.Flatten(), nn.ReLU())}, "train: net has no trainable parameters"),
    ({"net": nn.Sequential(nn.MaxPool2d(2), nn.Flatten(), nn.Softmax(dim=1), nn.Unflatten(1, (2, 8)),
                           nn.Flatten())}, "train: net has no trainable parameters"),
    ({"net": nn.Sequential(nn.Flatten(), nn.Linear(64, 1))}, "train: net has 1 output"),
    ({"net": nn.Conv2d}, "train: net must be a network"),
])
def test_train_rejects_bad_arguments_in_one_line(kwargs, words):
    args = dict(net=small_net(), data=small_data(8, 4), num_epochs=2, lr=0.01, progress=False)
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        train(**args)
    assert str(err.value).startswith(words), str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 500


def test_train_epoch_rejects_what_is_not_a_torch_optimizer_or_loss():
    X, y, _, _ = small_data(8)
    net = small_net()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="train_epoch: optimizer must be a torch.optim optimizer"):
        train_epoch(net, "adam", nn.CrossEntropyLoss(), X, y, 4, rng)
    with pytest.raises(ValueError, match=r"train_epoch: loss must be a loss such as nn.CrossEntropyLoss\(\)"):
        train_epoch(net, torch.optim.Adam(net.parameters()), nn.CrossEntropyLoss, X, y, 4, rng)
    with pytest.raises(ValueError, match="train_epoch: y holds label 12"):
        train_epoch_torch(net, torch.optim.Adam(net.parameters()), nn.CrossEntropyLoss(), X, np.full(8, 12), 4, rng)


def test_a_diverged_network_is_named():
    net = small_net()
    with torch.no_grad():
        net[-1].weight.fill_(float("nan"))
    X, y, _, _ = small_data(8)
    with pytest.raises(ValueError, match="accuracy: net's outputs on X are NaN or infinite"):
        accuracy(net, X, y)


def test_torch_tensors_as_data():
    X, y, X_test, y_test = small_data(64, 16)
    net = small_net()
    expected = accuracy(net, X_test, y_test)
    assert accuracy(net, torch.tensor(X_test), torch.tensor(y_test, dtype=torch.long)) == expected
    history = train(net, (torch.tensor(X), torch.tensor(y), torch.tensor(X_test), torch.tensor(y_test)),
                    num_epochs=1, lr=0.01, progress=False)
    assert len(history.loss) == 1
