"""What the site's pages must hold, read from the notebooks themselves (shared by the site tests).

The site has one page per notebook, showing both editions (notebooks/mxnet/, notebooks/pytorch/: same file
names): the pages are listed from the MXNet edition; a page holds the MXNet edition's cells (shared and
``mxnet``-tagged) and the PyTorch edition's ``pytorch``-tagged cells, each framework's under a switch.
"""
import json
import re
from pathlib import Path

import lab_browser  # axe_script(): the axe-core pinned in package.json

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = ROOT / "notebooks"
NOTEBOOKS = EDITIONS / "mxnet"
PYTORCH = EDITIONS / "pytorch"
FRAMEWORKS = ("mxnet", "pytorch")
COLAB_TAG = "colab-setup"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
# myst-nb shows one type per output, preferring these to an image (its HTML priority list)
BEFORE_IMAGES = (VIEW_MIME, "application/javascript", "text/html")


def notebooks():
    found = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def page_of(notebook):
    """The site page of a notebook: 00_index.ipynb -> index.html, solutions/x.ipynb -> solutions/x.html."""
    rel = Path(notebook).relative_to(NOTEBOOKS)
    return "index.html" if rel.as_posix() == "00_index.ipynb" else rel.with_suffix(".html").as_posix()


def is_lesson(notebook):
    rel = Path(notebook).relative_to(NOTEBOOKS).as_posix()
    return re.fullmatch(r"\d\d_.+\.ipynb", rel) is not None and not rel.startswith("00_")


def load(notebook):
    return json.loads(Path(notebook).read_text())


def pytorch_of(notebook):
    """The PyTorch edition of a notebook of the MXNet edition."""
    return PYTORCH / Path(notebook).relative_to(NOTEBOOKS)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def framework_of(cell):
    return next((t for t in tags(cell) if t in FRAMEWORKS), None)


def page_cells(notebook):
    """The cells a notebook's page shows: the MXNet edition's (shared and mxnet-tagged) and the PyTorch
    edition's pytorch-tagged ones."""
    return load(notebook)["cells"] + [c for c in load(pytorch_of(notebook))["cells"] if framework_of(c) == "pytorch"]


def framework_groups(notebook):
    """The framework groups of a page, in order: [{"mxnet": [cell, ...], "pytorch": [cell, ...]}], the runs
    of framework-tagged cells between two shared cells, in the editions' common cell order (their ids,
    c000, c001, ...: tools/editions.py)."""
    cells = {}
    for nb in (load(notebook), load(pytorch_of(notebook))):
        for cell in nb["cells"]:
            if COLAB_TAG not in tags(cell):
                cells.setdefault(int(cell["id"][1:]), cell)
    groups, previous = [], None
    for at in sorted(cells):
        fw = framework_of(cells[at])
        if fw is not None:
            if previous is None:
                groups.append({f: [] for f in FRAMEWORKS})
            groups[-1][fw].append(cells[at])
        previous = fw
    return groups


def expected_figures(notebook):
    """How many stored outputs the page shows as images."""
    count = 0
    for cell in page_cells(notebook):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if any(m in data for m in IMAGE_MIMES) and not any(m in data for m in BEFORE_IMAGES):
                count += 1
    return count


def has_math(notebook):
    text = "\n".join("".join(c["source"]) for c in page_cells(notebook) if c["cell_type"] == "markdown")
    return re.search(r"\$[^$\s][^$]*\$", text) is not None


CONTENT_PAGES = [page_of(p) for p in notebooks()] + ["solutions/index.html"]
#: Sphinx's own pages: the search page and the (empty) general index.
SPHINX_PAGES = ["search.html", "genindex.html"]
LESSON_PAGES = ["index.html"] + [page_of(p) for p in notebooks() if is_lesson(p)]
NOTEBOOK_OF = {page_of(p): p for p in notebooks()}


def saved_widget_models(page_html):
    """{model_id: entry} of the widget state embedded in a built page."""
    models = {}
    for body in re.findall(rf'<script type="{re.escape(STATE_MIME)}">(.*?)</script>', page_html, re.S):
        models.update(json.loads(body)["state"])
    return models


def anywidget_models(page_html):
    return {k: v for k, v in saved_widget_models(page_html).items() if v.get("model_module") == "anywidget"}


# ---- browser helpers
BLOCKING = ("serious", "critical")

#: JavaScript shared by the scripts below: a CSS colour as [r, g, b, alpha], its relative luminance
#: (0 black .. 1 white, WCAG), and the kind of code block an element sits in (code, output, other).
_PAGE_JS = """
const rgba = s => { const v = (s.match(/[\\d.]+/g) || []).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                             return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const blockKind = el => el.closest('.cell_output') ? 'output' : el.closest('.cell_input') ? 'input' : 'other';
"""

# preload: false: axe would otherwise fetch the stylesheets itself (for one rule, css-orientation-lock)
# and resolve the theme's @import "../basic.css" against the page instead of the stylesheet: a
# spurious 404 on every page.
#
# Code cells hold thousands of highlighted tokens. A token's colour comes from its class alone
# (Pygments' stylesheet), on the background of its block, so every rule runs on the whole page
# with one token of each class in each kind of block (code, output, other) kept as it is; in each
# block, the runs of other tokens between those become one plain text node while axe runs (the
# block's own nodes are put back afterwards). The text stays, and the audit is several times
# faster than checking or excluding each token.
_RUN_AXE = _PAGE_JS + """
const done = arguments[arguments.length - 1];
const seen = new Set(), swapped = [];
for (const pre of document.querySelectorAll('.highlight pre')) {
    const where = blockKind(pre);
    const nodes = Array.from(pre.childNodes), shown = [];
    let text = '', merged = false;
    for (const node of nodes) {
        const key = node.nodeType === Node.ELEMENT_NODE ? `${where} ${node.tagName} ${node.className}` : null;
        if (key !== null && !seen.has(key)) {
            seen.add(key);
            if (text) shown.push(document.createTextNode(text));
            text = '';
            shown.push(node);
        } else {
            text += node.textContent;
            merged = merged || key !== null;
        }
    }
    if (!merged) continue;
    if (text) shown.push(document.createTextNode(text));
    pre.replaceChildren(...shown);
    swapped.push([pre, nodes]);
}
const restore = () => { for (const [pre, nodes] of swapped) pre.replaceChildren(...nodes); };
const options = {resultTypes: ['violations'], preload: false};
if (arguments[0]) options.runOnly = arguments[0];
axe.run({include: [['html']]}, options).then(
    r => { restore(); done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                  summary: (n.failureSummary || '').slice(0, 300)}))}))); },
    e => { restore(); done('axe failed: ' + e); });
"""


#: The rules whose result depends on the colour theme (the others see the same DOM in both themes).
THEME_RULES = ["color-contrast", "link-in-text-block"]


def audit(driver, rules=None):
    """axe-core's violations on the current page: [{id, impact, help, nodes}] (only ``rules`` if given)."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(lab_browser.axe_script())
    result = driver.execute_async_script(_RUN_AXE, rules)
    if isinstance(result, str):
        raise RuntimeError(result)
    return result


def blocking(violations, impacts=BLOCKING):
    """One line per violation of the given impacts, serious or critical by default (empty when none)."""
    return [f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(f"{n['target']} {n['summary']}" for n in v["nodes"][:4])
            for v in violations if v["impact"] in impacts]


#: Every impact axe-core reports: the course's own pages have no violation at all.
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def remote_requests(urls, server):
    """The URLs not served by ``server`` (data: and blob: URLs are made by the page itself)."""
    return [u for u in urls if not u.startswith((server.url + "/", "data:", "blob:", "about:"))]


#: axe reports code tokens as "incomplete" (it cannot tell their background), not as violations, so
#: their contrast is measured here: one token of each class in each kind of block, its colour against
#: the nearest background behind it, WCAG's contrast ratio (at least 4.5:1 for text this size).
CODE_CONTRAST = _PAGE_JS + """
const background = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor);
                           if (c[3] > 0.99) return c; } return [255, 255, 255, 1]; };
const seen = new Set(), low = [];
let checked = 0;
for (const span of document.querySelectorAll('.highlight pre span')) {
    if (!span.textContent.trim()) continue;
    const key = blockKind(span) + ' ' + span.className;
    if (seen.has(key)) continue;
    seen.add(key);
    const fg = rgba(getComputedStyle(span).color), bg = background(span);
    const mix = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mix), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (ratio < 4.5) low.push(`${key} "${span.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
}
return {checked, low};
"""


#: Pages saved as screenshots (tests/site/artifacts/site-<name>-<theme>.png) in both themes.
SCREENSHOTS = {"index.html": "index", "04_padding_and_stride.html": "lesson04"}

#: The framework switch (tools/build_site.py, site/_static/d2l-switch.js): each switch's tabs, panels and
#: their ARIA state, the page's choice, and what the announcer says.
SWITCHES = """
const announcer = document.querySelector('.d2l-switch-announce');
return {choice: document.documentElement.dataset.d2lFramework,
        announced: announcer ? announcer.textContent : null,
        focus: document.activeElement && document.activeElement.id,
        switches: Array.from(document.querySelectorAll('.d2l-switch')).map(s => ({
    id: s.id,
    tablist: !!s.querySelector(':scope > [role=tablist]'),
    tabs: Array.from(s.querySelectorAll('[role=tab]')).map(t => ({id: t.id, fw: t.dataset.framework,
        name: t.textContent.trim(), selected: t.getAttribute('aria-selected'), tabindex: t.tabIndex,
        controls: t.getAttribute('aria-controls'), shown: t.getClientRects().length > 0})),
    panels: Array.from(s.querySelectorAll(':scope > [role=tabpanel]')).map(p => ({id: p.id, fw: p.dataset.framework,
        labelledby: p.getAttribute('aria-labelledby'), hidden: p.hidden,
        shown: p.getClientRects().length > 0 && getComputedStyle(p).display !== 'none'}))}))};
"""

#: The page's theme, the relative luminance (0 black .. 1 white) of its background and of its body
#: text, and of the background of every stored figure (with its CSS filter).
COLOURS = _PAGE_JS + """
const bg = getComputedStyle(document.body).backgroundColor;
const text = getComputedStyle(document.querySelector('article.bd-article p') || document.body).color;
const figures = Array.from(document.querySelectorAll('.cell_output img')).map(img => {
    const s = getComputedStyle(img);
    return {bg: lum(rgba(s.backgroundColor)), filter: s.filter};
});
return {theme: document.documentElement.dataset.theme, bg: lum(rgba(bg)), text: lum(rgba(text)), figures};
"""


#: At a phone's width (test_pages, 390 px): every element of the article that reaches past the screen's
#: edge without a scrolling box of its own that fits, or that a box with overflow hidden cuts off;
#: explorers wider than their box; kernel values wider than their input box; an empty band under an
#: explorer's drawing (its box kept a height the scaled-down drawing no longer has); a formula that scrolls but
#: that the keyboard cannot reach. {width, page (the document's scroll width), problems, count}.
PHONE_WIDTH = 390
OVERFLOW = """
const vw = document.documentElement.clientWidth, out = [];
const scrolls = s => s.overflowX === 'auto' || s.overflowX === 'scroll';
const clips = s => s.overflowX === 'hidden' || s.overflowX === 'clip';
for (const el of document.querySelectorAll('article *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('mjx-assistive-mml, .d2l-announce, .d2l-switch-announce')) continue;
    let problem = null, scroller = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p), q = p.getBoundingClientRect();
        if (scrolls(s)) { scroller = true; if (q.right > vw + 0.5 || q.left < -0.5) problem = 'its scrolling box is wider than the screen'; break; }
        if (clips(s) && (r.right > q.right + 1 || r.left < q.left - 1)) { problem = 'cut off'; break; }
    }
    if (!problem && !scroller && (r.right > vw + 0.5 || r.left < -0.5)) problem = 'wider than the screen';
    if (problem) out.push(`${problem}: <${el.tagName.toLowerCase()} class="${el.getAttribute('class') || ''}"> ` +
                          `${Math.round(r.left)}..${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 40)}"`);
}
for (const w of document.querySelectorAll('.d2l-explorer'))
    if (w.scrollWidth > w.clientWidth + 1) out.push(`explorer ${w.dataset.explorer} ${w.scrollWidth} px in ${w.clientWidth}`);
const ctx = document.createElement('canvas').getContext('2d');
for (const box of document.querySelectorAll('.d2l-explorer input[type=number]')) {
    if (!box.getClientRects().length) continue;  // in the framework panel that is not shown
    const s = getComputedStyle(box);
    ctx.font = `${s.fontSize} ${s.fontFamily}`;
    const room = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 16;  // the spin buttons
    if (ctx.measureText(box.value).width > room) out.push(`kernel value "${box.value}" wider than its box (${room} px)`);
}
for (const d of document.querySelectorAll('.d2l-drawing')) {
    const svg = d.querySelector('svg');
    if (svg && !d.hidden && d.clientHeight > svg.getBoundingClientRect().height + 4)
        out.push(`an empty band of ${Math.round(d.clientHeight - svg.getBoundingClientRect().height)} px under a drawing`);
}
for (const m of document.querySelectorAll('span.math'))
    if (m.scrollWidth > m.clientWidth + 1 && m.getAttribute('tabindex') !== '0') out.push('a scrolling formula the keyboard cannot reach');
return {width: vw, page: document.documentElement.scrollWidth, problems: out.slice(0, 8), count: out.length};
"""
