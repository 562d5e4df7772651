"""Every checker of every lesson against hostile answers: it returns a Feedback, never raises, never says
"Correct" to a wrong answer, and no message or hint holds any exercise's expected answer.

The checkers are found by name (every ``check_*`` of every ``d2lutils.exercises.lessonNN`` module), so a new
lesson's checkers are swept too. The expected answers are computed here, independently, from the lessons'
module constants (brute force and hand-worked formulas), never by calling the checkers' own code.

The module runs in both venvs: the answers made with MXNet (NDArrays, a Symbol) where MXNet is installed, those
made with PyTorch (tensors, layers) where torch is; every right answer passes as an NDArray and as a tensor.
"""
import importlib
import itertools
import pkgutil
import re
import sys
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

try:
    import mxnet as mx
    from mxnet import nd
except ImportError:  # the PyTorch edition's venv
    mx = nd = None
try:
    import torch
except ImportError:  # the MXNet edition's venv
    torch = None

import d2lutils.exercises as exercises
from d2lutils.exercises import Feedback

LESSONS = {name: importlib.import_module(f"d2lutils.exercises.{name}")
           for _, name, _ in pkgutil.iter_modules(exercises.__path__) if re.fullmatch(r"lesson\d\d", name)}
CHECKERS = [(f"{name}.{attr}", getattr(module, attr)) for name, module in sorted(LESSONS.items())
            for attr in sorted(dir(module)) if attr.startswith("check_") and callable(getattr(module, attr))
            and getattr(getattr(module, attr), "__module__", None) == module.__name__]
#: Checkers whose answer is (or may be) a function: they are swept with hostile functions too. Lesson 3's learned
#: kernel has no single answer to list.
FUNCTION_EXERCISES = {"lesson08.check_fast_corr2d", "lesson03.check_learned_kernel",
                      "lesson09.check_receptive_field_size", "lesson10.check_shift"}
NOT_LISTED = {"lesson03.check_learned_kernel"}


def brute_corr(X, K):
    X, K = np.asarray(X, dtype=float), np.asarray(K, dtype=float)
    kh, kw = K.shape
    return [[float((X[i:i + kh, j:j + kw] * K).sum()) for j in range(X.shape[1] - kw + 1)]
            for i in range(X.shape[0] - kh + 1)]


def brute_pool(X, k, s, reduce):
    X = np.asarray(X, dtype=float)
    return [[float(reduce(X[i:i + k, j:j + k])) for j in range(0, X.shape[1] - k + 1, s)]
            for i in range(0, X.shape[0] - k + 1, s)]


def rf_size(layers):
    """Receptive field size (one side) by the recurrence, strides defaulting as in Gluon."""
    size, jump = 1, 1
    for layer in layers:
        k = layer["kernel_size"]
        size += (k - 1) * jump
        jump *= layer.get("stride", k if layer["kind"] == "pool" else 1)
    return size


def param_count(first_channels):
    """Parameters of lesson 10's network with ``first_channels`` in its first convolution, counted by the
    framework installed (Gluon, else PyTorch)."""
    if mx is None:
        nn = torch.nn
        net = nn.Sequential(nn.Conv2d(1, first_channels, 3, padding=1), nn.MaxPool2d(2),
                            nn.Conv2d(first_channels, 32, 3, padding=1), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(32 * 2 * 2, 64), nn.Linear(64, 10))  # an 8 x 8 input, as below
        return sum(p.numel() for p in net.parameters())
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Conv2D(first_channels, 3, padding=1), nn.MaxPool2D(2), nn.Conv2D(32, 3, padding=1),
            nn.MaxPool2D(2), nn.Dense(64), nn.Dense(10))
    net.initialize()
    net(nd.zeros((1, 1, 8, 8)))
    return sum(p.data().size for p in net.collect_params().values())


def stacked_kernel(K1, K2):
    """The one kernel of two stacked cross-correlations: weight (u, v) is the stack's output for a 1 at (u, v)."""
    h, w = len(K1) + len(K2) - 1, len(K1[0]) + len(K2[0]) - 1
    impulse = lambda u, v: [[float((i, j) == (u, v)) for j in range(w)] for i in range(h)]
    return [[brute_corr(brute_corr(impulse(u, v), K1), K2)[0][0] for v in range(w)] for u in range(h)]


def expected_answers():
    """{checker name: expected answer}, from the lessons' constants, without the checkers' code."""
    from d2lutils.exercises import (lesson01, lesson02, lesson04, lesson05, lesson06, lesson07,
                                    lesson08, lesson09, lesson10)
    t = lesson01.DENSE_TASK
    d1, d3 = lesson01.CONV_TASK["delta"], lesson01.LOCAL_TASK
    (H, W), (h, w) = lesson02.OUTPUT_SHAPE_TASK["input_shape"], lesson02.OUTPUT_SHAPE_TASK["kernel_shape"]
    K_flip = lesson02.FLIP_TASK["K"]
    t4 = lesson04.OUTPUT_SHAPE_TASK
    (n4h, n4w), (k4h, k4w), (p4h, p4w), (s4h, s4w) = (t4["input_size"], t4["kernel_size"], t4["padding"],
                                                      t4["stride"])
    t4d = lesson04.DILATION_TASK
    span = t4d["dilation"] * (t4d["kernel_size"] - 1) + 1
    t5 = lesson05.KERNEL_SHAPE_TASK
    X5, K5 = np.array(lesson05.X_TWO, dtype=float), np.array(lesson05.K_TWO, dtype=float)[::-1]
    t5o = lesson05.OUTPUT_SHAPE_TASK
    n5 = t5o["input_shape"][1] + 2 * t5o["padding"] - t5o["kernel_size"] + 1
    t6, c6 = lesson06.PARAM_TASK, lesson06.COST_TASK
    X6, K6 = np.array(lesson06.X_SMALL, dtype=float), np.array(lesson06.K_SMALL, dtype=float)
    t7 = lesson07.SHAPE_TASK
    t8 = lesson08.TASK
    n8 = t8["input_size"][0] - t8["kernel_size"][0] + 1
    return {
        "lesson01.check_dense_params": t["height"] * t["width"] * t["num_hiddens"],
        "lesson01.check_conv_params": (2 * d1 + 1) ** 2,
        "lesson01.check_local_params": d3["height"] * d3["width"] * (2 * d3["delta"] + 1) ** 2,
        "lesson02.check_output_shape": (H - h + 1, W - w + 1),
        "lesson02.check_corr2d_output": brute_corr(lesson02.CORR_TASK["X"], lesson02.CORR_TASK["K"]),
        "lesson02.check_flipped_kernel": [row[::-1] for row in K_flip[::-1]],
        "lesson03.check_horizontal_kernel": [[1], [-1]],
        "lesson03.check_transposed_shape": (8 - 2 + 1, 6 - 1 + 1),  # X.T is 8 x 6, K.T is 2 x 1
        "lesson04.check_output_shape": ((n4h + 2 * p4h - k4h) // s4h + 1, (n4w + 2 * p4w - k4w) // s4w + 1),
        "lesson04.check_same_padding": (lesson04.SAME_PADDING_TASK["kernel_size"] - 1) // 2,
        "lesson04.check_dilated_shape": (t4d["input_size"][0] - span + 1, t4d["input_size"][1] - span + 1),
        "lesson05.check_kernel_shape": (t5["c_o"], t5["c_i"]) + tuple(t5["kernel_size"]),
        "lesson05.check_output_value": float((X5[:, :2, :2] * K5).sum()),
        "lesson05.check_output_shape": (t5o["c_o"], n5, n5),
        "lesson06.check_param_count": t6["c_o"] * t6["c_i"] + t6["c_o"],
        "lesson06.check_mult_adds": c6["c_i"] * c6["c_o"] * c6["H"] * c6["W"],
        "lesson06.check_output": np.einsum("oi,ihw->ohw", K6[:, :, 0, 0], X6).tolist(),
        "lesson07.check_max_pool": brute_pool(lesson07.X_EX, 2, 2, np.max),
        "lesson07.check_pool_shape": tuple((n - t7["pool_size"]) // t7["pool_size"] + 1 for n in t7["input_size"]),
        "lesson07.check_avg_pool": brute_pool(lesson07.X_EX, 2, 1, np.mean),
        "lesson08.check_multiply_adds": t8["c_o"] * n8 * n8 * t8["c_i"] * 9,
        "lesson08.check_im2col_shape": (t8["c_i"] * 9, n8 * n8),
        "lesson09.check_receptive_field": rf_size(lesson09.RF_TASK),
        "lesson09.check_combined_kernel": stacked_kernel(lesson09.COMBINE_TASK["K1"], lesson09.COMBINE_TASK["K2"]),
        "lesson10.check_param_count": param_count(lesson10.PARAM_TASK["first_channels"]),
        "lesson10.check_dense_inputs": 32 * (lesson10.DENSE_INPUT_TASK["side"] // 2 // 2) ** 2,
    }


EXPECTED = expected_answers()


def _int_forms(v):
    return [str(v), f"{v:,}"] if abs(v) >= 10 else []  # one digit is in too many messages to be a leak


def leak_patterns(answer):
    """Regular expressions that find ``answer`` written in a message (numbers standing alone, shapes, arrays)."""
    if isinstance(answer, tuple):
        inner = r",\s*".join(str(v) for v in answer)
        return [r"\(\s*" + inner + r"\s*,?\)", r"\b" + r"\s*x\s*".join(str(v) for v in answer) + r"\b"] \
            if len(answer) > 1 else []
    if isinstance(answer, list):
        A = np.asarray(answer, dtype=float)
        ints = A.astype(int).tolist() if np.all(A == np.round(A)) else A.tolist()
        return [re.escape(str(ints)), re.escape(str(A.tolist())), re.escape(str(A).replace("\n", ""))]
    v = float(answer)
    forms = _int_forms(int(v)) if v.is_integer() else [repr(v)]
    return [r"(?<![\d.,])" + re.escape(f) + r"(?![\d.]\d)" for f in forms] + \
        ([re.escape(f"{v:.1f}")] if v.is_integer() and abs(v) >= 10 else [])


LEAKS = {name: leak_patterns(answer) for name, answer in EXPECTED.items()}


def test_every_checker_has_an_independent_expected_answer():
    names = {name for name, _ in CHECKERS}
    assert names - FUNCTION_EXERCISES - NOT_LISTED == set(EXPECTED)
    assert all(LEAKS[name] for name in EXPECTED if name != "lesson04.check_same_padding")


# ---------------------------------------------------------------------------------------------------------------
# hostile answers


class RaisingFloat:
    def __float__(self):
        raise RuntimeError("no float")

    def __index__(self):
        raise RuntimeError("no index")


class LyingFloat:
    def __float__(self):
        return 1048576.0  # lesson 1's answer, from an object that is not a number

    def __int__(self):
        return 1048576


class RaisingArray:
    def __array__(self, dtype=None):
        raise RuntimeError("no array")


class TextArray:
    def __array__(self, dtype=None):
        return np.array([["5", "6"]])


class ObjectArray:
    def __array__(self, dtype=None):
        return np.array([RaisingFloat(), RaisingFloat()], dtype=object)


class FakeNDArray:
    shape = (2, 2)

    def asnumpy(self):
        return np.array([[3.0, 2.0], [1.0, 0.0]])  # lesson 2's flipped kernel: a look-alike must not pass

    def __len__(self):
        raise RuntimeError("no len")


class RaisingLen:
    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iter")

    def __getitem__(self, i):
        raise RuntimeError("no item")


class LyingLen:
    def __len__(self):
        return 10 ** 9

    def __getitem__(self, i):
        return 1


class EndlessTuple(tuple):
    """A tuple whose __iter__ never ends and whose __len__ lies."""

    def __iter__(self):
        return itertools.count()

    def __len__(self):
        return 2


class RaisingRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    __str__ = __repr__


def deep(n):
    answer = 1
    for _ in range(n):
        answer = [answer]
    return answer


def self_referencing():
    answer = [1, 2]
    answer.append(answer)
    return answer


HOSTILE = [
    ("10**30", 10 ** 30), ("10**5000", 10 ** 5000), ("-10**5000", -10 ** 5000), ("2**63", 2 ** 63),
    ("2**64", 2 ** 64), ("uint64 max", np.uint64(2 ** 64 - 1)), ("int64 min", np.int64(-2 ** 63)),
    ("inf", float("inf")), ("-inf", -float("inf")), ("nan", float("nan")), ("-0.0", -0.0), ("1e308", 1e308),
    ("tiny", 5e-324), ("True", True), ("False", False), ("np.True_", np.bool_(True)),
    ("bool array", np.ones((2, 2), dtype=bool)), ("complex", 1 + 2j), ("np complex", np.complex128(49)),
    ("Fraction", Fraction(1, 3)), ("Decimal", Decimal("1.5")), ("datetime64", np.datetime64("2020-01-01")),
    ("timedelta64", np.timedelta64(5, "s")), ("timedelta array", np.ones((2, 2), dtype="m8[s]")),
    ("str answer", "1048576"), ("str shape", "(5, 6)"), ("str kernel", "[[1], [-1]]"), ("empty str", ""),
    ("np.str_", np.str_("49")), ("str array", np.array(["5", "6"])), ("str matrix", np.array([["1"], ["-1"]])),
    ("bytes", b"49"), ("bytearray", bytearray(b"65664")), ("np.bytes_", np.bytes_(b"5")),
    ("list of text", ["5", "6"]), ("nested text", [["1"], ["-1"]]),
    ("ragged", [[1, 2], [3]]), ("ragged deep", [[[1]], [2, 3]]), ("empty list", []), ("empty nested", [[]]),
    ("mixed", [1, [2]]), ("deep", deep(100)), ("self-referencing", self_referencing()),
    ("list of None", [None, None]), ("tuple of floats", (5.5, 6.5)), ("negative shape", (-5, -6)),
    ("long tuple", tuple(range(100))), ("huge ints tuple", (10 ** 5000, 10 ** 5000)),
    ("raising float", RaisingFloat()), ("lying float", LyingFloat()), ("raising array", RaisingArray()),
    ("text array", TextArray()), ("object array", ObjectArray()), ("fake NDArray", FakeNDArray()),
    ("raising len", RaisingLen()), ("lying len", LyingLen()), ("endless tuple", EndlessTuple((50, 60))),
    ("raising repr", RaisingRepr()), ("numpy huge", np.ones((3000, 3000))),
    ("list huge", [0.5] * 10 ** 6), ("set", {5, 6}), ("dict", {5: 6}),
    ("generator", (v for v in (5, 6))), ("Ellipsis", ...), ("object", object()),
    ("function", lambda: 49), ("builtin", print), ("class", np.ndarray), ("module", np),
]
if mx is not None:
    HOSTILE += [("Symbol", mx.sym.var("answer")), ("mx.np wrong", mx.np.array([[0.5]])),
                ("NDArray huge", nd.ones((2000, 2000))), ("nd zeros", nd.zeros((1, 1, 2, 2)))]
if torch is not None:
    class RaisingTensor(torch.Tensor):
        """A tensor subclass whose methods raise: read as the plain tensor it is."""

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            raise RuntimeError("no")

    class DispatchingTensor(torch.Tensor):
        """A wrapper subclass every operation of which raises."""

        @staticmethod
        def __new__(cls, shape):
            return torch.Tensor._make_wrapper_subclass(cls, shape, dtype=torch.float32)

        @classmethod
        def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
            raise RuntimeError("this subclass computes nothing")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nested tensors are a prototype
        HOSTILE += [
            ("tensor wrong", torch.tensor([[0.5]], requires_grad=True)), ("tensor huge", torch.ones(1).expand(4000, 4000)),
            ("tensor zeros", torch.zeros(1, 1, 2, 2)), ("tensor bool", torch.ones(2, 2, dtype=torch.bool)),
            ("tensor complex", torch.ones(2, 2, dtype=torch.complex64) * 49), ("tensor meta", torch.ones(2, 2, device="meta")),
            ("tensor sparse", torch.eye(2).to_sparse()), ("tensor nested", torch.nested.nested_tensor([torch.ones(2)])),
            ("tensor nan", torch.tensor(float("nan"))), ("raising tensor", torch.tensor([[0.5]]).as_subclass(RaisingTensor)),
            ("dispatching tensor", DispatchingTensor((2, 2))), ("torch layer", torch.nn.Conv2d(1, 1, 2)),
            ("torch.Size wrong", torch.Size([2, 3])), ("torch dtype", torch.float32),
        ]


def raising_function(err):
    def function(X, K):
        raise err
    return function


def returning(value):
    def function(X, K):
        return value
    return function


def changes_input(X, K):
    X *= 0
    return np.zeros((X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1))


class Boom(Exception):
    def __str__(self):
        raise RuntimeError("no message")


HOSTILE_FUNCTIONS = [("returns " + name, returning(value)) for name, value in HOSTILE] + [
    ("raises RecursionError", raising_function(RecursionError("deep"))),
    ("raises Boom", raising_function(Boom())), ("raises MemoryError", raising_function(MemoryError())),
    ("no arguments", lambda: 1), ("one argument", lambda X: X), ("changes its input", changes_input),
    ("recurses forever", lambda X, K, f=None: (lambda g: g(g))(lambda g: g(g))),
    ("returns a transposed result", lambda X, K: np.array(np.zeros((1, 1)))),
    ("warns", lambda X, K: np.log(np.zeros((X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)))),
]


def sweep_cases():
    for name, check in CHECKERS:
        answers = HOSTILE_FUNCTIONS + HOSTILE if name in FUNCTION_EXERCISES else HOSTILE
        for label, answer in answers:
            yield pytest.param(name, check, answer, id=f"{name}-{label}")


def assert_no_leak(name, text, own=None):
    """No expected answer in ``text``, except where it only echoes the learner's own answer ``own``."""
    own_text = "" if own is None else f"{own} {tuple(own) if isinstance(own, (list, tuple)) else ''}"
    for other, patterns in LEAKS.items():
        for pattern in patterns:
            if own is not None and re.search(pattern, own_text):
                continue
            assert not re.search(pattern, text), f"{name}'s message holds {other}'s answer ({pattern}): {text}"


@pytest.mark.parametrize("name, check, answer", list(sweep_cases()))
def test_hostile_answers_get_a_feedback_never_a_crash_or_a_pass(name, check, answer):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = check(answer)
    assert not [w for w in caught if not issubclass(w.category, DeprecationWarning)], \
        [str(w.message)[:100] for w in caught]
    assert isinstance(result, Feedback), type(result)
    assert result.ok is False, result.text
    text = result.text
    assert isinstance(text, str) and "\n" not in text and len(text) < 500, text
    assert "Traceback" not in text and "<NDArray" not in text and "[[0.5" not in text
    assert_no_leak(name, text)
    assert isinstance(result._repr_html_(), str)


def framework_arrays(values, batch=False):
    """``values`` as an NDArray and as torch tensors (float32, float64, with grad: a layer's output), with
    ``batch`` inside leading batch and channel axes of size 1, for the frameworks installed."""
    A = np.asarray(values, dtype=np.float64)
    if batch:
        A = A[None, None]
    forms = [nd.array(A)] if nd is not None else []
    if torch is not None:
        forms += [torch.tensor(A, dtype=torch.float32), torch.tensor(A),
                  torch.tensor(A, dtype=torch.float32, requires_grad=True) * 1]
        if np.all(np.abs(A) < 256) and np.all(A == np.round(A)):  # exact in bfloat16 and float16
            forms += [torch.tensor(A, dtype=torch.bfloat16), torch.tensor(A, dtype=torch.float16)]
    return forms


@pytest.mark.parametrize("name, check", [c for c in CHECKERS if c[0] in EXPECTED], ids=[c[0] for c in CHECKERS
                                                                                        if c[0] in EXPECTED])
def test_right_answers_pass_in_every_form(name, check):
    """The independent expected answers are right (the sweep's leak patterns are real answers), in each form a
    learner might give them; Gluon's leading batch and channel axes are accepted wherever an array or an output
    shape is asked for."""
    answer = EXPECTED[name]
    forms = [answer]
    layer_output = name not in ("lesson05.check_kernel_shape", "lesson08.check_im2col_shape")
    if isinstance(answer, tuple):
        forms += [list(answer), np.array(answer)] + framework_arrays(answer)
        if layer_output:  # a layer's output: Gluon's Y.shape, or PyTorch's torch.Size
            forms += [(1, 1) + answer if len(answer) == 2 else (1,) + answer]
            if torch is not None:
                forms += [torch.Size(forms[-1])]
    elif isinstance(answer, list):
        forms += [np.array(answer)] + framework_arrays(answer) + framework_arrays(answer, batch=True)
    else:
        forms += [float(answer), np.float32(answer), np.array([[answer]])] + framework_arrays([answer])
        if torch is not None:
            forms += [torch.tensor(float(answer)), torch.tensor(float(answer), requires_grad=True) * 1]
        if float(answer).is_integer():
            forms += [int(answer), np.int64(answer)]
    for form in forms:
        result = check(form)
        assert result.ok is True, (type(form), result.text)
        if "dropped" in result.message:
            assert np.ndim(form) > np.ndim(answer) or len(form) > len(answer)


@pytest.mark.parametrize("name, check", [c for c in CHECKERS if c[0] in EXPECTED], ids=[c[0] for c in CHECKERS
                                                                                        if c[0] in EXPECTED])
def test_near_misses_are_rejected_without_the_answer(name, check):
    """Off by one, by a fraction, or with a wrong extra axis: rejected, and the answer is not in the message."""
    answer = EXPECTED[name]
    if isinstance(answer, tuple):
        misses = [tuple(v + 1 for v in answer), answer[:-1], answer + (1,), (2,) + answer,
                  tuple(v + 0.5 for v in answer)]
    elif isinstance(answer, list):
        A = np.asarray(answer, dtype=float)
        misses = [(A + 1).tolist(), (A + 0.01).tolist(), A[None].repeat(2, axis=0).tolist(), A.T.tolist()
                  if A.shape[0] != A.shape[1] else (-A).tolist()]
        misses = [m for m in misses if np.shape(m) != A.shape or not np.allclose(m, A, atol=0.05)]
    else:
        misses = [answer + 1, answer - 1, answer + 0.5, answer * 2, -answer, [answer, answer]]
    for miss in misses:
        result = check(miss)
        assert result.ok is False, (miss, result.text)
        assert_no_leak(name, result.text, own=miss)


def test_a_checker_never_raises_even_when_its_own_code_fails(monkeypatch):
    from d2lutils.exercises import lesson02

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the checker")

    monkeypatch.setattr(lesson02, "check_shape", broken)
    result = lesson02.check_output_shape((5, 6))
    assert isinstance(result, Feedback) and result.ok is False and "could not be checked" in result.message
    assert "(5, 6)" not in result.text and "RuntimeError" in result.text


def test_checkers_keep_working_at_pythons_recursion_limit():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        for name, check in CHECKERS:
            if name not in FUNCTION_EXERCISES:
                assert check(deep(150)).ok is False, name
    finally:
        sys.setrecursionlimit(limit)
