"""Sphinx extension for the course website: MathJax from the site itself, and offline checks.

- MathJax 3 (the files of the pinned ``sphinx-mathjax-offline`` package) is copied into
  ``_static/mathjax`` and ``mathjax_path`` points there. Only what ``tex-chtml.js`` uses is copied
  (the TeX input and its lazily loaded extensions, the CHTML output and its fonts, the menu and
  the accessibility parts it loads on demand): 9 MB instead of the package's 24 MB.
- A page that would load a script or a stylesheet from another host is a warning, and the build
  runs with -W: the site must work with no network.
- The sidebar's expanders (``<summary>`` holding only a chevron) get a name: "Worked solutions: show
  its pages" (axe-core's summary-name).
- The framework switch: a small script in every page's <head> sets <html data-d2l-framework="mxnet|pytorch">
  before the page is drawn (the reader's last choice, kept in localStorage["d2l-framework"]; a
  "?framework=pytorch" or "?framework=mxnet" query, which becomes the choice; else MXNet), so that the
  other framework's panels never show for a moment (d2l-site.css hides them; _static/d2l-switch.js does the rest).
- Search: "1×1" as the pages write it and "1x1" as a reader may type it find the same pages (the
  index also holds "1x1" for every "1×1", and the page's query splitter reads × as x).
"""
import functools
import html
import importlib.util
import re
import shutil
from pathlib import Path

from sphinx.search import languages
from sphinx.search.en import SearchEnglish
from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_PACKAGE = "sphinx-mathjax-offline"  # its import name really has dashes
MATHJAX_ENTRY = "tex-chtml.js"
MATHJAX_PARTS = [MATHJAX_ENTRY, "core.js", "loader.js", "startup.js", "input/tex", "output/chtml", "ui", "a11y",
                 "sre"]


def mathjax_source():
    """The MathJax 3 folder shipped by sphinx-mathjax-offline."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.origin:
        raise RuntimeError(f"{MATHJAX_PACKAGE} is not installed (make install): the site serves MathJax itself")
    folder = Path(spec.origin).parent / "static" / "mathjax"
    if not (folder / MATHJAX_ENTRY).exists():
        raise RuntimeError(f"{folder / MATHJAX_ENTRY} is missing: reinstall {MATHJAX_PACKAGE}")
    return folder


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    stamp = target / ".copied-from"
    if stamp.exists() and stamp.read_text() == str(source):
        return  # copied by an earlier build from the same package
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    stamp.write_text(str(source))


def _remote(uri):
    return isinstance(uri, str) and uri.startswith(("http://", "https://", "//"))


def check_offline(app, pagename, templatename, context, doctree):
    for kind in ("script_files", "css_files"):
        for asset in context.get(kind, []):
            uri = getattr(asset, "filename", asset)
            if _remote(uri):
                logger.warning("%s: loads %s from another host; the site must be self-contained", pagename, uri,
                               type="d2l", subtype="remote-asset")


# "<a ...>Worked solutions</a><details><summary>" in the theme's toctree HTML
_EXPANDER = re.compile(r'(<a\b[^>]*>(?P<title>[^<]*)</a>\s*<details(?:\s[^>]*)?>\s*)<summary>')


def name_expanders(markup):
    """The toctree's HTML with each <summary> named after the page it expands."""
    def named(m):
        title = html.unescape(m["title"]).strip()
        return f'{m.group(1)}<summary aria-label="{html.escape(title)}: show its pages">'
    return _EXPANDER.sub(named, str(markup))


def named_toctree(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "d2l_named", False):
        return

    @functools.wraps(generate)
    def wrapper(*args, **kwargs):
        return name_expanders(generate(*args, **kwargs))
    wrapper.d2l_named = True
    context["generate_toctree_html"] = wrapper


# "1×1", "3 × 3", "3\\times 3": the "AxB" word a reader types
_TIMES = re.compile(r"(\d+)\s*(?:×|✕|\\times)\s*(\d+)")


class CourseSearch(SearchEnglish):
    """English search where "3×3" is also the word "3x3" (in the index and in the reader's query)."""

    js_splitter_code = r"""
splitQuery = (query) =>
  query
    .replace(/(\d+)\s*[×✕]\s*(\d+)/gu, "$1x$2")
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term);
"""

    def split(self, input):
        return super().split(input) + [f"{a}x{b}" for a, b in _TIMES.findall(input)]


FRAMEWORK_CHOICE = """
(function () {
  var ok = function (f) { return f === "mxnet" || f === "pytorch"; };
  var q = null, f = null;
  try { q = new URLSearchParams(window.location.search).get("framework"); } catch (e) { q = null; }
  try {
    if (ok(q)) localStorage.setItem("d2l-framework", q);
    f = localStorage.getItem("d2l-framework");
  } catch (e) { f = null; }
  document.documentElement.setAttribute("data-d2l-framework", ok(q) ? q : ok(f) ? f : "mxnet");
})();
"""


def setup(app):
    mathjax_source()  # fail early, with the reason
    app.config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    app.connect("build-finished", copy_mathjax)
    app.add_js_file(None, body=FRAMEWORK_CHOICE, priority=100)
    app.connect("html-page-context", check_offline, priority=900)
    app.connect("html-page-context", named_toctree, priority=900)
    languages["en"] = CourseSearch
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
