"""The course's notebooks as documents: complete, linked, executed in order, reproducible.

nbval checks that the stored outputs are what the code produces; these tests check what nbval
cannot see: every lesson has its parts, links and solutions, and the stored outputs are clean.
"""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
ALL = sorted(NOTEBOOKS.rglob("*.ipynb"))
ALL = [p for p in ALL if ".ipynb_checkpoints" not in p.parts]


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def markdown(nb):
    return [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def links(text):
    return re.findall(r"\]\(([^)#\s]+\.ipynb)\)", text)


def test_the_course_has_its_lessons():
    assert (NOTEBOOKS / "00_index.ipynb").exists()
    assert [p.name[:2] for p in LESSONS] == [f"{i:02d}" for i in range(1, len(LESSONS) + 1)]
    assert len(LESSONS) >= 7


def test_index_links_every_lesson():
    linked = set(links("\n".join(markdown(load(NOTEBOOKS / "00_index.ipynb")))))
    assert {p.name for p in LESSONS} <= linked


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_structure(path):
    nb = load(path)
    text = markdown(nb)
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
    solutions = list((NOTEBOOKS / "solutions").glob(path.stem + "*_solutions.ipynb"))
    assert solutions, f"no solutions notebook for {path.name}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_stored_outputs_are_clean(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "d2l-cnn"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if code:
        assert "%matplotlib inline" in source(code[0])
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
