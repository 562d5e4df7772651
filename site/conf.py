"""Sphinx configuration of the course website (built by tools/build_site.py, `make site`).

The source tree is staged from notebooks/ (both editions merged into one page per notebook, with
framework switches: see tools/build_site.py); this folder holds the
configuration, the templates and the static files (the widget loader, the site's CSS).
Everything the pages load is served from the site itself: no CDN, no web fonts from elsewhere.
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

project = "Convolutional neural networks, interactively"
author = "the course's authors"
copyright = "the course's authors"
language = "en"

extensions = [
    "myst_nb",
    "sphinx_copybutton",       # a copy button on every code cell (pinned in requirements.txt)
    "sphinx.ext.githubpages",  # writes .nojekyll: GitHub Pages then serves _static/ and _images/
    "d2l_site",                # this folder: MathJax served from the site, offline checks
]

root_doc = "index"
# _notebooks/: the notebooks as they are in the course, offered for download (tools/build_site.py)
exclude_patterns = ["**.ipynb_checkpoints", "jupyter_execute", "_notebooks"]

# myst-nb: render the stored outputs, never execute.
nb_execution_mode = "off"
nb_merge_streams = True
# The ipywidgets embed scripts (require.js and @jupyter-widgets/html-manager from CDNs) are dropped:
# the site's own loader (_static/d2l-widgets.js) mounts the anywidget explorers from the saved state.
nb_ipywidgets_js = {}
nb_render_markdown_format = "myst"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "smartquotes"]
myst_heading_anchors = 3

# Warnings policy: tools/build_site.py runs sphinx-build with -W --keep-going, so every warning fails
# the build, each reported with the notebook and cell it comes from. None is suppressed: every
# warning this course can produce is a real problem for a reader: a broken link or anchor
# (myst.xref_missing), a missing image (image.not_readable), a heading that skips a level
# (myst.header: screen-reader users navigate by heading level), an output myst-nb cannot show
# (mystnb.unknown_mime_type: it would vanish from the page), a page loading something from another
# host (d2l.remote-asset, from d2l_site.py). A type may be added here only with its reason.
suppress_warnings = []

html_theme = "sphinx_book_theme"
html_title = "CNNs, interactively"
html_static_path = ["_static"]
html_css_files = ["d2l-site.css"]
html_js_files = [("d2l-widgets.js", {"defer": "defer"}), ("d2l-site.js", {"defer": "defer"}),
                 ("d2l-switch.js", {"defer": "defer"})]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_favicon = "_static/favicon.svg"
# "auto" follows the reader's system setting; the theme button switches light / dark / auto.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "launch_buttons": {},
    "navigation_with_keys": False,
}
# A link to the course's repository at the top of the lesson list, when the build is told where it is
# (SITE_REPO_URL=https://... make site); none otherwise. (The theme's own repository button knows only
# GitHub, GitLab and Bitbucket addresses.)
SITE_REPO_URL = os.environ.get("SITE_REPO_URL", "").strip()
if SITE_REPO_URL:
    html_theme_options["icon_links"] = [{"name": "The course's repository", "url": SITE_REPO_URL,
                                         "icon": "fa-solid fa-code-branch", "type": "fontawesome"}]
templates_path = ["_templates"]

# sphinx-copybutton: copy a code cell's source only (not its outputs, not a prompt), keyboard-usable.
copybutton_selector = "div.cell_input div.highlight pre, div.d2l-run-for-real div.highlight pre"
copybutton_exclude = ".linenos, .gp"
copybutton_copy_empty_lines = True
