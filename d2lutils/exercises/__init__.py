"""Instant answer checkers, one module per lesson.

Use them as ``from d2lutils.exercises import lesson04 as ex`` and then
``ex.check_output_shape(answer)``. Each checker returns a :class:`Feedback` that shows
"Correct" or what is off and a hint, without revealing the answer.
"""
from ._feedback import Feedback

__all__ = ["Feedback"]
