"""`make site`: the build itself and the pages' HTML (no browser needed).

The course site is built once per run (conftest.course_site). The warnings policy is tested on
small notebooks of our own: a broken link, a link to a missing heading and a missing image each
fail the build with the warning in the message.
"""
import functools
import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import build_site
import course_pages
import nbformat
import pytest
from course_pages import EDITIONS, NOTEBOOKS, anywidget_models, notebooks, page_of, saved_widget_models


class Links(HTMLParser):
    """Every href/src of a page, with the tag, and every id."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.images = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name], attrs.get("rel", "")))


@functools.lru_cache(maxsize=None)
def parse(path):
    p = Links()
    p.feed(Path(path).read_text())
    return p


def html_pages(site_dir):
    return sorted(p for p in site_dir.rglob("*.html") if "_static" not in p.parts)


def test_the_site_builds_with_zero_warnings(course_site):
    assert course_site["error"] is None, course_site["error"]
    assert course_site["warnings"].strip() == "", course_site["warnings"]
    assert (course_site["dir"] / "index.html").exists()


def test_every_notebook_has_its_page(site_dir):
    for nb in notebooks():
        page = site_dir / page_of(nb)
        assert page.exists(), f"{nb.relative_to(NOTEBOOKS)} has no page {page_of(nb)}"
        title = json.loads(nb.read_text())["cells"][0]["source"]
        heading = re.search(r"^# (.+)$", "".join(title), re.M).group(1)
        assert heading.split(":")[0].strip() in page.read_text()
    assert (site_dir / "solutions" / "index.html").exists()
    assert (site_dir / "search.html").exists() and (site_dir / "searchindex.js").exists()


def test_every_link_and_image_resolves_within_the_site(site_dir):
    broken = []
    for page in html_pages(site_dir):
        parsed = parse(page)
        for tag, name, ref, _ in parsed.refs:
            url = urllib.parse.urlsplit(ref)
            if url.scheme or ref.startswith("//"):
                continue  # checked by test_nothing_is_loaded_from_another_host
            if url.path.endswith(".ipynb") and "_downloads/" not in url.path:
                broken.append(f"{page.name}: {ref} (a notebook link the site did not turn into a page)")
                continue
            target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site_dir)}: <{tag} {name}={ref!r}> -> missing file")
            elif url.fragment and target.suffix == ".html" and url.fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(site_dir)}: {ref} -> no id {url.fragment!r}")
    assert broken == []


def test_every_figure_has_a_text_alternative(site_dir):
    """A figure's alt text is its description, never the file name myst-nb uses by default."""
    figures = 0
    for page in html_pages(site_dir):
        for img in parse(page).images:
            alt, src = img.get("alt") or "", img.get("src") or ""
            if "_images/" not in src:
                continue
            figures += 1
            assert alt.strip() and "_images/" not in alt and not re.search(r"\.(png|svg|jpe?g)$", alt), \
                f"{page.relative_to(site_dir)}: {src} has the alt text {alt!r}"
    assert figures >= sum(course_pages.expected_figures(nb) for nb in notebooks())


def test_lessons_own_navigation_points_to_the_pages(site_dir):
    lessons = [p for p in notebooks() if course_pages.is_lesson(p)]
    for i, nb in enumerate(lessons):
        hrefs = {ref for tag, _, ref, _ in parse(site_dir / page_of(nb)).refs if tag == "a"}
        previous = lessons[i - 1].with_suffix(".html").name if i else "index.html"
        assert previous in hrefs and "index.html" in hrefs
        if i + 1 < len(lessons):
            assert lessons[i + 1].with_suffix(".html").name in hrefs
        assert f"solutions/{nb.stem}_solutions.html" in hrefs
    index_hrefs = {ref for tag, _, ref, _ in parse(site_dir / "index.html").refs if tag == "a"}
    assert "solutions/index.html" in index_hrefs  # the index's link to the solutions/ folder


def test_solutions_are_separate_from_the_lessons(site_dir):
    index = (site_dir / "index.html").read_text()
    nav = index[index.index('class="bd-sidenav"') if 'class="bd-sidenav"' in index else 0:]
    lessons_at, solutions_at = nav.find(">Lessons<"), nav.find(">Solutions<")
    assert 0 <= lessons_at < solutions_at, "the sidebar has no 'Lessons' then 'Solutions' sections"
    assert "_solutions.html" not in nav[lessons_at:solutions_at], "a solution is listed among the lessons"
    for nb in (NOTEBOOKS / "solutions").glob("*.ipynb"):
        text = (site_dir / page_of(nb)).read_text()
        assert "Worked solutions: try the exercises first" in text
    assert "Try the exercises first" in (site_dir / "solutions" / "index.html").read_text()


@pytest.mark.parametrize("page", course_pages.LESSON_PAGES)
def test_each_page_says_how_to_run_it_for_real(site_dir, page):
    text = re.sub(r"<[^>]+>", "", (site_dir / page).read_text())
    box = text[text.index("for real") if "for real" in text else text.index("the real course"):]
    for needed in ("make lab", "make test", "environment.yml"):
        assert needed in box[:2000], f"{page}: the 'run it for real' box does not mention {needed}"


def test_the_box_says_the_explorers_run_only_where_they_do(site_dir):
    for page in course_pages.LESSON_PAGES[1:]:
        text = (site_dir / page).read_text()
        claims = "the explorers run in this page" in text
        assert claims == bool(anywidget_models(text)), f"{page}: the 'run it for real' box is wrong about explorers"


def test_nothing_is_loaded_from_another_host(site_dir):
    remote = []
    for page in html_pages(site_dir):
        for tag, name, ref, rel in parse(page).refs:
            loads = tag in ("script", "img", "iframe", "source", "video", "audio", "embed") or (
                tag == "link" and any(r in rel for r in ("stylesheet", "icon", "preload", "modulepreload")))
            if loads and re.match(r"^(https?:)?//", ref):
                remote.append(f"{page.name}: <{tag} {name}={ref}>")
    for css in site_dir.rglob("*.css"):
        for ref in re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)", css.read_text(errors="replace")):
            if not ref.startswith("//www.w3.org"):
                remote.append(f"{css.relative_to(site_dir)}: {ref}")
    assert remote == []
    lesson = (site_dir / "04_padding_and_stride.html").read_text()
    assert "require.min.js" not in lesson and "embed-amd" not in lesson, "the ipywidgets CDN scripts are back"
    assert (site_dir / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert 'src="_static/mathjax/tex-chtml.js' in lesson


def test_widget_state_and_views_are_in_the_pages(site_dir):
    """Both editions' explorers: the MXNet edition's views (shared and MXNet cells) and the PyTorch edition's
    views in its own cells, each with its saved state on the page."""
    for nb in notebooks():
        views = [o["data"][course_pages.VIEW_MIME]["model_id"] for c in course_pages.page_cells(nb)
                 for o in c.get("outputs", []) if course_pages.VIEW_MIME in o.get("data", {})]
        text = (site_dir / page_of(nb)).read_text()
        models = saved_widget_models(text)
        for model_id in views:
            assert model_id in models, f"{page_of(nb)}: the state of widget {model_id} is not in the page"
            assert f'"model_id": "{model_id}"' in text
        for entry in anywidget_models(text).values():
            assert isinstance(entry["state"].get("_esm"), str) and entry["state"]["_esm"].strip()


def test_staging_leaves_the_notebooks_alone_and_fixes_links():
    every = sorted(EDITIONS.rglob("*.ipynb"))
    before = {p: p.read_bytes() for p in every}
    files = build_site.stage_notebooks(EDITIONS)
    assert {p: p.read_bytes() for p in every} == before
    assert "index.ipynb" in files and "00_index.ipynb" not in files
    index = json.loads(files["index.ipynb"])
    text = "\n".join("".join(c["source"]) for c in index["cells"])
    assert "](solutions/index.md)" in text and "](solutions/)" not in text
    lesson = json.loads(files["04_padding_and_stride.ipynb"])
    text = "\n".join("".join(c["source"]) for c in lesson["cells"] if c["cell_type"] == "markdown")
    assert "](index.ipynb)" in text and "00_index.ipynb" not in text
    # the code and its stored outputs are untouched (the site only adds image options to metadata): the
    # MXNet edition's cells, then the PyTorch edition's own cells, in the source's order; no Colab cell
    original = course_pages.page_cells(NOTEBOOKS / "04_padding_and_stride.ipynb")
    key = lambda c: (c["id"], c["source"], c["outputs"])  # noqa: E731
    assert sorted(key(c) for c in lesson["cells"] if c["cell_type"] == "code") == \
        sorted(key(c) for c in original if c["cell_type"] == "code")
    assert not any("colab-setup" in c["metadata"].get("tags", []) for c in lesson["cells"])


def _course(tmp_path, markdown, extra_files=()):
    """A two-page course in its two editions (the same cells, ids as tools/editions.py gives them)."""
    root = tmp_path / "notebooks"
    for fw in ("mxnet", "pytorch"):
        folder = root / fw
        folder.mkdir(parents=True)
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "d2l-cnn", "display_name": "Python 3.11 (CNN course)",
                                     "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell("# A course\n\n" + markdown, id="c000")]
        nbformat.write(nb, folder / "00_index.ipynb")
        lesson = nbformat.v4.new_notebook()
        lesson.cells = [nbformat.v4.new_markdown_cell("# 01 A lesson\n\n## Known heading\n\nText.", id="c000")]
        nbformat.write(lesson, folder / "01_lesson.ipynb")
        for name in extra_files:
            (folder / name).write_bytes(b"")
    return root


def test_broken_links_missing_images_and_skipped_headings_fail_the_build(tmp_path):
    broken = {"02_missing": "[a lesson that does not exist](02_missing.ipynb)",
              "no-such-heading": "[a heading that does not exist](01_lesson.ipynb#no-such-heading)",
              "missing_figure.png": "![a figure](missing_figure.png)",
              "Non-consecutive header level": "### A heading that skips a level"}
    good = "[a heading that exists](01_lesson.ipynb#known-heading)"
    out = tmp_path / "out" / "site"
    with pytest.raises(SystemExit) as err:
        build_site.build(_course(tmp_path, "\n\n".join([good, *broken.values()])), out, clean=True)
    message = str(err.value)
    assert "the site build failed" in message
    # each warning once, pointing at the notebook's own cell (the site's added cells not counted)
    assert message.count("WARNING") == len(broken), message
    assert "mxnet/00_index.ipynb: cell 0 (counting from 0), line 5: " in message  # the first broken link
    for name in broken:  # --keep-going: every problem is reported, not just the first
        assert name in message, f"no warning about {name}:\n{message}"
    # the good link, which raised no warning, points at the page's heading
    assert 'href="01_lesson.html#known-heading"' in (out / "index.html").read_text()


def test_serve_site_listens_on_localhost_only():
    makefile = (course_pages.ROOT / "Makefile").read_text()
    recipe = re.search(r"^serve-site:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "--bind 127.0.0.1" in recipe and "--directory build/site" in recipe
    assert "0.0.0.0" not in recipe


def test_github_pages_serves_the_underscore_folders(site_dir):
    assert (site_dir / ".nojekyll").exists()


@pytest.mark.parametrize("page", [course_pages.page_of(nb) for nb in notebooks()
                                  if course_pages.is_lesson(nb) or "solutions" in nb.parts])
def test_each_lesson_and_solution_offers_both_editions_for_download(site_dir, page):
    """Two download links served by the site itself, to valid notebooks: each edition's own file, byte for byte."""
    links = [(tag, ref) for tag, name, ref, _ in parse(site_dir / page).refs
             if tag == "a" and "_downloads/" in ref and ref.endswith(".ipynb")]
    assert len(links) == 2, f"{page}: {links}"
    notebook = course_pages.NOTEBOOK_OF[page]
    for (_, ref), edition in zip(links, (notebook, course_pages.pytorch_of(notebook))):
        target = (site_dir / page).parent / urllib.parse.unquote(ref)
        assert target.name == edition.name and target.read_bytes() == edition.read_bytes(), (ref, edition)
        nbformat.validate(nbformat.reads(target.read_text(), as_version=4))
    words = [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in re.findall(
        r'<a class="reference download internal" download="" href="[^"]+">(.*?)</a>', (site_dir / page).read_text(),
        re.S)]
    assert words == [f"MXNet edition ({notebook.name})", f"PyTorch edition ({notebook.name})"], words
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", (site_dir / page).read_text()))
    assert "Download this notebook to open it in your own JupyterLab: MXNet edition" in text


def test_lesson_1_reads_sensibly_and_no_repository_link_without_site_repo_url(site_dir):
    text = re.sub(r"<[^>]+>", "", (site_dir / "01_from_dense_to_conv.html").read_text())
    assert "Previous: 00 Index" not in text
    for page in html_pages(site_dir):
        assert "The course's repository" not in page.read_text(), page.name


def test_the_repository_link_appears_when_site_repo_url_is_set(monkeypatch):
    """site/conf.py with SITE_REPO_URL set gives the theme an icon link to it (the theme renders it in the
    lesson list's header; without the variable no page has one: test_lesson_1_reads_sensibly_...)."""
    import runpy
    monkeypatch.setenv("SITE_REPO_URL", "https://example.org/cnn-course.git")
    conf = runpy.run_path(str(course_pages.ROOT / "site" / "conf.py"))
    links = conf["html_theme_options"]["icon_links"]
    assert [(link["url"], link["name"]) for link in links] == [("https://example.org/cnn-course.git",
                                                               "The course's repository")]
    monkeypatch.delenv("SITE_REPO_URL")
    assert "icon_links" not in runpy.run_path(str(course_pages.ROOT / "site" / "conf.py"))["html_theme_options"]


def test_search_index_holds_1x1_for_every_1_times_1(site_dir):
    index = (site_dir / "searchindex.js").read_text()
    terms = json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"]
    written = [p for p in notebooks() if "1×1" in p.read_text()]
    assert written and "1x1" in terms
    found = terms["1x1"] if isinstance(terms["1x1"], list) else [terms["1x1"]]
    assert len(found) >= len(written)
    language = (site_dir / "_static" / "language_data.js").read_text()
    assert "splitQuery" in language and "×" in language  # the query "1×1" is read as "1x1"


def test_the_audits_use_the_pinned_axe_core_and_fail_without_it_on_ci(monkeypatch, tmp_path):
    import lab_browser
    package = json.loads((course_pages.ROOT / "package.json").read_text())
    lock = json.loads((course_pages.ROOT / "package-lock.json").read_text())
    pinned = package["devDependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "axe-core is pinned to one release"
    assert lock["packages"]["node_modules/axe-core"]["version"] == pinned
    assert lock["packages"]["node_modules/axe-core"]["integrity"].startswith("sha512-")
    makefile = (course_pages.ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\$\(AXE\)", makefile, re.M), "make test does not install axe-core"
    if lab_browser.axe_missing() is None:  # installed: it is the pinned release
        assert lab_browser.axe_script().startswith(f"/*! axe v{pinned}")
    monkeypatch.setattr(lab_browser, "AXE_PATH", tmp_path / "missing" / "axe.min.js")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required here"):
        lab_browser.axe_script()
    monkeypatch.delenv("CI")
    monkeypatch.delenv("D2L_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        lab_browser.axe_script()
