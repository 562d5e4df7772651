"""The comparisons every checker relies on: right answers in any reasonable form, wrong ones caught."""
import numpy as np
import pytest
from mxnet import nd

from d2lutils.exercises._feedback import check_array, check_number, check_shape


@pytest.mark.parametrize("answer", [49, 49.0, np.int64(49), nd.array([49]), np.array([[49]])])
def test_number_accepts_every_form_of_the_right_number(answer):
    assert check_number(answer, 49).ok is True


@pytest.mark.parametrize("answer", ["49", True, float("nan"), float("inf"), 10**400, [49, 1],
                                    nd.array([49, 1]), object()])
def test_number_rejects_non_numbers_without_crashing(answer):
    result = check_number(answer, 49)
    assert result.ok is False and "single finite number" in result.text


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
                   check_array(nd.ones((3, 3)), np.zeros((2, 2)))):
        assert result.ok is False and "\n" not in result.text and "NDArray" not in result.text


def test_array_compares_values():
    assert check_array(nd.array([[1, 2]]), [[1, 2]]).ok is True
    assert "1 of 2 entries differ" in check_array([[1, 3]], [[1, 2]]).text
    assert check_array("ab", [[1, 2]]).ok is False
    assert check_array("19", 19).ok is False
    assert check_array([["1", "2"]], [[1, 2]]).ok is False
    assert check_array([[1 + 0j, 2]], [[1, 2]]).ok is False
