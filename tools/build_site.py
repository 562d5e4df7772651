"""Build the course as a static website (`make site`): Sphinx + myst-nb + sphinx-book-theme, offline.

Usage: python tools/build_site.py [--notebooks DIR] [--out DIR] [--work DIR] [--clean]

1. *Stage*: copy the notebooks into a Sphinx source tree (``build/site-work/src`` by default), with what
   the site adds to a page injected into the copies, never into ``notebooks/``:
   ``00_index.ipynb`` becomes the site's ``index`` (with the sidebar's table of contents), every
   lesson and solution gets a "Run this lesson for real" box, solutions get a "try first" banner,
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
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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

RUN_FOR_REAL = """\
:::{{admonition}} {title}
:class: tip d2l-run-for-real

{intro}{download} To run the code yourself, get the course{where} and, in its folder, type

```sh
make lab    # sets up the environment (first run), opens JupyterLab
make test   # runs every test, the lessons against these outputs
```

With conda or mamba (or on Binder), `environment.yml` describes the same environment:
`mamba env create -f environment.yml`.
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
    return next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), -1)


def _toctree(caption, entries, hidden=True):
    lines = ["```{toctree}", f":caption: {caption}", ":maxdepth: 1"]
    if hidden:
        lines.append(":hidden:")
    return "\n".join(lines + [""] + entries + ["```", ""])


def stage_notebooks(notebooks, origins=None):
    """{relative path: bytes} of the Sphinx source tree for the course in ``notebooks``.

    ``origins``, if given, is filled with {staged path: (notebook, [original cell index of each
    staged cell, None for a cell the site added])}, to point warnings at the notebooks' own cells.
    """
    notebooks = Path(notebooks)
    if not (notebooks / INDEX).exists():
        raise SystemExit(f"error: {notebooks / INDEX} is missing: the site's front page is the course index")
    lessons = sorted(p for p in notebooks.glob("*.ipynb") if LESSON_RE.match(p.name) and p.name != INDEX)
    solutions = sorted((notebooks / "solutions").glob("*.ipynb"))
    files = {}

    def add(rel, nb, path):
        files[rel] = (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()
        if origins is not None:
            cells, i = [], 0
            for cell in nb["cells"]:
                added = str(cell.get("id", "")).startswith("d2l-site-")
                cells.append(None if added else i)
                i += 0 if added else 1
            origins[rel] = (path, cells)

    for path in lessons + solutions:
        nb = json.loads(path.read_text())
        _fix_links(nb)
        _describe_images(nb)
        rel = path.relative_to(notebooks).as_posix()
        solution = rel.startswith("solutions/")
        explorers = _runs_explorers(nb)
        # the notebook itself, as it is in the course, served by the site (Sphinx's download role)
        files[f"{DOWNLOADS}/{rel}"] = path.read_bytes()
        download = (f"\n\n{{download}}`Download this notebook ({path.name}) </{DOWNLOADS}/{rel}>`"
                    " to open it in your own JupyterLab.")
        box = RUN_FOR_REAL.format(
            title=f"Run this {'solution' if solution else 'lesson'} for real", where=f" (`notebooks/{rel}`)",
            download=download,
            intro="This page shows the notebook with its stored outputs"
                  + (" (the explorers run in this page, with no Python behind them)." if explorers else "."))
        at = _first_markdown(nb) + 1
        extra = [_markdown_cell(box, "run")]
        if solution:
            number = path.name[:2]
            lesson = next((p.name for p in lessons if p.name[:2] == number), None)
            if lesson:
                extra.insert(0, _markdown_cell(SOLUTIONS_BANNER.format(number=number, lesson=f"../{lesson}"),
                                               "solutions"))
        nb["cells"][at:at] = extra
        add(rel, nb, path)

    index = json.loads((notebooks / INDEX).read_text())
    _fix_links(index)
    _describe_images(index)
    box = RUN_FOR_REAL.format(
        title="This website and the real course", where="", download="",
        intro="You are reading the course's website: every lesson and its solutions with their stored outputs, "
              "searchable, with the live explorers running in the page.")
    at = _first_markdown(index) + 1
    index["cells"][at:at] = [_markdown_cell(box, "run")]
    toc = _toctree("Lessons", [p.stem for p in lessons])
    if solutions:
        toc += "\n" + _toctree("Solutions", ["solutions/index"])
    index["cells"].append(_markdown_cell(toc, "toc"))
    add("index.ipynb", index, notebooks / INDEX)

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
                path, cells = origins[rel]
                cell, at = divmod(int(m["line"]), 10000)
                original = cells[cell - 1] if 0 < cell <= len(cells) else None
                # line numbers in cells start at 1; myst-nb's count is one more
                where = (f"cell {original} (counting from 0), line {max(at - 1, 1)}" if original is not None
                         else "a part the site adds (tools/build_site.py)")
                line = f"{path}: {where}: {m['rest']}"
        if line.strip() and line not in lines:
            lines.append(line)
    return "\n".join(lines)


def build(notebooks=ROOT / "notebooks" / "mxnet", out=ROOT / "build" / "site", work=None, clean=False, quiet=True,
          python=sys.executable):
    """Stage and build the site; return (seconds, warnings log text). Raises SystemExit on failure."""
    out = Path(out)
    work = Path(work) if work else out.parent / (out.name + "-work")
    src, doctrees, log = work / "src", work / "doctrees", work / "warnings.log"
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    start = time.perf_counter()
    origins = {}
    sync_tree(stage_notebooks(notebooks, origins), src)
    work.mkdir(parents=True, exist_ok=True)
    cmd = [python, "-m", "sphinx", "-b", "html", "-c", str(SITE_CONF), "-d", str(doctrees),
           "-W", "--keep-going", "-w", str(log)]
    if quiet:
        cmd.append("-q")
    proc = subprocess.run(cmd + [str(src), str(out)], cwd=ROOT, capture_output=True, text=True)
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
    parser.add_argument("--notebooks", default=ROOT / "notebooks" / "mxnet", type=Path, help="the course's notebooks")
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
