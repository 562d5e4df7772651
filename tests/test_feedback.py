"""The comparisons every checker relies on: right answers in any reasonable form, wrong ones caught."""
from unittest import mock

import numpy as np
import pytest

from d2lutils import _torch
from d2lutils.exercises._feedback import check_array, check_number, check_shape
from reference import FRAMEWORKS, array_in, framework, needs_torch


class In:
    """An answer made in a framework when the test runs (skipped where the framework is missing)."""

    def __init__(self, name, values, dtype="float32"):
        self.name, self.values, self.dtype = name, values, dtype

    def __repr__(self):
        return f"{self.name}:{np.asarray(self.values).tolist()}"

    def make(self):
        return array_in(self.name, self.values, self.dtype)


def made(answer):
    return answer.make() if isinstance(answer, In) else answer


def both(values, dtype="float32"):
    """The same answer as an NDArray and as a torch tensor."""
    return [In(name, values, dtype) for name in FRAMEWORKS]


@pytest.mark.parametrize("answer", [49, 49.0, np.int64(49), np.array([[49]])] + both([49]) + both(49))
def test_number_accepts_every_form_of_the_right_number(answer):
    assert check_number(made(answer), 49).ok is True


@pytest.mark.parametrize("answer", ["49", True, float("nan"), float("inf"), [49, 1],
                                    object(), b"49", np.str_("49"), np.array(["49"]), [49]] + both([49, 1]))
def test_number_rejects_non_numbers_without_crashing(answer):
    result = check_number(made(answer), 49)
    assert result.ok is False and "single finite number" in result.text


@pytest.mark.parametrize("answer", [10 ** 400, 10 ** 5000, -10 ** 5000, 49.000001, 49 + 2 ** -40, np.uint64(2 ** 64 - 1)],
                         ids=["10**400", "10**5000", "-10**5000", "49.000001", "49+2**-40", "uint64 max"])
def test_number_compares_whole_numbers_exactly_and_never_formats_huge_ones(answer):
    result = check_number(answer, 49)
    assert result.ok is False and ("too large" in result.text or "too small" in result.text)
    assert len(result.text) < 200
    assert check_number(2 ** 53 + 1, 2 ** 53).ok is False  # exact, not through float


def test_number_says_too_large_or_small():
    assert "too large" in check_number(50, 49).text
    assert "too small" in check_number(48.5, 49).text
    assert check_number(None, 49).ok is None


@pytest.mark.parametrize("answer", [(5, 6), [5, 6], (np.int64(5), 6.0), np.array([5, 6])] + both([5, 6])
                         + both([5, 6], "int64"))
def test_shape_accepts_every_form_of_the_right_shape(answer):
    assert check_shape(made(answer), (5, 6)).ok is True


@pytest.mark.parametrize("answer", ["56", (5.9, 6.1), np.array([5.9, 6.2]), (5, "6"), 56, (5, None),
                                    {5, 6}, {5: 0, 6: 0}])
def test_shape_rejects_strings_fractions_and_scalars(answer):
    result = check_shape(answer, (5, 6))
    assert result.ok is False and "whole numbers" in result.text


def test_shape_names_the_wrong_entry():
    assert "entry 1 of (5, 7) is not right" in check_shape((5, 7), (5, 6)).text
    assert "3 entries" not in check_shape((5, 6, 1), (5, 6)).text
    assert "should have 2 entries, yours has 3" in check_shape((5, 6, 1), (5, 6)).text


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_messages_are_one_line_even_for_framework_arrays(name):
    def ones(*shape):
        return array_in(name, np.ones(shape))
    for result in (check_shape(ones(3, 3), (5, 6)), check_number(ones(3, 3), 1),
                   check_array(ones(3, 3), np.zeros((2, 2))), check_array(ones(999, 999), np.zeros((2, 2)))):
        assert result.ok is False and "\n" not in result.text and "<NDArray" not in result.text
        assert "tensor(" not in result.text
        assert "[[" not in result.text and len(result.text) < 250


@pytest.mark.parametrize("name, words", [("mxnet", "Gluon's batch"), ("torch", "PyTorch's batch")])
def test_gluon_batch_and_channel_axes_are_dropped(name, words):
    # nn.MaxPool2D(2)(X) in Gluon, nn.MaxPool2d(2)(X) in PyTorch, has shape (1, 1, 2, 2)
    result = check_array(array_in(name, [[[[1, 2], [3, 4]]]]), [[1, 2], [3, 4]])
    assert result.ok is True and "dropped" in result.message and "2 axes" in result.message
    assert words in result.message
    assert check_array(np.ones((1, 2, 2)), np.ones((2, 2))).ok is True
    assert check_array(np.ones((2, 1, 2, 2)), np.ones((2, 2))).ok is False  # a batch of two is not one answer
    assert check_array(np.ones((1, 1, 2, 2)), np.ones((2, 2)), batch_axes=False).ok is False
    result = check_shape((1, 1, 5, 6), (5, 6))
    assert result.ok is True and "dropped" in result.message
    assert check_shape((2, 1, 5, 6), (5, 6)).ok is False
    assert check_shape((1, 5, 6), (5, 6), batch_axes=False).ok is False


@pytest.mark.parametrize("answer", ["19", b"19", bytearray(b"19"), np.str_("19"), np.bytes_(b"19"),
                                    np.array(["19"]), np.array([[b"1", b"9"]]), [["1", "9"]]])
def test_text_in_any_form_is_text(answer):
    for result in (check_number(answer, 19), check_array(answer, [[1, 9]]), check_shape(answer, (1, 9))):
        assert result.ok is False
        assert "19" not in result.message and "'1'" not in result.message  # never echoed


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_array_compares_values(name):
    assert check_array(array_in(name, [[1, 2]]), [[1, 2]]).ok is True
    assert "1 of 2 entries differ" in check_array([[1, 3]], [[1, 2]]).text
    assert check_array("ab", [[1, 2]]).ok is False
    assert check_array("19", 19).ok is False
    assert check_array([["1", "2"]], [[1, 2]]).ok is False
    assert check_array([[1 + 0j, 2]], [[1, 2]]).ok is False


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", "int64", "uint8"])
@pytest.mark.parametrize("grad", [False, True])
def test_tensors_of_any_real_dtype_with_or_without_grad_are_answers(dtype, grad):
    torch = framework("torch")
    T = torch.tensor([[[[1, 2], [3, 4]]]], dtype=getattr(torch, dtype))
    if grad and T.is_floating_point():
        T = T.requires_grad_()
        T = T * 1  # a result of a computation, as a layer's output is
    assert check_array(T, [[1, 2], [3, 4]]).ok is True
    assert "PyTorch" in check_array(T, [[1, 2], [3, 4]]).message
    assert check_array(T, [[1, 2], [3, 5]]).ok is False
    assert check_number(T[0, 0, 1, 1], 4).ok is True
    assert check_shape(torch.tensor([2, 2], dtype=getattr(torch, dtype)), (2, 2)).ok is True


@needs_torch
def test_torch_shapes_parameters_and_layers():
    torch = framework("torch")
    Y = torch.nn.MaxPool2d(2)(torch.ones(1, 1, 4, 6))
    result = check_shape(Y.shape, (2, 3))  # a torch.Size
    assert result.ok is True and "PyTorch's batch" in result.message
    assert check_array(torch.nn.Parameter(torch.ones(2, 2)), np.ones((2, 2))).ok is True
    result = check_array(torch.nn.Conv2d(1, 1, 2), np.ones((2, 2)))
    assert result.ok is False and "torch Conv2d" in result.text and "\n" not in result.text


@needs_torch
@pytest.mark.parametrize("make, words", [
    (lambda torch: torch.ones(2, 2, device="meta"), "meta device"),
    (lambda torch: torch.ones(2, 2).to_sparse(), "sparse"),
    (lambda torch: torch.ones(2, 2, dtype=torch.complex64), "complex"),
    (lambda torch: torch.ones(2, 2, dtype=torch.float8_e4m3fn), None),
], ids=["meta", "sparse", "complex", "float8"])
def test_tensors_that_cannot_be_read_are_named_in_one_line(make, words):
    torch = framework("torch")
    T = make(torch)
    result = check_array(T, np.ones((2, 2)))
    if words is None:  # float8 is read as float32: a real answer
        assert result.ok is True
        return
    assert result.ok is False and words in result.text and "\n" not in result.text and len(result.text) < 250


@needs_torch
def test_a_tensor_on_a_gpu_is_named_without_being_moved():
    torch = framework("torch")
    T = torch.ones(2, 2)
    real = _torch.problem
    with mock.patch.object(_torch, "problem", lambda X: ("device", "cuda:0") if X is T else real(X)):
        result = check_array(T, np.ones((2, 2)))
    assert result.ok is False and "cuda:0" in result.text and ".cpu()" in result.text


@needs_torch
def test_a_tensor_subclass_whose_methods_raise_is_read_as_a_tensor_or_refused_in_one_line():
    torch = framework("torch")

    class Hostile(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            raise RuntimeError("no\nsecond line")

        def numpy(self, *args, **kwargs):
            raise SystemExit

        def __repr__(self):
            raise RuntimeError

    T = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).as_subclass(Hostile)
    assert check_array(T, [[1, 2], [3, 4]]).ok is True  # read as the plain tensor it is
    assert check_number(torch.tensor(7.0).as_subclass(Hostile), 7).ok is True
