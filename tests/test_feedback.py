"""The comparisons every checker relies on: right answers in any reasonable form, wrong ones caught."""
import numpy as np
import pytest
from mxnet import nd

from d2lutils.exercises._feedback import check_array, check_number, check_shape


@pytest.mark.parametrize("answer", [49, 49.0, np.int64(49), nd.array([49]), np.array([[49]])])
def test_number_accepts_every_form_of_the_right_number(answer):
    assert check_number(answer, 49).ok is True


@pytest.mark.parametrize("answer", ["49", True, float("nan"), float("inf"), [49, 1],
                                    nd.array([49, 1]), object(), b"49", np.str_("49"), np.array(["49"]), [49]])
def test_number_rejects_non_numbers_without_crashing(answer):
    result = check_number(answer, 49)
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


@pytest.mark.parametrize("answer", [(5, 6), [5, 6], (np.int64(5), 6.0), np.array([5, 6]), nd.array([5, 6])])
def test_shape_accepts_every_form_of_the_right_shape(answer):
    assert check_shape(answer, (5, 6)).ok is True


@pytest.mark.parametrize("answer", ["56", (5.9, 6.1), np.array([5.9, 6.2]), (5, "6"), 56, (5, None),
                                    {5, 6}, {5: 0, 6: 0}])
def test_shape_rejects_strings_fractions_and_scalars(answer):
    result = check_shape(answer, (5, 6))
    assert result.ok is False and "whole numbers" in result.text


def test_shape_names_the_wrong_entry():
    assert "entry 1 of (5, 7) is not right" in check_shape((5, 7), (5, 6)).text
    assert "3 entries" not in check_shape((5, 6, 1), (5, 6)).text
    assert "should have 2 entries, yours has 3" in check_shape((5, 6, 1), (5, 6)).text


def test_messages_are_one_line_even_for_ndarrays():
    for result in (check_shape(nd.ones((3, 3)), (5, 6)), check_number(nd.ones((3, 3)), 1),
                   check_array(nd.ones((3, 3)), np.zeros((2, 2))), check_array(nd.ones((999, 999)), np.zeros((2, 2)))):
        assert result.ok is False and "\n" not in result.text and "<NDArray" not in result.text
        assert "[[" not in result.text and len(result.text) < 250


def test_gluon_batch_and_channel_axes_are_dropped():
    result = check_array(nd.array([[[[1, 2], [3, 4]]]]), [[1, 2], [3, 4]])  # nn.MaxPool2D(2)(X) has (1, 1, 2, 2)
    assert result.ok is True and "dropped" in result.message and "2 axes" in result.message
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


def test_array_compares_values():
    assert check_array(nd.array([[1, 2]]), [[1, 2]]).ok is True
    assert "1 of 2 entries differ" in check_array([[1, 3]], [[1, 2]]).text
    assert check_array("ab", [[1, 2]]).ok is False
    assert check_array("19", 19).ok is False
    assert check_array([["1", "2"]], [[1, 2]]).ok is False
    assert check_array([[1 + 0j, 2]], [[1, 2]]).ok is False
