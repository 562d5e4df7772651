"""The two editions on one page: the framework switch (tools/build_site.py, site/_static/d2l-switch.js).

Without a browser:
- every page of the course has one switch per framework group (the framework-tagged cells between two shared
  cells), each a WAI-ARIA tablist "MXNet | PyTorch" whose panels hold that framework's cells, in order,
  with their outputs; shared cells appear once; the PyTorch edition's Colab cell does not appear;
- both editions' code is in the HTML and in the search index (tests/site/switch_course.py: a course of
  our own with words in one framework's code only);
- "Open in Colab" (issue 16, item 7): the address's form for each lesson and solutions page, the branch
  (SITE_REPO_BRANCH, else main), none without a GitHub repository URL;
- the editions are merged as they must be, and refused when they disagree.

In headless Chromium (the switch course's site, and lesson 4 of the course's own):
- the keyboard (arrow keys, Home, End, Enter, Space; roving tabindex), aria-selected, the announcement;
- every switch of the page follows one choice, remembered across pages and reloads (localStorage),
  ``?framework=`` on a first visit, pages opened from disk (file://) too;
- axe-core finds nothing, in both themes, with either framework selected; the tabs are readable and fit
  at a phone's width (390 px); nothing is fetched from another host;
- both editions' explorers run in their tabs; a search finds both frameworks' code words, and its hit
  in the framework not shown opens the page on that framework's code.
Screenshots of lesson 4's first switch, both themes, both frameworks, desktop and phone width, go to
tests/site/artifacts/site-switch-<theme>-<framework>-<width>.png.
"""
import html
import json
import re
import time
import urllib.parse
from pathlib import Path

import build_site
import course_pages
import pytest
import switch_course
from course_pages import (EVERY_IMPACT, NOTEBOOKS, OVERFLOW, PHONE_WIDTH, SWITCHES, audit, blocking, notebooks,
                          page_of, remote_requests)
from lab_browser import next_frames
from selenium.webdriver.common.keys import Keys

NAMES = {"mxnet": "MXNet", "pytorch": "PyTorch"}


# ---------------------------------------------------------------- the pages' HTML

def _squash(text):
    return re.sub(r"\s+", "", text)


def _text(markup):
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def switches_of(page_html):
    """[(switch markup, {framework: panel markup})] of a page (panels end where the next one starts)."""
    found = []
    parts = page_html.split('<div class="d2l-switch" id=')[1:]
    for part in parts:
        panels = {}
        chunks = re.split(r'<div class="d2l-switch-panel" role="tabpanel"', part)
        for chunk in chunks[1:]:
            fw = re.search(r'data-framework="(\w+)"', chunk).group(1)
            panels[fw] = chunk
        # the last panel ends with the switch: cut at the end marker the build writes ("</div></div>" then
        # what follows the switch); good enough for a containment check of the cells' text
        found.append((chunks[0], panels))
    return found


@pytest.mark.parametrize("page", [page_of(nb) for nb in notebooks()])
def test_each_framework_group_is_a_switch_holding_its_cells(site_dir, page):
    notebook = course_pages.NOTEBOOK_OF[page]
    groups = course_pages.framework_groups(notebook)
    text = (site_dir / page).read_text()
    switches = switches_of(text)
    assert len(switches) == len(groups), f"{page}: {len(switches)} switches for {len(groups)} framework groups"
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    for n, ((head, panels), group) in enumerate(zip(switches, groups), 1):
        sid = f"d2l-fw-{n}"
        tabs = re.findall(r'<button type="button" role="tab"[^>]*>[^<]*</button>', head)
        assert re.search(r'role="tablist" aria-label="[^"]+"', head), head[:300]
        assert [re.search(r'data-framework="(\w+)"', t).group(1) for t in tabs] == ["mxnet", "pytorch"]
        assert [_text(t) for t in tabs] == ["MXNet", "PyTorch"]
        for tab, fw in zip(tabs, ("mxnet", "pytorch")):
            assert f'id="{sid}-{fw}"' in tab and f'aria-controls="{sid}-{fw}-panel"' in tab
            assert f"{sid}-{fw}-panel" in ids
        assert list(panels) == ["mxnet", "pytorch"]
        for fw, panel in panels.items():
            assert f'aria-labelledby="{sid}-{fw}"' in panel[:300]
            body = _squash(_text(panel))
            for cell in group[fw]:
                source = _squash("".join(cell["source"]))
                if cell["cell_type"] == "code":
                    assert source in body, f"{page}: switch {n}: the {fw} cell {cell['id']} is not in its panel"
            if not group[fw]:
                assert "has no code of its own here" in panel
    # the Colab cell (tag colab-setup) is not on the page; each shared code cell is there once
    page_text = _squash(_text(text))
    pytorch = course_pages.load(course_pages.pytorch_of(notebook))
    colab = [c for c in pytorch["cells"] if "colab-setup" in course_pages.tags(c)]
    for cell in colab:
        assert _squash("".join(cell["source"]).splitlines()[0]) not in page_text
    shared = [c for c in course_pages.load(notebook)["cells"] if c["cell_type"] == "code"
              and course_pages.framework_of(c) is None and len("".join(c["source"])) > 40]
    for cell in shared:
        assert page_text.count(_squash("".join(cell["source"]))) == 1, f"{page}: shared cell {cell['id']}"


def test_the_switch_course_pages_hold_both_frameworks_code_and_no_colab_cell(switch_site):
    page = (switch_site / "01_first.html").read_text()
    switches = switches_of(page)
    assert len(switches) == 3
    (_, first), (_, explorers), (_, mxnet_only) = switches
    assert switch_course.MXNET_WORD in first["mxnet"] and switch_course.PYTORCH_WORD not in first["mxnet"]
    assert switch_course.PYTORCH_WORD in first["pytorch"] and switch_course.MXNET_WORD not in first["pytorch"]
    assert "mxnet printed this" in first["mxnet"] and "pytorch printed this" in first["pytorch"]
    assert "a tensor records its gradient" in first["pytorch"]  # a PyTorch markdown cell
    assert switch_course.MODELS["mxnet"] in explorers["mxnet"] and switch_course.MODELS["pytorch"] in explorers["pytorch"]
    assert "has no code of its own here" in mxnet_only["pytorch"]
    assert switch_course.COLAB_TEXT not in page
    # both editions' widget states: the models shown on the page, not the one the PyTorch edition shows nowhere
    models = course_pages.saved_widget_models(page)
    assert set(models) == {switch_course.MODELS["mxnet"], switch_course.MODELS["pytorch"]}
    for name in ("02_second.html", "solutions/01_first_solutions.html", "index.html"):
        assert len(switches_of((switch_site / name).read_text())) == 1, name


def _terms(site):
    index = (site / "searchindex.js").read_text()
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    return data


def test_the_search_index_holds_both_frameworks_code(switch_site):
    data = _terms(switch_site)
    lesson = data["docnames"].index("01_first")
    for word in (switch_course.MXNET_WORD, switch_course.PYTORCH_WORD):
        docs = data["terms"].get(word)
        docs = docs if isinstance(docs, list) else [docs]
        assert lesson in docs, f"the search index has no {word!r} for 01_first: {docs}"


def test_the_search_index_holds_every_word_of_each_frameworks_code(site_dir):
    """Every word of every framework-tagged code cell (MXNet's and PyTorch's, shown or hidden by the switch)
    is in the search index for its page, as Sphinx's indexer splits and stems it (site/d2l_site.py)."""
    import sys
    sys.path.insert(0, str(course_pages.ROOT / "site"))
    from d2l_site import CourseSearch
    lang = CourseSearch({})
    data = _terms(site_dir)
    missing, checked = [], 0
    for nb in notebooks():
        doc = data["docnames"].index(page_of(nb)[:-len(".html")])
        for group in course_pages.framework_groups(nb):
            for fw, cells in group.items():
                for cell in cells:
                    if cell["cell_type"] != "code":
                        continue
                    for word in set(lang.split("".join(cell["source"]))):
                        stem = lang.stem(word).lower()
                        if not lang.word_filter(stem):
                            if not lang.word_filter(word):
                                continue
                            stem = word
                        found = data["terms"].get(stem, []), data["titleterms"].get(stem, [])
                        docs = [d for f in found for d in (f if isinstance(f, list) else [f])]
                        checked += 1
                        if doc not in docs:
                            missing.append(f"{page_of(nb)}: {fw} word {word!r}")
    assert checked > 100 and missing == [], missing[:20]


# ---------------------------------------------------------------- Colab

def test_colab_addresses(monkeypatch):
    monkeypatch.delenv("SITE_REPO_BRANCH", raising=False)
    url = "https://colab.research.google.com/github/owner/repo/blob/main/notebooks/pytorch/04_padding_and_stride.ipynb"
    for repo in ("https://github.com/owner/repo", "https://github.com/owner/repo/", "https://github.com/owner/repo.git"):
        assert build_site.colab_url(repo, "04_padding_and_stride.ipynb") == url, repo
    assert build_site.colab_url("https://github.com/owner/repo", "solutions/04_x_solutions.ipynb") == \
        "https://colab.research.google.com/github/owner/repo/blob/main/notebooks/pytorch/solutions/04_x_solutions.ipynb"
    assert build_site.colab_url("https://github.com/owner/repo", "04_x.ipynb", branch="v2") == \
        "https://colab.research.google.com/github/owner/repo/blob/v2/notebooks/pytorch/04_x.ipynb"
    monkeypatch.setenv("SITE_REPO_BRANCH", "course-2026")
    assert "/blob/course-2026/notebooks/pytorch/04_x.ipynb" in build_site.colab_url("https://github.com/o/r", "04_x.ipynb")
    # Colab opens notebooks from GitHub only: no link for another host, or no repository at all
    for repo in ("", "https://gitlab.com/owner/repo", "https://example.org/cnn-course.git", "git@github.com:o/r.git"):
        assert build_site.colab_url(repo, "04_x.ipynb") is None, repo


def test_the_repository_url_comes_from_site_repo_url_else_pyproject(monkeypatch):
    import editions
    monkeypatch.setattr(editions, "repository", lambda: "https://github.com/from/pyproject")
    monkeypatch.delenv("SITE_REPO_URL", raising=False)
    assert build_site.repository_url() == "https://github.com/from/pyproject"
    monkeypatch.setenv("SITE_REPO_URL", "https://github.com/from/env/")
    assert build_site.repository_url() == "https://github.com/from/env"
    assert build_site.repository_url("") == ""  # told: none


def test_each_lesson_and_solutions_page_offers_colab_with_a_repository(switch_site, site_dir):
    for name, rel in (("01_first.html", "01_first.ipynb"), ("02_second.html", "02_second.ipynb"),
                      ("solutions/01_first_solutions.html", "solutions/01_first_solutions.ipynb")):
        links = re.findall(r'<a class="reference external" href="([^"]+)">Open in Colab</a>',
                           (switch_site / name).read_text())
        assert links == ["https://colab.research.google.com/github/example-owner/cnn-course/blob/main/"
                         f"notebooks/pytorch/{rel}"], (name, links)
    # built with no repository URL: no Colab link anywhere
    for page in sorted(site_dir.rglob("*.html")):
        assert "colab.research.google.com" not in page.read_text(), page.name


def test_the_edition_requirements_are_said_once_per_page(site_dir):
    for page in course_pages.LESSON_PAGES:
        text = _text((site_dir / page).read_text())
        needs = "The MXNet edition needs Python 3.11; the PyTorch edition runs on Python 3.11, 3.12 or 3.13."
        assert text.count(needs) == 1, page
        assert "FRAMEWORK=pytorch" in _squash(text)


# ---------------------------------------------------------------- merging the editions

def _cell(cid, kind="code", tag=None, source="x = 1"):
    return {"cell_type": kind, "id": cid, "metadata": {"tags": [tag]} if tag else {}, "source": [source],
            **({"outputs": [], "execution_count": None} if kind == "code" else {})}


def test_merging_orders_by_source_and_refuses_editions_that_disagree():
    mx = {"cells": [_cell("c000", "markdown", source="# T"), _cell("c001", tag="mxnet"), _cell("c003"),
                    _cell("c004", tag="mxnet")], "metadata": {}}
    pt = {"cells": [_cell("colab-setup", tag="colab-setup"), _cell("c000", "markdown", source="# T"),
                    _cell("c002", "markdown", tag="pytorch", source="Torch."), _cell("c003"),
                    _cell("c005", tag="pytorch")], "metadata": {}}
    parts = build_site.merge_editions(mx, pt)
    assert [kind for kind, _ in parts] == ["shared", "group", "shared", "group"]
    assert [c["id"] for c, _ in parts[1][1]["mxnet"]] == ["c001"]
    assert [c["id"] for c, _ in parts[1][1]["pytorch"]] == ["c002"]
    assert [c["id"] for c, _ in parts[3][1]["mxnet"]] == ["c004"]
    assert [c["id"] for c, _ in parts[3][1]["pytorch"]] == ["c005"]
    assert parts[2][1][0][1] == ("mxnet", 2)  # a shared cell: the MXNet edition's (its outputs)
    changed = json.loads(json.dumps(pt))
    changed["cells"][3]["source"] = ["x = 2"]
    with pytest.raises(SystemExit, match="differs from the MXNet edition"):
        build_site.merge_editions(mx, changed)
    heading = json.loads(json.dumps(pt))
    heading["cells"][2]["source"] = ["## A heading for PyTorch only"]
    with pytest.raises(SystemExit, match="has a heading"):
        build_site.merge_editions(mx, heading)
    no_ids = json.loads(json.dumps(mx))
    no_ids["cells"][0]["id"] = "3f2a9c"
    with pytest.raises(SystemExit, match="ids"):
        build_site.merge_editions(no_ids, pt)


def test_widget_states_of_both_editions_merge_and_ids_stay_unique():
    def nb(models):
        return {"metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {
            "version_major": 2, "version_minor": 0, "state": models}}}}
    view = {"output_type": "display_data", "metadata": {},
            "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "p1"}}}
    mx = nb({"m1": {"state": {"a": 1}}})
    pt = nb({"p1": {"state": {"layout": "IPY_MODEL_p2"}}, "p2": {"state": {}}, "p3": {"state": {}}})
    merged = build_site.merge_widget_states(mx, pt, [{"outputs": [view]}])
    assert set(merged["state"]) == {"m1", "p1", "p2"}  # p3: shown by no PyTorch cell of the page
    clash = nb({"p1": {"state": {"b": 2}}})
    with pytest.raises(SystemExit, match="unique"):
        build_site.merge_widget_states(clash, pt, [{"outputs": [view]}])


# ---------------------------------------------------------------- in the browser

CLEAR = "localStorage.removeItem('d2l-framework');"


def fresh(browser, server, path, theme="light"):
    """``path`` as a first visit shows it (no choice remembered)."""
    page = browser.open(server, path, theme=theme)
    browser.driver.execute_script(CLEAR)
    browser.driver.refresh()
    page.wait_ready()
    return page


def state(driver):
    return driver.execute_script(SWITCHES)


def check_consistent(st, fw):
    """Every switch shows ``fw``: its tab selected and the only tab in the Tab order, its panel alone shown."""
    assert st["choice"] == fw, st
    for sw in st["switches"]:
        assert sw["tablist"], sw
        for tab in sw["tabs"]:
            on = tab["fw"] == fw
            assert tab["selected"] == str(on).lower() and tab["tabindex"] == (0 if on else -1), (fw, sw)
            assert tab["shown"], (fw, sw)
            assert tab["controls"] == f"{tab['id']}-panel"
        for panel in sw["panels"]:
            on = panel["fw"] == fw
            assert panel["shown"] == on and panel["hidden"] == (not on), (fw, sw)
            assert panel["labelledby"] == panel["id"][:-len("-panel")]


def wait_announced(page, text):
    return page.wait(lambda: state(page.driver)["announced"] == text, 5, f"the announcement {text!r}")


def focus_tab(driver, n, fw):
    tab = driver.find_element("id", f"d2l-fw-{n}-{fw}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", tab)
    return tab


@pytest.mark.browser
class TestSwitchInTheBrowser:
    """On the switch course's site (its own server: its own localStorage)."""

    def test_keyboard_aria_and_announcements(self, browser, switch_server):
        page = fresh(browser, switch_server, "01_first.html")
        driver = page.driver
        st = state(driver)
        assert len(st["switches"]) == 3
        check_consistent(st, "mxnet")  # a first visit: MXNet
        assert st["announced"] == ""  # nothing said until the reader chooses
        focus_tab(driver, 2, "mxnet")
        driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        wait_announced(page, "Showing the PyTorch code")
        st = state(driver)
        check_consistent(st, "pytorch")  # every switch of the page follows
        assert st["focus"] == "d2l-fw-2-pytorch"
        for key, fw in ((Keys.ARROW_RIGHT, "mxnet"), (Keys.ARROW_LEFT, "pytorch"), (Keys.HOME, "mxnet"),
                        (Keys.END, "pytorch"), (Keys.ARROW_LEFT, "mxnet")):
            driver.switch_to.active_element.send_keys(key)
            wait_announced(page, f"Showing the {NAMES[fw]} code")
            st = state(driver)
            check_consistent(st, fw)
            assert st["focus"] == f"d2l-fw-2-{fw}", (key, st["focus"])
        # Tab leaves the tablist for the panel (roving tabindex: one tab stop per tablist)
        driver.switch_to.active_element.send_keys(Keys.TAB)
        assert state(driver)["focus"] == "d2l-fw-2-mxnet-panel"
        # Enter and Space on a tab that is not selected (reached by a click or a screen reader's cursor)
        for key in (Keys.ENTER, Keys.SPACE):
            focus_tab(driver, 1, "pytorch")
            driver.switch_to.active_element.send_keys(key)
            wait_announced(page, "Showing the PyTorch code")
            check_consistent(state(driver), "pytorch")
            focus_tab(driver, 1, "mxnet").click()
            wait_announced(page, "Showing the MXNet code")
            check_consistent(state(driver), "mxnet")
        # the switch used stays where it was on the screen while the panels above change height
        tab = focus_tab(driver, 3, "mxnet")
        top = driver.execute_script("return arguments[0].getBoundingClientRect().top;", tab)
        driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        wait_announced(page, "Showing the PyTorch code")
        tab = driver.find_element("id", "d2l-fw-3-pytorch")
        assert abs(driver.execute_script("return arguments[0].getBoundingClientRect().top;", tab) - top) < 2
        assert page.console_errors() == []
        assert remote_requests(page.requests(), switch_server) == []

    def test_the_choice_is_remembered_across_pages_and_reloads(self, browser, switch_server):
        page = fresh(browser, switch_server, "01_first.html")
        driver = page.driver
        focus_tab(driver, 1, "pytorch").click()
        wait_announced(page, "Showing the PyTorch code")
        for path in ("02_second.html", "solutions/01_first_solutions.html", "index.html"):
            page = browser.open(switch_server, path)
            check_consistent(state(driver), "pytorch")
        driver.refresh()
        page.wait_ready()
        check_consistent(state(driver), "pytorch")
        assert state(driver)["announced"] == ""  # a page that opens on the remembered choice says nothing
        # a query chooses (and is remembered)
        page = browser.open(switch_server, "02_second.html?framework=mxnet")
        check_consistent(state(driver), "mxnet")
        page = browser.open(switch_server, "01_first.html")
        check_consistent(state(driver), "mxnet")
        # a first visit with ?framework=pytorch
        driver.execute_script(CLEAR)
        page = browser.open(switch_server, "01_first.html?framework=pytorch")
        check_consistent(state(driver), "pytorch")
        # a nonsense query changes nothing
        page = browser.open(switch_server, "02_second.html?framework=tensorflow")
        check_consistent(state(driver), "pytorch")
        driver.execute_script(CLEAR)
        assert page.console_errors() == []

    def test_both_editions_explorers_run_in_their_tabs(self, browser, switch_server):
        page = fresh(browser, switch_server, "01_first.html")
        driver = page.driver
        assert sorted((v["model_id"], v["status"]) for v in page.views) == \
            sorted((switch_course.MODELS[fw], "mounted") for fw in ("mxnet", "pytorch"))
        shown = "return [...document.querySelectorAll('[data-explorer=TinySwitchExplorer]')]" \
                ".filter(e => e.getClientRects().length).map(e => e.dataset.framework);"
        assert driver.execute_script(shown) == ["mxnet"]
        focus_tab(driver, 2, "pytorch").click()
        wait_announced(page, "Showing the PyTorch code")
        assert driver.execute_script(shown) == ["pytorch"]
        driver.execute_script(CLEAR)
        assert page.console_errors() == []

    @pytest.mark.parametrize("theme", ["light", "dark"])
    def test_axe_finds_nothing_with_either_framework(self, browser, switch_server, theme):
        page = fresh(browser, switch_server, "01_first.html", theme=theme)
        driver = page.driver
        for fw in ("mxnet", "pytorch"):
            focus_tab(driver, 1, fw).click()
            check_consistent(state(driver), fw)
            assert blocking(audit(driver), EVERY_IMPACT) == [], f"{theme}, {fw} selected"
            assert phone_width(driver) == [], f"{theme}, {fw} selected, at {PHONE_WIDTH} px"
        driver.execute_script(CLEAR)
        assert page.console_errors() == []

    def test_search_finds_both_frameworks_code_and_opens_the_tab_that_holds_it(self, browser, switch_server):
        page = fresh(browser, switch_server, "01_first.html")
        driver = page.driver
        for word, fw in ((switch_course.MXNET_WORD, "mxnet"), (switch_course.PYTORCH_WORD, "pytorch")):
            page = browser.open(switch_server, f"search.html?q={word}")
            hrefs = page.wait(lambda: driver.execute_script(
                "return [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'));"),
                30, f"search results for {word!r}")
            assert any(h.startswith("01_first.html") for h in hrefs), (word, hrefs)
            # the hit, followed while MXNet is the choice: the page opens on the code that holds the word
            hit = next(h for h in hrefs if h.startswith("01_first.html"))
            page = browser.open(switch_server, hit)
            st = page.wait(lambda: (s := state(driver))["choice"] == fw and s, 5, f"{fw} shown for {word!r}")
            check_consistent(st, fw)
            marked = driver.execute_script("return [...document.querySelectorAll('.bd-article .highlighted')]"
                                           ".map(e => e.closest('.d2l-switch-panel').dataset.framework);")
            assert marked and set(marked) == {fw}, marked  # the searched word, marked where it is
            assert blocking(audit(driver), EVERY_IMPACT) == [], f"the page with {word!r} marked"
            if fw == "pytorch":
                wait_announced(page, "Showing the PyTorch code: it holds the words you searched for")
                # for this page only: the reader's choice stays MXNet
                assert driver.execute_script("return localStorage.getItem('d2l-framework')") in (None, "mxnet")
            assert page.console_errors() == []
            assert remote_requests(page.requests(), switch_server) == []


def phone_width(driver):
    """The page at a phone's width: the tabs visible, side by side, nothing wider than the screen."""
    size = driver.get_window_size()
    driver.set_window_size(PHONE_WIDTH, size["height"])
    try:
        next_frames(driver)
        got = driver.execute_script(OVERFLOW)
        tabs = driver.execute_script("""return [...document.querySelectorAll('.d2l-switch-tab')].map(t => {
            const r = t.getBoundingClientRect(); return [r.left, r.right, r.height]; });""")
    finally:
        driver.set_window_size(size["width"], size["height"])
        next_frames(driver)
    problems = []
    if got["width"] != PHONE_WIDTH or got["count"] or got["page"] > got["width"]:
        problems.append(f"{got}")
    if not tabs or any(left < 0 or right > PHONE_WIDTH or height < 24 for left, right, height in tabs):
        problems.append(f"tabs: {tabs}")
    return problems


def open_file(browser, path):
    """A page of a site opened from disk (file://), ready."""
    import site_browser
    browser.drain()
    url = Path(path).resolve().as_uri()
    browser.driver.get(url)
    return site_browser.SitePage(browser.driver, Path(path).name, url).wait_ready()


@pytest.mark.browser
def test_pages_opened_from_disk_switch_and_remember(browser, switch_site):
    driver = browser.driver
    page = open_file(browser, switch_site / "01_first.html")
    driver.execute_script(CLEAR)
    page = open_file(browser, switch_site / "01_first.html")
    check_consistent(state(driver), "mxnet")
    assert sorted(v["status"] for v in page.views) == ["mounted", "mounted"]  # the explorers too
    focus_tab(driver, 1, "pytorch").send_keys(Keys.ENTER)
    wait_announced(page, "Showing the PyTorch code")
    check_consistent(state(driver), "pytorch")
    errors = page.console_errors()
    page = open_file(browser, switch_site / "02_second.html")
    check_consistent(state(driver), "pytorch")
    errors += page.console_errors()
    outside = [u for u in page.requests() if not u.startswith(("file://", "data:", "blob:"))]
    driver.execute_script(CLEAR)
    assert errors == [] and outside == []


# ---------------------------------------------------------------- lesson 4 of the course itself

LESSON = "04_padding_and_stride.html"


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_lesson_4_switch_in_both_themes_with_either_framework(browser, server, artifacts, theme):
    page = fresh(browser, server, LESSON, theme=theme)
    try:
        check_lesson_4(page, server, artifacts, theme)
    finally:  # the other tests of this server's pages see a first visit's choice
        page.driver.execute_script(CLEAR)


def check_lesson_4(page, server, artifacts, theme):
    driver = page.driver
    st = state(driver)
    assert len(st["switches"]) == len(course_pages.framework_groups(NOTEBOOKS / "04_padding_and_stride.ipynb")) > 0
    check_consistent(st, "mxnet")
    for fw, key in (("pytorch", Keys.ARROW_RIGHT), ("mxnet", Keys.HOME)):
        focus_tab(driver, 1, "mxnet" if fw == "pytorch" else "pytorch").send_keys(key)
        wait_announced(page, f"Showing the {NAMES[fw]} code")
        check_consistent(state(driver), fw)
        focus_tab(driver, 1, fw).click()  # a click on the selected tab: nothing changes
        assert blocking(audit(driver), EVERY_IMPACT) == [], f"{LESSON}, {theme}, {fw} selected"
        assert phone_width(driver) == [], f"{LESSON}, {theme}, {fw} selected, at {PHONE_WIDTH} px"
        for width in (1280, PHONE_WIDTH):
            screenshot(driver, artifacts / f"site-switch-{theme}-{fw}-{width}.png", width)
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []


def settled(driver):
    """Two frames later, and the theme's transitions (sidebars sliding, colours) finished."""
    driver.execute_async_script("""
        const done = arguments[0];
        requestAnimationFrame(() => requestAnimationFrame(() => {
            const running = document.getAnimations().map(a => a.finished.catch(() => null));
            Promise.race([Promise.all(running), new Promise(r => setTimeout(r, 3000))]).then(() => done());
        }));""")


def screenshot(driver, path, width):
    """The page's first switch, near the top of a window ``width`` px wide, the tab not focused."""
    size = driver.get_window_size()
    driver.set_window_size(width, 900)
    try:
        settled(driver)
        driver.execute_script("document.activeElement.blur(); const s = document.querySelector('.d2l-switch');"
                              "s.scrollIntoView({block: 'start'}); window.scrollBy(0, -60);")
        settled(driver)
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(size["width"], size["height"])
        next_frames(driver)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["nn.Conv2D", "nn.Conv2d"])
def test_search_finds_the_lesson_by_either_frameworks_layer(browser, server, query):
    """Sphinx's search reads words case-blind: Gluon's nn.Conv2D and PyTorch's nn.Conv2d both find lesson 4,
    whose framework cells use them (wherever they are hidden by the switch)."""
    page = browser.open(server, f"search.html?q={urllib.parse.quote(query)}")
    found = page.wait(lambda: page.driver.execute_script(
        "return [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'));"),
        30, f"search results for {query!r}")
    # the words are kept for the next page opened (sphinx_highlight.js): not for the other tests' pages
    page.driver.execute_script("localStorage.removeItem('sphinx_highlight_terms');")
    assert any(h.startswith(LESSON) for h in found), found
    assert page.console_errors() == []
    assert remote_requests(page.requests(), server) == []
