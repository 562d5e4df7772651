"""Running a learner's function inside a checker: never raise, report any failure in one line.

Exercises that ask for a function (lesson 3's ``learn_kernel``, lesson 9's
``receptive_field_size``) call it on hidden examples. Whatever the function does, the checker
must answer with a Feedback, so every call goes through :func:`call`, which runs it under a
bound on time (:data:`TIME_LIMIT` seconds) and memory (:data:`MEMORY_LIMIT` bytes more than the
process holds) and reports, as the learner's and not the checker's, an exception, an exit
(``SystemExit``, ``KeyboardInterrupt``), an endless loop or a runaway allocation.
"""
import contextlib
import os
import signal
import sys
import threading
import time
import warnings

#: An exception raised by the learner's function is reported in at most this many characters.
MAX_ERROR_CHARS = 120
#: Seconds one call of a learner's function may take (the checkers' examples need a fraction of that).
TIME_LIMIT = 2.0
#: Bytes of memory one call may add to the process (address space, so numpy's and MXNet's count too).
MEMORY_LIMIT = 1 << 30

_EXITS = (SystemExit, KeyboardInterrupt, GeneratorExit)


class _OutOfTime(BaseException):
    """Raised inside the learner's function when its time is up (a BaseException: ``except Exception``
    in the learner's code does not swallow it; the timer keeps firing if a bare ``except`` does)."""


def error_line(err):
    """One short line for an exception: its type and one line of its message.

    That is the message's first line, except for MXNet's, which hold a C++ traceback ending in
    the reason: then its last line. Long lines are shortened.
    """
    try:
        text = str(err)
    except BaseException:  # an exception whose __str__ raises (or exits)
        text = ""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = ""
    name = type(err).__name__
    if lines:
        line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
        prefix = f"{name}: "
        line = line[len(prefix):] if line.startswith(prefix) else line
    if len(line) > MAX_ERROR_CHARS:
        line = line[:MAX_ERROR_CHARS - 3].rstrip() + "..."
    return f"{name} ({line})" if line else name


def exit_line(err):
    """The words for an exit raised by the learner's code (never let through as the checker's own)."""
    if isinstance(err, KeyboardInterrupt):
        return "KeyboardInterrupt (your code was interrupted before it returned)"
    if isinstance(err, GeneratorExit):
        return "GeneratorExit (your code exited before it returned)"
    return ("SystemExit (your code exited: exit() or sys.exit() stops the whole program, not just the "
            "function; use return)")


def _address_space():
    """Bytes of address space the process holds now (Linux), else None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def _memory_bound(limit):
    """Allocations beyond ``limit`` more bytes fail with MemoryError while inside (Linux: RLIMIT_AS)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Linux/macOS
        yield
        return
    used = _address_space()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        soft = hard = None
    new = None if used is None else used + limit
    if new is not None and hard is not None and hard != resource.RLIM_INFINITY:
        new = min(new, hard)
    if new is not None and soft is not None and soft != resource.RLIM_INFINITY:
        new = min(new, soft)
    try:
        if new is not None:
            resource.setrlimit(resource.RLIMIT_AS, (new, hard))
    except (OSError, ValueError):
        new = None
    try:
        yield
    finally:
        if new is not None:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _time_bound(seconds):
    """Interrupt the code inside after ``seconds`` (SIGALRM; only in the main thread, else no bound)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise _OutOfTime

    old_handler = signal.signal(signal.SIGALRM, alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)  # then every 50 ms, in case it is caught
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0] > 0:  # someone else's timer: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(old_timer[0] - (time.monotonic() - start), 1e-3),
                             old_timer[1])


def _warm_up():
    """Import, outside the bounds, what a framework loads on first use: PyTorch's first optimizer imports
    ``torch._dynamo`` (some 900 modules, seconds), which would otherwise count against the learner's function.
    Only a framework the learner already loaded is warmed up; none is imported here otherwise."""
    if "torch" in sys.modules and "torch._dynamo" not in sys.modules:
        try:
            import torch._dynamo  # noqa: F401
        except Exception:  # a torch without it: nothing to warm up
            pass


def call(function, *args, seconds=TIME_LIMIT, memory=MEMORY_LIMIT):
    """``(result, None)`` if ``function(*args)`` returns, ``(None, error_line)`` if it does not.

    Runs under a bound of ``seconds`` and ``memory`` bytes; an exception, an exit, a timeout and a
    MemoryError are all reported as one line (to follow "your function raised"). Warnings the
    function triggers are silenced: the checker's message is what the learner reads.
    """
    _warm_up()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _memory_bound(memory):
                with _time_bound(seconds):
                    return function(*args), None
    except _OutOfTime:
        return None, (f"TimeoutError: it did not return within {seconds:g} s (the checker's examples need a "
                      f"fraction of that): does a loop never end?")
    except MemoryError:
        return None, (f"MemoryError: it needed more than {memory / (1 << 30):g} GB of memory (the checker's "
                      f"examples need a few kB): does it build something far too large?")
    except _EXITS as err:
        return None, exit_line(err)
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
