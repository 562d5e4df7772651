"""Build the course as a static website (`make site`): Sphinx + myst-nb + sphinx-book-theme, offline.

Usage: python tools/build_site.py [--notebooks DIR] [--out DIR] [--work DIR] [--clean]

The course has two editions of every notebook, ``notebooks/mxnet/`` and ``notebooks/pytorch/`` (same file
names, made by tools/editions.py from one source per lesson). The site shows both on one page per notebook:

- cells without a framework tag are the same in both editions: shown once, with the MXNet edition's
  outputs (tests/test_editions.py checks that the shared cells print the same in both);
- the cells tagged ``mxnet`` or ``pytorch`` between two shared cells form a *framework group*, shown as a
  framework switch (tabs "MXNet | PyTorch", WAI-ARIA tabs) holding each framework's cells with their
  outputs. The switch's behaviour (one choice for every switch on every page, remembered in localStorage,
  ``?framework=pytorch`` on a first visit, keyboard, announcements) is site/_static/d2l-switch.js; the
  markup is written here as raw HTML around the cells;
- the PyTorch edition's first cell (tag ``colab-setup``: it installs d2lutils on Google Colab and does
  nothing elsewhere) is not shown: it is not part of the lesson, and the notebook offered for download
  or opened in Colab has it;
- both editions' saved widget states are on the page (model ids are unique; the PyTorch edition's
  models that no PyTorch cell shows are left out), so the explorers of either tab run with no kernel.

1. *Stage*: merge the editions into a Sphinx source tree (``build/site-work/src`` by default), with what
   the site adds to a page injected into the copies, never into ``notebooks/``:
   ``00_index.ipynb`` becomes the site's ``index`` (with the sidebar's table of contents), every
   lesson and solution gets a "Run this lesson for real" box (both editions' notebooks to download, what
   each edition needs, "Open in Colab" for the PyTorch edition when the repository's URL is known:
   ``SITE_REPO_URL`` or pyproject.toml's ``[tool.d2l-course] repository``; branch ``SITE_REPO_BRANCH``,
   default main), solutions get a "try first" banner,
   ``solutions/`` gets an index page, links to ``00_index.ipynb`` / ``solutions/`` are pointed at
   those pages, and each figure gets its description as the image's alt text (the SVG's title, or
   the text stored beside a PNG). Unchanged files are not rewritten, so a second build is incremental.
2. *Build*: ``sphinx-build -b html -W --keep-going`` with ``site/conf.py``. Notebooks are never
   executed (``nb_execution_mode = "off"``): the pages show the stored outputs. Every warning
   fails the build, except the types ``site/conf.py`` lists in ``suppress_warnings`` (each with
   the reason). The output is ``build/site/`` with ``index.html`` the course index.

Nothing is fetched from the network: MathJax, fonts and the widget loader are served from the
site's own ``_static/`` (``site/conf.py`` drops the CDN scripts myst-nb and the theme would add).
"""
import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/: editions.repository()
SITE_CONF = ROOT / "site"
INDEX = "00_index.ipynb"
#: The staged copies of the notebooks as they are in the course (not pages: site/conf.py excludes the
#: folder), each offered for download on its page.
DOWNLOADS = "_notebooks"
LESSON_RE = re.compile(r"^(\d\d)_.+\.ipynb$")

# Links in the notebooks' Markdown that the site points elsewhere: the index is the site's root
# page, and a link to the solutions folder goes to the solutions' index page.
_LINK_FIXES = [
    # lesson 1's "← Previous: 00 Index" (the index is the site's front page, linked next to it anyway)
    (re.compile(r"\[← Previous: 00 Index\]\(((?:\.\./)?)00_index\.ipynb\)\s*\|\s*"), ""),
    (re.compile(r"\]\(((?:\.\./)?)00_index\.ipynb(#[^)\s]*)?\)"), r"](\1index.ipynb\2)"),
    (re.compile(r"\]\(((?:\.\./)?)solutions/?\)"), r"](\1solutions/index.md)"),
]

FRAMEWORKS = ("mxnet", "pytorch")
FRAMEWORK_NAMES = {"mxnet": "MXNet", "pytorch": "PyTorch"}
COLAB_TAG = "colab-setup"
DEFAULT_BRANCH = "main"

RUN_FOR_REAL = """\
:::{{admonition}} {title}
:class: tip d2l-run-for-real

{intro}{download} To run the code yourself, get the course{where} and, in its folder, type

```sh
make lab                    # opens the MXNet edition in JupyterLab
make lab FRAMEWORK=pytorch  # opens the PyTorch edition
make test                   # runs every test, both editions
```

The MXNet edition needs Python 3.11; the PyTorch edition runs on Python 3.11, 3.12 or 3.13. `make lab`
sets up the edition's environment on its first run. With conda or mamba (or on Binder), `environment.yml`
describes the MXNet edition's environment: `mamba env create -f environment.yml`.{colab}
:::
"""

SOLUTIONS_BANNER = """\
:::{{admonition}} Worked solutions: try the exercises first
:class: warning d2l-solutions-banner

These are the solutions to [lesson {number}]({lesson}). Work through the lesson's exercises before
reading them: each exercise cell checks your own answer at once.
:::
"""


def _markdown_cell(text, tag):
    return {"cell_type": "markdown", "id": f"d2l-site-{tag}", "metadata": {"tags": ["d2l-site"]},
            "source": text}


def _fix_links(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for pattern, repl in _LINK_FIXES:
            text = pattern.sub(repl, text)
        cell["source"] = text


_SVG_TEXT = re.compile(r"<(title|desc)\b[^>]*>(.*?)</\1>", re.S)
_REPR = re.compile(r"^<(?:PNG|SVG|JPEG) (?:image|drawing)(?:: (.*))?>$", re.S)


def _image_alt(output):
    """A text alternative for an image output: the SVG's <title> and <desc>, or the plain-text
    description the course stores beside a picture (``<PNG image: edges in a photograph>``)."""
    data = output.get("data", {})
    svg = "".join(data.get("image/svg+xml", ""))
    parts = [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for _, text in _SVG_TEXT.findall(svg)]
    if svg and not any(parts):  # no title: name the drawing by its word labels ("Input", "Kernel", ...)
        labels = [html.unescape(t).strip() for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
        words = list(dict.fromkeys(t for t in labels if re.search(r"[A-Za-z]{2}", t)))[:6]
        parts = [f"Drawing: {', '.join(words)}"] if words else ["Drawing"]
    if not any(parts):
        text = "".join(data.get("text/plain", "")).strip()
        m = _REPR.match(text)
        parts = [m.group(1).strip()] if m and m.group(1) else []
        if not m and text and not text.startswith("<"):  # not a bare "<Figure size ...>" repr
            parts = [text]
    return ". ".join(p.rstrip(".") for p in parts if p) or None


def _describe_images(nb):
    """Give each code cell's image outputs a text alternative (myst-nb's per-cell image options)."""
    for cell in nb["cells"]:
        alts = [_image_alt(o) for o in cell.get("outputs", [])
                if any(m in o.get("data", {}) for m in ("image/png", "image/svg+xml", "image/jpeg"))]
        alts = [a for a in alts if a]
        if alts:
            options = cell.setdefault("metadata", {}).setdefault("mystnb", {}).setdefault("image", {})
            options.setdefault("alt", "; ".join(dict.fromkeys(alts)))


def _runs_explorers(nb):
    """True if a displayed widget is an anywidget saved with its module (it runs in the page)."""
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    shown = [out["data"]["application/vnd.jupyter.widget-view+json"].get("model_id")
             for cell in nb["cells"] for out in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    return any(models.get(m, {}).get("model_module") == "anywidget" for m in shown)


def _first_markdown(nb):
    """The index of the notebook's first markdown cell of its own (not a switch's markup), or -1."""
    return next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
                 and not str(c.get("id", "")).startswith("d2l-site-")), -1)


def _toctree(caption, entries, hidden=True):
    lines = ["```{toctree}", f":caption: {caption}", ":maxdepth: 1"]
    if hidden:
        lines.append(":hidden:")
    return "\n".join(lines + [""] + entries + ["```", ""])


# ---------------------------------------------------------------- the two editions on one page

_CELL_ID = re.compile(r"^c(\d+)$")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s", re.M)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _framework(cell):
    """The framework a cell belongs to ('mxnet' / 'pytorch'), or None for a shared cell."""
    found = [t for t in _tags(cell) if t in FRAMEWORKS]
    return found[0] if found else None


def _source(cell):
    return "".join(cell.get("source", []))


def _position(cell, path):
    m = _CELL_ID.match(str(cell.get("id", "")))
    if not m:
        raise SystemExit(f"error: {path}: a cell with id {cell.get('id')!r}: an edition's cells have the ids "
                         "tools/editions.py gives them (c000, c001, ...): regenerate the editions (make editions)")
    return int(m.group(1))


def merge_editions(mxnet, pytorch, mxnet_path="mxnet", pytorch_path="pytorch"):
    """One page's cells from the two editions of a notebook (dicts as in the .ipynb files).

    Returns ``[(kind, cells)]`` in the source's order, where ``kind`` is "shared" (one cell, the MXNet
    edition's, with its outputs) or "group" (``cells`` = {"mxnet": [...], "pytorch": [...]}: the
    framework-tagged cells between two shared cells). Every cell is paired with its origin
    ``(notebook path, index in that notebook)``. The PyTorch edition's Colab cell is left out.
    """
    entries = {}
    for path, nb, edition in ((mxnet_path, mxnet, "mxnet"), (pytorch_path, pytorch, "pytorch")):
        for index, cell in enumerate(nb["cells"]):
            if COLAB_TAG in _tags(cell):
                continue
            at = _position(cell, path)
            framework = _framework(cell)
            if framework not in (None, edition):
                raise SystemExit(f"error: {path}: cell {index} is tagged {framework!r} in the {edition} edition")
            if framework is None and at in entries:
                other = entries[at][0]
                if _source(other) != _source(cell) or other["cell_type"] != cell["cell_type"]:
                    raise SystemExit(f"error: {path}: cell {index} ({cell['id']}) is shared (untagged) but differs "
                                     f"from the MXNet edition's: regenerate the editions (make editions)")
                continue
            if at in entries:
                raise SystemExit(f"error: {path}: two cells with the id {cell['id']!r}")
            if framework is None and edition == "pytorch":
                raise SystemExit(f"error: {path}: cell {index} ({cell['id']}) is shared (untagged) but the MXNet "
                                 "edition does not have it: regenerate the editions (make editions)")
            entries[at] = (cell, (path, index), framework)
    parts = []
    for at in sorted(entries):
        cell, origin, framework = entries[at]
        if framework is None:
            parts.append(("shared", [(cell, origin)]))
            continue
        if not parts or parts[-1][0] != "group":
            parts.append(("group", {fw: [] for fw in FRAMEWORKS}))
        if cell["cell_type"] == "markdown" and _HEADING.search(re.sub(r"```.*?```", "", _source(cell), flags=re.S)):
            raise SystemExit(f"error: {origin[0]}: cell {origin[1]} ({framework} only) has a heading: the lessons' "
                             "headings are shared by both editions (a framework's cells sit under a switch, and a "
                             "switch cannot hold a heading)")
        parts[-1][1][framework].append((cell, origin))
    return parts


def merge_widget_states(mxnet, pytorch, pytorch_cells, path="pytorch"):
    """The page's saved widget state: the MXNet edition's, and the PyTorch edition's models that its own
    cells show (with the models they refer to: "IPY_MODEL_<id>"). Model ids are unique (uuid4): the same
    id with another state is an error."""
    def state_of(nb):
        return (nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
                or {})
    mx, pt = state_of(mxnet), state_of(pytorch)
    models = dict(mx.get("state", {}))
    saved = pt.get("state", {})
    todo = [out["data"]["application/vnd.jupyter.widget-view+json"].get("model_id")
            for cell in pytorch_cells for out in cell.get("outputs", [])
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    seen = set()
    while todo:
        model_id = todo.pop()
        if model_id in seen or model_id not in saved:
            continue
        seen.add(model_id)
        entry = saved[model_id]
        if model_id in models and models[model_id] != entry:
            raise SystemExit(f"error: {path}: widget model {model_id} is saved in both editions with different "
                             "states (model ids must be unique: re-execute the notebook)")
        models[model_id] = entry
        todo += re.findall(r"IPY_MODEL_([\w-]+)", json.dumps(entry.get("state", {})))
    if not models:
        return None
    merged = dict(mx or pt)
    merged["state"] = models
    return merged


def _raw(html_text, tag):
    return _markdown_cell(html_text, tag)


def switch_cells(group, number):
    """The staged cells of one framework group: the switch's markup (raw HTML in cells of its own, which
    the site adds) around each framework's cells. Before any script runs the MXNet tab is the selected one;
    without scripts both panels show, each under its name (d2l-site.css)."""
    sid = f"d2l-fw-{number}"
    tabs = "".join(
        f'<button type="button" role="tab" class="d2l-switch-tab" id="{sid}-{fw}" data-framework="{fw}" '
        f'aria-controls="{sid}-{fw}-panel" aria-selected="{str(fw == FRAMEWORKS[0]).lower()}" '
        f'tabindex="{0 if fw == FRAMEWORKS[0] else -1}">{FRAMEWORK_NAMES[fw]}</button>'
        for fw in FRAMEWORKS)
    out = [(_raw(f'<div class="d2l-switch" id="{sid}">\n'
                 f'<div class="d2l-switch-tabs" role="tablist" aria-label="Framework of this code">{tabs}</div>',
                 f"{sid}-open"), None)]
    for fw in FRAMEWORKS:
        opening = (f'<div class="d2l-switch-panel" role="tabpanel" id="{sid}-{fw}-panel" data-framework="{fw}" '
                   f'aria-labelledby="{sid}-{fw}" tabindex="0">\n'
                   f'<p class="d2l-switch-label">{FRAMEWORK_NAMES[fw]}</p>')
        if not group[fw]:
            opening += (f'\n<p class="d2l-switch-empty">The {FRAMEWORK_NAMES[fw]} edition has no code of its own '
                        'here.</p>')
        out.append((_raw(opening, f"{sid}-{fw}"), None))
        out += [(cell, origin) for cell, origin in group[fw]]
        out.append((_raw("</div>", f"{sid}-{fw}-end"), None))
    out.append((_raw("</div>", f"{sid}-end"), None))
    return out


def merged_notebook(mxnet_path, pytorch_path):
    """(notebook dict, [origin of each cell: (path, index) or None for a cell the site adds]) of one page."""
    mxnet = json.loads(Path(mxnet_path).read_text())
    pytorch = json.loads(Path(pytorch_path).read_text())
    parts = merge_editions(mxnet, pytorch, mxnet_path, pytorch_path)
    cells, switches = [], 0
    for kind, content in parts:
        if kind == "shared":
            cells += content
        else:
            switches += 1
            cells += switch_cells(content, switches)
    nb = dict(mxnet)
    nb["metadata"] = dict(mxnet.get("metadata", {}))
    pytorch_cells = [cell for kind, content in parts if kind == "group" for cell, _ in content["pytorch"]]
    widgets = merge_widget_states(mxnet, pytorch, pytorch_cells, pytorch_path)
    if widgets:
        nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": widgets}
    nb["cells"] = [json.loads(json.dumps(cell)) for cell, _ in cells]
    return nb, [origin for _, origin in cells]


# ---------------------------------------------------------------- Colab

def repository_url(url=None):
    """The course repository's public URL: ``url``, else SITE_REPO_URL, else pyproject.toml's
    ``[tool.d2l-course] repository`` ("" when none is known)."""
    if url is None:
        url = os.environ.get("SITE_REPO_URL", "").strip()
        if not url:
            import editions
            url = editions.repository()
    return url.strip().rstrip("/")


_GITHUB = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def colab_url(repo_url, rel, branch=None):
    """Colab's address of the PyTorch edition of notebook ``rel`` (e.g. "solutions/04_x_solutions.ipynb"),
    or None when ``repo_url`` is not a GitHub repository (Colab opens notebooks from GitHub only).
    The branch is ``branch``, else SITE_REPO_BRANCH, else main."""
    m = _GITHUB.match(repo_url or "")
    if not m:
        return None
    branch = branch or os.environ.get("SITE_REPO_BRANCH", "").strip() or DEFAULT_BRANCH
    path = urllib.parse.quote(f"notebooks/pytorch/{rel}")
    return (f"https://colab.research.google.com/github/{m['owner']}/{m['repo']}/blob/"
            f"{urllib.parse.quote(branch, safe='')}/{path}")


def stage_notebooks(notebooks, origins=None, repo_url="", branch=None):
    """{relative path: bytes} of the Sphinx source tree for the course whose editions are in ``notebooks``
    (``notebooks/mxnet/``, ``notebooks/pytorch/``).

    ``origins``, if given, is filled with {staged path: [(notebook, original cell index) of each staged
    cell, or None for a cell the site added]}, to point warnings at the notebooks' own cells.
    ``repo_url``: the repository's public URL ("" for none: no Colab links); ``branch``: its branch.
    """
    notebooks = Path(notebooks)
    editions = {fw: notebooks / fw for fw in FRAMEWORKS}
    for fw, folder in editions.items():
        if not (folder / INDEX).exists():
            raise SystemExit(f"error: {folder / INDEX} is missing: the site shows both editions of the course "
                             f"({', '.join(f'{notebooks}/{f}/' for f in FRAMEWORKS)}; make editions)")
    mxnet = editions["mxnet"]
    lessons = sorted(p for p in mxnet.glob("*.ipynb") if LESSON_RE.match(p.name) and p.name != INDEX)
    solutions = sorted((mxnet / "solutions").glob("*.ipynb"))
    for path in lessons + solutions:
        other = editions["pytorch"] / path.relative_to(mxnet)
        if not other.exists():
            raise SystemExit(f"error: {other} is missing (its MXNet edition is {path}): make editions")
    files = {}

    def add(rel, nb, cell_origins):
        files[rel] = (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()
        if origins is not None:
            origins[rel] = cell_origins

    def page(path, extra):
        """The merged page of ``path`` (the MXNet edition's file) with ``extra`` cells after its title."""
        rel = path.relative_to(mxnet).as_posix()
        nb, cell_origins = merged_notebook(path, editions["pytorch"] / rel)
        _fix_links(nb)
        _describe_images(nb)
        at = _first_markdown(nb) + 1
        nb["cells"][at:at] = extra(nb)
        cell_origins[at:at] = [None] * (len(nb["cells"]) - len(cell_origins))
        return nb, cell_origins

    for path in lessons + solutions:
        rel = path.relative_to(mxnet).as_posix()
        solution = rel.startswith("solutions/")
        links = []
        for fw in FRAMEWORKS:
            # the notebook itself, as it is in the course, served by the site (Sphinx's download role)
            files[f"{DOWNLOADS}/{fw}/{rel}"] = (editions[fw] / rel).read_bytes()
            links.append(f"{{download}}`{FRAMEWORK_NAMES[fw]} edition ({path.name}) </{DOWNLOADS}/{fw}/{rel}>`")
        download = (f"\n\nDownload this notebook to open it in your own JupyterLab: {links[0]} or {links[1]}.")
        colab = colab_url(repo_url, rel, branch)
        colab_text = (f"\n\nOr run the PyTorch edition in your browser: [Open in Colab]({colab}) (its first cell "
                      "installs the course's helper package there)." if colab else "")

        def extra(nb, rel=rel, solution=solution, download=download, colab_text=colab_text, path=path):
            box = RUN_FOR_REAL.format(
                title=f"Run this {'solution' if solution else 'lesson'} for real",
                where=f" (`notebooks/mxnet/{rel}`, `notebooks/pytorch/{rel}`)", download=download,
                colab=colab_text,
                intro="This page shows the notebook with its stored outputs"
                      + (" (the explorers run in this page, with no Python behind them)." if _runs_explorers(nb)
                         else "."))
            cells = [_markdown_cell(box, "run")]
            if solution:
                number = path.name[:2]
                lesson = next((p.name for p in lessons if p.name[:2] == number), None)
                if lesson:
                    cells.insert(0, _markdown_cell(SOLUTIONS_BANNER.format(number=number, lesson=f"../{lesson}"),
                                                   "solutions"))
            return cells

        add(rel, *page(path, extra))

    def index_extra(nb):
        box = RUN_FOR_REAL.format(
            title="This website and the real course", where="", download="", colab="",
            intro="You are reading the course's website: every lesson and its solutions with their stored outputs, "
                  "searchable, with the live explorers running in the page. The course has two editions, MXNet "
                  "and PyTorch, with the same text: where their code differs, a switch above the code shows one "
                  "or the other, and every page remembers your choice.")
        return [_markdown_cell(box, "run")]

    index, index_origins = page(mxnet / INDEX, index_extra)
    toc = _toctree("Lessons", [p.stem for p in lessons])
    if solutions:
        toc += "\n" + _toctree("Solutions", ["solutions/index"])
    index["cells"].append(_markdown_cell(toc, "toc"))
    index_origins.append(None)
    add("index.ipynb", index, index_origins)

    if solutions:
        lines = ["# Worked solutions", "",
                 ":::{admonition} Try the exercises first", ":class: warning d2l-solutions-banner", "",
                 "Each lesson ends with exercises whose cells check your answer at once. These pages show",
                 "worked solutions, one per lesson: read them after you have tried.", ":::", "",
                 _toctree("Solutions", [f"{p.stem}" for p in solutions], hidden=False)]
        files["solutions/index.md"] = "\n".join(lines).encode()
    return files


def sync_tree(files, src):
    """Write ``files`` under ``src``, touching only what changed, and remove anything else."""
    src = Path(src)
    src.mkdir(parents=True, exist_ok=True)
    changed = 0
    for rel, data in files.items():
        target = src / rel
        if target.exists() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    for path in sorted(src.rglob("*"), reverse=True):
        rel = path.relative_to(src).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


# "<src>/04_x.ipynb:30012: WARNING: ..." (myst-nb numbers a notebook's lines (cell index + 1) * 10000 + line)
_WARNING_AT = re.compile(r"^(?P<file>\S+?\.ipynb):(?P<line>\d+): (?P<rest>.*)$")


def explain_warnings(text, src, origins):
    """Sphinx's warnings, each once, pointing at the notebook and cell they come from."""
    lines = []
    for line in text.splitlines():
        m = _WARNING_AT.match(line)
        if m:
            try:
                rel = Path(m["file"]).resolve().relative_to(Path(src).resolve()).as_posix()
            except ValueError:
                rel = None
            if rel in origins:
                cells = origins[rel]
                cell, at = divmod(int(m["line"]), 10000)
                original = cells[cell - 1] if 0 < cell <= len(cells) else None
                # line numbers in cells start at 1; myst-nb's count is one more
                if original is not None:
                    line = f"{original[0]}: cell {original[1]} (counting from 0), line {max(at - 1, 1)}: {m['rest']}"
                else:
                    line = f"{rel}: a part the site adds (tools/build_site.py): {m['rest']}"
        if line.strip() and line not in lines:
            lines.append(line)
    return "\n".join(lines)


def build(notebooks=ROOT / "notebooks", out=ROOT / "build" / "site", work=None, clean=False, quiet=True,
          python=sys.executable, repo_url=None, branch=None):
    """Stage and build the site; return (seconds, warnings log text). Raises SystemExit on failure.

    ``notebooks``: the folder holding both editions (``mxnet/``, ``pytorch/``). ``repo_url``: the course
    repository's public URL (None: SITE_REPO_URL, else pyproject.toml's; "" for none), which gives the
    pages their "Open in Colab" links and the lesson list its repository link; ``branch``: the branch
    the Colab links open (None: SITE_REPO_BRANCH, else main).
    """
    out = Path(out)
    work = Path(work) if work else out.parent / (out.name + "-work")
    src, doctrees, log = work / "src", work / "doctrees", work / "warnings.log"
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    start = time.perf_counter()
    origins = {}
    repo_url = repository_url(repo_url)
    sync_tree(stage_notebooks(notebooks, origins, repo_url, branch), src)
    work.mkdir(parents=True, exist_ok=True)
    cmd = [python, "-m", "sphinx", "-b", "html", "-c", str(SITE_CONF), "-d", str(doctrees),
           "-W", "--keep-going", "-w", str(log)]
    if quiet:
        cmd.append("-q")
    env = dict(os.environ, SITE_REPO_URL=repo_url)  # site/conf.py: the repository link
    proc = subprocess.run(cmd + [str(src), str(out)], cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    warnings = explain_warnings(log.read_text(), src, origins) if log.exists() else ""
    if proc.returncode != 0:
        # what Sphinx said besides the warnings (already in the log): an exception, a config error
        other = "\n".join(ln for ln in (proc.stdout + proc.stderr).splitlines()
                          if ln.strip() and "WARNING:" not in ln)
        raise SystemExit(f"error: the site build failed (sphinx-build exit code {proc.returncode});"
                         f" warnings (each one fails the build):\n{warnings}" + (f"\n{other}" if other else ""))
    if not quiet:
        print(proc.stdout, end="")
    return seconds, warnings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default=ROOT / "notebooks", type=Path,
                        help="the course's notebooks: the folder of both editions (mxnet/, pytorch/)")
    parser.add_argument("--out", default=ROOT / "build" / "site", type=Path, help="the site (default build/site)")
    parser.add_argument("--work", type=Path, help="staged sources and doctrees (default OUT-work)")
    parser.add_argument("--clean", action="store_true", help="rebuild from scratch")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    seconds, _ = build(args.notebooks, args.out, args.work, clean=args.clean, quiet=not args.verbose)
    print(f"Site built in {seconds:.1f} s: {args.out / 'index.html'} (make serve-site to look at it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
