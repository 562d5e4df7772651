"""The explorers' words, built in Python exactly as the front end builds them (``static/arith.js``).

``.status`` in Python is the text the learner reads on the page; the browser tests compare the two
on hundreds of settings, so every sentence here has one twin in JavaScript.
"""
from decimal import ROUND_HALF_UP, Decimal

AXES = ("height", "width")


def pair_text(p):
    """(3, 3) -> '3', (3, 5) -> '(3, 5)': how Gluon's arguments are usually written."""
    return str(p[0]) if p[0] == p[1] else f"({p[0]}, {p[1]})"


def shape_text(s):
    return f"({s[0]}, {s[1]})"


def span_text(start, count, step):
    """Rows/columns a window touches: '0–2', or '0–4 every 2' with dilation."""
    if count == 1:
        return str(start)
    return f"{start}–{start + (count - 1) * step}" + (f" every {step}" if step > 1 else "")


def num_text(x):
    """A number as the status writes it: integers plainly, others with 2 decimals.

    Rounds the exact binary value like JavaScript's ``toFixed(2)`` (a tie goes away from zero), so
    that page and Python agree: 1.125 -> '1.13' (Python's own format would give '1.12').
    """
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return str(Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def index_text(indices):
    """Sorted indices as text: [0, 1, 2, 5, 7] -> '0–2, 5, 7'; runs of three or more are ranges."""
    parts, i = [], 0
    while i < len(indices):
        j = i
        while j + 1 < len(indices) and indices[j + 1] == indices[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{indices[i]}–{indices[j]}")
        else:
            parts.extend(str(v) for v in indices[i:j + 1])
        i = j + 1
    return ", ".join(parts)


def bad_pair(name, lo, hi):
    """A control's value the sliders cannot show (set on the trait or sent by a page)."""
    label = name.replace("_", " ")
    return (f"Cannot show {name}: it must be a whole number from {lo} to {hi} for each axis (the range of its "
            f"sliders). Move a {label} slider to go on.")


def window_message(window, problem, n, k, p, d):
    """Why a window (``window`` = 'kernel' or 'pool') cannot slide over the padded input."""
    a = problem.axis
    axis, rows = AXES[a], ("rows", "columns")[a]
    if problem.reason == "padding":
        return (f"Impossible setting: the padding {axis} {p[a]} must be smaller than the pool {axis} {k[a]}; "
                f"otherwise some windows would hold nothing but padding.")
    spans = (f"the {window} {axis} {k[a]} with dilation {d[a]} spans {problem.extent} {rows}" if d[a] > 1
             else f"the {window} {axis} is {k[a]} {rows}")
    advice = "a smaller pool or more padding" if window == "pool" else "a smaller kernel, more padding or less dilation"
    return (f"Impossible setting: {spans}, but the padded input has only {n[a]} + 2·{p[a]} = {problem.padded} "
            f"{rows}, so the window does not fit anywhere. Use {advice}.")


def layer_name(index, kind):
    return f"layer {index + 1} ({'pooling' if kind == 'pool' else 'convolution'})"


def stack_message(index, kind, kernel_size, padding, input_shape, problem):
    """Why layer ``index`` of a stack (its kind, kernel size and padding pairs) cannot slide over its input."""
    a = problem.axis
    axis, rows = AXES[a], ("rows", "columns")[a]
    name = layer_name(index, kind)
    if problem.reason == "padding":
        return (f"Impossible setting: {name} has padding {axis} {padding[a]}, which must be smaller than its "
                f"kernel {axis} {kernel_size[a]}.")
    return (f"Impossible setting: the window of {name} spans {problem.extent} {rows}, but its padded input has "
            f"only {input_shape[a]} + 2·{padding[a]} = {problem.padded} {rows}. Use smaller kernels or "
            f"strides, more padding or fewer layers.")


def bad_int(name, lo, hi):
    """A one-slider control's value the slider cannot show."""
    return (f"Cannot show {name}: it must be a whole number from {lo} to {hi} (the range of its slider). "
            f"Move the {name.replace('_', ' ')} slider to go on.")
