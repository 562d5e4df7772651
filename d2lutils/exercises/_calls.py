"""Running a learner's function inside a checker: never raise, report any failure in one line.

Exercises that ask for a function (lesson 3's ``learn_kernel``, lesson 9's
``receptive_field_size``) call it on hidden examples. Whatever the function does, the checker
must answer with a Feedback, so every call goes through :func:`call`.
"""
import warnings

#: An exception raised by the learner's function is reported in at most this many characters.
MAX_ERROR_CHARS = 120


def error_line(err):
    """One short line for an exception: its type and one line of its message.

    That is the message's first line, except for MXNet's, which hold a C++ traceback ending in
    the reason: then its last line. Long lines are shortened.
    """
    try:
        text = str(err)
    except Exception:  # an exception whose __str__ raises
        text = ""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = ""
    if lines:
        line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
        prefix = f"{type(err).__name__}: "
        line = line[len(prefix):] if line.startswith(prefix) else line
    if len(line) > MAX_ERROR_CHARS:
        line = line[:MAX_ERROR_CHARS - 3].rstrip() + "..."
    return f"{type(err).__name__} ({line})" if line else type(err).__name__


def call(function, *args):
    """``(result, None)`` if ``function(*args)`` returns, ``(None, error_line)`` if it raises.

    Warnings the function triggers are silenced: the checker's message is what the learner reads.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args), None
    except Exception as err:  # the learner's code: any exception is reported, none escapes
        return None, error_line(err)


def not_a_function(answer, name, examples, hint):
    """The Feedback for an exercise that asks for a function ``name``: missing, or not a function; else None.

    ``examples`` says what the checker runs the function on, e.g. "examples" or "stacks".
    """
    from ._feedback import _short, missing, wrong
    if answer is None:
        return missing(f"your function {name} (its name, without parentheses)")
    if not callable(answer) or isinstance(answer, type):  # a class is callable, but not the function asked for
        return wrong(f"expected your function {name} itself, got {_short(answer)}: the checker calls it on "
                     f"{examples} of its own.", hint)
    return None
