// The framework switch of the course website: every lesson page shows both editions of the course
// (MXNet and PyTorch); where their code differs, tools/build_site.py writes a switch (WAI-ARIA tabs):
//
//   <div class="d2l-switch" id="d2l-fw-N">
//     <div class="d2l-switch-tabs" role="tablist"> <button role="tab" data-framework="mxnet"> ... </div>
//     <div class="d2l-switch-panel" role="tabpanel" data-framework="mxnet"> the MXNet cells </div>
//     <div class="d2l-switch-panel" role="tabpanel" data-framework="pytorch"> the PyTorch cells </div>
//   </div>
//
// One choice holds for every switch of every page: <html data-d2l-framework="mxnet|pytorch">, set before
// the page is drawn by the small script in the page's <head> (site/d2l_site.py: the reader's last choice
// from localStorage["d2l-framework"], a "?framework=pytorch" query, else MXNet), hides the other
// framework's panels (d2l-site.css). This script keeps the tabs' ARIA state in step (aria-selected,
// roving tabindex, the panels' `hidden`), and handles the reader's choice: a click, Enter or Space on a
// tab; the arrow keys, Home and End move along the tabs and select (automatic activation). A choice is
// remembered (localStorage: also on pages opened from disk), followed by the page's other switches at
// once (the switch the reader used stays where it is on the screen) and by the site's other open tabs,
// and announced in a role="status" region ("Showing the PyTorch code").
//
// A search hit in the framework that is not shown: Sphinx's search page keeps the searched words for the
// page it opens (localStorage["sphinx_highlight_terms"]), whose sphinx_highlight.js would mark them, but
// only where searchtools.js is absent, and this theme loads it on every page (for its search dialog): so
// this script asks sphinx_highlight.js to mark them. When every marked word in the article sits in a
// hidden panel, that framework is shown, for this page only (the reader's remembered choice does not
// change), and announced. (Escape removes the marks: sphinx_highlight.js.)
"use strict";

(() => {
  const KEY = "d2l-framework";
  const FRAMEWORKS = ["mxnet", "pytorch"];
  const NAMES = { mxnet: "MXNet", pytorch: "PyTorch" };
  const root = document.documentElement;
  let announcer = null;

  const valid = (fw) => FRAMEWORKS.includes(fw);
  const current = () => (valid(root.dataset.d2lFramework) ? root.dataset.d2lFramework : FRAMEWORKS[0]);

  function stored() {
    try {
      const fw = localStorage.getItem(KEY);
      return valid(fw) ? fw : null;
    } catch (err) {
      return null; // storage refused (a privacy setting): the choice lasts for this page
    }
  }

  function remember(fw) {
    try {
      localStorage.setItem(KEY, fw);
    } catch (err) {
      // nothing to do: see stored()
    }
  }

  function announce(text) {
    if (!announcer) return;
    // emptied first, so that the same words said twice are spoken twice
    announcer.textContent = "";
    requestAnimationFrame(() => {
      announcer.textContent = text;
    });
  }

  /** Show framework `fw` in every switch of the page. */
  function show(fw, { anchor = null, save = true, say = true, why = "" } = {}) {
    if (!valid(fw)) return;
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    const changed = fw !== current();
    root.dataset.d2lFramework = fw;
    for (const tab of document.querySelectorAll(".d2l-switch-tab")) {
      const on = tab.dataset.framework === fw;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const panel of document.querySelectorAll(".d2l-switch-panel")) {
      panel.hidden = panel.dataset.framework !== fw;
    }
    if (save) remember(fw);
    if (anchor) {
      // the panels above changed height: keep the switch the reader used where it was on the screen
      const moved = anchor.getBoundingClientRect().top - before;
      if (Math.abs(moved) > 0.5) window.scrollBy(0, moved);
    }
    if (say && changed) announce(`Showing the ${NAMES[fw]} code${why}`);
    // explorers in a panel shown now may lay themselves out again
    if (changed) window.dispatchEvent(new Event("resize"));
  }

  function select(tab) {
    show(tab.dataset.framework, { anchor: tab });
    tab.focus();
  }

  function onClick(event) {
    const tab = event.target.closest && event.target.closest(".d2l-switch-tab");
    if (tab) select(tab);
  }

  function onKey(event) {
    const tab = event.target.closest && event.target.closest(".d2l-switch-tab");
    if (!tab || event.altKey || event.ctrlKey || event.metaKey) return;
    const tabs = Array.from(tab.closest('[role="tablist"]').querySelectorAll('[role="tab"]'));
    const i = tabs.indexOf(tab);
    const n = tabs.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(tabs[to]);
  }

  function followSearch() {
    const marks = Array.from(document.querySelectorAll(".bd-article .highlighted"));
    if (!marks.length || marks.some((m) => !m.closest(".d2l-switch-panel[hidden]"))) return;
    const panel = marks[0].closest(".d2l-switch-panel");
    show(panel.dataset.framework, { save: false, why: ": it holds the words you searched for" });
    marks[0].scrollIntoView({ block: "center" });
  }

  function highlightSearchWords() {
    // `SphinxHighlight` is sphinx_highlight.js's (a global const); not on the search page itself
    if (typeof SphinxHighlight === "undefined" || document.getElementById("search-results")) return;
    if (typeof SphinxHighlight.highlightSearchWords === "function") SphinxHighlight.highlightSearchWords();
  }

  function start() {
    highlightSearchWords();
    const switches = document.querySelectorAll(".d2l-switch");
    if (!root.dataset.d2lFramework) root.dataset.d2lFramework = stored() || FRAMEWORKS[0];
    if (!switches.length) return;
    const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    announcer = document.createElement("div");
    announcer.className = "d2l-switch-announce";
    announcer.setAttribute("role", "status");
    announcer.setAttribute("aria-live", "polite");
    announcer.setAttribute("aria-atomic", "true");
    article.appendChild(announcer);
    show(current(), { save: false, say: false });
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    window.addEventListener("storage", (event) => {
      if (event.key === KEY && valid(event.newValue)) show(event.newValue, { save: false, say: false });
    });
    // Sphinx highlights the searched words 10 ms after the document is ready (sphinx_highlight.js): after that
    if (document.readyState === "complete") setTimeout(followSearch, 50);
    else window.addEventListener("load", () => setTimeout(followSearch, 50));
  }

  window.d2lSwitch = { show, current, stored, KEY };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
