"""Build the course's two editions from one source per lesson (`make editions`, part of `make execute`).

Usage: python tools/editions.py [--check]

Each lesson is written once, in ``lessons/`` (``lessons/solutions/`` for the worked solutions), as a MyST
Markdown notebook: the text format of MyST-NB and jupytext, which JupyterLab with jupytext also opens as a
notebook. Markdown cells are separated by ``+++`` lines; code cells are ```` ```{code-cell} ipython3 ````
blocks. A cell that belongs to one framework only carries that framework's tag::

    ```{code-cell} ipython3
    :tags: [pytorch]

    import torch
    ```

    +++ {"tags": ["mxnet"]}

    A sentence about Gluon only.

Untagged cells (prose, and code that runs the same in both editions) appear in both editions; a tagged
cell appears only in its framework's edition, keeping its tag. This writes ``notebooks/mxnet/`` and
``notebooks/pytorch/`` with the same file names. Stored outputs of cells whose source did not change are
kept; changed or new cells lose theirs until ``make execute`` runs them. ``--check`` writes nothing and
fails when an edition is not what its source makes (a hand edit, or a source changed without this run).

The PyTorch edition starts with a cell that installs d2lutils when the notebook runs on Google Colab
(from ``[tool.d2l-course] repository`` in ``pyproject.toml``) and does nothing anywhere else; with that
repository set, README.md's lesson table also links each lesson's PyTorch edition to Colab.
"""
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "lessons"
OUTPUT = ROOT / "notebooks"
FRAMEWORKS = ("mxnet", "pytorch")
KERNELSPECS = {
    "mxnet": {"display_name": "Python 3.11 (CNN course)", "language": "python", "name": "d2l-cnn"},
    "pytorch": {"display_name": "Python 3 (CNN course, PyTorch)", "language": "python", "name": "d2l-cnn-pytorch"},
}
COLAB_TAG = "colab-setup"
FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
_OPEN = re.compile(r"^(`{3,})\{code-cell\}")
_SPLIT = re.compile(r"^\+\+\+\s*(\{.*\})?\s*$")


class SourceError(ValueError):
    """A lesson source that does not parse; the message names the file and line."""


def parse(text, name="<source>"):
    """Cells of a MyST Markdown notebook: a list of dicts {cell_type, source, tags}."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        try:
            i = lines.index("---", 1) + 1
        except ValueError:
            raise SourceError(f"{name}: the front matter that starts on line 1 never ends ('---')") from None
    cells, markdown, md_tags = [], [], []

    def flush_markdown():
        body = "\n".join(markdown).strip("\n")
        if body.strip():
            cells.append({"cell_type": "markdown", "source": body, "tags": list(md_tags)})
        elif md_tags:
            raise SourceError(f"{name}: a '+++' line with tags {md_tags} is followed by no text")
        markdown.clear()

    while i < len(lines):
        line = lines[i]
        opened = _OPEN.match(line)
        split = _SPLIT.match(line)
        if opened:
            flush_markdown()
            md_tags = []
            fence, start = opened.group(1), i + 1
            i += 1
            tags = []
            while i < len(lines) and lines[i].startswith(":"):
                key, _, value = lines[i][1:].partition(":")
                if key.strip() != "tags":
                    raise SourceError(f"{name}:{i + 1}: only ':tags: [...]' is supported, got {lines[i]!r}")
                tags = [t.strip() for t in value.strip().strip("[]").split(",") if t.strip()]
                i += 1
            if tags and i < len(lines) and lines[i] == "":
                i += 1
            body = []
            while i < len(lines) and lines[i] != fence:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SourceError(f"{name}:{start}: the code cell opened here is never closed ({fence})")
            cells.append({"cell_type": "code", "source": "\n".join(body).strip("\n"), "tags": tags})
            i += 1
        elif split:
            flush_markdown()
            md_tags = json.loads(split.group(1)).get("tags", []) if split.group(1) else []
            i += 1
        else:
            markdown.append(line)
            i += 1
    flush_markdown()
    for cell in cells:
        unknown = [t for t in cell["tags"] if t not in FRAMEWORKS]
        if unknown:
            raise SourceError(f"{name}: unknown tag(s) {unknown}; a cell's tag names its framework: "
                              f"{' or '.join(FRAMEWORKS)}")
        if len(cell["tags"]) > 1:
            raise SourceError(f"{name}: a cell tagged {cell['tags']} is for both frameworks: leave it untagged")
    return cells


def render(cells):
    """The MyST Markdown text of a list of cells (the inverse of :func:`parse`)."""
    parts, previous = [FRONT_MATTER], None
    for cell in cells:
        if cell["cell_type"] == "code":
            fence = "````" if "```" in cell["source"] else "```"
            options = f":tags: [{', '.join(cell['tags'])}]\n\n" if cell["tags"] else ""
            parts.append(f"{fence}{{code-cell}} ipython3\n{options}{cell['source']}\n{fence}\n")
        else:
            if cell["tags"]:
                parts.append(f"+++ {json.dumps({'tags': cell['tags']})}\n\n")
            elif previous == "markdown":
                parts.append("+++\n\n")
            parts.append(cell["source"] + "\n")
        previous = cell["cell_type"]
    return "\n".join(parts)


def repository():
    """The repository URL from pyproject.toml's [tool.d2l-course] table ("" when unset)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return data.get("tool", {}).get("d2l-course", {}).get("repository", "").strip().rstrip("/")


def colab_cell(repo):
    """The PyTorch edition's first cell: installs d2lutils on Google Colab, a no-op anywhere else."""
    if repo:
        action = (f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
                  f'                    "d2lutils @ git+{repo}"], check=True)')
    else:
        action = ('    print("This copy of the course names no repository to install d2lutils from: "\n'
                  '          "upload the d2lutils folder next to this notebook.")')
    return ("# On Google Colab only: install the course's helper package, d2lutils. Anywhere else this does nothing.\n"
            "import subprocess\nimport sys\n\n"
            'if "google.colab" in sys.modules:\n' + action)


COLAB = "https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/pytorch/{path}"
_README_ROW = re.compile(r"(\[PyTorch\]\(notebooks/pytorch/([^)]+\.ipynb)\))(?: · \[Open in Colab\]\([^)]*\))?")


def colab_url(repo, path, branch="main"):
    """The "Open in Colab" address of the PyTorch edition's notebook ``path`` (relative to notebooks/pytorch/)."""
    owner_repo = re.sub(r"^https?://github\.com/", "", repo).removesuffix(".git").strip("/")
    return COLAB.format(repo=owner_repo, branch=branch, path=path)


def readme(text, repo):
    """README.md with an "Open in Colab" link after each lesson's PyTorch link when the repository is known."""
    def row(m):
        return m.group(1) + (f" · [Open in Colab]({colab_url(repo, m.group(2))})" if repo else "")
    return _README_ROW.sub(row, text)


def _lines(text):
    return text.splitlines(keepends=True)


def edition(cells, framework, old=None, repo=""):
    """The notebook (a dict) of one edition; outputs of ``old`` code cells with the same source are kept."""
    kept = {}  # a code cell's source -> its stored cell (the first one with that source)
    for cell in (old or {}).get("cells", []):
        if cell.get("cell_type") == "code":
            kept.setdefault("".join(cell.get("source", [])), cell)
    out = []
    todo = [(f"{COLAB_TAG}", {"cell_type": "code", "source": colab_cell(repo), "tags": [COLAB_TAG]})] \
        if framework == "pytorch" else []
    todo += [(f"c{n:03d}", c) for n, c in enumerate(cells) if not c["tags"] or framework in c["tags"]]
    for cid, cell in todo:
        meta = {"tags": list(cell["tags"])} if cell["tags"] else {}
        if cell["cell_type"] == "markdown":
            out.append({"cell_type": "markdown", "id": cid, "metadata": meta, "source": _lines(cell["source"])})
            continue
        previous = kept.pop(cell["source"], None)
        out.append({"cell_type": "code", "execution_count": previous.get("execution_count") if previous else None,
                    "id": cid, "metadata": meta, "outputs": previous.get("outputs", []) if previous else [],
                    "source": _lines(cell["source"])})
    metadata = {"kernelspec": KERNELSPECS[framework],
                "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                  "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                  "pygments_lexer": "ipython3"}}
    if old and "widgets" in old.get("metadata", {}):
        metadata["widgets"] = old["metadata"]["widgets"]
    if old and "version" in old.get("metadata", {}).get("language_info", {}):
        metadata["language_info"]["version"] = old["metadata"]["language_info"]["version"]
    return {"cells": out, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def dumps(nb):
    """A notebook as nbformat writes it (so that `make execute` leaves no spurious diff)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def sources():
    return sorted(SOURCES.rglob("*.md"))


def target(src, framework):
    return OUTPUT / framework / src.relative_to(SOURCES).with_suffix(".ipynb")


def structure(nb):
    """What a source decides about a notebook: each cell's type, id, tags and source (not its outputs)."""
    return [(c["cell_type"], c.get("id"), c.get("metadata", {}).get("tags", []), "".join(c["source"]))
            for c in nb["cells"]]


def main(argv):
    check = "--check" in argv
    repo = repository()
    stale, written = [], 0
    expected = set()
    for src in sources():
        cells = parse(src.read_text(), str(src.relative_to(ROOT)))
        for framework in FRAMEWORKS:
            path = target(src, framework)
            expected.add(path)
            old = json.loads(path.read_text()) if path.exists() else None
            nb = edition(cells, framework, old, repo)
            if check:
                if old is None or structure(old) != structure(nb):
                    stale.append(path)
            elif old is None or dumps(nb) != dumps(old):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(dumps(nb))
                written += 1
    readme_path = ROOT / "README.md"
    readme_text = readme_path.read_text()
    readme_new = readme(readme_text, repo)
    if not check and readme_new != readme_text:
        readme_path.write_text(readme_new)
        written += 1
    extra = [p for fw in FRAMEWORKS for p in sorted((OUTPUT / fw).rglob("*.ipynb"))
             if p not in expected and ".ipynb_checkpoints" not in p.parts]
    if check:
        problems = [f"{p.relative_to(ROOT)} is not what its source in lessons/ makes" for p in stale]
        problems += [f"{p.relative_to(ROOT)} has no source in lessons/" for p in extra]
        if readme_new != readme_text:
            problems.append("README.md's Colab links do not follow pyproject.toml's repository")
        for line in problems:
            print(line)
        if problems:
            print("Edit the source in lessons/ and run `make execute` (never an edition itself).")
        return 1 if problems else 0
    for p in extra:
        print(f"warning: {p.relative_to(ROOT)} has no source in lessons/")
    print(f"Editions: {len(sources())} sources, {written} notebook(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
