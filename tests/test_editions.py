"""Two editions, one text: notebooks/mxnet/ and notebooks/pytorch/ are what lessons/ makes (tools/editions.py).

The prose is written once: outside the cells tagged with a framework, the two editions hold the same cells, in
the same order, with the same text, and the code cells they share print the same outputs. The PyTorch edition
never imports MXNet, and importing d2lutils imports no framework at all.
"""
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

SOURCES = editions.sources()
PAIRS = [(editions.target(s, "mxnet"), editions.target(s, "pytorch")) for s in SOURCES]
FRAMEWORK_TAGS = set(editions.FRAMEWORKS) | {editions.COLAB_TAG}


def load(path):
    return json.loads(path.read_text())


def shared(nb):
    """The cells of an edition that belong to no framework: (type, source, outputs' text)."""
    return [c for c in nb["cells"] if not FRAMEWORK_TAGS & set(c.get("metadata", {}).get("tags", []))]


def test_every_lesson_has_a_source_and_two_editions():
    assert len(SOURCES) >= 21
    names = sorted(p.relative_to(editions.SOURCES).with_suffix(".ipynb").as_posix() for p in SOURCES)
    for fw in editions.FRAMEWORKS:
        found = sorted(p.relative_to(ROOT / "notebooks" / fw).as_posix()
                       for p in (ROOT / "notebooks" / fw).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        assert found == names, fw


def test_the_editions_are_what_the_sources_make():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), "--check"], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("mx_path, pt_path", PAIRS, ids=[p[0].stem for p in PAIRS])
def test_the_prose_is_the_same_outside_the_marked_cells(mx_path, pt_path):
    mx, pt = load(mx_path), load(pt_path)
    a = [(c["cell_type"], "".join(c["source"])) for c in shared(mx)]
    b = [(c["cell_type"], "".join(c["source"])) for c in shared(pt)]
    assert a == b
    # every cell of an edition is either shared or marked with that edition's framework
    for nb, fw in ((mx, "mxnet"), (pt, "pytorch")):
        other = set(editions.FRAMEWORKS) - {fw}
        assert not any(other & set(c.get("metadata", {}).get("tags", [])) for c in nb["cells"])


def _text(outputs):
    """What nbval compares of a cell's outputs (text, HTML, SVG and streams), widget views aside."""
    found = []
    for o in outputs:
        if o["output_type"] == "stream":
            text = "".join(o["text"])
            if found and found[-1][0] == o["name"]:  # one printout may arrive in several chunks, as nbval joins them
                found[-1] = (o["name"], found[-1][1] + text)
            else:
                found.append((o["name"], text))
        elif o["output_type"] in ("execute_result", "display_data"):
            data = o.get("data", {})
            found.append(tuple(sorted((k, "".join(v)) for k, v in data.items()
                                      if k in ("text/plain", "text/html", "image/svg+xml")
                                      and "application/vnd.jupyter.widget-view+json" not in data)))
        elif o["output_type"] == "error":
            found.append(("error", o["ename"]))
    return found


@pytest.mark.parametrize("mx_path, pt_path", PAIRS, ids=[p[0].stem for p in PAIRS])
def test_shared_code_prints_the_same_in_both_editions(mx_path, pt_path):
    mx, pt = shared(load(mx_path)), shared(load(pt_path))
    for a, b in zip(mx, pt):
        if a["cell_type"] == "code" and "NBVAL_IGNORE_OUTPUT" not in "".join(a["source"]):  # as nbval compares
            assert _text(a["outputs"]) == _text(b["outputs"]), "".join(a["source"])[:200]


@pytest.mark.parametrize("path", [p for _, p in PAIRS], ids=[p[1].stem for p in PAIRS])
def test_the_pytorch_edition_never_imports_mxnet(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            text = "".join(cell["source"])
            assert not re.search(r"^\s*(import|from)\s+mxnet\b|\bmx\.|\bnd\.|\bgluon\b", text, re.M), text[:200]


def test_importing_d2lutils_imports_no_framework():
    code = ("import pkgutil, importlib, sys, d2lutils\n"
            "for m in pkgutil.walk_packages(d2lutils.__path__, 'd2lutils.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(n for n in ('mxnet', 'torch') if n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


# --- the source format --------------------------------------------------------------------------------------

def test_parse_and_render_round_trip():
    cells = [{"cell_type": "markdown", "source": "# Title\n\nText.", "tags": []},
             {"cell_type": "markdown", "source": "Only MXNet.", "tags": ["mxnet"]},
             {"cell_type": "code", "source": "x = 1\nprint(x)", "tags": []},
             {"cell_type": "code", "source": "import torch", "tags": ["pytorch"]},
             {"cell_type": "code", "source": "s = '```'", "tags": []},
             {"cell_type": "markdown", "source": "More.", "tags": []},
             {"cell_type": "markdown", "source": "And more.", "tags": []}]
    assert editions.parse(editions.render(cells)) == cells
    mx = editions.edition(cells, "mxnet")
    pt = editions.edition(cells, "pytorch")
    assert [c["id"] for c in mx["cells"]] == ["c000", "c001", "c002", "c004", "c005", "c006"]
    assert [c["id"] for c in pt["cells"]] == ["colab-setup", "c000", "c002", "c003", "c004", "c005", "c006"]
    assert pt["cells"][3]["metadata"] == {"tags": ["pytorch"]}


@pytest.mark.parametrize("text, message", [
    ("```{code-cell} ipython3\n:tags: [tensorflow]\n\nx\n```\n", "unknown tag"),
    ("```{code-cell} ipython3\n:tags: [mxnet, pytorch]\n\nx\n```\n", "leave it untagged"),
    ("text\n\n```{code-cell} ipython3\nx = 1\n", "never closed"),
    ("---\nfront: matter\n", "never ends"),
    ("```{code-cell} ipython3\n:linenos: true\nx\n```\n", "only ':tags:"),
])
def test_parse_refuses_what_it_cannot_build(text, message):
    with pytest.raises(editions.SourceError, match=message):
        editions.parse(text, "lesson.md")


def test_unchanged_cells_keep_their_outputs():
    cells = [{"cell_type": "code", "source": "1 + 1", "tags": []}, {"cell_type": "code", "source": "2", "tags": []}]
    old = editions.edition(cells, "mxnet")
    old["cells"][0]["outputs"] = [{"output_type": "execute_result", "data": {"text/plain": ["2"]},
                                   "execution_count": 1, "metadata": {}}]
    old["cells"][1]["outputs"] = ["stale"]
    cells[1]["source"] = "3"
    new = editions.edition(cells, "mxnet", old)
    assert new["cells"][0]["outputs"] == old["cells"][0]["outputs"]
    assert new["cells"][1]["outputs"] == []


# --- the Colab cell ---------------------------------------------------------------------------------------------

def run_colab_cell(repo, on_colab, monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(editions.colab_cell(repo), "colab-cell", "exec"), {})
    return calls


def test_the_colab_cell_does_nothing_elsewhere(monkeypatch, capsys):
    assert run_colab_cell("https://github.com/o/r", False, monkeypatch) == []
    assert capsys.readouterr().out == ""


def test_the_colab_cell_installs_d2lutils_from_the_repository_on_colab(monkeypatch):
    calls = run_colab_cell("https://github.com/o/r", True, monkeypatch)
    assert len(calls) == 1
    args = calls[0][0][0]
    assert args[1:4] == ["-m", "pip", "install"] and args[-1] == "d2lutils @ git+https://github.com/o/r"


def test_every_pytorch_notebook_starts_with_the_colab_cell():
    for _, pt in PAIRS:
        first = load(pt)["cells"][0]
        assert first["metadata"].get("tags") == [editions.COLAB_TAG]
        assert "".join(first["source"]) == editions.colab_cell(editions.repository())
        assert first["outputs"] == []


def test_readme_links_colab_only_when_the_repository_is_known():
    text = (ROOT / "README.md").read_text()
    assert editions.readme(text, editions.repository()) == text
    linked = editions.readme(text, "https://github.com/owner/course")
    rows = [line for line in linked.splitlines() if "](notebooks/pytorch/" in line and line.startswith("| ")]
    assert len(rows) >= 11
    for line in rows:
        name = re.search(r"\]\(notebooks/pytorch/([^)]+)\)", line).group(1)
        assert (f"[Open in Colab](https://colab.research.google.com/github/owner/course/blob/main/notebooks/pytorch/"
                f"{name})") in line
    assert editions.readme(linked, "") == text  # and the links go again without it
    assert "[Open in Colab]" not in editions.readme(text, "")
