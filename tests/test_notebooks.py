"""The course's notebooks as documents: complete, linked, executed in order, reproducible.

nbval checks that the stored outputs are what the code produces; these tests check what nbval
cannot see: every lesson has its parts, links and solutions, and the stored outputs are clean.
"""
import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The two editions of the course (built from lessons/ by tools/editions.py): every check holds in each.
EDITIONS = {"mxnet": ROOT / "notebooks" / "mxnet", "pytorch": ROOT / "notebooks" / "pytorch"}
KERNELS = {"mxnet": "d2l-cnn", "pytorch": "d2l-cnn-pytorch"}


def lessons_of(root):
    return sorted(p for p in root.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))


LESSONS = [p for root in EDITIONS.values() for p in lessons_of(root)]
ALL = [p for root in EDITIONS.values() for p in sorted(root.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]


def edition_of(path):
    """(framework, edition root) of a notebook path."""
    for name, root in EDITIONS.items():
        if root in path.parents:
            return name, root
    raise ValueError(path)


def name(path):
    return str(path.relative_to(ROOT / "notebooks"))


edition = pytest.mark.parametrize("root", list(EDITIONS.values()), ids=list(EDITIONS))


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def markdown(nb):
    return [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def links(text):
    return re.findall(r"\]\(([^)#\s]+\.ipynb)\)", text)


@edition
def test_the_course_has_its_lessons(root):
    lessons = lessons_of(root)
    assert (root / "00_index.ipynb").exists()
    assert [p.name[:2] for p in lessons] == [f"{i:02d}" for i in range(1, len(lessons) + 1)]
    assert len(lessons) >= 10
    assert (root / "10_a_network_that_reads_digits.ipynb") in lessons


#: The lessons that stack the layers into a network (split so that each stays short, as the index promises).
NETWORK_LESSONS = [root / n for root in EDITIONS.values()
                   for n in ("09_from_layers_to_a_network.ipynb", "10_a_network_that_reads_digits.ipynb")]


@pytest.mark.parametrize("path", NETWORK_LESSONS, ids=name)
def test_network_lessons_are_short(path):
    words = sum(len(cell.split()) for cell in markdown(load(path)))
    assert words < 1800, f"{path.name} has {words} words of text"


@pytest.mark.parametrize("path", NETWORK_LESSONS + [p.parent / "solutions" / f"{p.stem}_solutions.ipynb"
                                                    for p in NETWORK_LESSONS], ids=name)
def test_learner_text_never_talks_about_the_tests(path):
    """Text and code comments speak to the learner: why an output varies, never what a test compares."""
    for cell in load(path)["cells"]:
        text = source(cell)
        if cell["cell_type"] == "code":
            text = "\n".join(line for line in text.splitlines() if line.strip().startswith("#")
                             and "NBVAL_IGNORE_OUTPUT" not in line)
        found = re.findall(r"nbval|course's tests|browser tests|by the tests|\bthe tests\b", text, re.I)
        assert not found, f"{path.name}: {found} in {text[:80]!r}"


@edition
def test_index_links_every_lesson(root):
    linked = set(links("\n".join(markdown(load(root / "00_index.ipynb")))))
    assert {p.name for p in lessons_of(root)} <= linked


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_lesson_structure(path):
    nb = load(path)
    text = markdown(nb)
    LESSONS = lessons_of(path.parent)
    index = LESSONS.index(path)
    for where, cell in (("top", text[0] + text[1] if len(text) > 1 else text[0]), ("bottom", text[-1])):
        targets = links(cell)
        assert "00_index.ipynb" in targets, f"no index link at the {where}"
        if index + 1 < len(LESSONS):
            assert LESSONS[index + 1].name in targets, f"no next link at the {where}"
        previous = LESSONS[index - 1].name if index else "00_index.ipynb"
        assert previous in targets, f"no previous link at the {where}"
    joined = "\n".join(text)
    assert re.search(r"^#+ .*(goals|Goals|You will)", joined, re.M), "learning goals missing"
    assert re.search(r"^#+ Summary", joined, re.M), "Summary missing"
    assert re.search(r"^#+ Exercises", joined, re.M), "Exercises missing"
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert len(re.findall(r"\bex\.check_\w+\(|check_\w+\(", code)) >= 2, "fewer than two checked exercises"
    solutions = list((path.parent / "solutions").glob(path.stem + "*_solutions.ipynb"))
    assert solutions, f"no solutions notebook for {path.name}"


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_lesson_opens_with_a_paragraph_and_ends_with_further_reading(path):
    text = markdown(load(path))
    top = text[0].split("## Learning goals")[0]
    paragraph = [block for block in top.split("\n\n")[1:] if block.strip() and not block.lstrip().startswith("[")]
    assert paragraph and len(" ".join(paragraph).split()) >= 25, "no opening paragraph before the learning goals"
    assert "After this lesson you can" in text[0]
    reading = [cell for cell in text if re.match(r"#+ Further reading", cell)]
    assert len(reading) == 1 and reading[0] in text[-3:], "no Further reading section at the end"
    assert len(re.findall(r"<https?://[^>\s]+>", reading[0])) >= 2, "Further reading needs at least two links"


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_corrections_of_the_lecture_are_notes(path):
    """The index names the lecture once; a lesson that corrects it does so in a Note (a quoted block)."""
    for cell in markdown(load(path)):
        for line in cell.splitlines():
            if re.search(r"[Tt]he lecture (says|gives|calls|speaks)", line):
                assert line.startswith(">"), f"correction outside a note: {line[:80]!r}"


@edition
def test_index_names_the_source_of_the_lecture(root):
    text = "\n".join(markdown(load(root / "00_index.ipynb")))
    assert "https://d2l.ai/chapter_convolutional-neural-networks/index.html" in text
    assert "Dive into Deep Learning" in text


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_solutions_have_the_same_title_and_introduction(path):
    title = markdown(load(path))[0].splitlines()[0].lstrip("# ").strip()
    solutions = path.parent / "solutions" / f"{path.stem}_solutions.ipynb"
    text = markdown(load(solutions))
    back = f"[← Back to the lesson: {title}](../{path.name}) | [Index](../00_index.ipynb)"
    assert text[0].splitlines()[0] == f"# Solutions: {title}"
    assert back in text[0] and text[-1] == "---\n" + back
    assert f"Worked solutions to the exercises of [lesson {path.name[:2]}](../{path.name})." in text[0]


def figure_titles(code):
    """The title arguments of every figure_png(fig, title) call, as text ({} where an f-string computes)."""
    titles = []
    for node in ast.walk(ast.parse(code.replace("%matplotlib inline", ""))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "figure_png":
            args = node.args[1:2] + [k.value for k in node.keywords if k.arg == "title"]
            assert args, "figure_png called without a title"
            title = args[0]
            if isinstance(title, ast.Constant):
                titles.append(title.value)
            else:
                assert isinstance(title, ast.JoinedStr), "figure_png's title must be a string"
                titles.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in title.values))
    return titles


@pytest.mark.parametrize("path", ALL, ids=name)
def test_figure_titles_are_sentences(path):
    """figure_png's title is the picture's caption and text alternative: a full sentence that describes it."""
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            for title in figure_titles(source(cell)):
                assert title[0].isupper() and title.endswith(".") and len(title.split()) >= 8, title


@pytest.mark.parametrize("path", ALL, ids=name)
def test_stored_outputs_are_clean(path):
    nb = load(path)
    framework, _ = edition_of(path)
    assert nb["metadata"]["kernelspec"]["name"] == KERNELS[framework]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    lesson_code = [c for c in code if "colab-setup" not in c["metadata"].get("tags", [])]
    if lesson_code:
        assert "%matplotlib inline" in source(lesson_code[0])
    counts = [c["execution_count"] for c in code if source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), "cells not executed once, top to bottom"
    for cell in code:
        src = source(cell)
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error in cell: {src[:60]!r}"
            if out["output_type"] == "stream":
                assert out["name"] != "stderr" or not out["text"], f"stderr output in {src[:60]!r}"
            text = "".join(out.get("data", {}).get("text/plain", ""))
            # A figure shown by the inline backend (display_data) carries a fixed "<Figure size ...>"
            # text; a cell that *returns* a figure or an artist list stores a stray repr instead.
            if out["output_type"] == "execute_result":
                assert not re.search(r"<(Figure|matplotlib)", text), f"stray plot repr in {src[:60]!r}"
            assert not re.search(r"0x[0-9a-f]{8,}", text), f"memory address in {src[:60]!r}"
        if "NBVAL_IGNORE_OUTPUT" in src:
            comment = [ln for ln in src.splitlines() if ln.strip().startswith("#")]
            assert len(comment) >= 2 or len(comment[0]) > len("# NBVAL_IGNORE_OUTPUT") + 10, \
                f"NBVAL_IGNORE_OUTPUT without a reason: {src[:80]!r}"


# Numbers whose digits are rounding noise on another CPU, another thread count or another BLAS/oneDNN kernel:
# scientific notation with an exponent of -5 or below, a printed zero in scientific notation, and decimals printed
# to six or more places (a float32 printed at full precision). A number that is also written in the cell's source
# is a threshold the cell compares with (`below 1e-6: True`), not a result.
NOISE = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+(?![\w.])|(?<![\w.])[-+]?\d+\.\d{6,}(?![\w.])")


def is_noise(number):
    mantissa, _, exponent = number.lower().partition("e")
    if exponent:
        return float(mantissa) == 0 or int(exponent) <= -5
    return True  # six or more decimals


def rounding_noise(text, source):
    """The numbers in an output text that are rounding noise and do not appear in the cell's source."""
    return [m for m in NOISE.findall(text) if is_noise(m) and m not in source]


def compared_texts(cell):
    """The output texts nbval compares: streams, text/plain and text/html."""
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            yield "".join(out["text"])
        for mime in ("text/plain", "text/html"):
            if mime in out.get("data", {}):
                yield "".join(out["data"][mime])


@pytest.mark.parametrize("text, found", [
    ("max abs difference: 6.0e-08, below 1e-6: True", ["6.0e-08"]),
    ("difference 0.0e+00", ["0.0e+00"]), ("0e+00 and 0.0E+00", ["0e+00", "0.0E+00"]),
    ("bias: [1.8917114]", ["1.8917114"]), ("loss 1.2e-05", ["1.2e-05"]), ("value -3.1e-12", ["-3.1e-12"]),
    ("below 1e-6: True", []), ("1.1e+08 times fewer", []), ("loss 0.004", []), ("2.2e+17", []),
    ("tolerance 1e-4", []), ("0.0333 and 60", []), ("<NDArray 2x2 @cpu(0)>", []), ("(1, 16, 8, 8)", []),
])
def test_rounding_noise_is_recognized(text, found):
    assert rounding_noise(text, source="print(diff < 1e-6)") == found


@pytest.mark.parametrize("path", ALL, ids=name)
def test_no_rounding_noise_in_compared_outputs(path):
    """Stored outputs that nbval compares must hold on every CPU: no digits below the rounding noise."""
    for cell in load(path)["cells"]:
        src = source(cell)
        if cell["cell_type"] != "code" or "NBVAL_IGNORE_OUTPUT" in src:
            continue
        for text in compared_texts(cell):
            noise = rounding_noise(text, src)
            assert not noise, (f"{path.name}: cell {src[:60]!r} prints {noise}: print a comparison or a precision "
                               f"far above rounding noise, or mark the cell NBVAL_IGNORE_OUTPUT with a reason")


@edition
def test_lesson_8_states_the_kernel_size_d2lutils_really_uses(root):
    """Lesson 8 tells when corr2d takes the shifted-slices path ("up to N weights"); N is conv.py's limit."""
    from d2lutils import conv
    text = "\n".join(markdown(load(root / "08_performance.ipynb")))
    stated = {int(n) for n in re.findall(r"up to (\d+) weights", text)}
    assert stated == {conv._SLICES_MAX_DEPTH}, stated
